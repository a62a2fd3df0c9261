#pragma once
// What several benchmark programs share: the bundled profile, the regional skeleton graph and its snapper,
// and a fixed-seed sample of commune centres standing for places.
#include <random>
#include <vector>

#include "core/paths.hpp"
#include "roads/importers.hpp"
#include "routing/snap.hpp"
#include "territory/communes.hpp"

namespace maillage::bench {

inline const roads::Profile& profile() {
  static const roads::Profile p = roads::Profile::load(paths::data_file("profiles/car.json"));
  return p;
}
inline std::vector<std::string> skeleton_files() {
  return {paths::data_file("roads/tm_fra_naq_waypoints.csv.gz"), paths::data_file("roads/tm_neighbours30km_waypoints.csv.gz")};
}
inline const roads::RoadGraph& skeleton() {
  static const roads::RoadGraph g = roads::build_from_skeleton(skeleton_files(), profile(), "{}");
  return g;
}
inline const routing::Snapper& skeleton_snapper() {
  static const routing::Snapper s(skeleton(), routing::SnapOptions::from(profile()));
  return s;
}
// n commune centres drawn with a fixed seed (the same communes in every program).
inline std::vector<const territory::Commune*> commune_sample(int n, unsigned seed) {
  auto& communes = territory::CommuneTable::bundled().all();
  std::mt19937 rng(seed);
  std::vector<const territory::Commune*> out;
  for (int i = 0; i < n; ++i) out.push_back(&communes[rng() % communes.size()]);
  return out;
}

}  // namespace maillage::bench

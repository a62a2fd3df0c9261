#pragma once
// What several benchmark programs share: the bundled profile, the regional skeleton graph and its snapper,
// a fixed-seed sample of commune centres standing for places, and the generated 5-million-node graph.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>
#include <vector>

#include "core/paths.hpp"
#include "roads/builder.hpp"
#include "roads/importers.hpp"
#include "routing/snap.hpp"
#include "territory/communes.hpp"

namespace maillage::bench {

// The q-quantile of timings (0.5: the median; 0.99), 0 for none.
inline double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

inline const roads::Profile& profile() {
  static const roads::Profile p = roads::Profile::load(paths::data_file("profiles/car.json"));
  return p;
}
inline std::vector<std::string> skeleton_files() {
  return {paths::data_file("roads/tm_fra_naq_waypoints.csv.gz"),
          paths::data_file("roads/tm_neighbours30km_waypoints.csv.gz")};
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

// A road-like graph spanning about 85,000 km2 around the region's centre: a jittered grid of local roads at
// 30-50 km/h with missing links and 10 % one-way streets, and a sparse network of fast corridors (every ~10 km,
// 90-110 km/h). Fixed seed.
inline const roads::RoadGraph& generated() {
  static const roads::RoadGraph g = [] {
    size_t target = 5'000'000;
    if (const char* e = std::getenv("MAILLAGE_BENCH_NODES")) target = std::strtoull(e, nullptr, 10);
    int side = static_cast<int>(std::sqrt(static_cast<double>(target)));
    const double extent_km = std::sqrt(85000.0);
    const double step_km = extent_km / side;
    const double lat0 = 43.9, lon0 = -1.4;
    const double dlat = step_km / 111.2, dlon = step_km / (111.2 * std::cos(45.2 * M_PI / 180));
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> jit(-0.35, 0.35), unit(0, 1);
    roads::GraphBuilder b;
    std::vector<geo::LonLat> at(static_cast<size_t>(side) * side);
    for (int i = 0; i < side; ++i)
      for (int j = 0; j < side; ++j) {
        at[static_cast<size_t>(i) * side + j] = {lon0 + (j + jit(rng)) * dlon, lat0 + (i + jit(rng)) * dlat};
        b.add_node(at[static_cast<size_t>(i) * side + j]);
      }
    int corridor = std::max(2, static_cast<int>(10.0 / step_km));
    auto link = [&](size_t p, size_t q, bool fast) {
      if (!fast && unit(rng) < 0.12) return;
      double len = geo::haversine_m(at[p], at[q]) * 1.1;
      double kmh = fast ? 90 + 20 * unit(rng) : 30 + 20 * unit(rng);
      double s = len / (kmh / 3.6), fwd = s, bwd = s;
      if (!fast && unit(rng) < 0.10) (unit(rng) < 0.5 ? fwd : bwd) = -1;
      b.add_edge(static_cast<roads::NodeId>(p), static_cast<roads::NodeId>(q), {}, len, fwd, bwd,
                 fast ? roads::RoadClass::trunk : roads::RoadClass::residential, "");
    };
    for (int i = 0; i < side; ++i)
      for (int j = 0; j < side; ++j) {
        size_t p = static_cast<size_t>(i) * side + j;
        if (j + 1 < side) link(p, p + 1, i % corridor == 0);
        if (i + 1 < side) link(p, p + side, j % corridor == 0);
      }
    return b.finish();
  }();
  return g;
}
}  // namespace maillage::bench

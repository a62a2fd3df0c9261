// The regional road skeleton drawn on a base map: one LineString per route, classed as the car profile classes
// its Travel Mapping system.
#include <cmath>

#include "roads/importers.hpp"

namespace maillage::roads {

using nlohmann::json;

namespace {
std::string map_class(const std::string& profile_class) {
  if (profile_class == "autoroute") return "motorway";
  if (profile_class == "nationale" || profile_class == "e_road") return "trunk";
  return "secondary";
}
double round5(double v) { return std::round(v * 1e5) / 1e5; }
}  // namespace

json skeleton_geojson(const std::vector<SkeletonRoute>& routes, const Profile& profile, bool main_roads) {
  json features = json::array();
  for (auto& r : routes) {
    auto cls = map_class(profile.skeleton_class(r.system));
    if ((cls != "secondary") != main_roads || r.points.size() < 2) continue;
    json coords = json::array();
    for (auto& p : r.points) coords.push_back({round5(p.at.lon), round5(p.at.lat)});
    features.push_back({{"type", "Feature"},
                        {"properties", {{"class", cls}, {"ref", r.name}, {"system", r.system}}},
                        {"geometry", {{"type", "LineString"}, {"coordinates", std::move(coords)}}}});
  }
  return {{"type", "FeatureCollection"}, {"features", std::move(features)}};
}

}  // namespace maillage::roads

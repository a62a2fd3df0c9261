#pragma once
#include <cmath>
#include <optional>

#include "core/paths.hpp"
#include "roads/graph.hpp"
#include "roads/profile.hpp"

namespace maillage::test {

inline const roads::Profile& car_profile() {
  static const roads::Profile p = roads::Profile::load(paths::data_file("profiles/car.json"));
  return p;
}

// The node at these coordinates (exactly, 1e-7 degree), if any.
inline std::optional<roads::NodeId> node_at(const roads::RoadGraph& g, double lon, double lat) {
  for (roads::NodeId v = 0; v < g.node_count(); ++v)
    if (g.lon_e7[v] == std::lround(lon * 1e7) && g.lat_e7[v] == std::lround(lat * 1e7)) return v;
  return std::nullopt;
}

// Weight of the arc a -> b, or kInfinity.
inline roads::Millis arc(const roads::RoadGraph& g, roads::NodeId a, roads::NodeId b) {
  for (uint32_t i = g.first_out[a]; i < g.first_out[a + 1]; ++i)
    if (g.out[i].node == b) return g.out[i].weight;
  return roads::kInfinity;
}

}  // namespace maillage::test

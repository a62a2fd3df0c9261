#pragma once
// Road graph importers: OpenStreetMap (PBF, XML, OPL through libosmium) and the regional road skeleton (Travel
// Mapping waypoints). Both apply the car profile and hand nodes and edges to the GraphBuilder.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "roads/builder.hpp"
#include "roads/profile.hpp"

namespace maillage::roads {

struct OsmImportStats {
  size_t ways_read = 0, car_ways = 0, ferry_ways = 0, excluded_access = 0, maxspeed_used = 0, maxspeed_unparsed = 0,
         oneway_ways = 0, missing_nodes = 0;
  std::string str() const;
};

// A way's car attributes from its tags (exposed for tests). usable == false: not a car road.
struct WayAttributes {
  bool usable = false;
  bool ferry = false;
  RoadClass cls = RoadClass::other;
  double speed_fwd_kmh = 0, speed_bwd_kmh = 0;  // 0: direction not allowed
  double fixed_seconds = -1;                    // ferry duration, when tagged
  std::string name;
};
struct TagLookup {
  virtual const char* get(const char* key) const = 0;
  virtual ~TagLookup() = default;
};
WayAttributes way_attributes(const TagLookup& tags, const Profile& profile, OsmImportStats* stats = nullptr);

RoadGraph build_from_osm(const std::string& path, const Profile& profile, const std::string& profile_json,
                         BuildReport* report = nullptr, OsmImportStats* stats = nullptr);

// Travel Mapping waypoint CSVs (columns [region,] system, route_file, seq, label, alt_labels, lat, lon, hidden).
struct SkeletonRoute {
  struct Waypoint {
    int seq;
    geo::LonLat at;
    std::string label;
    bool hidden;
  };
  std::string key;               // [region/]route_file
  std::string system;            // Travel Mapping system: fraa, fran, eure, franaqd33...
  std::string name;              // "D116"
  std::vector<Waypoint> points;  // in order along the route
};
// The routes of the files, sorted by key; InputError (file:line) on a bad row or a missing column.
std::vector<SkeletonRoute> read_skeleton(const std::vector<std::string>& csv_paths);
// The local layer of a skeleton graph (issue #15, docs/profile.md): places the numbered roads miss (commune
// centres), the pairs of them that are neighbours, and the land test a link must pass. Each centre is linked to
// its neighbours and to its nearest skeleton waypoints of departmental or national roads, each link as straight
// distance x circuity at the local speed (profile: skeleton class "locale").
struct LocalLayer {
  std::vector<geo::LonLat> centres;
  std::vector<std::pair<uint32_t, uint32_t>> adjacent;
  std::function<bool(geo::LonLat, geo::LonLat)> on_land;  // the straight segment stays on land
};
// `local`: null for the numbered roads only.
RoadGraph build_from_skeleton(const std::vector<std::string>& csv_paths, const Profile& profile,
                              const std::string& profile_json, BuildReport* report = nullptr,
                              const LocalLayer* local = nullptr);
// "franaq.d000116" -> "D116", "franaq.a010" -> "A10".
std::string skeleton_route_name(const std::string& route_file);

// The routes as GeoJSON LineStrings for a base map, with properties `class` (motorway for the profile's
// autoroute class, trunk for nationale and e_road, secondary for the rest), `ref` ("A10") and `system`.
// main_roads: only motorway and trunk; else only the secondary roads. Coordinates rounded to 1e-5 degree.
nlohmann::json skeleton_geojson(const std::vector<SkeletonRoute>& routes, const Profile& profile, bool main_roads);

}  // namespace maillage::roads

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "roads/importers.hpp"

namespace maillage::roads {

std::string skeleton_route_name(const std::string& route_file) {
  auto dot = route_file.rfind('.');
  std::string s = dot == std::string::npos ? route_file : route_file.substr(dot + 1);
  if (s.empty()) return route_file;
  std::string out(1, static_cast<char>(std::toupper(static_cast<unsigned char>(s[0]))));
  size_t i = 1;
  while (i < s.size() && s[i] == '0') ++i;
  size_t j = i;
  while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
  out += s.substr(i, j - i);
  if (j < s.size()) out += " (" + s.substr(j) + ")";
  return out;
}

std::vector<SkeletonRoute> read_skeleton(const std::vector<std::string>& paths) {
  std::map<std::string, SkeletonRoute> routes;
  for (auto& path : paths) {
    auto t = csv::read(path);
    int c_region = t.column("region"), c_system = t.column("system"), c_file = t.column("route_file"),
        c_seq = t.column("seq"), c_lat = t.column("lat"), c_lon = t.column("lon"), c_label = t.column("label"),
        c_hidden = t.column("hidden");
    for (auto [name, col] :
         {std::pair{"system", c_system}, {"route_file", c_file}, {"seq", c_seq}, {"lat", c_lat}, {"lon", c_lon}})
      if (col < 0) throw InputError(Location{path, 1, 0, name}, fmt::format("missing column '{}'", name));
    for (auto& r : t.rows) {
      long long seq = 0;
      double lat = 0, lon = 0;
      if (!text::parse_int(r.fields[c_seq], seq) || !text::parse_double(r.fields[c_lat], lat) ||
          !text::parse_double(r.fields[c_lon], lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180)
        throw InputError(Location{path, r.line, 0, {}}, "bad seq, lat or lon");
      std::string key = (c_region >= 0 ? r.fields[c_region] + "/" : "") + r.fields[c_file];
      auto& route = routes[key];
      route.key = key;
      route.system = r.fields[c_system];
      route.points.push_back({static_cast<int>(seq),
                              {lon, lat},
                              c_label >= 0 ? r.fields[c_label] : "",
                              c_hidden >= 0 && r.fields[c_hidden] == "1"});
    }
  }
  std::vector<SkeletonRoute> out;
  out.reserve(routes.size());
  for (auto& [key, route] : routes) {
    std::sort(route.points.begin(), route.points.end(), [](auto& a, auto& b) { return a.seq < b.seq; });
    route.name = skeleton_route_name(key.substr(key.find('/') + 1));
    out.push_back(std::move(route));
  }
  return out;
}

namespace {
// A grid of 0.05 degree over nodes, for nearest-node queries within a few km.
struct NodeGrid {
  std::unordered_map<uint64_t, std::vector<NodeId>> cells;
  static uint64_t cell(geo::LonLat p, int dx, int dy) {
    auto cx = static_cast<int64_t>(std::floor(p.lon / 0.05)) + dx,
         cy = static_cast<int64_t>(std::floor(p.lat / 0.05)) + dy;
    return (static_cast<uint64_t>(cx + (1 << 20)) << 32) | static_cast<uint64_t>(cy + (1 << 20));
  }
  void add(NodeId v, geo::LonLat p) { cells[cell(p, 0, 0)].push_back(v); }
  // Nodes within `max_m` of p, nearest first, among the (2 reach + 1)^2 cells around it (a cell is 0.05 degree:
  // 3.5 to 5.5 km here, so `reach` cells must cover max_m).
  std::vector<std::pair<double, NodeId>> near(const GraphBuilder& b, geo::LonLat p, double max_m, int reach) const {
    std::vector<std::pair<double, NodeId>> out;
    for (int dx = -reach; dx <= reach; ++dx)
      for (int dy = -reach; dy <= reach; ++dy) {
        auto it = cells.find(cell(p, dx, dy));
        if (it == cells.end()) continue;
        for (NodeId w : it->second)
          if (double d = geo::haversine_m(p, b.position(w)); d <= max_m) out.emplace_back(d, w);
      }
    std::sort(out.begin(), out.end());
    return out;
  }
};

// The local layer: commune centres joined to their neighbours and to the nearest waypoints of departmental and
// national roads, when the straight segment stays on land.
void add_local_layer(GraphBuilder& b, const LocalLayer& local, const Profile& profile,
                     const std::vector<uint8_t>& joinable, BuildReport& rep) {
  if (!profile.skeleton_speeds_kmh.count("locale"))
    throw Error("profile: the local layer needs skeleton.class_speeds_kmh.locale");
  double speed = profile.skeleton_speeds_kmh.at("locale") / 3.6;
  double circuity = profile.skeleton_circuity.count("locale") ? profile.skeleton_circuity.at("locale") : 1.0;
  NodeGrid grid;
  for (NodeId v = 0; v < b.node_count(); ++v)
    if (v < joinable.size() && joinable[v]) grid.add(v, b.position(v));
  std::vector<NodeId> centre(local.centres.size());
  for (size_t i = 0; i < local.centres.size(); ++i) centre[i] = b.node_at(local.centres[i]);
  auto link = [&](NodeId u, NodeId v) {
    geo::LonLat a = b.position(u), c = b.position(v);
    if (u == v) return;
    if (local.on_land && !local.on_land(a, c)) {
      ++rep.local_links_refused;
      return;
    }
    double len = geo::haversine_m(a, c) * circuity;
    b.add_edge(u, v, {}, len, len / speed, len / speed, RoadClass::locale, "liaison locale");
    ++rep.local_links;
  };
  for (auto [i, j] : local.adjacent)
    if (i < centre.size() && j < centre.size()) link(centre[i], centre[j]);
  int reach = static_cast<int>(std::ceil(profile.local_link_max_m / 3500.0));
  for (size_t i = 0; i < centre.size(); ++i) {
    int made = 0;
    for (auto& [d, w] : grid.near(b, local.centres[i], profile.local_link_max_m, reach)) {
      if (made >= profile.local_links_per_centre) break;
      size_t before = rep.local_links;
      link(centre[i], w);
      made += rep.local_links > before;
    }
  }
}
}  // namespace

RoadGraph build_from_skeleton(const std::vector<std::string>& paths, const Profile& profile,
                              const std::string& profile_json, BuildReport* report, const LocalLayer* local) {
  size_t links = 0;
  BuildReport local_report;
  auto routes = read_skeleton(paths);
  GraphBuilder b;
  // Which nodes a slow (departmental) road touches, which a local link may join (departmental or national
  // roads), and the visible exits of fast roads.
  std::vector<uint8_t> slow, joinable;
  std::vector<std::pair<NodeId, std::string>> exits;  // node, route name
  auto mark = [&](NodeId v, bool is_slow) {
    if (slow.size() <= v) slow.resize(v + 1, 0);
    slow[v] |= is_slow;
  };
  for (auto& route : routes) {
    std::string cls_name = profile.skeleton_class(route.system);
    if (cls_name.empty()) throw Error(fmt::format("profile: no skeleton class for system '{}'", route.system));
    if (cls_name == "nationale" && profile.is_expressway(route.name)) cls_name = "voie_express";
    double speed = profile.skeleton_speeds_kmh.at(cls_name) / 3.6;
    double circuity = profile.skeleton_circuity.at(cls_name);
    RoadClass cls = road_class_from_name(cls_name);
    bool is_slow = cls == RoadClass::departementale;
    bool is_joinable = is_slow || cls == RoadClass::nationale;
    auto& pts = route.points;
    auto& name = route.name;
    for (size_t i = 0; i < pts.size(); ++i) {
      NodeId v = b.node_at(pts[i].at);
      mark(v, is_slow);
      if (joinable.size() <= v) joinable.resize(v + 1, 0);
      joinable[v] |= is_joinable;
      if (!is_slow && !pts[i].hidden && pts[i].label.rfind("Aire", 0) != 0 &&
          pts[i].label.find('/') == std::string::npos)
        exits.emplace_back(v, name);
      if (i + 1 == pts.size()) continue;
      NodeId c = b.node_at(pts[i + 1].at);
      if (v == c) continue;
      double len = geo::haversine_m(pts[i].at, pts[i + 1].at) * circuity;
      double s = len / speed;
      b.add_edge(v, c, {}, len, s, s, cls, name);
    }
  }
  // Link exits that no slower road touches to the nearest departmental-road node (grid of 0.05 degree).
  if (profile.exit_link_max_m > 0) {
    slow.resize(b.node_count(), 0);
    std::unordered_map<uint64_t, std::vector<NodeId>> grid;
    auto cell = [](geo::LonLat p, int dx, int dy) {
      auto cx = static_cast<int64_t>(std::floor(p.lon / 0.05)) + dx,
           cy = static_cast<int64_t>(std::floor(p.lat / 0.05)) + dy;
      return (static_cast<uint64_t>(cx + (1 << 20)) << 32) | static_cast<uint64_t>(cy + (1 << 20));
    };
    for (NodeId v = 0; v < b.node_count(); ++v)
      if (slow[v]) grid[cell(b.position(v), 0, 0)].push_back(v);
    double link_speed = profile.exit_link_speed_kmh / 3.6;
    double circuity =
        profile.skeleton_circuity.count("departementale") ? profile.skeleton_circuity.at("departementale") : 1.0;
    std::sort(exits.begin(), exits.end());
    exits.erase(std::unique(exits.begin(), exits.end(), [](auto& a, auto& c) { return a.first == c.first; }),
                exits.end());
    for (auto& [v, name] : exits) {
      if (slow[v]) continue;
      geo::LonLat p = b.position(v);
      NodeId best = kInvalid;
      double best_d = profile.exit_link_max_m;
      for (int dx = -1; dx <= 1; ++dx)
        for (int dy = -1; dy <= 1; ++dy) {
          auto it = grid.find(cell(p, dx, dy));
          if (it == grid.end()) continue;
          for (NodeId w : it->second) {
            double d = geo::haversine_m(p, b.position(w));
            if (d < best_d) best_d = d, best = w;
          }
        }
      if (best == kInvalid) continue;
      double len = best_d * circuity;
      b.add_edge(v, best, {}, len, len / link_speed, len / link_speed, RoadClass::departementale, "bretelle " + name);
      ++links;
    }
  }
  if (local) add_local_layer(b, *local, profile, joinable, local_report);
  auto g = b.finish(report);
  if (report) {
    report->exit_links = links;
    report->local_links = local_report.local_links;
    report->local_links_refused = local_report.local_links_refused;
  }
  g.source = local ? fmt::format("regional skeleton + local layer ({} links, {} centres): {}", local_report.local_links,
                                 local->centres.size(), text::join(paths, ", "))
                   : "regional skeleton: " + text::join(paths, ", ");
  g.profile_name = profile.name;
  g.profile_json = profile_json;
  return g;
}

}  // namespace maillage::roads

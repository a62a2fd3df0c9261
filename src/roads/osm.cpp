#include <algorithm>
#include <unordered_map>

#include <osmium/io/any_input.hpp>
#include <osmium/osm/node.hpp>
#include <osmium/osm/way.hpp>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "roads/importers.hpp"

namespace maillage::roads {

std::string OsmImportStats::str() const {
  return fmt::format(
      "{} ways read: {} car ways ({} ferries, {} one-way), {} excluded by access tags; maxspeed used on {} ways, "
      "not understood on {}; {} referenced nodes missing from the file",
      ways_read, car_ways, ferry_ways, oneway_ways, excluded_access, maxspeed_used, maxspeed_unparsed, missing_nodes);
}

namespace {
bool is(const char* v, std::initializer_list<const char*> values) {
  if (!v) return false;
  for (auto* x : values)
    if (std::strcmp(v, x) == 0) return true;
  return false;
}

RoadClass class_of_highway(const std::string& hw) {
  auto base = hw.substr(0, hw.find("_link"));
  if (base == "motorway") return RoadClass::motorway;
  if (base == "trunk") return RoadClass::trunk;
  if (base == "primary") return RoadClass::primary;
  if (base == "secondary") return RoadClass::secondary;
  if (base == "tertiary") return RoadClass::tertiary;
  if (base == "unclassified" || base == "road") return RoadClass::unclassified;
  if (base == "residential") return RoadClass::residential;
  if (base == "service") return RoadClass::service;
  if (base == "living_street") return RoadClass::living_street;
  return RoadClass::other;
}

struct WayTags : TagLookup {
  const osmium::TagList& tags;
  explicit WayTags(const osmium::TagList& t) : tags(t) {}
  const char* get(const char* key) const override { return tags[key]; }
};
}  // namespace

WayAttributes way_attributes(const TagLookup& t, const Profile& profile, OsmImportStats* stats) {
  WayAttributes a;
  const char* highway = t.get("highway");
  const char* route = t.get("route");
  bool ferry = is(route, {"ferry"});
  if (!ferry && (!highway || !profile.highway_speeds_kmh.count(highway))) return a;
  if (is(t.get("area"), {"yes"})) return a;
  // Access: the most specific tag wins (motorcar > motor_vehicle > vehicle > access).
  const char* access = nullptr;
  for (auto* key : {"motorcar", "motor_vehicle", "vehicle", "access"})
    if ((access = t.get(key))) break;
  if (is(access, {"no", "private", "agricultural", "forestry", "delivery", "emergency", "military"})) {
    if (stats) ++stats->excluded_access;
    return a;
  }
  if (ferry) {
    a.usable = a.ferry = true;
    a.cls = RoadClass::ferry;
    a.speed_fwd_kmh = a.speed_bwd_kmh = profile.ferry_speed_kmh;
    if (const char* d = t.get("duration")) a.fixed_seconds = parse_duration(d);
  } else {
    a.usable = true;
    std::string hw = highway;
    a.cls = class_of_highway(hw);
    double speed = profile.highway_speeds_kmh.at(hw);
    auto limited = [&](const char* key) {
      const char* v = t.get(key);
      if (!v) return -2.0;
      double kmh = parse_maxspeed(v, profile);
      if (stats) ++(kmh > 0 ? stats->maxspeed_used : stats->maxspeed_unparsed);
      return kmh > 0 ? std::min(speed, kmh * profile.maxspeed_factor) : -1.0;
    };
    double both = limited("maxspeed");
    double fwd = limited("maxspeed:forward"), bwd = limited("maxspeed:backward");
    a.speed_fwd_kmh = fwd > 0 ? fwd : both > 0 ? both : speed;
    a.speed_bwd_kmh = bwd > 0 ? bwd : both > 0 ? both : speed;
  }
  // One-way rules.
  const char* oneway = t.get("oneway");
  bool implied = is(t.get("junction"), {"roundabout", "circular"}) || is(highway, {"motorway", "motorway_link"});
  if (is(oneway, {"yes", "1", "true"}) || (implied && !is(oneway, {"no", "0", "false"}))) {
    a.speed_bwd_kmh = 0;
  } else if (is(oneway, {"-1", "reverse"})) {
    a.speed_fwd_kmh = 0;
  } else if (is(oneway, {"reversible", "alternating"})) {
    a.usable = false;  // direction changes with time: not usable for a fixed-time answer
    return a;
  }
  if (stats && (a.speed_fwd_kmh == 0 || a.speed_bwd_kmh == 0)) ++stats->oneway_ways;
  if (const char* n = t.get("name"))
    a.name = n;
  else if (const char* r = t.get("ref"))
    a.name = r;
  return a;
}

RoadGraph build_from_osm(const std::string& path, const Profile& profile, const std::string& profile_json,
                         BuildReport* report, OsmImportStats* stats_out) {
  OsmImportStats stats;
  // Memory (measured on a generated France-size extract, docs/scale.md): the car ways' node references are kept
  // flat (8 bytes each, no vector per way), their sorted copy gives the referenced ids and their use counts, then
  // the locations of those nodes only (the other nodes of the file are read and skipped); every working array is
  // freed before the graph is finished.
  struct CarWay {
    WayAttributes attr;
    size_t first = 0;  // in refs
    uint32_t count = 0;
  };
  std::vector<CarWay> ways;
  std::vector<osmium::object_id_type> refs;
  try {
    osmium::io::Reader reader{path, osmium::osm_entity_bits::way};
    while (osmium::memory::Buffer buffer = reader.read()) {
      for (auto& way : buffer.select<osmium::Way>()) {
        ++stats.ways_read;
        auto attr = way_attributes(WayTags(way.tags()), profile, &stats);
        if (!attr.usable || way.nodes().size() < 2) continue;
        ++stats.car_ways;
        stats.ferry_ways += attr.ferry;
        ways.push_back({std::move(attr), refs.size(), static_cast<uint32_t>(way.nodes().size())});
        for (auto& nr : way.nodes()) refs.push_back(nr.ref());
      }
    }
    reader.close();
  } catch (const std::exception& e) {
    throw Error(path + ": cannot read OSM data: " + e.what());
  }
  // Node use counts: a node used twice (by two ways, or twice by one) or ending a way is a graph node.
  std::vector<osmium::object_id_type> ids;
  std::vector<uint32_t> uses;
  {
    std::vector<osmium::object_id_type> sorted(refs);
    std::sort(sorted.begin(), sorted.end());
    size_t unique = sorted.empty() ? 0 : 1;
    for (size_t i = 1; i < sorted.size(); ++i) unique += sorted[i] != sorted[i - 1];
    ids.reserve(unique);
    uses.reserve(unique);
    for (size_t i = 0; i < sorted.size();) {
      size_t j = i;
      while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
      ids.push_back(sorted[i]);
      uses.push_back(static_cast<uint32_t>(j - i));
      i = j;
    }
  }
  auto index_of = [&](osmium::object_id_type id) {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    return static_cast<size_t>(it - ids.begin());
  };
  std::vector<geo::LonLat> loc(ids.size());
  std::vector<uint8_t> have(ids.size(), 0);
  try {
    osmium::io::Reader reader{path, osmium::osm_entity_bits::node};
    while (osmium::memory::Buffer buffer = reader.read()) {
      for (auto& node : buffer.select<osmium::Node>()) {
        auto it = std::lower_bound(ids.begin(), ids.end(), node.id());
        if (it == ids.end() || *it != node.id() || !node.location().valid()) continue;
        size_t i = static_cast<size_t>(it - ids.begin());
        loc[i] = {node.location().lon(), node.location().lat()};
        have[i] = 1;
      }
    }
    reader.close();
  } catch (const std::exception& e) {
    throw Error(path + ": cannot read OSM data: " + e.what());
  }
  // The references become indices in ids once, and the ids go.
  std::vector<uint32_t> ref_index(refs.size());
  for (size_t r = 0; r < refs.size(); ++r) ref_index[r] = static_cast<uint32_t>(index_of(refs[r]));
  std::vector<osmium::object_id_type>().swap(refs);
  std::vector<osmium::object_id_type>().swap(ids);

  GraphBuilder b;
  std::vector<NodeId> graph_node(loc.size(), kInvalid);
  auto node_for = [&](size_t i) {
    if (graph_node[i] == kInvalid) graph_node[i] = b.add_node(loc[i]);
    return graph_node[i];
  };
  std::vector<size_t> idx;
  std::vector<geo::LonLat> shape;
  for (auto& w : ways) {
    // Drop references to nodes the extract does not contain (ways cut at the extract border).
    idx.clear();
    for (uint32_t k = 0; k < w.count; ++k) {
      size_t i = ref_index[w.first + k];
      if (have[i])
        idx.push_back(i);
      else
        ++stats.missing_nodes;
    }
    if (idx.size() < 2) continue;
    double way_len = 0;
    for (size_t k = 0; k + 1 < idx.size(); ++k) way_len += geo::haversine_m(loc[idx[k]], loc[idx[k + 1]]);
    size_t start = 0;
    shape.clear();
    double len = 0;
    for (size_t k = 1; k < idx.size(); ++k) {
      len += geo::haversine_m(loc[idx[k - 1]], loc[idx[k]]);
      bool split = k + 1 == idx.size() || uses[idx[k]] > 1;
      if (!split) {
        shape.push_back(loc[idx[k]]);
        continue;
      }
      auto seconds = [&](double kmh) {
        if (kmh <= 0) return -1.0;
        if (w.attr.ferry)  // a tagged duration is shared along the way by length; waiting once per way
          return (w.attr.fixed_seconds >= 0 ? w.attr.fixed_seconds * (way_len > 0 ? len / way_len : 1)
                                            : len / (kmh / 3.6)) +
                 profile.ferry_wait_s * (way_len > 0 ? len / way_len : 1);
        return len / (kmh / 3.6);
      };
      b.add_edge(node_for(idx[start]), node_for(idx[k]), shape, len, seconds(w.attr.speed_fwd_kmh),
                 seconds(w.attr.speed_bwd_kmh), w.attr.cls, w.attr.name);
      start = k;
      shape.clear();
      len = 0;
    }
  }
  std::vector<CarWay>().swap(ways);
  std::vector<uint32_t>().swap(ref_index);
  std::vector<uint32_t>().swap(uses);
  std::vector<geo::LonLat>().swap(loc);
  std::vector<uint8_t>().swap(have);
  std::vector<NodeId>().swap(graph_node);
  auto g = b.finish(report);
  g.source = "OpenStreetMap: " + path;
  g.profile_name = profile.name;
  g.profile_json = profile_json;
  if (stats_out) *stats_out = stats;
  return g;
}

}  // namespace maillage::roads

#include "coverage/serialize.hpp"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/geo.hpp"
#include "coverage/zone_shapes.hpp"
#include "territory/communes.hpp"

namespace maillage::coverage {

using nlohmann::json;

namespace {
// The candidate site suggested for a zone (planning::suggest_zone_sites), or null.
json site_json(const Zone& z) {
  if (!z.suggested) return nullptr;
  auto& s = *z.suggested;
  return {{"id", s.id},
          {"name", s.name},
          {"insee", s.insee},
          {"at", {s.at.lon, s.at.lat}},
          {"population_added", std::round(s.population)}};
}
// A place named by a report (its index in the places), or null.
json place_ref(const std::vector<Place>& places, uint32_t i) {
  return i == roads::kInvalid ? json(nullptr) : json{{"id", places[i].id}, {"name", places[i].name}};
}
json report_head(const Report& r, const std::vector<Place>& places, bool with_communes);
}  // namespace

json minutes_json(roads::Millis ms) {
  return ms == roads::kInfinity ? json(nullptr) : json(std::round(ms / 600.0) / 100.0);
}

json zone_json(const Zone& z, const std::vector<Place>& places) {
  json mc = json::array();
  for (auto& [code, pop] : z.main_communes) {
    auto* c = territory::CommuneTable::bundled().find(code);
    mc.push_back({{"insee", code}, {"name", c ? c->name : ""}, {"population", pop}});
  }
  return {{"rank", z.rank},
          {"population", z.population},
          {"area_km2", z.cells},
          {"department", z.dep},
          {"main_communes", mc},
          {"nearest_place", place_ref(places, z.nearest_place)},
          {"nearest_minutes", minutes_json(z.nearest_ms)},
          {"suggested_site", site_json(z)}};
}

std::string ZoneTexts::array(const Report& r, const std::vector<Place>& places) {
  if (texts_.size() > 4 * r.zones.size() + 1024) texts_.clear();  // bounded: the zones of a few reports
  std::string out = "[", key;
  for (auto& z : r.zones) {
    // Everything zone_json writes (lengths before texts: no two zones write the same key).
    key.clear();
    auto put = [&](const std::string& t) { fmt::format_to(std::back_inserter(key), "{}:{}", t.size(), t); };
    fmt::format_to(std::back_inserter(key), "{}|{:a}|{}|{}|", z.rank, z.population, z.cells, z.nearest_ms);
    put(z.dep);
    for (auto& [code, pop] : z.main_communes) put(code), fmt::format_to(std::back_inserter(key), "{:a}", pop);
    if (z.nearest_place != roads::kInvalid) put(places[z.nearest_place].id), put(places[z.nearest_place].name);
    if (auto& site = z.suggested) {
      put(site->id), put(site->name), put(site->insee);
      fmt::format_to(std::back_inserter(key), "{:a},{:a},{:a}", site->at.lon, site->at.lat, site->population);
    }
    auto it = texts_.find(key);
    if (it == texts_.end()) it = texts_.emplace(key, zone_json(z, places).dump()).first;
    if (out.size() > 1) out += ',';
    out += it->second;
  }
  return out + "]";
}

std::string report_text(const Report& r, const std::vector<Place>& places, bool with_communes, ZoneTexts& zones,
                        const nlohmann::json& more) {
  auto j = report_head(r, places, with_communes);  // its zones' text comes from `zones`
  for (auto& [k, v] : more.items()) j[k] = v;
  auto text = j.dump();
  text.pop_back();  // the closing brace
  return text + ",\"zones_blanches\":" + zones.array(r, places) + "}";
}

namespace {
// Everything report_json writes but the zones blanches.
json report_head(const Report& r, const std::vector<Place>& places, bool with_communes) {
  json deps = json::array();
  for (auto& d : r.departments)
    deps.push_back({{"dep", d.dep},
                    {"name", d.name},
                    {"population", d.population},
                    {"covered", d.covered},
                    {"share", d.population > 0 ? d.covered / d.population : 0},
                    {"unreachable", d.unreachable},
                    {"places_open", d.places}});
  json bands = json::array();
  for (auto& [name, pop] : r.bands) bands.push_back({{"minutes", name}, {"population", pop}});
  json j{{"date", r.date},
         {"threshold_minutes", r.threshold_min},
         {"within_rule", "time <= threshold"},
         {"population_source", territory::population_source_name(r.source)},
         {"population_source_description", r.population_description},
         {"places_open", r.places_open},
         {"places_not_snapped", r.unsnapped_places},
         {"population", r.population},
         {"covered", r.covered},
         {"share", r.share()},
         {"share_range",
          {r.population > 0 ? r.covered_low / r.population : 0, r.population > 0 ? r.covered_high / r.population : 0}},
         {"margin_fraction", r.margin_fraction},
         {"unreachable", r.unreachable},
         {"deciles_minutes", r.deciles_min},
         {"bands", bands},
         {"departments", deps}};
  if (with_communes) {
    json cs = json::array();
    for (auto& c : r.communes)
      cs.push_back({{"insee", c.insee},
                    {"name", c.name},
                    {"dep", c.dep},
                    {"population", c.population},
                    {"centre_minutes", minutes_json(c.centre_ms)},
                    {"centre_place", place_ref(places, c.centre_place)},
                    {"mean_minutes", c.mean_minutes < 0 ? json(nullptr) : json(std::round(c.mean_minutes * 100) / 100)},
                    {"covered_share", c.covered_share}});
    j["communes"] = cs;
  }
  return j;
}
}  // namespace

json report_json(const Report& r, const std::vector<Place>& places, bool with_communes) {
  auto j = report_head(r, places, with_communes);
  json zones = json::array();
  for (auto& z : r.zones) zones.push_back(zone_json(z, places));
  j["zones_blanches"] = std::move(zones);
  return j;
}

json cells_geojson(const Engine& engine, const std::vector<Place>& places, double threshold_min) {
  json fc{{"type", "FeatureCollection"}, {"features", json::array()}};
  const auto& points = engine.points();
  const geo::Projection grid_crs(points.crs);
  const double cell = points.cell_m;
  auto cell_polygon = [&](const territory::PopulationPoint& p) {
    json ring = json::array();
    for (auto [dx, dy] : {std::pair{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}) {
      auto ll = grid_crs.inverse({(p.gx + dx) * cell, (p.gy + dy) * cell});
      ring.push_back({std::round(ll.lon * 1e6) / 1e6, std::round(ll.lat * 1e6) / 1e6});
    }
    return json::array({ring});
  };
  const auto& times = engine.point_times();
  const auto threshold = threshold_ms(threshold_min);
  for (size_t i = 0; i < points.points.size(); ++i) {
    auto& p = points.points[i];
    json geom = points.source == territory::PopulationSource::Grid
                    ? json{{"type", "Polygon"}, {"coordinates", cell_polygon(p)}}
                    : json{{"type", "Point"}, {"coordinates", {p.at.lon, p.at.lat}}};
    fc["features"].push_back(
        {{"type", "Feature"},
         {"geometry", geom},
         {"properties",
          {{"id", p.id},
           {"population", p.population},
           {"insee", p.insee},
           {"minutes", minutes_json(times[i].ms)},
           {"place", times[i].place == roads::kInvalid ? json(nullptr) : json(places[times[i].place].id)},
           {"within", times[i].within(threshold)}}}});
  }
  return fc;
}

json zones_geojson(const Engine& engine, const Report& r) {
  if (engine.points().source != territory::PopulationSource::Grid)
    throw Error("zones blanches need the grid population");
  json fc{{"type", "FeatureCollection"}, {"features", json::array()}};
  for (auto& z : r.zones)
    fc["features"].push_back({{"type", "Feature"},
                              {"geometry", cells_outline(engine.points(), z.point_indices)},
                              {"properties",
                               {{"rank", z.rank},
                                {"population", z.population},
                                {"area_km2", z.cells},
                                {"department", z.dep},
                                {"nearest_minutes", minutes_json(z.nearest_ms)},
                                {"suggested_site", site_json(z)}}}});
  return fc;
}

json indicators_json(const Indicators& r, int64_t registry_revision) {
  auto per = [](double v) { return v < 0 ? json(nullptr) : json(std::round(v)); };
  json deps = json::array();
  for (auto& x : r.departments)
    deps.push_back({{"dep", x.dep},
                    {"name", x.name},
                    {"open_places", x.open_places},
                    {"population", x.population},
                    {"inhabitants_per_place", per(x.inhabitants_per_place)}});
  json hist = json::array();
  for (auto& y : r.history)
    hist.push_back({{"date", y.date},
                    {"open_places", y.open_places},
                    {"inhabitants_per_place", per(y.inhabitants_per_place)},
                    {"coverage_share", y.coverage_share < 0 ? json(nullptr) : json(y.coverage_share)}});
  return json{{"date", r.date},
              {"registry_revision", registry_revision},
              {"open_places", r.open_places},
              {"itinerant_places", r.itinerant_places},
              {"open_places_without_opening_date", r.open_without_opening_date},
              {"by_type", r.by_type},
              {"population", r.population},
              {"population_source", r.population_source},
              {"inhabitants_per_place", per(r.inhabitants_per_place)},
              {"departments", deps},
              {"by_urbanisation", r.by_urbanisation},
              {"rural_share", r.rural_share},
              {"urbanisation_method",
               "degree of urbanisation (Eurostat) derived from the 1 km Census 2021 grid, see docs/indicators.md"},
              {"coverage_threshold_minutes", r.threshold_min},
              {"history", hist}};
}

}  // namespace maillage::coverage

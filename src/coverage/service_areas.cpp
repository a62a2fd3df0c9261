#include "coverage/service_areas.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "coverage/zone_shapes.hpp"

namespace maillage::coverage {

using nlohmann::json;

std::vector<double> parse_breaks(const std::string& text) {
  std::vector<double> out;
  for (auto& part : text::split_list(text, ",")) {
    double v = 0;
    if (!text::parse_double(part, v) || v <= 0 || v > 180)
      throw Error(fmt::format("break '{}': expected minutes in (0, 180]", text::printable(part, 20)));
    if (!out.empty() && v <= out.back()) throw Error("breaks must increase (10,20,30)");
    out.push_back(v);
  }
  if (out.empty() || out.size() > 12) throw Error("give 1 to 12 breaks, in minutes (10,20,30)");
  return out;
}

std::vector<ServiceArea> service_areas(const Engine& engine, const std::vector<Place>& places,
                                       const std::vector<double>& breaks, const std::string& only_place) {
  if (engine.points().source != territory::PopulationSource::Grid)
    throw Error("service areas need the grid population (1 km cells)");
  if (breaks.empty()) throw Error("no break");
  const auto& pts = engine.points().points;
  const auto& snaps = engine.point_snaps();
  routing::NearestPlaces one(engine.graph(), engine.snapper());
  auto limit = threshold_ms(breaks.back());
  std::vector<ServiceArea> out;
  bool found = only_place.empty();
  for (auto& place : places) {
    if (!only_place.empty() && place.id != only_place) continue;
    found = true;
    one.compute({place.at}, limit);
    std::vector<std::vector<uint32_t>> band(breaks.size());
    std::vector<double> pop(breaks.size(), 0);
    for (uint32_t i = 0; i < pts.size(); ++i) {
      auto r = one.from(snaps[i]);
      if (!r.reachable || r.ms > limit) continue;
      size_t b = 0;
      while (b < breaks.size() && r.ms > threshold_ms(breaks[b])) ++b;
      if (b < breaks.size()) band[b].push_back(i), pop[b] += pts[i].population;
    }
    for (size_t b = 0; b < breaks.size(); ++b) {
      ServiceArea a{place.id, place.name, b ? breaks[b - 1] : 0, breaks[b], pop[b], static_cast<int>(band[b].size()),
                    nullptr};
      if (!band[b].empty()) a.geometry = cells_outline(engine.points(), band[b]);
      out.push_back(std::move(a));
    }
  }
  if (!found) throw NotFound(fmt::format("no open place '{}' at this date", only_place), Errc::place_not_found);
  return out;
}

json service_areas_geojson(const std::vector<ServiceArea>& areas) {
  json fc{{"type", "FeatureCollection"}, {"features", json::array()}};
  for (auto& a : areas) {
    if (a.geometry.is_null()) continue;
    fc["features"].push_back({{"type", "Feature"},
                              {"geometry", a.geometry},
                              {"properties",
                               {{"FacilityID", a.place_id},
                                {"Name", a.name},
                                {"FromBreak", a.from_min},
                                {"ToBreak", a.to_min},
                                {"population", std::round(a.population)},
                                {"area_km2", a.cells}}}});
  }
  return fc;
}

}  // namespace maillage::coverage

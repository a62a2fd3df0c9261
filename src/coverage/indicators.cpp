#include "coverage/indicators.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "territory/communes.hpp"
#include "territory/degurba.hpp"

namespace maillage::coverage {

namespace {
std::vector<Place> open_at(const std::vector<registry::Place>& all, const std::string& date) {
  std::vector<Place> out;
  for (auto& p : all)
    if (p.open_on(date) && p.lon && !registry::is_itinerant(p))
      out.push_back({p.id, p.name, p.insee_code, {*p.lon, *p.lat}});
  return out;
}
}  // namespace

Indicators compute_indicators(const std::vector<registry::Place>& all, const std::string& date, Engine* engine,
                              double threshold_min, bool with_history) {
  auto& communes = territory::CommuneTable::bundled();
  auto& classes = territory::bundled_commune_classes();
  Indicators r;
  r.date = date;
  r.threshold_min = threshold_min;
  r.population_source = territory::population_source_description(territory::PopulationSource::Communes);
  std::map<std::string, DepartmentIndicators> deps;
  for (auto& d : communes.departments()) deps[d] = {d, std::string(territory::department_name(d))};
  for (auto& c : communes.all()) {
    deps[c.dep].population += c.population;
    r.population += c.population;
  }
  for (auto k : {"city", "town_suburb", "rural"}) r.by_urbanisation[k] = 0;
  for (auto& p : all) {
    if (!p.open_on(date)) continue;
    if (registry::is_itinerant(p)) {  // counted apart: not a place open to all at one address
      ++r.itinerant_places;
      continue;
    }
    ++r.open_places;
    if (p.opening_date.empty()) ++r.open_without_opening_date;
    for (auto& t : registry::mask_to_list(p.types, registry::place_types())) ++r.by_type[t];
    if (auto* c = communes.find(p.insee_code)) ++deps[c->dep].open_places;
    auto cls = classes.find(p.insee_code);
    ++r.by_urbanisation[cls == classes.end() ? "rural" : territory::commune_class_name(cls->second)];
  }
  for (auto& [k, d] : deps) {
    if (d.open_places > 0) d.inhabitants_per_place = d.population / d.open_places;
    r.departments.push_back(d);
  }
  if (r.open_places > 0) {
    r.inhabitants_per_place = r.population / r.open_places;
    r.rural_share = static_cast<double>(r.by_urbanisation["rural"]) / r.open_places;
  }
  if (!with_history) return r;

  // Years since the first known opening, on 1 January, then the date itself.
  std::string first = date;
  for (auto& p : all)
    if (!p.opening_date.empty() && p.opening_date < first) first = p.opening_date;
  int y0 = std::stoi(first.substr(0, 4)), y1 = std::stoi(date.substr(0, 4));
  std::vector<std::string> dates;
  for (int y = y0; y <= y1; ++y)
    if (fmt::format("{}-01-01", y) < date) dates.push_back(fmt::format("{}-01-01", y));
  dates.push_back(date);
  for (auto& d : dates) {
    auto places = open_at(all, d);
    YearIndicators yi{d, static_cast<int>(places.size())};
    if (!places.empty()) yi.inhabitants_per_place = r.population / places.size();
    if (engine) {
      engine->compute(places);
      auto rep = build_report(*engine, places, d, threshold_min);
      yi.coverage_share = rep.share();
    }
    r.history.push_back(yi);
  }
  return r;
}

}  // namespace maillage::coverage

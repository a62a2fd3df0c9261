#include "registry/validate.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/geo.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"
#include "territory/config.hpp"
#include "territory/outline.hpp"

namespace maillage::registry {

std::string Problem::str() const {
  std::string loc = where.line > 0 ? where.str() : (where.file.empty() ? "<input>" : where.file);
  std::string sev = severity == Severity::Warning ? "warning: " : "";
  return where.field.empty() ? fmt::format("{}: {}{}", loc, sev, message)
                             : fmt::format("{}: {}{}: {}", loc, sev, where.field, message);
}

Location Record::at(Field f) const {
  int col = column[static_cast<size_t>(f)];
  std::string name = header && col > 0 && col <= static_cast<int>(header->size()) ? (*header)[col - 1]
                                                                                  : std::string(field_def(f).name);
  if (line == 0 && !json_path.empty()) return Location{file, 0, 0, json_path + "." + name};
  return Location{file, line, col, name};
}

Validator::Validator(const territory::CommuneTable& communes, const territory::Outline& region, std::string today,
                     ValidationLimits limits)
    : communes_(communes), region_(region), today_(std::move(today)), limits_(limits) {}

void Validator::check(Record& r, std::vector<Problem>& out) const {
  Place& p = r.place;
  auto error = [&](Field f, std::string msg) { out.push_back({r.at(f), Problem::Severity::Error, std::move(msg)}); };
  auto warn = [&](Field f, std::string msg) { out.push_back({r.at(f), Problem::Severity::Warning, std::move(msg)}); };

  if (text::trim(p.name).empty()) error(Field::name, "a place needs a name");

  // Commune: code, or a name that designates exactly one commune of the region.
  if (p.insee_code.empty()) {
    if (r.commune_name.empty()) {
      error(Field::insee_code, "the INSEE commune code is required (or a commune name)");
    } else {
      std::string why;
      auto code = communes_.locate(r.commune_name, p.postcode, &why);
      if (!code.empty())
        p.insee_code = code;
      else
        error(Field::commune, why);
    }
  } else if (!communes_.find(p.insee_code)) {
    auto current = communes_.current_code(p.insee_code);
    if (current.empty()) {
      error(Field::insee_code, fmt::format("'{}' is not a commune of {} (COG 2026 commune table)", p.insee_code,
                                           territory::config().name));
    } else {
      warn(Field::insee_code, fmt::format("former commune code {} replaced by its COG 2026 code {} ({})", p.insee_code,
                                          current, communes_.find(current)->name));
      p.insee_code = current;
    }
  }
  const territory::Commune* commune = communes_.find(p.insee_code);
  auto named = [&](const territory::Commune* c) {
    for (auto* f : communes_.find_by_name(r.commune_name))
      if (f == c) return true;
    return false;
  };
  if (commune && !r.commune_name.empty() && !named(commune))
    warn(Field::commune, fmt::format("commune name '{}' differs from the name of {} ({})", r.commune_name, p.insee_code,
                                     commune->name));
  if (commune && !p.postcode.empty()) {
    bool known = false;
    for (auto& pc : commune->postcodes) known = known || pc == p.postcode;
    if (!known)
      warn(Field::postcode, fmt::format("postal code {} is not one of {} ({})", p.postcode, commune->name,
                                        text::join(commune->postcodes, " ")));
  }

  // Position.
  if (p.lon.has_value() != p.lat.has_value()) {
    error(p.lon ? Field::lat : Field::lon, "longitude and latitude go together: one is missing");
  } else if (!p.lon) {
    if (commune) {
      p.lon = commune->centre.lon;
      p.lat = commune->centre.lat;
      p.precision = Precision::Commune;
    }
  } else {
    geo::LonLat ll{*p.lon, *p.lat};
    double outside_km = region_.distance_outside_m(ll) / 1000.0;
    if (outside_km > limits_.region_margin_km) {
      std::string hint;
      if (region_.distance_outside_m({*p.lat, *p.lon}) == 0) hint = " (longitude and latitude look swapped)";
      error(Field::lon, fmt::format("position {:.6f},{:.6f} lies {:.1f} km outside the region (limit {:.0f} km){}",
                                    *p.lon, *p.lat, outside_km, limits_.region_margin_km, hint));
    } else if (commune) {
      double d_km = geo::haversine_m(ll, commune->centre) / 1000.0;
      double limit = std::max(limits_.commune_distance_min_km, 2 * std::sqrt(commune->area_km2 / M_PI));
      if (d_km > limit)
        warn(Field::lon, fmt::format("position lies {:.1f} km from the centre of {} ({}), more than the "
                                     "plausible {:.1f} km: check the coordinates or the commune",
                                     d_km, commune->name, p.insee_code, limit));
    }
  }

  // Dates and status must tell one story.
  if (!p.opening_date.empty() && !p.closing_date.empty() && p.closing_date < p.opening_date)
    error(Field::closing_date,
          fmt::format("closing date {} is before the opening date {}", p.closing_date, p.opening_date));
  switch (p.status) {
    case Status::Open:
      if (!p.closing_date.empty() && p.closing_date <= today_)
        error(Field::status,
              fmt::format("status is open but the closing date {} has passed: use status closed", p.closing_date));
      if (!p.opening_date.empty() && p.opening_date > today_)
        error(Field::status, fmt::format("status is open but the opening date {} is in the future: use status "
                                         "project",
                                         p.opening_date));
      break;
    case Status::Project:
      if (!p.closing_date.empty())
        error(Field::closing_date, "a project has no closing date (use status closed for a place that closed)");
      if (!p.opening_date.empty() && p.opening_date <= today_)
        warn(Field::opening_date,
             fmt::format("project whose planned opening date {} has passed: is it open now?", p.opening_date));
      break;
    case Status::Closed:
      if (!p.closing_date.empty() && p.closing_date > today_)
        error(Field::status, fmt::format("status is closed but the closing date {} is in the future", p.closing_date));
      if (p.closing_date.empty())
        warn(Field::closing_date, "closed without a closing date: the place counts as open at no date");
      break;
  }
}

}  // namespace maillage::registry

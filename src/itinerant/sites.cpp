#include "itinerant/sites.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/text.hpp"
#include "db/db.hpp"
#include "registry/store.hpp"
#include "territory/communes.hpp"

namespace maillage::itinerant {

std::vector<Active> active(registry::PlaceStore& store, const std::string& date) {
  registry::PlaceFilter f;
  f.open_on = date;
  f.types_any = registry::type_bit("itinerant");
  std::vector<Active> out;
  for (auto& p : store.list(f))
    if (auto t = get(store.db(), p.id); t && !t->stops.empty()) out.push_back({p, std::move(*t)});
  return out;
}

Period period_of(const std::string& date, int weeks) {
  if (weeks < 1 || weeks > 8) throw Error("weeks: 1 to 8");
  return {monday_of(date), 7 * weeks};
}

Period period_of_week(const std::string& week) {
  int y = 0, w = 0;
  char tail;
  if (std::sscanf(week.c_str(), "%d-W%d%c", &y, &w, &tail) != 2 || y < 2000 || y > 2100 || w < 1 || w > 53)
    throw Error(fmt::format("week '{}': an ISO week is expected, e.g. 2026-W49", week));
  // The Monday of ISO week 1 is the Monday of the week holding 4 January.
  std::string monday = add_days(monday_of(fmt::format("{:04}-01-04", y)), 7 * (w - 1));
  if (itinerant::iso_week(monday) != w) throw Error(fmt::format("week '{}': the year {} has no week {}", week, y, w));
  return {monday, 7};
}

std::vector<coverage::TimedSite> timed_sites(const std::vector<Active>& places, const Period& period) {
  std::vector<coverage::TimedSite> out;
  for (auto& a : places) {
    auto& t = a.timetable;
    std::vector<coverage::TimedSite> sites(t.stops.size());
    for (size_t i = 0; i < t.stops.size(); ++i)
      sites[i] = {fmt::format("{}#{}", t.place_id, i + 1), t.stops[i].name, t.stops[i].insee_code, t.stops[i].at(), {}};
    for (auto& p : passages(t, period.monday, period.days))
      sites[p.stop].windows.push_back({days_between(period.monday, p.slot.date), p.slot.start, p.slot.end});
    out.insert(out.end(), sites.begin(), sites.end());
  }
  return out;
}

std::vector<ami::StopSite> stop_sites(const std::vector<Active>& places) {
  std::vector<ami::StopSite> out;
  for (auto& a : places)
    for (auto& s : a.timetable.stops) {
      auto* c = territory::CommuneTable::bundled().find(s.insee_code);
      out.push_back({a.place.id, a.place.name, s.name, c ? c->name : s.insee_code, s.hours, s.at()});
    }
  return out;
}

}  // namespace maillage::itinerant

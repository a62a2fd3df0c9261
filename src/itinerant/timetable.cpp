// When the vehicle is where, and the timetable's exports (CSV, GeoJSON, iCalendar).
#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/ical.hpp"
#include "itinerant/itinerant.hpp"
#include "territory/communes.hpp"

namespace maillage::itinerant {

std::vector<Passage> passages(const Itinerant& it, const std::string& from, int days) {
  std::vector<Passage> out;
  for (size_t i = 0; i < it.stops.size(); ++i)
    for (auto& s : open_slots(it.stops[i].hours, from, days)) out.push_back({i, s});
  std::sort(out.begin(), out.end(), [](const Passage& a, const Passage& b) {
    return std::tie(a.slot.date, a.slot.start, a.stop) < std::tie(b.slot.date, b.slot.start, b.stop);
  });
  return out;
}

std::optional<Passage> next_passage(const Itinerant& it, const std::string& date, int minute, int horizon_days) {
  for (auto& p : passages(it, date, horizon_days))
    if (p.slot.date > date || p.slot.end > minute) return p;
  return std::nullopt;
}

std::vector<double> weekly_hours(const Itinerant& it, const std::string& from, int weeks) {
  std::vector<double> h(it.stops.size(), 0.0);
  if (weeks <= 0) return h;
  for (auto& p : passages(it, monday_of(from), 7 * weeks)) h[p.stop] += p.slot.hours();
  for (auto& x : h) x /= weeks;
  return h;
}

namespace {
std::vector<std::string> stop_row(const Itinerant& it, size_t i, const territory::CommuneTable& communes) {
  auto& s = it.stops[i];
  auto* c = communes.find(s.insee_code);
  return {it.place_id,
          std::to_string(i + 1),
          s.name,
          s.insee_code,
          c ? c->name : "",
          s.address,
          fmt::format("{:.6f}", s.lon),
          fmt::format("{:.6f}", s.lat),
          s.hours,
          s.note};
}
}  // namespace

std::string stops_csv(const std::vector<Itinerant>& its, const territory::CommuneTable& communes) {
  std::ostringstream out;
  csv::Writer w(out);
  w.row({"place_id", "seq", "name", "insee_code", "commune", "address", "lon", "lat", "hours", "note"});
  for (auto& it : its)
    for (size_t i = 0; i < it.stops.size(); ++i) w.row(stop_row(it, i, communes));
  return out.str();
}

nlohmann::json stops_geojson(const std::vector<Itinerant>& its, const territory::CommuneTable& communes) {
  nlohmann::json features = nlohmann::json::array();
  for (auto& it : its)
    for (size_t i = 0; i < it.stops.size(); ++i) {
      auto& s = it.stops[i];
      auto* c = communes.find(s.insee_code);
      features.push_back({{"type", "Feature"},
                          {"geometry", {{"type", "Point"}, {"coordinates", {s.lon, s.lat}}}},
                          {"properties",
                           {{"place_id", it.place_id},
                            {"seq", i + 1},
                            {"name", s.name},
                            {"insee_code", s.insee_code},
                            {"commune", c ? c->name : ""},
                            {"address", s.address},
                            {"hours", s.hours},
                            {"note", s.note}}}});
    }
  return {{"type", "FeatureCollection"}, {"features", features}};
}

std::string stops_ical(const Itinerant& it, const std::string& place_name, const std::string& from, int days) {
  ical::Calendar cal(place_name);
  for (auto& p : passages(it, from, days)) {
    auto& s = it.stops[p.stop];
    ical::Event e;
    e.uid = fmt::format("stop-{}-{}-{}-{}@maillage", it.place_id, p.stop + 1, p.slot.date, p.slot.start);
    e.starts = p.slot.date + "T" + date::clock_text(p.slot.start);
    e.ends = p.slot.date + "T" + date::clock_text(p.slot.end);
    e.summary = fmt::format("{} à {}", place_name, s.name);
    e.location = s.address.empty() ? s.name : s.address;
    e.description = "Horaires : " + s.hours;
    e.status = "CONFIRMED";
    cal.add(e);
  }
  return cal.finish();
}

}  // namespace maillage::itinerant

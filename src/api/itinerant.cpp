// Itinerant places over HTTP: their stops and timetables (read by all, written by editors and the place's
// managers), the stops as GeoJSON and CSV, a timetable as iCalendar, a day's route, and the tour planner.
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/date.hpp"
#include "core/text.hpp"
#include "itinerant/itinerant.hpp"
#include "itinerant/sites.hpp"
#include "planning/tour_run.hpp"
#include "db/db.hpp"
#include "territory/communes.hpp"

namespace maillage::api::itinerant_api {

using nlohmann::json;

namespace {

json passage_json(const itinerant::Itinerant& t, const itinerant::Passage& p) {
  return {{"stop", p.stop + 1},
          {"name", t.stops[p.stop].name},
          {"date", p.slot.date},
          {"weekday", std::string(itinerant::day_name_fr(p.slot.weekday))},
          {"start", date::clock_text(p.slot.start)},
          {"end", date::clock_text(p.slot.end)}};
}

json with_communes(const itinerant::Itinerant& t) {
  auto j = itinerant::to_json(t);
  auto& communes = territory::CommuneTable::bundled();
  for (auto& s : j["stops"])
    if (auto* c = communes.find(s["insee_code"].get<std::string>())) s["commune"] = c->name;
  if (auto* b = communes.find(t.base_insee))
    j["base"] = {{"insee_code", b->code}, {"name", b->name}, {"lon", b->centre.lon}, {"lat", b->centre.lat}};
  return j;
}

itinerant::Itinerant require_timetable(State& s, const std::string& id) {
  StoreLease l(s);
  auto t = itinerant::get(s.store->db(), id);
  if (!t) throw Error(Errc::timetable_not_found, fmt::format("no timetable for place '{}'", id));
  return *t;
}

}  // namespace

Response list(const Call& c) {
  auto d = q_date(c.r);
  std::vector<itinerant::Active> active;
  {
    StoreLease l(c.s);
    active = itinerant::active(*c.s.store, d);
  }
  json items = json::array();
  for (auto& a : active) {
    auto j = with_communes(a.timetable);
    j["name"] = a.place.name;
    if (auto n = itinerant::next_passage(a.timetable, d, d == date::today() ? itinerant::minute_now_in_paris() : 0))
      j["next_passage"] = passage_json(a.timetable, *n);
    items.push_back(j);
  }
  return json_response({{"date", d}, {"items", items}});
}

Response stops_geojson(const Call& c) {
  StoreLease l(c.s);
  return json_response(itinerant::stops_geojson(itinerant::all(c.s.store->db()), territory::CommuneTable::bundled()));
}

Response stops_csv(const Call& c) {
  StoreLease l(c.s);
  return {200,
          "text/csv; charset=utf-8",
          itinerant::stops_csv(itinerant::all(c.s.store->db()), territory::CommuneTable::bundled()),
          {}};
}

Response timetable(const Call& c) {
  auto t = require_timetable(c.s, c.params[0]);
  auto from = q_date(c.r, "from");
  int weeks = static_cast<int>(q_number(c.r, "weeks", 2, 1, 8));
  auto monday = itinerant::monday_of(from);
  auto j = with_communes(t);
  json ps = json::array();
  for (auto& p : itinerant::passages(t, monday, 7 * weeks)) ps.push_back(passage_json(t, p));
  j["period_from"] = monday, j["weeks"] = weeks, j["passages"] = ps;
  j["weekly_hours"] = itinerant::weekly_hours(t, monday, weeks);
  auto today = date::today();
  if (auto n = itinerant::next_passage(t, today, itinerant::minute_now_in_paris()))
    j["next_passage"] = passage_json(t, *n);
  return json_response(j);
}

Response timetable_ics(const Call& c) {
  auto t = require_timetable(c.s, c.params[0]);
  auto place = require_place(c.s, c.params[0]);
  auto from = q_date(c.r, "from");
  int days = static_cast<int>(q_number(c.r, "days", 56, 1, 400));
  return {200, "text/calendar; charset=utf-8", itinerant::stops_ical(t, place.name, from, days), {}};
}

Response put(const Call& c) {
  auto place = require_place(c.s, c.params[0]);
  if (!c.who->registry() && !c.who->manages(place.id))
    throw Error(Errc::forbidden, "a timetable is changed by its place's managers, editors and admins");
  auto body = body_object(c.r);
  auto t = itinerant::from_json(body, place.id);
  StoreLease l(c.s);
  db::Transaction tx(c.s.store->db());
  auto rev = c.s.store->next_revision();
  itinerant::put(*c.s.store, t, rev, fmt::format("api {} ({})", c.who->actor(), c.who->name));
  tx.commit();
  return json_response({{"registry_revision", rev}, {"stops", t.stops.size()}});
}

// The route of one day: from the base to the stops served that day (in time order) and back.
Response day_route(const Call& c) {
  auto t = require_timetable(c.s, c.params[0]);
  auto place = require_place(c.s, c.params[0]);
  auto d = q_date(c.r);
  std::vector<geo::LonLat> way;
  auto* base = territory::CommuneTable::bundled().find(t.base_insee);
  geo::LonLat home = base ? base->centre : geo::LonLat{*place.lon, *place.lat};
  way.push_back(home);
  json stops = json::array();
  size_t last = SIZE_MAX;
  for (auto& p : itinerant::passages(t, d, 1)) {
    if (p.stop != last) way.push_back(t.stops[p.stop].at()), stops.push_back(passage_json(t, p));
    last = p.stop;
  }
  way.push_back(home);
  json line = json::array();
  double minutes = 0;
  if (way.size() > 2) {
    auto search = c.s.searches->acquire();  // from the pool: not a whole graph's arrays per request
    for (size_t k = 0; k + 1 < way.size(); ++k) {
      auto r = routing::route(*c.s.snapper, *search, way[k], way[k + 1]);
      if (!r.ok) continue;
      minutes += r.ms / 60000.0;
      for (auto& p : r.geometry) line.push_back({std::round(p.lon * 1e5) / 1e5, std::round(p.lat * 1e5) / 1e5});
    }
  }
  json feature = {
      {"type", "Feature"},
      {"geometry", line.empty() ? json(nullptr) : json{{"type", "LineString"}, {"coordinates", line}}},
      {"properties", {{"place_id", place.id}, {"date", d}, {"drive_minutes", std::round(minutes)}, {"stops", stops}}}};
  return json_response({{"type", "FeatureCollection"}, {"features", json::array({feature})}});
}

Response tour(const Call& c) {
  auto& s = c.s;
  planning::TourRequest tq;
  auto base = q(c.r, "base");
  if (base.empty()) throw bad("base", "a commune (name or INSEE code) or lon,lat is required");
  if (base.size() > 100) throw bad("base", "at most 100 bytes");
  auto& communes = territory::CommuneTable::bundled();
  double lon = 0, lat = 0;
  char tail;
  if (std::sscanf(base.c_str(), "%lf,%lf%c", &lon, &lat, &tail) == 2 && std::isfinite(lon) && std::isfinite(lat) &&
      lon > -180 && lon < 180 && lat > -90 && lat < 90) {
    tq.base = {lon, lat}, tq.base_label = base;
  } else if (auto* cm = communes.find(base)) {
    tq.base = cm->centre, tq.base_label = cm->name;
  } else {
    auto named = communes.find_by_name(base);
    if (named.size() != 1)
      throw bad("base",
                named.empty() ? "no commune of that name" : "several communes of that name: give the INSEE code");
    tq.base = named[0]->centre, tq.base_label = named[0]->name;
  }
  tq.days_per_week = static_cast<int>(q_number(c.r, "days", 5, 1, 7));
  tq.weeks = static_cast<int>(q_number(c.r, "weeks", 1, 1, 4));
  tq.day_hours = q_number(c.r, "day_hours", 8, 1, 14);
  tq.stop_hours = q_number(c.r, "stop_hours", 3, 0.25, 13);
  tq.threshold_min = q_number(c.r, "threshold", 20, 1, 120);
  tq.exact = q_bool(c.r, "exact");
  tq.time_limit_s = q_number(c.r, "time_limit", 5, 1, c.limits.max_time_limit_s);
  tq.max_candidates = static_cast<size_t>(q_number(c.r, "max_candidates", 400, 1, 2000));
  for (auto& d : text::split_list(q(c.r, "department"), ",")) {
    if (d.size() != 2 || !std::isdigit(static_cast<unsigned char>(d[0])) ||
        !std::isdigit(static_cast<unsigned char>(d[1])))
      throw bad("department", fmt::format("'{}' is not a department code (16, 86...)", d));
    tq.departments.push_back(d);
  }
  auto start = q(c.r, "start", "09:00");
  int h = 0, m = 0;
  if (std::sscanf(start.c_str(), "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
    throw bad("start", "HH:MM");
  tq.start_minute = h * 60 + m;
  if (tq.stop_hours >= tq.day_hours) throw bad("stop_hours", "less than day_hours");
  if (tq.start_minute + tq.day_hours * 60 > 24 * 60) throw bad("day_hours", "the day must end by midnight");
  auto format = q(c.r, "format", "json");
  if (format != "json" && format != "geojson") throw bad("format", "expected json or geojson");
  auto d = q_date(c.r);
  auto rev = s.revision();
  auto key = fmt::format("tour|{}|{}|{}|{:.5f},{:.5f}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", rev, d, q(c.r, "department"),
                         tq.base.lon, tq.base.lat, tq.days_per_week, tq.weeks, tq.day_hours, tq.stop_hours,
                         tq.start_minute, tq.threshold_min, tq.exact, tq.time_limit_s, tq.max_candidates, format);
  auto body = cached(s, key, [&] {
    return with_engine(s, d, [&](coverage::Engine& e, const std::vector<coverage::Place>&) {
      auto r = planning::plan_tour(e, tq);
      if (format == "geojson") return planning::to_geojson(r, s.graph, *s.snapper).dump();
      auto j = planning::to_json(r);
      j["date"] = d;
      j["geojson"] = planning::to_geojson(r, s.graph, *s.snapper);
      return j.dump();
    });
  });
  return {200, "application/json", *body, {}};
}

}  // namespace maillage::api::itinerant_api

#include "planning/tour_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "core/date.hpp"
#include "core/error.hpp"
#include "territory/communes.hpp"

namespace maillage::planning {

using nlohmann::json;
using roads::kInfinity;

namespace {
double elapsed_s(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
const char* kDays[] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};

void check(const TourRequest& q) {
  auto bad = [](const char* field, const std::string& why) { throw Error(fmt::format("{}: {}", field, why)); };
  if (q.days_per_week < 1 || q.days_per_week > 7) bad("days", "1 to 7 days a week");
  if (q.weeks < 1 || q.weeks > 4) bad("weeks", "a cycle of 1 to 4 weeks");
  if (!std::isfinite(q.day_hours) || q.day_hours <= 0 || q.day_hours > 14) bad("day_hours", "more than 0, at most 14");
  if (!std::isfinite(q.stop_hours) || q.stop_hours < 0.25 || q.stop_hours >= q.day_hours)
    bad("stop_hours", "at least 0.25 and less than the day");
  if (q.start_minute < 0 || q.start_minute + q.day_hours * 60 > 24 * 60) bad("start", "the day must end by midnight");
  if (!std::isfinite(q.threshold_min) || q.threshold_min <= 0 || q.threshold_min > 120)
    bad("threshold", "1 to 120 minutes");
  if (!std::isfinite(q.time_limit_s) || q.time_limit_s <= 0 || q.time_limit_s > 600) bad("time_limit", "1 to 600 s");
  if (q.max_candidates < 1 || q.max_candidates > 2000) bad("max_candidates", "1 to 2000");
}
}  // namespace

TourReport plan_tour(const coverage::Engine& engine, const TourRequest& q) {
  check(q);
  TourReport r;
  r.request = q;
  auto& communes = engine.communes();
  const Millis threshold = coverage::threshold_ms(q.threshold_min);
  const Millis day = static_cast<Millis>(std::llround(q.day_hours * 60) * 60000),
               stop = static_cast<Millis>(std::llround(q.stop_hours * 60) * 60000);
  if (q.stop_hours / q.weeks + 1e-9 < q.min_hours_week)
    r.warnings.push_back(
        fmt::format("a stop of {:g} h every {} weeks is {:.2f} h a week, less than the {:g} h a week "
                    "part-time coverage asks",
                    q.stop_hours, q.weeks, q.stop_hours / q.weeks, q.min_hours_week));
  // Population not covered permanently: the elements.
  auto& points = engine.points().points;
  auto& times = engine.point_times();
  std::vector<int> element_of(points.size(), -1);
  std::vector<double> weight;
  for (size_t i = 0; i < points.size(); ++i) {
    r.population += points[i].population;
    if (times[i].within(threshold)) {
      r.permanent += points[i].population;
    } else if (points[i].population > 0) {
      element_of[i] = static_cast<int>(weight.size());
      weight.push_back(points[i].population);
      r.not_permanent += points[i].population;
    }
  }
  // Candidates: commune centres whose round trip from the base (with one stop) fits the day.
  auto t0 = std::chrono::steady_clock::now();
  routing::Search search(engine.graph());
  std::vector<Candidate> all;
  std::vector<geo::LonLat> at;
  for (auto& c : communes.all()) {
    if (!q.departments.empty() && std::find(q.departments.begin(), q.departments.end(), c.dep) == q.departments.end())
      continue;
    all.push_back({c.code, c.name, c.code, c.centre}), at.push_back(c.centre);
  }
  if (all.empty()) throw Error("departments: no commune in these departments");
  auto out_t = routing::table(engine.snapper(), search, {q.base}, at);
  auto back_t = routing::table(engine.snapper(), search, at, {q.base});
  if (std::all_of(out_t.begin(), out_t.end(), [](Millis x) { return x == kInfinity; }))
    throw Error("base: cannot be joined to the road network");
  std::vector<std::pair<Millis, uint32_t>> near;
  for (uint32_t i = 0; i < all.size(); ++i)
    if (out_t[i] != kInfinity && back_t[i] != kInfinity && static_cast<uint64_t>(out_t[i]) + back_t[i] + stop <= day)
      near.push_back({out_t[i], i});
  std::sort(near.begin(), near.end());
  std::vector<Candidate> reachable;
  for (auto& [t, i] : near) reachable.push_back(all[i]);
  const double base_tables_s = elapsed_s(t0);  // from and to the base
  auto t1 = std::chrono::steady_clock::now();
  auto sets = coverage_sets(engine.graph(), engine.snapper(), engine.point_snaps(), reachable, threshold);
  r.sets_seconds = elapsed_s(t1);
  // Keep those that reach someone not covered permanently, nearest first, at most max_candidates.
  std::vector<std::vector<uint32_t>> covers;
  for (uint32_t c = 0; c < reachable.size() && r.candidates.size() < q.max_candidates; ++c) {
    std::vector<uint32_t> els;
    for (uint32_t k = sets.first[c]; k < sets.first[c + 1]; ++k)
      if (int e = element_of[sets.point[k]]; e >= 0) els.push_back(static_cast<uint32_t>(e));
    if (els.empty()) continue;
    r.candidates.push_back(reachable[c]);
    covers.push_back(std::move(els));
  }
  // The time matrix: base first.
  std::vector<geo::LonLat> nodes{q.base};
  for (auto& c : r.candidates) nodes.push_back(c.at);
  auto t2 = std::chrono::steady_clock::now();
  auto matrix = routing::table(engine.snapper(), search, nodes, nodes);
  r.matrix_seconds = base_tables_s + elapsed_s(t2);  // the time tables only
  TourInstance& in = r.instance;
  in.n = r.candidates.size();
  // Legs rounded up to 5 minutes: the timetable then reads in round times and still fits the day exactly.
  for (auto& x : matrix)
    if (x != kInfinity) x = (x + 299999) / 300000 * 300000;
  in.time = std::move(matrix);
  in.covers = std::move(covers);
  in.weight = std::move(weight);
  in.days = q.days_per_week * q.weeks;
  in.day_length = day, in.stop_length = stop;
  r.solution = plan_tours(in, q.time_limit_s);
  if (q.exact) {
    r.exact = plan_tours_exact(in, q.time_limit_s * 6);
    if (r.exact->value > r.solution.value + 1e-6) r.solution.days = r.exact->days, r.solution.value = r.exact->value;
  }
  r.served = r.solution.value;
  // The timetable: clock times and opening_hours, gains in day order.
  std::vector<uint8_t> hit(in.weight.size(), 0);
  for (size_t d = 0; d < r.solution.days.size(); ++d) {
    auto& dt = r.solution.days[d];
    TourDay td;
    td.day = static_cast<int>(d), td.week = td.day / q.days_per_week, td.weekday = td.day % q.days_per_week;
    td.leave = q.start_minute;
    td.drive_min = dt.drive / 60000.0;
    int clock = q.start_minute;
    size_t prev = 0;
    for (size_t k = 0; k < dt.stops.size(); ++k) {
      uint32_t c = dt.stops[k];
      TourStop s;
      s.candidate = c, s.day = td.day, s.order = static_cast<int>(k), s.week = td.week, s.weekday = td.weekday;
      s.arrive = clock + static_cast<int>(in.t(prev, c + 1) / 60000);
      s.depart = s.arrive + static_cast<int>(stop / 60000);
      clock = s.depart;
      prev = c + 1;
      for (auto e : in.covers[c])
        if (!hit[e]) hit[e] = 1, s.gain += in.weight[e];
      std::string week = q.weeks == 1 ? "" : fmt::format("week {:02}-53/{} ", td.week + 1, q.weeks);
      s.hours = fmt::format("{}{} {}-{}; PH off", week, kDays[td.weekday], date::clock_text(s.arrive),
                            date::clock_text(s.depart));
      td.stops.push_back(static_cast<uint32_t>(r.stops.size()));
      r.stops.push_back(s);
    }
    td.back = dt.stops.empty() ? q.start_minute : clock + static_cast<int>(in.t(prev, 0) / 60000);
    r.days.push_back(td);
  }
  return r;
}

json to_json(const TourReport& r) {
  auto& q = r.request;
  json stops = json::array(), days = json::array();
  for (auto& s : r.stops) {
    auto& c = r.candidates[s.candidate];
    stops.push_back({{"commune", c.name},
                     {"insee", c.insee},
                     {"lon", c.at.lon},
                     {"lat", c.at.lat},
                     {"day", s.day + 1},
                     {"week", s.week + 1},
                     {"weekday", kDays[s.weekday]},
                     {"order", s.order + 1},
                     {"arrive", date::clock_text(s.arrive)},
                     {"depart", date::clock_text(s.depart)},
                     {"population_gained", std::round(s.gain)},
                     {"opening_hours", s.hours}});
  }
  for (auto& d : r.days) {
    json ids = json::array();
    for (auto i : d.stops) ids.push_back(i);
    days.push_back({{"day", d.day + 1},
                    {"week", d.week + 1},
                    {"weekday", kDays[d.weekday]},
                    {"leave", date::clock_text(d.leave)},
                    {"back", date::clock_text(d.back)},
                    {"drive_minutes", std::round(d.drive_min * 10) / 10},
                    {"stops", ids}});
  }
  json j = {{"base", {{"label", q.base_label}, {"lon", q.base.lon}, {"lat", q.base.lat}}},
            {"days_per_week", q.days_per_week},
            {"weeks", q.weeks},
            {"day_hours", q.day_hours},
            {"stop_hours", q.stop_hours},
            {"start", date::clock_text(q.start_minute)},
            {"threshold_minutes", q.threshold_min},
            {"population", std::round(r.population)},
            {"covered_permanently", std::round(r.permanent)},
            {"not_covered_permanently", std::round(r.not_permanent)},
            {"population_served", std::round(r.served)},
            {"candidates", r.candidates.size()},
            {"departments", q.departments},
            {"stops", stops},
            {"days", days},
            {"warnings", r.warnings},
            {"seconds",
             {{"matrix", r.matrix_seconds}, {"coverage_sets", r.sets_seconds}, {"heuristic", r.solution.seconds}}}};
  if (r.exact)
    j["exact"] = {{"value", std::round(r.exact->value)},
                  {"optimal", r.exact->optimal},
                  {"bound", std::round(r.exact->bound)},
                  {"feasible_days", r.exact->routes},
                  {"seconds", r.exact->seconds}};
  return j;
}

json to_geojson(const TourReport& r, const roads::RoadGraph& g, const routing::Snapper& snapper) {
  json features = json::array();
  features.push_back({{"type", "Feature"},
                      {"geometry", {{"type", "Point"}, {"coordinates", {r.request.base.lon, r.request.base.lat}}}},
                      {"properties", {{"kind", "base"}, {"name", r.request.base_label}}}});
  routing::Search search(g);
  for (auto& d : r.days) {
    if (d.stops.empty()) continue;
    std::vector<geo::LonLat> way{r.request.base};
    for (auto i : d.stops) way.push_back(r.candidates[r.stops[i].candidate].at);
    way.push_back(r.request.base);
    json line = json::array();
    for (size_t k = 0; k + 1 < way.size(); ++k) {
      auto route = routing::route(snapper, search, way[k], way[k + 1]);
      for (auto& p : route.geometry) line.push_back({std::round(p.lon * 1e5) / 1e5, std::round(p.lat * 1e5) / 1e5});
    }
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "LineString"}, {"coordinates", line}}},
                        {"properties",
                         {{"kind", "route"},
                          {"day", d.day + 1},
                          {"week", d.week + 1},
                          {"weekday", kDays[d.weekday]},
                          {"drive_minutes", std::round(d.drive_min)}}}});
  }
  for (auto& s : r.stops) {
    auto& c = r.candidates[s.candidate];
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "Point"}, {"coordinates", {c.at.lon, c.at.lat}}}},
                        {"properties",
                         {{"kind", "stop"},
                          {"name", c.name},
                          {"insee", c.insee},
                          {"day", s.day + 1},
                          {"order", s.order + 1},
                          {"arrive", date::clock_text(s.arrive)},
                          {"depart", date::clock_text(s.depart)},
                          {"population_gained", std::round(s.gain)},
                          {"opening_hours", s.hours}}}});
  }
  return {{"type", "FeatureCollection"}, {"features", features}};
}

}  // namespace maillage::planning

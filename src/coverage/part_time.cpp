#include "coverage/part_time.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <tuple>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace maillage::coverage {

PartTimeReport part_time(const Engine& engine, const std::vector<TimedSite>& sites, const PartTimeRequest& request) {
  auto t0 = std::chrono::steady_clock::now();
  PartTimeReport r;
  r.days = request.days, r.min_hours_week = request.min_hours_week, r.threshold_min = request.threshold / 60000.0;
  r.sites = sites.size();
  // Distinct window sets: one sweep each.
  std::map<std::vector<Window>, std::vector<uint32_t>> groups;
  for (uint32_t i = 0; i < sites.size(); ++i) {
    auto w = sites[i].windows;
    std::sort(w.begin(), w.end());
    w.erase(std::unique(w.begin(), w.end()), w.end());
    if (!w.empty()) groups[w].push_back(i);
  }
  r.windows = groups.size();
  auto& points = engine.points().points;
  auto& snaps = engine.point_snaps();
  auto& times = engine.point_times();
  std::vector<std::vector<const std::vector<Window>*>> reached(points.size());
  routing::NearestPlaces sweep(engine.graph(), engine.snapper());
  for (auto& [windows, members] : groups) {
    std::vector<geo::LonLat> at;
    for (auto i : members) at.push_back(sites[i].at);
    sweep.compute(at, request.threshold);
    ++r.sweeps;
    for (size_t p = 0; p < points.size(); ++p) {
      auto n = sweep.from(snaps[p]);
      if (n.reachable && n.ms <= request.threshold) reached[p].push_back(&windows);
    }
  }
  double weeks = std::max(1, request.days / 7);
  r.state.assign(points.size(), 0);
  r.hours_week.assign(points.size(), 0);
  for (size_t p = 0; p < points.size(); ++p) {
    double pop = points[p].population;
    r.population += pop;
    bool permanent = times[p].within(request.threshold);
    std::array<bool, 7> day{};
    if (permanent) day.fill(true);
    std::vector<Window> all;
    for (auto* w : reached[p]) all.insert(all.end(), w->begin(), w->end());
    std::sort(all.begin(), all.end());
    double minutes = 0;
    int cur_day = -1, cur_end = -1;
    for (auto& w : all) {  // union of windows
      day[w.day % 7] = true;
      if (w.day != cur_day || w.start >= cur_end) {
        minutes += w.end - w.start;
        cur_day = w.day, cur_end = w.end;
      } else if (w.end > cur_end) {
        minutes += w.end - cur_end;
        cur_end = w.end;
      }
    }
    r.hours_week[p] = static_cast<float>(minutes / 60.0 / weeks);
    for (int d = 0; d < 7; ++d)
      if (day[d]) r.by_weekday[d] += pop;
    if (permanent) {
      r.state[p] = 2, r.permanent += pop;
    } else if (!all.empty() && r.hours_week[p] + 1e-9 >= request.min_hours_week) {
      r.state[p] = 1, r.part_time += pop;
    } else if (!all.empty()) {
      r.reached_below_h += pop;
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

nlohmann::json to_json(const PartTimeReport& r) {
  static const char* days[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  nlohmann::json by_day = nlohmann::json::object();
  for (int d = 0; d < 7; ++d)
    by_day[days[d]] = {{"population", std::round(r.by_weekday[d])},
                       {"share", r.population > 0 ? r.by_weekday[d] / r.population : 0}};
  double any = r.permanent + r.part_time;
  return {{"period_from", r.period_from},
          {"period_days", r.days},
          {"threshold_minutes", r.threshold_min},
          {"min_hours_week", r.min_hours_week},
          {"population", std::round(r.population)},
          {"permanent", {{"population", std::round(r.permanent)}, {"share", r.permanent_share()}}},
          {"part_time", {{"population", std::round(r.part_time)}, {"share", r.part_time_share()}}},
          {"permanent_or_part_time",
           {{"population", std::round(any)}, {"share", r.population > 0 ? any / r.population : 0}}},
          {"stop_below_min_hours", std::round(r.reached_below_h)},
          {"by_weekday", by_day},
          {"stops", r.sites},
          {"distinct_windows", r.windows},
          {"sweeps", r.sweeps}};
}

DayTime parse_day_time(const std::string& text) {
  static const char* codes[] = {"mo", "tu", "we", "th", "fr", "sa", "su"};
  auto bad = [&] { return Error(fmt::format("'{}': a weekday and hours are expected, e.g. 'Tu 09:00-12:00'", text)); };
  auto parts = text::split_list(text, " ");
  if (parts.size() != 2 || parts[0].size() != 2) throw bad();
  DayTime d;
  d.weekday = -1;
  for (int i = 0; i < 7; ++i)
    if (text::fold(parts[0]) == codes[i]) d.weekday = i;
  int h1, m1, h2, m2;
  char tail;
  if (d.weekday < 0 || std::sscanf(parts[1].c_str(), "%d:%d-%d:%d%c", &h1, &m1, &h2, &m2, &tail) != 4) throw bad();
  if (h1 < 0 || h1 > 24 || h2 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59) throw bad();
  d.start = h1 * 60 + m1, d.end = h2 * 60 + m2;
  if (d.end <= d.start || d.end > 24 * 60) throw bad();
  return d;
}

std::vector<uint32_t> open_during(const std::vector<TimedSite>& sites, const DayTime& when) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < sites.size(); ++i)
    for (auto& w : sites[i].windows)
      if (w.day % 7 == when.weekday && w.start < when.end && when.start < w.end) {
        out.push_back(i);
        break;
      }
  return out;
}

}  // namespace maillage::coverage

#pragma once
// Coverage in time. A population point is covered permanently (a fixed place within the threshold), part-time
// (a stop of an itinerant place within the threshold at least H hours a week, on at least one day), or not at all.
// Stops are grouped by their windows over the period: one bounded sweep per distinct set of windows, not per stop
// (the twelve stops of a bus visited once a fortnight make twelve groups; two stops served at the same hours, one).
// A point reached by several groups counts the union of their windows (two stops at the same hours are not two
// services).
#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "coverage/coverage.hpp"

namespace maillage::coverage {

struct Window {
  int day = 0;             // from the period's first day (a Monday), 0-based
  int start = 0, end = 0;  // minutes from midnight, [start, end)
  bool operator<(const Window& o) const { return std::tie(day, start, end) < std::tie(o.day, o.start, o.end); }
  bool operator==(const Window& o) const { return day == o.day && start == o.start && end == o.end; }
};

struct TimedSite {
  std::string id, name, insee;  // "place_id#seq", the stop's name, its commune
  geo::LonLat at;
  std::vector<Window> windows;
};

struct PartTimeRequest {
  Millis threshold = 0;
  int days = 14;              // the period (whole weeks from a Monday)
  double min_hours_week = 1;  // H: hours a week (averaged over the period's weeks) for part-time coverage
};

struct PartTimeReport {
  std::string period_from;  // filled by the caller (the Monday of the period)
  int days = 14;
  double threshold_min = 20, min_hours_week = 1;
  double population = 0, permanent = 0, part_time = 0;  // part_time: not permanent, but part-time
  double reached_below_h = 0;                 // not permanent, a stop within the threshold, less than H hours a week
  std::array<double, 7> by_weekday{};         // within the threshold of a fixed place, or of a stop served that weekday
  size_t sites = 0, windows = 0, sweeps = 0;  // stops, distinct window sets (= sweeps)
  std::vector<uint8_t> state;                 // per point: 0 none, 1 part-time, 2 permanent
  std::vector<float> hours_week;              // per point: hours a week at the stops it reaches (union of windows)
  double seconds = 0;
  double permanent_share() const { return population > 0 ? permanent / population : 0; }
  double part_time_share() const { return population > 0 ? part_time / population : 0; }
};

// `engine` computed for the fixed places open at the date (its times give the permanent coverage).
PartTimeReport part_time(const Engine& engine, const std::vector<TimedSite>& sites, const PartTimeRequest& request);

nlohmann::json to_json(const PartTimeReport& r);

// The weekdays (0 = Monday) and time of day a window "Tu 09:00-12:00" names: for the drive-time layer's "the nearest
// place open on Tuesday morning". Throws maillage::Error on another text.
struct DayTime {
  int weekday = 0, start = 0, end = 0;
};
DayTime parse_day_time(const std::string& text);
// The sites with a window overlapping that weekday and time in the period.
std::vector<uint32_t> open_during(const std::vector<TimedSite>& sites, const DayTime& when);

}  // namespace maillage::coverage

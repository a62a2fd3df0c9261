#pragma once
// One tour-planning run on the region: candidates (commune centres whose round trip from the base fits a day),
// their coverage sets over the population not covered permanently, the time matrix on the road graph, the
// heuristic (and the exact method on request), and the timetable that results (clock times, opening_hours). Each
// leg's drive time is rounded up to 5 minutes, so the timetable reads in round times and each day still ends back
// at the base within its length.
// Used by the CLI and the HTTP API alike.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "coverage/coverage.hpp"
#include "planning/planning.hpp"
#include "planning/tour.hpp"

namespace maillage::planning {

struct TourRequest {
  geo::LonLat base;
  std::string base_label;
  int days_per_week = 5;      // Monday to Friday with 5
  int weeks = 1;              // the cycle: 1 (every week) or 2 (odd and even weeks) ...
  double day_hours = 8;       // base to base
  double stop_hours = 3;      // at each stop (a half-day: 3 to 3.5)
  int start_minute = 9 * 60;  // leaving the base
  double threshold_min = 20;
  double min_hours_week = 1;  // part-time coverage needs stop_hours / weeks >= this
  bool exact = false;
  double time_limit_s = 10;
  size_t max_candidates = 400;           // the nearest to the base among those that reach someone
  std::vector<std::string> departments;  // stops only in these departments ("16"); empty: anywhere
};

struct TourStop {
  uint32_t candidate = 0;  // index in TourReport::candidates
  int day = 0, order = 0;  // day of the cycle (0-based), position in the day
  int week = 0, weekday = 0;
  int arrive = 0, depart = 0;  // minutes from midnight
  double gain = 0;             // population first brought within the threshold by this stop (in day order)
  std::string hours;           // opening_hours of the stop ("week 01-53/2 Tu 09:45-12:45; PH off")
};

struct TourDay {
  int day = 0, week = 0, weekday = 0;
  int leave = 0, back = 0;  // minutes from midnight
  double drive_min = 0;
  std::vector<uint32_t> stops;  // indices in TourReport::stops
};

struct TourReport {
  TourRequest request;
  std::vector<Candidate> candidates;
  TourInstance instance;
  TourSolution solution;
  std::optional<TourSolution> exact;  // with request.exact
  std::vector<TourStop> stops;
  std::vector<TourDay> days;
  double population = 0, permanent = 0, not_permanent = 0, served = 0;
  double matrix_seconds = 0, sets_seconds = 0;
  std::vector<std::string> warnings;
};

// `engine` computed for the fixed places open at the date.
TourReport plan_tour(const coverage::Engine& engine, const TourRequest& request);

nlohmann::json to_json(const TourReport& r);
// Stops as points and each day's route as a line (on the road graph).
nlohmann::json to_geojson(const TourReport& r, const roads::RoadGraph& g, const routing::Snapper& snapper);

}  // namespace maillage::planning

#pragma once
// Tours of an itinerant tiers-lieu: which stops, on which days, in which order, so that the most people not
// covered permanently come within the threshold of a stop. Each day leaves the base, drives to its stops, stays a
// stop length at each and returns within the day length. This is a prize-collecting routing problem with a
// coverage objective (a team orienteering problem whose prizes overlap): NP-hard, so
//  - plan_tours: a heuristic for the region (greedy insertion by gain and by gain per added minute, then local
//    search: each day reordered exactly, stops dropped and refilled, swaps with candidates outside), seconds;
//  - plan_tours_exact: every feasible day (set of stops whose best order fits the day) enumerated, then a MIP
//    choosing at most `days` of them (COIN-OR CBC): exact on small instances (up to kMaxExactRoutes days).
// The instance is plain numbers (a time matrix, coverage sets, weights), so both are tested against brute force.
#include <cstdint>
#include <string>
#include <vector>

#include "roads/graph.hpp"

namespace maillage::planning {

using roads::Millis;

struct TourInstance {
  size_t n = 0;                               // candidate stops; index 0 of the matrix is the base, candidate c is c+1
  std::vector<Millis> time;                   // (n+1) x (n+1), row-major, roads::kInfinity where no path exists
  std::vector<std::vector<uint32_t>> covers;  // per candidate: the elements within the threshold of it
  std::vector<double> weight;                 // per element (population not covered permanently)
  int days = 5;                               // day tours to build (days a week x weeks)
  Millis day_length = 8 * 3600000;            // base to base
  Millis stop_length = 3 * 3600000;           // at each stop
  Millis t(size_t from, size_t to) const { return time[from * (n + 1) + to]; }
};

struct DayTour {
  std::vector<uint32_t> stops;  // candidate indices, in visiting order
  Millis drive = 0;             // driving time of the day (base to base)
  Millis total() const;         // filled by plan_*: drive + stops x stop_length
  Millis stop_length = 0;
};

struct TourSolution {
  std::vector<DayTour> days;  // `days` entries (some possibly empty)
  double value = 0;           // weight of the elements within the threshold of a chosen stop
  bool optimal = false;       // proven (exact method)
  double bound = 0;           // exact method: upper bound on the value
  size_t routes = 0;          // exact method: feasible days enumerated
  double seconds = 0;
};

// Driving time of a day visiting `order` from and back to the base (kInfinity when a leg has no path).
Millis route_drive(const TourInstance& in, const std::vector<uint32_t>& order);
// The order of `stops` with the least driving time: exact (all permutations) up to 8 stops, else 2-opt.
std::vector<uint32_t> best_order(const TourInstance& in, std::vector<uint32_t> stops);
// Weight within the threshold of at least one of the chosen stops.
double tour_value(const TourInstance& in, const std::vector<DayTour>& days);
// True when every day fits its length and no stop is visited twice.
bool feasible(const TourInstance& in, const std::vector<DayTour>& days);

TourSolution plan_tours(const TourInstance& in, double time_limit_s = 10);

constexpr size_t kMaxExactRoutes = 200000;
// Throws maillage::Error when the feasible days exceed kMaxExactRoutes (the instance is too large to be exact).
TourSolution plan_tours_exact(const TourInstance& in, double time_limit_s = 60);

}  // namespace maillage::planning

#pragma once
// Fitting the car profile to real trip times (issue #15): the class speeds of the skeleton (local layer included)
// and the access-leg speed, by coordinate descent on the mean absolute log ratio of engine to reference times,
// each parameter within its bounds; the error reported in sample and cross-validated (k folds: each pair's time
// predicted by a profile fitted without it), overall and by trip length (< 30, 30-60, > 60 minutes).
#include <string>
#include <vector>

#include "roads/graph.hpp"
#include "roads/profile.hpp"
#include "routing/search.hpp"
#include "routing/snap.hpp"

namespace maillage::routing {

struct TripPair {
  std::string origin, destination, source;  // source: which file
  geo::LonLat a, b;
  double ref_min = 0;
};

struct FitParam {
  std::string name;  // "autoroute" ... "locale" (class speeds, km/h), "access" (access-leg speed, km/h)
  double value = 0, lo = 0, hi = 0;
  bool at_bound() const { return value <= lo * 1.005 || value >= hi * 0.995; }
};

// Absolute relative errors |engine - ref| / ref: their median and 90th percentile, and how many.
struct ErrorStats {
  size_t n = 0;
  double median = 0, p90 = 0;
};
struct BandStats {
  ErrorStats all, under30, from30to60, over60;
  size_t unroutable = 0;  // pairs with an end outside the graph's reach: left out of the figures, counted here
};
BandStats band_stats(const std::vector<TripPair>& pairs, const std::vector<double>& minutes);

struct CalibrationReport {
  roads::Profile fitted;
  std::vector<FitParam> params;
  BandStats before, in_sample, cross_validated;
  std::vector<double> before_min, fitted_min, cv_min;  // per pair (NaN: no route)
  int folds = 0;
};

class Calibrator {
 public:
  // The graph's edge weights are rewritten by each evaluation (a copy the caller does not need afterwards).
  Calibrator(roads::RoadGraph& g, const roads::Profile& p, std::vector<TripPair> pairs);
  // Engine minutes for every pair with the profile's speeds.
  std::vector<double> minutes(const roads::Profile& p);
  // Fits on the pairs `train`; returns the fitted profile and its parameters.
  roads::Profile fit(const roads::Profile& start, const std::vector<size_t>& train,
                     std::vector<FitParam>* params = nullptr);
  // Before, fitted on all, and k-fold cross-validated (folds drawn with a fixed seed).
  CalibrationReport run(int folds, unsigned seed = 7);
  const std::vector<TripPair>& pairs() const { return pairs_; }

 private:
  void apply(const roads::Profile& p);
  roads::RoadGraph& g_;
  roads::Profile base_;
  std::vector<TripPair> pairs_;
  Snapper snapper_;
  Search search_;  // reused by every evaluation (the fit runs hundreds)
};

}  // namespace maillage::routing

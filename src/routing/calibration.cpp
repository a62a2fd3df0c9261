#include "routing/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.hpp"
#include "roads/builder.hpp"
#include "routing/engine.hpp"

namespace maillage::routing {

using roads::Profile;

namespace {
ErrorStats stats(std::vector<double> errs) {
  ErrorStats s;
  s.n = errs.size();
  if (errs.empty()) return s;
  std::sort(errs.begin(), errs.end());
  auto at = [&](double q) {  // linear interpolation between order statistics
    double pos = q * (errs.size() - 1);
    size_t i = static_cast<size_t>(std::floor(pos));
    double f = pos - i;
    return i + 1 < errs.size() ? errs[i] * (1 - f) + errs[i + 1] * f : errs[i];
  };
  s.median = at(0.5);
  s.p90 = at(0.9);
  return s;
}
constexpr const char* kAccess = "access";
}  // namespace

BandStats band_stats(const std::vector<TripPair>& pairs, const std::vector<double>& minutes) {
  std::vector<double> all, a, b, c;
  size_t unroutable = 0;
  for (size_t i = 0; i < pairs.size(); ++i) {
    double ref = pairs[i].ref_min;
    if (std::isnan(minutes[i])) {
      ++unroutable;
      continue;
    }
    double e = std::abs(minutes[i] - ref) / ref;
    all.push_back(e);
    (ref < 30 ? a : ref <= 60 ? b : c).push_back(e);
  }
  return {stats(all), stats(a), stats(b), stats(c), unroutable};
}

Calibrator::Calibrator(roads::RoadGraph& g, const Profile& p, std::vector<TripPair> pairs)
    : g_(g), base_(p), pairs_(std::move(pairs)), snapper_(g, SnapOptions::from(p)), search_(g) {}

void Calibrator::apply(const Profile& p) {
  std::vector<double> speed(256, -1);
  for (auto& [cls, kmh] : p.skeleton_speeds_kmh) speed[static_cast<int>(roads::road_class_from_name(cls))] = kmh / 3.6;
  for (size_t e = 0; e < g_.edge_count(); ++e) {
    double v = speed[g_.edge_class[e]];
    if (v <= 0) continue;  // a class the profile does not set (OSM classes): unchanged
    if (g_.names[g_.edge_name[e]].rfind("bretelle ", 0) == 0) v = p.exit_link_speed_kmh / 3.6;
    auto ms = roads::to_millis(g_.edge_length_m[e] / v);
    if (g_.edge_time_fwd[e] != roads::kInfinity) g_.edge_time_fwd[e] = ms;
    if (g_.edge_time_bwd[e] != roads::kInfinity) g_.edge_time_bwd[e] = ms;
  }
  for (size_t a = 0; a < g_.arc_count(); ++a) {
    auto e = g_.arc_edge[a];
    g_.out[a].weight = e % 2 ? g_.edge_time_bwd[e / 2] : g_.edge_time_fwd[e / 2];
  }
  for (size_t a = 0; a < g_.arc_count(); ++a) {
    auto e = g_.in_arc_edge[a];
    g_.in[a].weight = e % 2 ? g_.edge_time_bwd[e / 2] : g_.edge_time_fwd[e / 2];
  }
}

std::vector<double> Calibrator::minutes(const Profile& p) {
  apply(p);
  std::vector<double> out;
  for (auto& pair : pairs_) {
    auto r = route(snapper_, search_, pair.a, pair.b);
    if (!r.ok) {
      out.push_back(NAN);
      continue;
    }
    // The access legs at the profile's speed (the snapper was made with the starting one).
    double ms = r.ms - r.access_from_ms - r.access_to_ms +
                1000 * (p.access_seconds(r.access_from_m) + p.access_seconds(r.access_to_m));
    out.push_back(ms / 60000.0);
  }
  return out;
}

Profile Calibrator::fit(const Profile& start, const std::vector<size_t>& train, std::vector<FitParam>* params_out) {
  std::vector<FitParam> params;
  std::vector<uint8_t> used(256, 0);
  for (size_t e = 0; e < g_.edge_count(); ++e) used[g_.edge_class[e]] = 1;
  for (auto& [cls, kmh] : start.skeleton_speeds_kmh) {
    if (!used[static_cast<int>(roads::road_class_from_name(cls))]) continue;
    auto b = start.fit_bounds_kmh.count(cls) ? start.fit_bounds_kmh.at(cls) : std::pair{kmh, kmh};
    params.push_back({cls, std::clamp(kmh, b.first, b.second), b.first, b.second});
  }
  auto ab = start.fit_bounds_kmh.count(kAccess) ? start.fit_bounds_kmh.at(kAccess)
                                                : std::pair{start.last_mile_speed_kmh, start.last_mile_speed_kmh};
  params.push_back({kAccess, std::clamp(start.last_mile_speed_kmh, ab.first, ab.second), ab.first, ab.second});
  auto profile_of = [&](const std::vector<FitParam>& ps) {
    Profile p = start;
    for (auto& x : ps)
      if (x.name == kAccess)
        p.last_mile_speed_kmh = x.value;
      else
        p.skeleton_speeds_kmh[x.name] = x.value;
    return p;
  };
  auto cost = [&](const std::vector<FitParam>& ps) {
    auto m = minutes(profile_of(ps));
    double c = 0;
    for (size_t i : train) c += std::isnan(m[i]) ? 10 : std::abs(std::log(m[i] / pairs_[i].ref_min));
    return train.empty() ? 0.0 : c / train.size();
  };
  double best = cost(params);
  for (double step : {0.2, 0.1, 0.05, 0.02, 0.01}) {
    for (int round = 0, improved = 1; improved && round < 20; ++round) {
      improved = 0;
      for (auto& x : params) {
        if (x.lo == x.hi) continue;
        for (double f : {1 + step, 1 / (1 + step)}) {
          double old = x.value;
          x.value = std::clamp(old * f, x.lo, x.hi);
          if (x.value == old) continue;
          double c = cost(params);
          if (c < best - 1e-9) {
            best = c, improved = 1;
            break;
          }
          x.value = old;
        }
      }
    }
  }
  if (params_out) *params_out = params;
  return profile_of(params);
}

CalibrationReport Calibrator::run(int folds, unsigned seed) {
  CalibrationReport r;
  r.folds = folds;
  r.before_min = minutes(base_);
  r.before = band_stats(pairs_, r.before_min);
  std::vector<size_t> all(pairs_.size());
  std::iota(all.begin(), all.end(), 0);
  r.fitted = fit(base_, all, &r.params);
  r.fitted_min = minutes(r.fitted);
  r.in_sample = band_stats(pairs_, r.fitted_min);
  r.cv_min.assign(pairs_.size(), NAN);
  if (folds >= 2) {
    auto order = all;
    std::mt19937 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    for (int k = 0; k < folds; ++k) {
      std::vector<size_t> train, test;
      for (size_t i = 0; i < order.size(); ++i) (static_cast<int>(i % folds) == k ? test : train).push_back(order[i]);
      auto p = fit(base_, train);
      auto m = minutes(p);
      for (size_t i : test) r.cv_min[i] = m[i];
    }
    r.cross_validated = band_stats(pairs_, r.cv_min);
  }
  apply(r.fitted);
  return r;
}

}  // namespace maillage::routing

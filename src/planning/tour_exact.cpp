// Exact tours: every feasible day enumerated, then CBC picks at most `days` of them.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "planning/mip.hpp"
#include "planning/tour.hpp"

namespace maillage::planning {

using roads::kInfinity;

TourSolution plan_tours_exact(const TourInstance& in, double time_limit_s) {
  auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  TourSolution out;
  out.days.assign(std::max(0, in.days), DayTour{{}, 0, in.stop_length});
  // Candidates worth a stop: their round trip fits, and they reach some weight.
  std::vector<uint32_t> pool;
  for (uint32_t c = 0; c < in.n; ++c) {
    double w = 0;
    for (auto e : in.covers[c]) w += in.weight[e];
    Millis rt = route_drive(in, {c});
    if (w > 0 && rt != kInfinity && rt + in.stop_length <= in.day_length) pool.push_back(c);
  }
  // 1. Feasible days: sets of stops whose best order fits. Road times obey the triangle inequality (a detour
  //    through one more stop never shortens a day), so a set that does not fit has no superset that fits.
  struct Route {
    std::vector<uint32_t> order;
    Millis drive;
  };
  std::vector<Route> routes;
  std::vector<uint32_t> set;
  auto dfs = [&](auto&& self, size_t from) -> void {
    for (size_t i = from; i < pool.size(); ++i) {
      set.push_back(pool[i]);
      if (set.size() > 8) throw Error("a day would hold more than 8 stops: too many for the exact method");
      auto order = best_order(in, set);
      Millis drive = route_drive(in, order);
      if (drive != kInfinity && drive + static_cast<Millis>(set.size()) * in.stop_length <= in.day_length) {
        routes.push_back({order, drive});
        if (routes.size() > kMaxExactRoutes)
          throw Error(fmt::format("more than {} feasible days: the instance is too large for the exact method",
                                  kMaxExactRoutes));
        self(self, i + 1);
      }
      set.pop_back();
    }
  };
  dfs(dfs, 0);
  out.routes = routes.size();
  if (routes.empty() || in.days <= 0) {
    out.optimal = true;
    out.seconds = elapsed();
    return out;
  }
  // 2. The MIP. Columns: x_r (days, integer), y_c (stop visited), z_e (merged elements). Rows: sum x <= days;
  //    y_c <= sum of the x_r visiting c; z_e <= sum of the y_c within the threshold of e. Maximise sum w z.
  std::vector<int> col_y(in.n, -1);
  const int nr = static_cast<int>(routes.size());
  int ny = 0;
  for (auto c : pool) col_y[c] = nr + ny++;
  std::map<std::vector<int>, double> elements;  // the y columns reaching an element -> its weight (merged)
  {
    std::vector<std::vector<int>> reach(in.weight.size());
    for (auto c : pool)
      for (auto e : in.covers[c]) reach[e].push_back(col_y[c]);
    for (size_t e = 0; e < reach.size(); ++e)
      if (!reach[e].empty() && in.weight[e] > 0) {
        std::sort(reach[e].begin(), reach[e].end());
        elements[reach[e]] += in.weight[e];
      }
  }
  const int nz = static_cast<int>(elements.size()), ncols = nr + ny + nz;
  RowMip mip(ncols);
  for (int r = 0; r < nr; ++r) mip.add(r, 1);
  mip.end_row(0, in.days);
  std::vector<std::vector<int>> routes_of(in.n);
  for (int r = 0; r < nr; ++r)
    for (auto c : routes[r].order) routes_of[c].push_back(r);
  for (auto c : pool) {
    mip.add(col_y[c], 1);
    for (int r : routes_of[c]) mip.add(r, -1);
    mip.end_row(-COIN_DBL_MAX, 0);
  }
  int z = nr + ny;
  for (auto& [cols, w] : elements) {
    mip.obj[z] = -w;
    mip.add(z, 1);
    for (int c : cols) mip.add(c, -1);
    mip.end_row(-COIN_DBL_MAX, 0);
    ++z;
  }
  auto model_ptr = cbc_model(mip, nr, std::max(1.0, time_limit_s - elapsed()));
  auto& model = *model_ptr;
  model.branchAndBound();
  std::vector<DayTour> days;
  if (const double* best = model.bestSolution()) {
    std::vector<uint8_t> taken(in.n, 0);
    for (int r = 0; r < nr; ++r) {
      if (best[r] < 0.5) continue;
      std::vector<uint32_t> stops;  // a stop chosen on two days is kept on the first (it adds nothing twice)
      for (auto c : routes[r].order)
        if (!taken[c]) taken[c] = 1, stops.push_back(c);
      auto order = best_order(in, stops);
      days.push_back({order, route_drive(in, order), in.stop_length});
    }
  }
  while (days.size() < static_cast<size_t>(in.days)) days.push_back({{}, 0, in.stop_length});
  out.days = days;
  out.value = tour_value(in, out.days);
  out.optimal = model.isProvenOptimal();
  double bp = model.getBestPossibleObjValue();
  out.bound = out.optimal ? out.value : (std::isfinite(bp) && bp > -1e29 ? std::max(out.value, -bp) : 0);
  out.seconds = elapsed();
  return out;
}

}  // namespace maillage::planning

// Tour planning and coverage in time (issue #18). Prints figures, medians of repeated runs:
//  1. The heuristic against the exact optimum (every feasible day enumerated, CBC) on instances where both run:
//     random Euclidean instances of 20 to 30 candidate stops and 3 to 5 days, and real ones from Ruffec on the
//     regional skeleton (the 30 to 120 nearest useful commune centres, 3 h stops); the gap and both times.
//  2. The region: tours from Ruffec, 5 days a week over two weeks, 400 candidate commune centres (target: seconds),
//     from the candidates and the time matrix to the heuristic.
//  3. Part-time coverage of 12 stops with distinct windows (12 sweeps) and of 120 (the same 12 windows repeated:
//     still 12 sweeps), against the 65,521 grid cells.
// Places open: 165 commune centres drawn with a fixed seed stand for them (the same in every run).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "bench_common.hpp"
#include "coverage/coverage.hpp"
#include "coverage/part_time.hpp"
#include "planning/tour.hpp"
#include "planning/tour_run.hpp"
#include "territory/communes.hpp"

using namespace maillage;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

planning::TourInstance random_instance(unsigned seed, size_t n, int days) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::pair<double, double>> at{{0.5, 0.5}};
  for (size_t i = 0; i < n; ++i) at.push_back({u(rng), u(rng)});
  planning::TourInstance in;
  in.n = n;
  for (auto& a : at)
    for (auto& b : at)
      in.time.push_back(static_cast<roads::Millis>(std::hypot(a.first - b.first, a.second - b.second) * 120 * 60000));
  size_t elements = 4 * n;
  for (size_t e = 0; e < elements; ++e) in.weight.push_back(std::floor(1 + 1000 * u(rng)));
  in.covers.resize(n);
  for (size_t c = 0; c < n; ++c)
    for (size_t e = 0; e < elements; ++e)
      if (u(rng) < 0.2) in.covers[c].push_back(static_cast<uint32_t>(e));
  in.days = days;
  in.day_length = 480 * 60000;
  in.stop_length = (60 + static_cast<roads::Millis>(rng() % 60)) * 60000;
  return in;
}
}  // namespace

int main() {
  std::printf("== 1. Heuristic against the exact optimum\n");
  std::printf("%-28s %6s %12s %12s %8s %9s %9s %8s\n", "instance", "routes", "heuristic", "optimum", "ratio", "heur. s",
              "exact s", "proven");
  std::vector<double> ratios;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    size_t n = 20 + 5 * (seed % 3);
    int days = 3 + static_cast<int>(seed % 3);
    auto in = random_instance(seed, n, days);
    auto h = planning::plan_tours(in, 2);
    auto x = planning::plan_tours_exact(in, 60);
    double r = x.value > 0 ? h.value / x.value : 1;
    ratios.push_back(r);
    std::printf("random n=%-2zu days=%d seed=%-2u     %6zu %12.0f %12.0f %8.4f %9.3f %9.3f %8s\n", n, days, seed,
                x.routes, h.value, x.value, r, h.seconds, x.seconds, x.optimal ? "yes" : "no");
  }
  std::printf("random instances: heuristic / optimum median %.4f, worst %.4f, optimum reached %ld of %zu\n",
              median(ratios), *std::min_element(ratios.begin(), ratios.end()),
              std::count_if(ratios.begin(), ratios.end(), [](double r) { return r > 1 - 1e-9; }), ratios.size());

  auto& graph = bench::skeleton();
  auto& snapper = bench::skeleton_snapper();
  auto& grid = territory::bundled_points(territory::PopulationSource::Grid);
  auto& communes = territory::CommuneTable::bundled();
  std::vector<coverage::Place> places;
  int i = 0;
  for (auto* c : bench::commune_sample(165, 165))
    places.push_back({"p" + std::to_string(i++), c->name, c->code, c->centre});
  coverage::Engine engine(graph, snapper, grid, communes);
  engine.compute(places);
  auto* ruffec = communes.find("16292");
  std::vector<double> real_ratios;
  for (size_t cands : {30, 60, 120}) {
    for (int days : {3, 5}) {
      planning::TourRequest q;
      q.base = ruffec->centre, q.base_label = "Ruffec";
      q.days_per_week = days, q.weeks = 1, q.max_candidates = cands, q.exact = true, q.time_limit_s = 5;
      auto r = planning::plan_tour(engine, q);
      double h = planning::plan_tours(r.instance, 5).value;
      double ratio = r.exact->value > 0 ? h / r.exact->value : 1;
      real_ratios.push_back(ratio);
      std::printf("Ruffec %3zu candidates, %d days%6zu %12.0f %12.0f %8.4f %9.3f %9.3f %8s\n", cands, days,
                  r.exact->routes, h, r.exact->value, ratio, r.solution.seconds, r.exact->seconds,
                  r.exact->optimal ? "yes" : "no");
    }
  }
  std::printf("real instances: heuristic / optimum median %.4f, worst %.4f\n", median(real_ratios),
              *std::min_element(real_ratios.begin(), real_ratios.end()));

  std::printf("\n== 2. The region: tours from Ruffec, 5 days a week, two weeks, 400 candidates\n");
  std::vector<double> total, heuristic, matrix;
  double served = 0;
  for (int run = 0; run < 3; ++run) {
    planning::TourRequest q;
    q.base = ruffec->centre, q.base_label = "Ruffec";
    q.days_per_week = 5, q.weeks = 2, q.max_candidates = 400, q.time_limit_s = 10;
    auto t0 = std::chrono::steady_clock::now();
    auto r = planning::plan_tour(engine, q);
    total.push_back(seconds_since(t0));
    heuristic.push_back(r.solution.seconds);
    matrix.push_back(r.matrix_seconds);
    served = r.served;
  }
  std::printf(
      "median of 3: %.2f s in all (time tables %.2f s, heuristic %.2f s); %.0f inhabitants brought within "
      "20 min of a stop\n",
      median(total), median(matrix), median(heuristic), served);

  std::printf("\n== 3. Part-time coverage: one sweep per distinct window set\n");
  std::mt19937 rng(18);
  std::vector<coverage::TimedSite> sites;
  for (auto* c : bench::commune_sample(12, 18)) {
    int day = static_cast<int>(rng() % 10);
    sites.push_back({c->code, c->name, c->code, c->centre, {{day + day / 5 * 2, 570, 750}}});
  }
  auto many = sites;
  for (auto* c : bench::commune_sample(108, 19)) {
    auto s = sites[rng() % 12];
    s.at = c->centre, s.id = c->code;
    many.push_back(s);
  }
  for (auto* set : {&sites, &many}) {
    std::vector<double> t;
    coverage::PartTimeReport r;
    for (int run = 0; run < 5; ++run) {
      r = coverage::part_time(engine, *set, {coverage::threshold_ms(20), 14, 1});
      t.push_back(r.seconds);
    }
    std::printf("%3zu stops, %zu sweeps: median %.3f s over %zu cells; part-time only %.0f inhabitants\n", set->size(),
                r.sweeps, median(t), grid.points.size(), r.part_time);
  }
  return 0;
}

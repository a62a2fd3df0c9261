// What-if changes on the region (issue #19): 300 random changes (add a hypothetical place at a commune centre,
// move one, close one, close an open place) on the regional skeleton and the 65,521 grid cells, with 165 open
// places (commune centres drawn with a fixed seed); each change's time (median, p99), against a full recomputation
// of the coverage (the engine's sweep over every place and point, and the covered total) in the same run.
// Target: <= 10 ms a change.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "bench_common.hpp"
#include "coverage/coverage.hpp"
#include "scenario/whatif.hpp"
#include "territory/communes.hpp"

using namespace maillage;

int main() {
  auto& graph = bench::skeleton();
  auto& snapper = bench::skeleton_snapper();
  auto& grid = territory::bundled_points(territory::PopulationSource::Grid);
  auto& communes = territory::CommuneTable::bundled();
  std::vector<coverage::Place> places;
  int i = 0;
  for (auto* c : bench::commune_sample(165, 165))
    places.push_back({"p" + std::to_string(i++), c->name, c->code, c->centre});
  auto t0 = std::chrono::steady_clock::now();
  coverage::Engine engine(graph, snapper, grid, communes);
  double snap_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto threshold = coverage::threshold_ms(20), cap = coverage::threshold_ms(60);
  t0 = std::chrono::steady_clock::now();
  std::vector<scenario::Site> sites;
  for (auto& p : places) sites.push_back({p.id, p.name, p.insee, p.at, false});
  scenario::WhatIf w(graph, snapper, grid, engine.point_snaps(), threshold, cap, sites);
  double base_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t0 = std::chrono::steady_clock::now();
  scenario::WhatIf copy(w);
  double copy_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  std::mt19937 rng(19);
  std::vector<double> add_ms, move_ms, close_ms, full_ms, report_ms;
  std::vector<std::string> hypo;
  auto open = places;
  int next = 0;
  for (int step = 0; step < 300; ++step) {
    int op = static_cast<int>(rng() % 4);
    if (hypo.empty()) op = 0;
    if (op == 0) {
      auto& c = communes.all()[rng() % communes.all().size()];
      std::string id = "h" + std::to_string(next++);
      auto d = w.add({id, c.name, c.code, c.centre, true});
      add_ms.push_back(d.microseconds / 1000);
      hypo.push_back(id);
      open.push_back({id, c.name, c.code, c.centre});
    } else if (op == 1) {
      auto& id = hypo[rng() % hypo.size()];
      auto& c = communes.all()[rng() % communes.all().size()];
      auto d = w.move(id, c.centre);
      move_ms.push_back(d.microseconds / 1000);
      for (auto& p : open)
        if (p.id == id) p.at = c.centre;
    } else {
      std::string id;
      if (op == 2) {
        size_t k = rng() % hypo.size();
        id = hypo[k];
        hypo.erase(hypo.begin() + static_cast<long>(k));
      } else {
        id = places[rng() % places.size()].id;
        if (std::none_of(open.begin(), open.end(), [&](auto& p) { return p.id == id; })) continue;
      }
      auto d = w.close(id);
      close_ms.push_back(d.microseconds / 1000);
      open.erase(std::remove_if(open.begin(), open.end(), [&](auto& p) { return p.id == id; }), open.end());
    }
    if (step % 10 == 0) {  // the baseline: a full recomputation of the same state
      auto f0 = std::chrono::steady_clock::now();
      engine.compute_full(open);
      double covered = 0;
      for (size_t p = 0; p < grid.points.size(); ++p)
        if (engine.point_times()[p].within(threshold)) covered += grid.points[p].population;
      full_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - f0).count());
      auto r0 = std::chrono::steady_clock::now();  // what answered such a question before: the full report
      (void)coverage::build_report(engine, open, "2026-11-30", 20);
      report_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - r0).count() +
                          full_ms.back());
      if (std::abs(covered - w.figures().covered) > 0.5) {
        std::printf("MISMATCH at step %d: incremental %.0f, full %.0f\n", step, w.figures().covered, covered);
        return 1;
      }
    }
  }
  std::vector<double> all = add_ms;
  all.insert(all.end(), move_ms.begin(), move_ms.end());
  all.insert(all.end(), close_ms.begin(), close_ms.end());
  std::printf("What-if on the region (2-core VM; %zu grid cells, %zu open places, threshold 20 min, cap 60 min)\n",
              grid.points.size(), places.size());
  std::printf(
      "snapping the cells once %.2f s; the scenario's base (one sweep over the open places) %.2f s; a copy for a new "
      "scenario %.1f ms\n",
      snap_s, base_s, copy_ms);
  std::printf("%-8s %6s %10s %10s %10s\n", "change", "count", "median ms", "p99 ms", "max ms");
  auto row = [](const char* name, const std::vector<double>& v) {
    std::printf("%-8s %6zu %10.3f %10.3f %10.3f\n", name, v.size(), bench::quantile(v, 0.5), bench::quantile(v, 0.99),
                bench::quantile(v, 1.0));
  };
  row("add", add_ms);
  row("move", move_ms);
  row("close", close_ms);
  row("all", all);
  row("full", full_ms);
  row("report", report_ms);
  std::printf(
      "full recomputation / change (medians): %.0fx; the full report / change: %.0fx; the incremental totals "
      "equalled the full ones at all %zu checks\n",
      bench::quantile(full_ms, 0.5) / std::max(1e-9, bench::quantile(all, 0.5)),
      bench::quantile(report_ms, 0.5) / std::max(1e-9, bench::quantile(all, 0.5)), full_ms.size());
  return 0;
}

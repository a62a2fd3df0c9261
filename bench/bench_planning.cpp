// Planning benchmarks (issue #6): coverage sets of the 4,293 commune candidates over the 65,521 grid cells at
// 20 minutes (target <= 2 s), the greedy curve to 100 % (target <= 1 s), the exact best k = 10 (target <= 60 s
// with its gap), criticality of 300 places, and coverage sets on the generated 5-million-node graph with 4,000
// candidates and 65,000 points (target <= 60 s on 2 cores), with 1 thread and with every hardware thread.
//   --benchmark_filter=Region to skip the generated graph; MAILLAGE_BENCH_NODES to change its size.
#include <benchmark/benchmark.h>

#include <random>

#include "bench_common.hpp"
#include "core/paths.hpp"
#include "coverage/coverage.hpp"
#include "planning/exact.hpp"
#include "planning/planning.hpp"
#include "roads/importers.hpp"
#include "territory/communes.hpp"

using namespace maillage;

namespace {
struct Setup {
  const roads::RoadGraph& graph = bench::skeleton();
  const routing::Snapper& snapper = bench::skeleton_snapper();
  const territory::PopulationPoints& grid = territory::bundled_points(territory::PopulationSource::Grid);
  std::vector<routing::Snap> snaps;
  std::vector<planning::Candidate> candidates;
  std::vector<coverage::Place> places;
  std::vector<double> pop;
  std::vector<uint8_t> covered;
  Setup() {
    std::vector<geo::LonLat> at;
    for (auto& p : grid.points) at.push_back(p.at), pop.push_back(p.population);
    snaps = snapper.snap_all(at);
    for (auto& c : territory::CommuneTable::bundled().all()) candidates.push_back({c.code, c.name, c.code, c.centre});
    int i = 0;
    for (auto* c : bench::commune_sample(300, 300))
      places.push_back({"p" + std::to_string(i++), c->name, c->code, c->centre});
    coverage::Engine engine(graph, snapper, grid, territory::CommuneTable::bundled());
    engine.compute(places);
    for (auto& t : engine.point_times()) covered.push_back(t.within(coverage::threshold_ms(20)));
  }
};
Setup& setup() {
  static Setup s;
  return s;
}

void BM_CoverageSets4293Communes(benchmark::State& state) {
  auto& s = setup();
  size_t total = 0;
  for (auto _ : state) total = planning::coverage_sets(s.graph, s.snapper, s.snaps, s.candidates, 1200000).point.size();
  state.counters["pairs"] = static_cast<double>(total);
}
BENCHMARK(BM_CoverageSets4293Communes)->Unit(benchmark::kMillisecond);

void BM_GreedyCurveTo100Percent(benchmark::State& state) {
  auto& s = setup();
  auto sets = planning::coverage_sets(s.graph, s.snapper, s.snaps, s.candidates, 1200000);
  size_t sites = 0;
  for (auto _ : state) sites = planning::greedy(sets, s.pop, s.covered, 0).steps.size();
  state.counters["sites"] = static_cast<double>(sites);
}
BENCHMARK(BM_GreedyCurveTo100Percent)->Unit(benchmark::kMillisecond);

void BM_ExactBestK10Region(benchmark::State& state) {
  auto& s = setup();
  auto sets = planning::coverage_sets(s.graph, s.snapper, s.snaps, s.candidates, 1200000);
  auto g = planning::greedy(sets, s.pop, s.covered, 10);
  std::vector<uint32_t> warm;
  for (auto& st : g.steps) warm.push_back(st.candidate);
  planning::ExactResult x;
  for (auto _ : state) x = planning::best_k_exact(sets, s.pop, s.covered, 10, 60, warm);
  state.counters["optimal"] = x.optimal;
  state.counters["gap_pct"] = 100 * x.gap;
  state.counters["kept"] = static_cast<double>(x.kept);
  state.counters["undominated"] = static_cast<double>(x.undominated);
  state.counters["gain_vs_greedy"] = x.covered - g.steps.back().covered;
}
BENCHMARK(BM_ExactBestK10Region)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(false);

void BM_Criticality300Places(benchmark::State& state) {
  auto& s = setup();
  coverage::Engine engine(s.graph, s.snapper, s.grid, territory::CommuneTable::bundled());
  for (auto _ : state) benchmark::DoNotOptimize(planning::criticality(engine, s.places, 1200000));
}
BENCHMARK(BM_Criticality300Places)->Unit(benchmark::kMillisecond)->Iterations(1);

// The generated graph: 4,000 candidates and 65,000 population points drawn at random nodes' positions (fixed
// seed), 20 minutes.
struct Generated {
  const roads::RoadGraph& graph = bench::generated();
  routing::Snapper snapper{graph, routing::SnapOptions::from(bench::profile())};
  std::vector<routing::Snap> snaps;
  std::vector<planning::Candidate> candidates;
  Generated() {
    std::mt19937 rng(65);
    std::vector<geo::LonLat> at;
    auto pos = [&] { return graph.lonlat(static_cast<roads::NodeId>(rng() % graph.node_count())); };
    for (int i = 0; i < 65000; ++i) at.push_back(pos());
    snaps = snapper.snap_all(at);
    for (int i = 0; i < 4000; ++i) candidates.push_back({std::to_string(i), "c", "", pos()});
  }
};
Generated& generated_setup() {
  static Generated s;
  return s;
}

void BM_CoverageSetsGenerated5M(benchmark::State& state) {
  auto& s = generated_setup();
  size_t total = 0;
  for (auto _ : state)
    total = planning::coverage_sets(s.graph, s.snapper, s.snaps, s.candidates, 1200000,
                                    static_cast<unsigned>(state.range(0)))
                .point.size();
  state.counters["pairs"] = static_cast<double>(total);
  state.counters["nodes"] = static_cast<double>(s.graph.node_count());
}
// 1 thread, then every hardware thread (0).
BENCHMARK(BM_CoverageSetsGenerated5M)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
}  // namespace

BENCHMARK_MAIN();

// Planning benchmarks (issue #6, greedy part): coverage sets of the 4,293 commune candidates over the 65,521 grid
// cells at 20 minutes (target <= 2 s), the greedy curve to 100 % (target <= 1 s), criticality of 300 places.
#include <benchmark/benchmark.h>

#include <random>

#include "bench_common.hpp"
#include "core/paths.hpp"
#include "coverage/coverage.hpp"
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
    for (auto* c : bench::commune_sample(300, 300)) places.push_back({"p" + std::to_string(i++), c->name, c->code, c->centre});
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

void BM_Criticality300Places(benchmark::State& state) {
  auto& s = setup();
  coverage::Engine engine(s.graph, s.snapper, s.grid, territory::CommuneTable::bundled());
  for (auto _ : state) benchmark::DoNotOptimize(planning::criticality(engine, s.places, 1200000));
}
BENCHMARK(BM_Criticality300Places)->Unit(benchmark::kMillisecond)->Iterations(1);
}  // namespace

BENCHMARK_MAIN();

// Funding-call benchmark (issue #5): batch creation checks on the bundled region after load (target >= 10,000
// checks per second). Candidate sites: the 65,521 populated grid cell centres; places: 300 commune centres.
#include <benchmark/benchmark.h>

#include <random>

#include "ami/ami.hpp"
#include "bench_common.hpp"
#include "core/paths.hpp"
#include "roads/importers.hpp"
#include "territory/communes.hpp"
#include "territory/population.hpp"

using namespace maillage;

namespace {
std::vector<registry::Place> places300() {
  std::vector<registry::Place> out;
  int i = 0;
  for (auto* c : bench::commune_sample(300, 300)) {
    registry::Place p;
    p.id = "p" + std::to_string(i++), p.name = c->name, p.insee_code = c->code, p.lon = c->centre.lon,
    p.lat = c->centre.lat;
    out.push_back(p);
  }
  return out;
}
ami::Call call() { return {"ami-2022-2024", "AMI", "2022-07-01", "2024-09-01", 20, 3, 0.5}; }

void BM_BatchCreationChecks(benchmark::State& state) {
  auto& cells = territory::bundled_points(territory::PopulationSource::Grid).points;
  ami::CreationChecker checker(bench::skeleton(), bench::skeleton_snapper(), places300(), call(),
                               {"2024-01-01", "ami-2022-2024"});
  size_t eligible = 0;
  for (auto _ : state) {
    eligible = 0;
    for (auto& c : cells) eligible += checker.quick(c.at).verdict == ami::CreationCheck::Verdict::Eligible;
  }
  state.counters["checks/s"] =
      benchmark::Counter(static_cast<double>(cells.size()) * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["eligible"] = static_cast<double>(eligible);
}
BENCHMARK(BM_BatchCreationChecks)->Unit(benchmark::kMillisecond);

// Checks with the full explanation (places within 1.5 x the threshold, route): what one officer's query costs.
void BM_ExplainedCreationCheck(benchmark::State& state) {
  auto& cells = territory::bundled_points(territory::PopulationSource::Grid).points;
  ami::CreationChecker checker(bench::skeleton(), bench::skeleton_snapper(), places300(), call(),
                               {"2024-01-01", "ami-2022-2024"});
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(checker.explain(cells[(i += 7919) % cells.size()].at));
}
BENCHMARK(BM_ExplainedCreationCheck)->Unit(benchmark::kMicrosecond);

// Building the checker for a date: the sweep towards the 300 places.
void BM_CheckerForADate(benchmark::State& state) {
  auto places = places300();
  for (auto _ : state)
    benchmark::DoNotOptimize(ami::CreationChecker(bench::skeleton(), bench::skeleton_snapper(), places, call(), {}));
}
BENCHMARK(BM_CheckerForADate)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();

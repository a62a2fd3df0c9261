// Funding-call benchmark (issue #5): batch creation checks on the bundled region after load (target >= 10,000
// checks per second). Candidate sites: the 65,521 populated grid cell centres; places: 300 commune centres.
#include <benchmark/benchmark.h>

#include <random>

#include "ami/ami.hpp"
#include "core/paths.hpp"
#include "roads/importers.hpp"
#include "territory/communes.hpp"
#include "territory/population.hpp"

using namespace maillage;

namespace {
struct Setup {
  roads::Profile profile = roads::Profile::load(paths::data_file("profiles/car.json"));
  roads::RoadGraph graph = roads::build_from_skeleton(
      {paths::data_file("roads/tm_fra_naq_waypoints.csv.gz"), paths::data_file("roads/tm_neighbours30km_waypoints.csv.gz")},
      profile, "{}");
  routing::Snapper snapper{graph, routing::SnapOptions::from(profile)};
  std::vector<registry::Place> places;
  Setup() {
    auto& communes = territory::CommuneTable::bundled().all();
    std::mt19937 rng(300);
    for (int i = 0; i < 300; ++i) {
      auto& c = communes[rng() % communes.size()];
      registry::Place p;
      p.id = "p" + std::to_string(i), p.name = c.name, p.insee_code = c.code, p.lon = c.centre.lon, p.lat = c.centre.lat;
      places.push_back(p);
    }
  }
};
Setup& setup() {
  static Setup s;
  return s;
}
ami::Call call() { return {"ami-2022-2024", "AMI", "2022-07-01", "2024-09-01", 20, 3, 0.5}; }

void BM_BatchCreationChecks(benchmark::State& state) {
  auto& s = setup();
  auto& cells = territory::bundled_points(territory::PopulationSource::Grid).points;
  ami::CreationChecker checker(s.graph, s.snapper, s.places, call(), {"2024-01-01", "ami-2022-2024"});
  size_t eligible = 0;
  for (auto _ : state) {
    eligible = 0;
    for (auto& c : cells) eligible += checker.quick(c.at).verdict == ami::CreationCheck::Verdict::Eligible;
  }
  state.counters["checks/s"] = benchmark::Counter(static_cast<double>(cells.size()) * state.iterations(), benchmark::Counter::kIsRate);
  state.counters["eligible"] = static_cast<double>(eligible);
}
BENCHMARK(BM_BatchCreationChecks)->Unit(benchmark::kMillisecond);

// Checks with the full explanation (places within 1.5 x the threshold, route): what one officer's query costs.
void BM_ExplainedCreationCheck(benchmark::State& state) {
  auto& s = setup();
  auto& cells = territory::bundled_points(territory::PopulationSource::Grid).points;
  ami::CreationChecker checker(s.graph, s.snapper, s.places, call(), {"2024-01-01", "ami-2022-2024"});
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(checker.explain(cells[(i += 7919) % cells.size()].at));
}
BENCHMARK(BM_ExplainedCreationCheck)->Unit(benchmark::kMicrosecond);

// Building the checker for a date: the sweep towards the 300 places.
void BM_CheckerForADate(benchmark::State& state) {
  auto& s = setup();
  for (auto _ : state) benchmark::DoNotOptimize(ami::CreationChecker(s.graph, s.snapper, s.places, call(), {}));
}
BENCHMARK(BM_CheckerForADate)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();

// Coverage benchmarks (issue #4): the full coverage report on the bundled region once the graph is loaded
// (target <= 0.5 s), and the history over 15 years (target <= 3 s). Places: 300 commune centres, fixed seed,
// opening years spread over 2010-2025.
#include <benchmark/benchmark.h>

#include <random>

#include "bench_common.hpp"
#include "core/paths.hpp"
#include "coverage/coverage.hpp"
#include "coverage/indicators.hpp"
#include "roads/importers.hpp"
#include "territory/communes.hpp"
#include "territory/degurba.hpp"

using namespace maillage;

namespace {
const roads::RoadGraph& graph() { return bench::skeleton(); }
const routing::Snapper& snapper() { return bench::skeleton_snapper(); }
std::vector<registry::Place> places300() {
  auto& communes = territory::CommuneTable::bundled().all();
  std::mt19937 rng(300);
  std::vector<registry::Place> out;
  for (int i = 0; i < 300; ++i) {
    auto& c = communes[rng() % communes.size()];
    registry::Place p;
    p.id = "p" + std::to_string(i);
    p.name = c.name;
    p.insee_code = c.code;
    p.lon = c.centre.lon;
    p.lat = c.centre.lat;
    p.types = 1u << (rng() % 4);
    p.opening_date = std::to_string(2010 + rng() % 16) + "-06-01";
    out.push_back(p);
  }
  return out;
}

// Everything a coverage report does after the graph is loaded: snap the 65,521 cells and 4,293 commune centres,
// one sweep, evaluation, the report with zones blanches and communes.
void BM_CoverageReportGrid(benchmark::State& state) {
  auto& pts = territory::bundled_points(territory::PopulationSource::Grid);
  std::vector<coverage::Place> places;
  for (auto& p : places300()) places.push_back({p.id, p.name, p.insee_code, {*p.lon, *p.lat}});
  snapper();
  size_t zones = 0;
  for (auto _ : state) {
    coverage::Engine engine(graph(), snapper(), pts, territory::CommuneTable::bundled());
    engine.compute(places);
    auto r = coverage::build_report(engine, places, "2026-01-01", 20);
    zones = r.zones.size();
  }
  state.counters["cells"] = static_cast<double>(pts.points.size());
  state.counters["zones"] = static_cast<double>(zones);
}
BENCHMARK(BM_CoverageReportGrid)->Unit(benchmark::kMillisecond);

// Another date with the points already snapped (what-if, history step): the 300 places and the same less 15
// (every 20th), in turn. state.range(0) = 1: the engine repairs its last search (what compute() does); 0: one full
// sweep each time (compute_full), the baseline of the same run.
void BM_CoverageAnotherDate(benchmark::State& state) {
  auto& pts = territory::bundled_points(territory::PopulationSource::Grid);
  std::vector<coverage::Place> places, fewer;
  for (auto& p : places300()) places.push_back({p.id, p.name, p.insee_code, {*p.lon, *p.lat}});
  for (size_t i = 0; i < places.size(); ++i)
    if (i % 20 != 0) fewer.push_back(places[i]);
  coverage::Engine engine(graph(), snapper(), pts, territory::CommuneTable::bundled());
  engine.compute(places);
  bool odd = false;
  for (auto _ : state) {
    odd = !odd;
    auto& now = odd ? fewer : places;
    if (state.range(0))
      engine.compute(now);
    else
      engine.compute_full(now);
    benchmark::DoNotOptimize(coverage::build_report(engine, now, "2026-01-01", 20));
  }
}
BENCHMARK(BM_CoverageAnotherDate)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

// Indicators with the history over 15 years (2011-2025 plus the date) and the coverage share each year.
void BM_IndicatorsHistory15Years(benchmark::State& state) {
  auto places = places300();
  territory::bundled_commune_classes();
  size_t years = 0;
  for (auto _ : state) {
    coverage::Engine engine(graph(), snapper(), territory::bundled_points(territory::PopulationSource::Grid),
                            territory::CommuneTable::bundled());
    auto r = coverage::compute_indicators(places, "2025-06-30", &engine, 20, true);
    years = r.history.size();
  }
  state.counters["dates"] = static_cast<double>(years);
}
BENCHMARK(BM_IndicatorsHistory15Years)->Unit(benchmark::kMillisecond);

void BM_DegreeOfUrbanisation(benchmark::State& state) {
  auto& g = territory::bundled_points(territory::PopulationSource::Grid);
  for (auto _ : state)
    benchmark::DoNotOptimize(
        territory::classify_communes(g, territory::classify_cells(g), territory::CommuneTable::bundled()));
}
BENCHMARK(BM_DegreeOfUrbanisation)->Unit(benchmark::kMillisecond);
}  // namespace

BENCHMARK_MAIN();

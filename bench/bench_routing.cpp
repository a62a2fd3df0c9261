// Routing benchmarks (issue #3). Prints, for each benchmark, Google Benchmark's figures and at the end the ratios
// asked for: our nearest-place sweep against Boost Graph Library's dijkstra_shortest_paths (super-source) on the
// same generated 5-million-node graph, in the same run.
//   --benchmark_filter=... to run a part; MAILLAGE_BENCH_NODES to change the generated graph's size.
#include <benchmark/benchmark.h>

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>

#include <fmt/format.h>

#include "bench_common.hpp"
#include "core/csv.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "roads/importers.hpp"
#include "routing/engine.hpp"
#include "territory/communes.hpp"

using namespace maillage;
using namespace maillage::roads;
using namespace maillage::routing;

namespace {

using bench::generated;
using bench::profile;
using bench::skeleton;
using bench::skeleton_files;

// 300 places: commune centres drawn with a fixed seed.
std::vector<geo::LonLat> places300() {
  auto& communes = territory::CommuneTable::bundled().all();
  std::mt19937 rng(2022);
  std::vector<geo::LonLat> out;
  for (int i = 0; i < 300; ++i) out.push_back(communes[rng() % communes.size()].centre);
  return out;
}
std::vector<geo::LonLat> grid_cells() {
  auto t = csv::read(paths::data_file("population/census2021_grid1km_na.csv.gz"));
  int clon = t.column("lon_c"), clat = t.column("lat_c");
  std::vector<geo::LonLat> out;
  for (auto& r : t.rows) {
    double lon = 0, lat = 0;
    text::parse_double(r.fields[clon], lon);
    text::parse_double(r.fields[clat], lat);
    out.push_back({lon, lat});
  }
  return out;
}

std::vector<Source> generated_sources() {
  auto& g = generated();
  std::mt19937 rng(300);
  std::vector<Source> s;
  for (uint32_t k = 0; k < 300; ++k) s.push_back({static_cast<NodeId>(rng() % g.node_count()), 0, k});
  return s;
}

// ---- build and load ----
void BM_BuildMonacoPbf(benchmark::State& state) {
  auto pbf = std::filesystem::path(MAILLAGE_SOURCE_DIR) / "tests/data/monaco_2019-09-30.osm.pbf";
  size_t nodes = 0;
  for (auto _ : state) nodes = build_from_osm(pbf.string(), profile(), "{}").node_count();
  state.counters["nodes"] = static_cast<double>(nodes);
}
BENCHMARK(BM_BuildMonacoPbf)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_BuildRegionalSkeleton(benchmark::State& state) {
  size_t nodes = 0;
  for (auto _ : state) nodes = build_from_skeleton(skeleton_files(), profile(), "{}").node_count();
  state.counters["nodes"] = static_cast<double>(nodes);
}
BENCHMARK(BM_BuildRegionalSkeleton)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_LoadGraphFile(benchmark::State& state, const RoadGraph* (*graph)()) {
  auto path = (std::filesystem::temp_directory_path() / "maillage-bench.graph").string();
  RoadGraph copy = *graph();
  copy.save(path);
  for (auto _ : state) benchmark::DoNotOptimize(RoadGraph::load(path));
  state.counters["MB"] = std::filesystem::file_size(path) / 1e6;
  std::filesystem::remove(path);
}
BENCHMARK_CAPTURE(BM_LoadGraphFile, skeleton, [] { return &skeleton(); })->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadGraphFile, generated_5M, [] { return &generated(); })
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// ---- nearest-place sweeps ----
void BM_SweepSkeleton300Places(benchmark::State& state) {
  auto& g = skeleton();
  Snapper snapper(g, SnapOptions::from(profile()));
  auto snaps = snapper.snap_all(places300());
  NearestPlaces nearest(g, snapper);
  for (auto _ : state) nearest.compute_snapped(snaps);
  state.counters["nodes"] = static_cast<double>(g.node_count());
}
BENCHMARK(BM_SweepSkeleton300Places)->Unit(benchmark::kMillisecond);

void BM_Sweep5M_Maillage(benchmark::State& state) {
  auto& g = generated();
  auto sources = generated_sources();
  Search search(g);
  for (auto _ : state) search.run(sources, Direction::Backward);
  state.counters["nodes"] = static_cast<double>(g.node_count());
  state.counters["arcs"] = static_cast<double>(g.arc_count());
}
BENCHMARK(BM_Sweep5M_Maillage)->Unit(benchmark::kMillisecond)->Iterations(5)->Repetitions(3);

void BM_Sweep5M_BoostGraph(benchmark::State& state) {
  auto& g = generated();
  auto sources = generated_sources();
  // The same reverse arcs in BGL's fastest static representation, plus a super-source joined to every place.
  using Graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property,
                                                   boost::property<boost::edge_weight_t, uint32_t>>;
  const NodeId n = static_cast<NodeId>(g.node_count());
  std::vector<std::pair<NodeId, NodeId>> edges;
  std::vector<uint32_t> weights;
  edges.reserve(g.arc_count() + sources.size());
  for (NodeId v = 0; v < n; ++v)
    for (uint32_t a = g.first_in[v]; a < g.first_in[v + 1]; ++a)
      edges.push_back({v, g.in[a].node}), weights.push_back(g.in[a].weight);
  for (auto& s : sources) edges.push_back({n, s.node}), weights.push_back(s.offset);
  Graph bg(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), weights.begin(), n + 1);
  std::vector<uint32_t> dist(n + 1);
  std::vector<Graph::vertex_descriptor> pred(n + 1);
  auto index = boost::get(boost::vertex_index, bg);
  auto dmap = boost::make_iterator_property_map(dist.begin(), index);
  auto pmap = boost::make_iterator_property_map(pred.begin(), index);
  for (auto _ : state) boost::dijkstra_shortest_paths(bg, n, boost::distance_map(dmap).predecessor_map(pmap));
  // Same answers as ours (checked once).
  Search search(g);
  search.run(sources, Direction::Backward);
  for (NodeId v = 0; v < n; v += 997)
    if (dist[v] != (search.time(v) == kInfinity ? std::numeric_limits<uint32_t>::max() : search.time(v)))
      state.SkipWithError("BGL and Maillage disagree");
}
BENCHMARK(BM_Sweep5M_BoostGraph)->Unit(benchmark::kMillisecond)->Iterations(3)->Repetitions(3);

// ---- snapping ----
void BM_Snap65521GridCells(benchmark::State& state) {
  auto& g = skeleton();
  Snapper snapper(g, SnapOptions::from(profile()));
  auto cells = grid_cells();
  size_t ok = 0;
  for (auto _ : state) {
    auto snaps = snapper.snap_all(cells);
    ok = 0;
    for (auto& s : snaps) ok += s.ok;
  }
  state.counters["cells"] = static_cast<double>(cells.size());
  state.counters["snapped"] = static_cast<double>(ok);
}
BENCHMARK(BM_Snap65521GridCells)->Unit(benchmark::kMillisecond);

void BM_BuildSnapIndexSkeleton(benchmark::State& state) {
  auto& g = skeleton();
  for (auto _ : state) benchmark::DoNotOptimize(Snapper(g, SnapOptions::from(profile())));
}
BENCHMARK(BM_BuildSnapIndexSkeleton)->Unit(benchmark::kMillisecond);

// ---- point-to-point and table on the skeleton ----
void BM_RouteBordeauxLimoges(benchmark::State& state) {
  auto& g = skeleton();
  Snapper snapper(g, SnapOptions::from(profile()));
  Search search(g);
  for (auto _ : state) benchmark::DoNotOptimize(route(snapper, search, {-0.5792, 44.8378}, {1.2611, 45.8336}));
}
BENCHMARK(BM_RouteBordeauxLimoges)->Unit(benchmark::kMillisecond);

void BM_Table100x100(benchmark::State& state) {
  auto& g = skeleton();
  Snapper snapper(g, SnapOptions::from(profile()));
  Search search(g);
  auto p = places300();
  std::vector<geo::LonLat> a(p.begin(), p.begin() + 100), b(p.begin() + 100, p.begin() + 200);
  for (auto _ : state) benchmark::DoNotOptimize(table(snapper, search, a, b));
}
BENCHMARK(BM_Table100x100)->Unit(benchmark::kMillisecond);

// Memory of the loaded graphs.
void BM_Memory(benchmark::State& state, const RoadGraph* (*graph)()) {
  auto& g = *graph();
  for (auto _ : state) benchmark::DoNotOptimize(g.memory_bytes());
  double n = static_cast<double>(g.node_count()), m = static_cast<double>(g.arc_count());
  state.counters["nodes"] = n;
  state.counters["arcs"] = m;
  state.counters["bytes_per_node"] =
      (2 * 4 + 2 * 8 + 1 + 2 * 4);  // lon/lat e7, Lambert-93 x/y, component flag, 2 CSR offsets
  state.counters["bytes_per_arc"] = 2 * (sizeof(RoadGraph::Arc) + 4);  // forward and reverse: (node, weight) + edge id
  state.counters["total_MB"] = g.memory_bytes() / 1e6;
}
BENCHMARK_CAPTURE(BM_Memory, skeleton, [] { return &skeleton(); })->Iterations(1);
BENCHMARK_CAPTURE(BM_Memory, generated_5M, [] { return &generated(); })->Iterations(1);

// Keeps the real time of every run, to print the ratio asked for at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, std::vector<double>> times;
  std::map<std::string, double> medians;  // when repetitions report aggregates
  double median_of(const std::string& name) {
    if (medians.count(name)) return medians[name];
    auto v = times[name];
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (auto& r : runs) {
      if (r.run_type == Run::RT_Iteration) times[r.run_name.function_name].push_back(r.GetAdjustedRealTime());
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median")
        medians[r.run_name.function_name] = r.GetAdjustedRealTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto ours = reporter.median_of("BM_Sweep5M_Maillage"), bgl = reporter.median_of("BM_Sweep5M_BoostGraph");
  if (ours > 0 && bgl > 0)
    std::printf(
        "\nNearest-place sweep on the generated graph, medians: Maillage %.0f ms, BGL dijkstra_shortest_paths "
        "%.0f ms: Maillage is %.2fx faster\n",
        ours, bgl, bgl / ours);
  benchmark::Shutdown();
  return 0;
}

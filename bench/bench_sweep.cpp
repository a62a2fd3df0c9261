// The nearest-place sweep alone on a saved graph (issue #19): one multi-source search from N random nodes over the
// whole graph, by one Dijkstra (Search::run) and region by region (Search::run_regions: regions of 2^16 to 2^20 nodes,
// two threads), each 5 times; prints the medians, the rounds, the nodes settled per node and checks that both give
// the same times.
// Usage: bench_sweep GRAPH [sources (default 23500)]   (e.g. build/bench-data/france-25000000.graph from bench_france)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>

#include "routing/search.hpp"

using namespace maillage;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_sweep GRAPH [sources]\n");
    return 2;
  }
  const size_t n_sources = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 23500;
  auto t0 = Clock::now();
  auto g = roads::RoadGraph::load(argv[1]);
  std::printf("graph %s: %zu nodes, %zu arcs, loaded in %.1f s (2-core VM)\n", argv[1], g.node_count(), g.arc_count(),
              std::chrono::duration<double>(Clock::now() - t0).count());
  std::mt19937 rng(23);
  std::vector<routing::Source> sources;
  for (uint32_t k = 0; k < n_sources; ++k)
    sources.push_back(
        {static_cast<roads::NodeId>(rng() % g.node_count()), static_cast<roads::Millis>(rng() % 60000), k});
  routing::Search search(g), other(g);
  auto time = [&](auto&& run) {
    std::vector<double> s;
    for (int r = 0; r < 5; ++r) {
      auto t = Clock::now();
      run();
      s.push_back(std::chrono::duration<double>(Clock::now() - t).count());
    }
    std::sort(s.begin(), s.end());
    return s;
  };
  {
    std::FILE* f = std::fopen("/proc/self/smaps_rollup", "r");
    char line[256];
    while (f && std::fgets(line, sizeof line, f))
      if (std::strncmp(line, "AnonHugePages", 13) == 0) std::printf("  memory on 2 MB pages: %s", line + 14);
    if (f) std::fclose(f);
  }
  auto one = time([&] { search.run(sources, routing::Direction::Backward); });
  std::printf("sweep from %zu sources, one Dijkstra: median %.2f s (min %.2f, max %.2f), %.1f M nodes/s\n", n_sources,
              one[2], one[0], one[4], search.settled() / one[2] / 1e6);
  size_t differ = 0;
  for (size_t region : {size_t{1} << 14, size_t{1} << 15, size_t{1} << 16, size_t{1} << 17, size_t{1} << 19}) {
    for (unsigned threads : {2u}) {
      auto by = time([&] {
        other.run_regions(sources, routing::Direction::Backward, roads::kInfinity, {region, threads});
      });
      size_t d = 0;
      for (roads::NodeId v = 0; v < g.node_count(); ++v) d += search.time(v) != other.time(v);
      differ += d;
      std::printf(
          "by regions of %zu nodes, %u thread(s): median %.2f s (min %.2f), %zu rounds, %.2f settled per node, "
          "%.2fx; times %s\n",
          region, threads, by[2], by[0], other.rounds(), static_cast<double>(other.settled()) / g.node_count(),
          one[2] / by[2], d ? "DIFFER" : "equal");
    }
  }
  return differ ? 1 : 0;
}

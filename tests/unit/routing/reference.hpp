#pragma once
// A plain reference: Dijkstra with std::priority_queue over an adjacency list built from the graph's EDGE list
// (not from its CSR arrays), used to check the fast searches on random graphs.
#include <queue>
#include <random>
#include <vector>

#include "roads/builder.hpp"
#include "roads/graph.hpp"

namespace maillage::test {

struct ReferenceGraph {
  std::vector<std::vector<std::pair<roads::NodeId, roads::Millis>>> out;  // forward adjacency
  explicit ReferenceGraph(const roads::RoadGraph& g, bool reverse = false) : out(g.node_count()) {
    for (size_t e = 0; e < g.edge_count(); ++e) {
      auto a = g.edge_from[e], b = g.edge_to[e];
      if (a == b) continue;
      if (g.edge_time_fwd[e] != roads::kInfinity) add(a, b, g.edge_time_fwd[e], reverse);
      if (g.edge_time_bwd[e] != roads::kInfinity) add(b, a, g.edge_time_bwd[e], reverse);
    }
  }
  void add(roads::NodeId a, roads::NodeId b, roads::Millis w, bool reverse) {
    if (reverse) std::swap(a, b);
    out[a].push_back({b, w});
  }
  // Multi-source distances (uint64 to avoid overflow).
  std::vector<uint64_t> dijkstra(const std::vector<std::pair<roads::NodeId, uint64_t>>& sources) const {
    std::vector<uint64_t> d(out.size(), UINT64_MAX);
    using Item = std::pair<uint64_t, roads::NodeId>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> pq;
    for (auto [s, off] : sources)
      if (off < d[s]) d[s] = off, pq.push({off, s});
    while (!pq.empty()) {
      auto [dv, v] = pq.top();
      pq.pop();
      if (dv != d[v]) continue;
      for (auto [u, w] : out[v])
        if (dv + w < d[u]) d[u] = dv + w, pq.push({d[u], u});
    }
    return d;
  }
};

// A random road-like graph: jittered grid points, edges to near neighbours, some one-way, random speeds,
// some shape points; built through the real GraphBuilder (Hilbert order, SCC, CSR).
inline roads::RoadGraph random_graph(unsigned seed, int side = 12, double oneway_share = 0.2) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> jitter(-0.3, 0.3), unit(0, 1);
  roads::GraphBuilder b;
  std::vector<roads::NodeId> id(side * side);
  auto pos = [&](int i, int j) {
    return geo::LonLat{-0.6 + 0.01 * (i + jitter(rng)), 44.8 + 0.01 * (j + jitter(rng))};
  };
  std::vector<geo::LonLat> at(side * side);
  for (int i = 0; i < side; ++i)
    for (int j = 0; j < side; ++j) at[i * side + j] = pos(i, j), id[i * side + j] = b.add_node(at[i * side + j]);
  auto link = [&](int p, int q) {
    if (unit(rng) < 0.15) return;  // missing street
    double len = geo::haversine_m(at[p], at[q]);
    double kmh = 20 + 90 * unit(rng);
    double s = len / (kmh / 3.6);
    double fwd = s, bwd = s;
    if (unit(rng) < oneway_share) (unit(rng) < 0.5 ? fwd : bwd) = -1;
    std::vector<geo::LonLat> shape;
    if (unit(rng) < 0.3) shape.push_back({(at[p].lon + at[q].lon) / 2 + 0.001, (at[p].lat + at[q].lat) / 2});
    b.add_edge(id[p], id[q], shape, len, fwd, bwd, roads::RoadClass::residential, "r" + std::to_string(p));
  };
  for (int i = 0; i < side; ++i)
    for (int j = 0; j < side; ++j) {
      if (i + 1 < side) link(i * side + j, (i + 1) * side + j);
      if (j + 1 < side) link(i * side + j, i * side + j + 1);
      if (i + 1 < side && j + 1 < side && unit(rng) < 0.2) link(i * side + j, (i + 1) * side + j + 1);
    }
  return b.finish();
}

}  // namespace maillage::test

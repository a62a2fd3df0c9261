#include "roads/builder.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "core/date.hpp"
#include "core/error.hpp"

namespace maillage::roads {

namespace {
int32_t e7(double deg) { return static_cast<int32_t>(std::lround(deg * 1e7)); }

// Position along a Hilbert curve of order 16 over the bounding box.
uint64_t hilbert(uint32_t x, uint32_t y) {
  uint64_t d = 0;
  for (uint32_t s = 1u << 15; s > 0; s >>= 1) {
    uint32_t rx = (x & s) > 0, ry = (y & s) > 0;
    d += static_cast<uint64_t>(s) * s * ((3 * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      std::swap(x, y);
    }
  }
  return d;
}

// Strongly connected components (iterative Tarjan). Returns the component id of each node.
std::vector<uint32_t> scc(size_t n, const std::vector<uint32_t>& first_out, const std::vector<RoadGraph::Arc>& out,
                          size_t* count) {
  std::vector<uint32_t> index(n, kInvalid), low(n, 0), comp(n, kInvalid);
  std::vector<NodeId> stack;
  std::vector<uint8_t> on_stack(n, 0);
  struct Frame {
    NodeId v;
    uint32_t next_arc;
  };
  std::vector<Frame> call;
  uint32_t next_index = 0, next_comp = 0;
  for (NodeId root = 0; root < n; ++root) {
    if (index[root] != kInvalid) continue;
    call.push_back({root, first_out[root]});
    index[root] = low[root] = next_index++;
    stack.push_back(root);
    on_stack[root] = 1;
    while (!call.empty()) {
      Frame& f = call.back();
      if (f.next_arc < first_out[f.v + 1]) {
        NodeId w = out[f.next_arc++].node;
        if (index[w] == kInvalid) {
          index[w] = low[w] = next_index++;
          stack.push_back(w);
          on_stack[w] = 1;
          call.push_back({w, first_out[w]});
        } else if (on_stack[w]) {
          low[f.v] = std::min(low[f.v], index[w]);
        }
        continue;
      }
      NodeId v = f.v;
      call.pop_back();
      if (!call.empty()) low[call.back().v] = std::min(low[call.back().v], low[v]);
      if (low[v] == index[v]) {
        NodeId w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = 0;
          comp[w] = next_comp;
        } while (w != v);
        ++next_comp;
      }
    }
  }
  *count = next_comp;
  return comp;
}
}  // namespace

Millis to_millis(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return kInfinity;
  double ms = std::round(seconds * 1000);
  if (ms >= static_cast<double>(kInfinity)) throw Error("travel time of one road segment is too large");
  return static_cast<Millis>(ms);
}

std::string BuildReport::str() const {
  return fmt::format(
             "{} nodes, {} edges, {} arcs, {:.0f} km of road; {} strongly connected components, the largest has {} "
             "nodes ({:.2f} %); dropped for snapping: {} nodes, {} edges, {:.1f} km; {} parallel arcs merged{}",
             nodes, edges, arcs, total_km, components, main_nodes, nodes ? 100.0 * main_nodes / nodes : 0.0,
             dropped_nodes, dropped_edges, dropped_km, parallel_arcs_merged,
             exit_links ? fmt::format("; {} motorway exits linked to local roads", exit_links) : "") +
         (local_links ? fmt::format("; local layer: {} links ({} refused: they would leave the land)", local_links,
                                    local_links_refused)
                      : "");
}

NodeId GraphBuilder::add_node(geo::LonLat p) {
  lon_.push_back(e7(p.lon));
  lat_.push_back(e7(p.lat));
  return static_cast<NodeId>(lon_.size() - 1);
}

NodeId GraphBuilder::node_at(geo::LonLat p) {
  uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(e7(p.lon))) << 32) | static_cast<uint32_t>(e7(p.lat));
  auto [it, fresh] = by_coord_.emplace(key, static_cast<NodeId>(lon_.size()));
  if (fresh) add_node(p);
  return it->second;
}

void GraphBuilder::add_edge(NodeId from, NodeId to, const std::vector<geo::LonLat>& shape, double length_m,
                            double seconds_fwd, double seconds_bwd, RoadClass cls, const std::string& name) {
  auto [it, fresh] = name_ids_.emplace(name, static_cast<uint32_t>(names_.size()));
  if (fresh) names_.push_back(name);
  Edge e{from,
         to,
         static_cast<uint32_t>(shape_lon_.size()),
         static_cast<uint32_t>(shape.size()),
         static_cast<float>(length_m),
         to_millis(seconds_fwd),
         to_millis(seconds_bwd),
         cls,
         it->second};
  for (auto& p : shape) {
    shape_lon_.push_back(e7(p.lon));
    shape_lat_.push_back(e7(p.lat));
  }
  edges_.push_back(e);
}

RoadGraph GraphBuilder::finish(BuildReport* report) {
  const size_t n = lon_.size();
  RoadGraph g;
  BuildReport rep;
  rep.nodes = n;
  rep.edges = edges_.size();

  // 1. Node order along a Hilbert curve.
  std::vector<NodeId> order(n), rank(n);
  if (n) {
    auto [lo_lon, hi_lon] = std::minmax_element(lon_.begin(), lon_.end());
    auto [lo_lat, hi_lat] = std::minmax_element(lat_.begin(), lat_.end());
    double sx = 65535.0 / std::max<double>(1, static_cast<double>(*hi_lon) - *lo_lon);
    double sy = 65535.0 / std::max<double>(1, static_cast<double>(*hi_lat) - *lo_lat);
    std::vector<uint64_t> key(n);
    for (size_t v = 0; v < n; ++v)
      key[v] = hilbert(static_cast<uint32_t>((lon_[v] - static_cast<double>(*lo_lon)) * sx),
                       static_cast<uint32_t>((lat_[v] - static_cast<double>(*lo_lat)) * sy));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](NodeId a, NodeId b) { return key[a] < key[b]; });
    for (size_t i = 0; i < n; ++i) rank[order[i]] = static_cast<NodeId>(i);
  }
  g.lon_e7.resize(n);
  g.lat_e7.resize(n);
  for (size_t i = 0; i < n; ++i) {
    g.lon_e7[i] = lon_[order[i]];
    g.lat_e7[i] = lat_[order[i]];
  }

  // 2. Edges, renumbered.
  const size_t e = edges_.size();
  g.edge_from.resize(e), g.edge_to.resize(e), g.edge_time_fwd.resize(e), g.edge_time_bwd.resize(e);
  g.edge_length_m.resize(e), g.edge_class.resize(e), g.edge_name.resize(e), g.edge_shape_first.resize(e + 1);
  g.shape_lon_e7.reserve(shape_lon_.size());
  g.shape_lat_e7.reserve(shape_lat_.size());
  for (size_t i = 0; i < e; ++i) {
    const Edge& s = edges_[i];
    g.edge_from[i] = rank[s.from];
    g.edge_to[i] = rank[s.to];
    g.edge_time_fwd[i] = s.fwd;
    g.edge_time_bwd[i] = s.bwd;
    g.edge_length_m[i] = s.length_m;
    g.edge_class[i] = static_cast<uint8_t>(s.cls);
    g.edge_name[i] = s.name;
    g.edge_shape_first[i] = static_cast<uint32_t>(g.shape_lon_e7.size());
    g.shape_lon_e7.insert(g.shape_lon_e7.end(), shape_lon_.begin() + s.shape_first,
                          shape_lon_.begin() + s.shape_first + s.shape_count);
    g.shape_lat_e7.insert(g.shape_lat_e7.end(), shape_lat_.begin() + s.shape_first,
                          shape_lat_.begin() + s.shape_first + s.shape_count);
    rep.total_km += s.length_m / 1000.0;
  }
  g.edge_shape_first[e] = static_cast<uint32_t>(g.shape_lon_e7.size());
  g.names = names_;

  // 3. Arcs: allowed directions, self-loops dropped, parallel arcs merged keeping the fastest.
  struct Arc {
    NodeId tail, head;
    Millis w;
    uint32_t edge;
  };
  std::vector<Arc> arcs;
  arcs.reserve(2 * e);
  for (uint32_t i = 0; i < e; ++i) {
    if (g.edge_from[i] == g.edge_to[i]) continue;
    if (g.edge_time_fwd[i] != kInfinity) arcs.push_back({g.edge_from[i], g.edge_to[i], g.edge_time_fwd[i], 2 * i});
    if (g.edge_time_bwd[i] != kInfinity) arcs.push_back({g.edge_to[i], g.edge_from[i], g.edge_time_bwd[i], 2 * i + 1});
  }
  std::sort(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) {
    return std::tie(a.tail, a.head, a.w, a.edge) < std::tie(b.tail, b.head, b.w, b.edge);
  });
  size_t before = arcs.size();
  arcs.erase(std::unique(arcs.begin(), arcs.end(),
                         [](const Arc& a, const Arc& b) { return a.tail == b.tail && a.head == b.head; }),
             arcs.end());
  rep.parallel_arcs_merged = before - arcs.size();
  rep.arcs = arcs.size();

  // 4. Forward CSR (arcs are sorted by tail).
  g.first_out.assign(n + 1, 0);
  for (auto& a : arcs) ++g.first_out[a.tail + 1];
  std::partial_sum(g.first_out.begin(), g.first_out.end(), g.first_out.begin());
  g.out.resize(arcs.size()), g.arc_edge.resize(arcs.size());
  for (size_t i = 0; i < arcs.size(); ++i) {
    g.out[i] = {arcs[i].head, arcs[i].w};
    g.arc_edge[i] = arcs[i].edge;
  }
  // 5. Reverse CSR (counting sort by head, stable).
  g.first_in.assign(n + 1, 0);
  for (auto& a : arcs) ++g.first_in[a.head + 1];
  std::partial_sum(g.first_in.begin(), g.first_in.end(), g.first_in.begin());
  g.in.resize(arcs.size()), g.in_arc_edge.resize(arcs.size());
  {
    std::vector<uint32_t> fill(g.first_in.begin(), g.first_in.end() - 1);
    for (auto& a : arcs) {
      uint32_t pos = fill[a.head]++;
      g.in[pos] = {a.tail, a.w};
      g.in_arc_edge[pos] = a.edge;
    }
  }

  // 6. Largest strongly connected component.
  auto comp = scc(n, g.first_out, g.out, &rep.components);
  std::vector<size_t> sizes(rep.components, 0);
  for (auto c : comp) ++sizes[c];
  uint32_t main =
      sizes.empty() ? 0 : static_cast<uint32_t>(std::max_element(sizes.begin(), sizes.end()) - sizes.begin());
  g.in_main_component.resize(n);
  for (size_t v = 0; v < n; ++v) g.in_main_component[v] = comp[v] == main;
  rep.main_nodes = sizes.empty() ? 0 : sizes[main];
  rep.dropped_nodes = n - rep.main_nodes;
  for (size_t i = 0; i < e; ++i)
    if (!g.in_main_component[g.edge_from[i]] || !g.in_main_component[g.edge_to[i]]) {
      ++rep.dropped_edges;
      rep.dropped_km += g.edge_length_m[i] / 1000.0;
    }

  // 7. Lambert-93 coordinates through PROJ.
  geo::Projection l93("EPSG:2154");
  g.x.resize(n), g.y.resize(n);
  for (size_t v = 0; v < n; ++v) {
    auto p = l93.forward(g.lonlat(static_cast<NodeId>(v)));
    g.x[v] = p.x;
    g.y[v] = p.y;
  }
  g.built_at = date::now_utc();
  if (report) *report = rep;
  lon_.clear(), lat_.clear(), edges_.clear(), shape_lon_.clear(), shape_lat_.clear(), by_coord_.clear();
  return g;
}

}  // namespace maillage::roads

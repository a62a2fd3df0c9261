#pragma once
// Builds a RoadGraph from nodes and edges given by an importer (OSM, regional skeleton, generated): merges
// parallel arcs, finds the largest strongly connected component (the only one used for snapping), renumbers
// nodes along a Hilbert curve so that searches touch memory in order, projects nodes to Lambert-93 with PROJ
// and lays out the forward and reverse CSR arrays.
#include <string>
#include <unordered_map>
#include <vector>

#include "roads/graph.hpp"

namespace maillage::roads {

struct BuildReport {
  size_t nodes = 0, edges = 0, arcs = 0;
  size_t components = 0;     // strongly connected components
  size_t main_nodes = 0;     // nodes in the largest one
  size_t dropped_nodes = 0;  // nodes outside it (not used for snapping)
  size_t dropped_edges = 0;  // edges with an end outside it
  double dropped_km = 0;
  size_t parallel_arcs_merged = 0;
  size_t exit_links = 0;           // regional skeleton: motorway exits linked to the nearest local road
  size_t local_links = 0;          // local layer: centre-to-neighbour and centre-to-skeleton links made
  size_t local_links_refused = 0;  // local layer: links whose segment would leave the land
  double total_km = 0;
  std::string str() const;
};

class GraphBuilder {
 public:
  NodeId add_node(geo::LonLat p);
  // The node at exactly these coordinates (rounded to 1e-7 degree), created when new.
  NodeId node_at(geo::LonLat p);
  // One road segment. seconds_* < 0: that direction is not allowed. `shape` excludes the end nodes.
  void add_edge(NodeId from, NodeId to, const std::vector<geo::LonLat>& shape, double length_m, double seconds_fwd,
                double seconds_bwd, RoadClass cls, const std::string& name);
  size_t node_count() const { return lon_.size(); }
  geo::LonLat position(NodeId v) const { return {lon_[v] * 1e-7, lat_[v] * 1e-7}; }
  RoadGraph finish(BuildReport* report = nullptr);

 private:
  std::vector<int32_t> lon_, lat_;
  std::unordered_map<uint64_t, NodeId> by_coord_;
  struct Edge {
    NodeId from, to;
    uint32_t shape_first, shape_count;
    float length_m;
    Millis fwd, bwd;
    RoadClass cls;
    uint32_t name;
  };
  std::vector<Edge> edges_;
  std::vector<int32_t> shape_lon_, shape_lat_;
  std::vector<std::string> names_{""};
  std::unordered_map<std::string, uint32_t> name_ids_{{"", 0}};
};

// Converts seconds to the graph's milliseconds; negative -> kInfinity.
Millis to_millis(double seconds);

}  // namespace maillage::roads

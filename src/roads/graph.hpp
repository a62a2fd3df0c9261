#pragma once
// The road graph: data-oriented arrays (RoutingKit style). Nodes are junctions and ends; an edge is one road
// segment between two nodes with its shape points, length, class, name and a travel time in each direction;
// arcs are the allowed directions of edges, stored as a forward CSR (first_out/out) and a reverse CSR
// (first_in/in) so that searches towards a place need no transposition at query time.
// Times are milliseconds (uint32); results are reported in seconds.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/alias.hpp"
#include "core/error.hpp"
#include "core/geo.hpp"

namespace maillage::roads {

using NodeId = uint32_t;
using EdgeId = uint32_t;
using Millis = uint32_t;
// The same values as distinct types where a call takes both (issue #29): the search queues, whose arguments a swap
// would silently exchange otherwise. `Node{v}`, `Time{ms}`; `.v` is the raw value.
struct NodeTag;
struct TimeTag;
using Node = Alias<NodeId, NodeTag>;
using Time = Alias<Millis, TimeTag>;
constexpr uint32_t kInvalid = std::numeric_limits<uint32_t>::max();
constexpr Millis kInfinity = std::numeric_limits<Millis>::max();

enum class RoadClass : uint8_t {
  motorway,
  trunk,
  primary,
  secondary,
  tertiary,
  unclassified,
  residential,
  service,
  living_street,
  ferry,
  autoroute,
  nationale,
  e_road,
  departementale,
  other,
  locale,       // the skeleton's modelled local roads (issue #15): commune centre to neighbour and to the skeleton
  voie_express  // national roads of the skeleton built as 2x2 expressways (profile: skeleton.expressways)
};
const char* road_class_name(RoadClass c);
RoadClass road_class_from_name(const std::string& name);

// A graph file written by another version of the format (rebuild it).
class GraphVersionError : public Error {
 public:
  using Error::Error;
};

struct RoadGraph {
  // Nodes
  std::vector<int32_t> lon_e7, lat_e7;     // WGS84, 1e-7 degrees (about 1 cm)
  std::vector<double> x, y;                // Lambert-93 metres (EPSG:2154), for snapping and distances
  std::vector<uint8_t> in_main_component;  // 1 when the node is in the largest strongly connected component
  // An arc as a search reads it: the node at its other end and its time, side by side (one cache access).
  struct Arc {
    NodeId node;
    Millis weight;
    bool operator==(const Arc&) const = default;
  };
  // Forward arcs: out[first_out[v] .. first_out[v + 1]) leave v; Arc::node is the head.
  std::vector<uint32_t> first_out;  // n + 1
  std::vector<Arc> out;
  std::vector<uint32_t> arc_edge;  // edge id * 2 + (1 when the arc runs from the edge's `to` to its `from`)
  // Reverse arcs: in[first_in[v] .. first_in[v + 1]) enter v; Arc::node is the tail.
  std::vector<uint32_t> first_in;  // n + 1
  std::vector<Arc> in;
  std::vector<uint32_t> in_arc_edge;
  // Edges
  std::vector<NodeId> edge_from, edge_to;
  std::vector<Millis> edge_time_fwd, edge_time_bwd;  // kInfinity when that direction is not allowed
  std::vector<float> edge_length_m;
  std::vector<uint8_t> edge_class;
  std::vector<uint32_t> edge_name;         // index into names (0 = unnamed)
  std::vector<uint32_t> edge_shape_first;  // e + 1; shape points between from and to
  std::vector<int32_t> shape_lon_e7, shape_lat_e7;
  std::vector<std::string> names;
  // Description
  std::string source;  // what it was built from
  std::string profile_name;
  std::string profile_json;  // the profile used, verbatim
  std::string built_at;
  uint32_t checksum = 0;  // CRC-32 of the file content (set by save and load; 0 when never saved)

  size_t node_count() const { return first_out.empty() ? 0 : first_out.size() - 1; }
  size_t arc_count() const { return out.size(); }
  size_t edge_count() const { return edge_from.size(); }
  geo::LonLat lonlat(NodeId v) const { return {lon_e7[v] * 1e-7, lat_e7[v] * 1e-7}; }
  // The polyline of an edge from `from` to `to`, in WGS84.
  std::vector<geo::LonLat> edge_polyline(EdgeId e) const;
  size_t memory_bytes() const;

  // Writes the graph file; returns and records the checksum of its content.
  uint32_t save(const std::string& path);
  // Reads a graph file; checks magic, version, sizes and checksum. Throws Error naming the file.
  static RoadGraph load(const std::string& path);
  // Checks the invariants of the arrays (sizes, ranges, CSR order); throws Error on the first violation.
  void validate() const;
};

}  // namespace maillage::roads

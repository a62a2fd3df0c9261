#pragma once
// Snapping: a point joins the network at the nearest point of an edge of the main strongly connected
// component (not just the nearest node), found with a uniform grid over the edges' projected segments. The
// access leg costs straight distance x circuity / last-mile speed; a point farther than the maximum snapping
// distance is reported unreachable, never silently joined.
#include <string>
#include <vector>

#include "roads/graph.hpp"
#include "roads/profile.hpp"

namespace maillage::routing {

using roads::EdgeId;
using roads::Millis;
using roads::NodeId;

struct Snap {
  bool ok = false;
  std::string why;  // when not ok
  EdgeId edge = roads::kInvalid;
  double t = 0;           // position along the edge from its `from` node, as a fraction of its length
  double distance_m = 0;  // straight distance from the point to the road
  Millis access_ms = 0;   // access leg (both ways)
  geo::LonLat on_road;    // the joining point
  // Along-edge times between the joining point and the edge's ends (kInfinity where the direction is not
  // allowed): point -> from, point -> to, from -> point, to -> point.
  Millis to_from = roads::kInfinity, to_to = roads::kInfinity, from_from = roads::kInfinity, from_to = roads::kInfinity;
};

struct SnapOptions {
  double max_distance_m = 10000;
  double last_mile_speed_kmh = 30;
  double last_mile_circuity = 1.3;
  static SnapOptions from(const roads::Profile& p) {
    return {p.max_snap_distance_m, p.last_mile_speed_kmh, p.last_mile_circuity};
  }
};

class Snapper {
 public:
  Snapper(const roads::RoadGraph& g, SnapOptions options);
  Snap snap(geo::LonLat p) const;
  // Many points: projected in one batch, then snapped.
  std::vector<Snap> snap_all(const std::vector<geo::LonLat>& points) const;
  Snap snap_xy(geo::XY p) const;  // a point already in Lambert-93
  const SnapOptions& options() const { return opt_; }
  size_t segment_count() const { return seg_edge_.size(); }
  double cell_size_m() const { return cell_; }

 private:
  const roads::RoadGraph& g_;
  SnapOptions opt_;
  geo::Projection l93_{"EPSG:2154"};
  // Segments: owning edge, position along it, length before the segment along its edge.
  std::vector<EdgeId> seg_edge_;
  std::vector<uint32_t> seg_index_;  // position of the segment along its edge (0 = starts at `from`)
  std::vector<float> seg_before_m_;
  std::vector<double> edge_len_xy_;  // projected polyline length of each edge
  // Grid: for each cell, copies of the segments that cross it, stored contiguously (cell-major): 20 bytes an item,
  // coordinates relative to the grid's corner (float: within 6 cm at a country's extent, and a node shared by
  // segments has the same coordinates in each, so that ties still go to the smaller segment index).
  struct Item {
    float x1, y1, x2, y2;
    uint32_t seg;
  };
  double minx_ = 0, miny_ = 0, cell_ = 1000;
  int nx_ = 0, ny_ = 0;
  std::vector<uint32_t> cell_first_;
  std::vector<Item> cell_items_;
};

}  // namespace maillage::routing

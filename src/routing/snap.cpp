#include "routing/snap.hpp"

#include <thread>

#include "core/memory.hpp"
#include "core/order.hpp"
#include "roads/builder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace maillage::routing {

using namespace roads;

Snapper::Snapper(const RoadGraph& g, SnapOptions options) : g_(g), opt_(options) {
  const size_t e = g.edge_count();
  edge_len_xy_.assign(e, 0);
  // Projected segments (node coordinates are already projected in the graph; shape points are projected here),
  // kept only while the grid is built.
  std::vector<double> sx1, sy1, sx2, sy2;
  for (EdgeId i = 0; i < e; ++i) {
    if (!g.in_main_component[g.edge_from[i]] || !g.in_main_component[g.edge_to[i]]) continue;
    if (g.edge_time_fwd[i] == kInfinity && g.edge_time_bwd[i] == kInfinity) continue;
    double px = g.x[g.edge_from[i]], py = g.y[g.edge_from[i]], before = 0;
    uint32_t index_in_edge = 0;
    auto add = [&](double qx, double qy) {
      sx1.push_back(px), sy1.push_back(py), sx2.push_back(qx), sy2.push_back(qy);
      seg_edge_.push_back(i);
      seg_index_.push_back(index_in_edge++);
      seg_before_m_.push_back(static_cast<float>(before));
      before += std::hypot(qx - px, qy - py);
      px = qx, py = qy;
    };
    for (uint32_t s = g.edge_shape_first[i]; s < g.edge_shape_first[i + 1]; ++s) {
      auto q = l93_.forward({g.shape_lon_e7[s] * 1e-7, g.shape_lat_e7[s] * 1e-7});
      add(q.x, q.y);
    }
    add(g.x[g.edge_to[i]], g.y[g.edge_to[i]]);
    edge_len_xy_[i] = before;
  }
  const size_t s = seg_edge_.size();
  if (s == 0) return;
  double maxx = -1e300, maxy = -1e300, total = 0;
  minx_ = miny_ = 1e300;
  for (size_t k = 0; k < s; ++k) {
    minx_ = std::min({minx_, sx1[k], sx2[k]}), miny_ = std::min({miny_, sy1[k], sy2[k]});
    maxx = std::max({maxx, sx1[k], sx2[k]}), maxy = std::max({maxy, sy1[k], sy2[k]});
    total += std::hypot(sx2[k] - sx1[k], sy2[k] - sy1[k]);
  }
  // Cells about half the mean segment length (measured best on the skeleton), at least 100 m, at most 64 M cells
  // (France on a 148 m road grid: cells of 150 m, 31 M cells; fewer segments to test per point than with coarser
  // cells: see docs/scale.md).
  cell_ = std::max(100.0, 0.5 * total / s);
  while (((maxx - minx_) / cell_ + 1) * ((maxy - miny_) / cell_ + 1) > 64e6) cell_ *= 1.5;
  nx_ = static_cast<int>((maxx - minx_) / cell_) + 1;
  ny_ = static_cast<int>((maxy - miny_) / cell_) + 1;
  // A segment goes into the cells it crosses: those of its bounding box whose centre lies within half a cell
  // diagonal of the segment.
  const double reach2 = cell_ * cell_ / 2;
  auto cells_of = [&](size_t k, auto&& f) {
    int x0 = static_cast<int>((std::min(sx1[k], sx2[k]) - minx_) / cell_);
    int x1 = static_cast<int>((std::max(sx1[k], sx2[k]) - minx_) / cell_);
    int y0 = static_cast<int>((std::min(sy1[k], sy2[k]) - miny_) / cell_);
    int y1 = static_cast<int>((std::max(sy1[k], sy2[k]) - miny_) / cell_);
    double dx = sx2[k] - sx1[k], dy = sy2[k] - sy1[k], len2 = dx * dx + dy * dy;
    for (int cy = y0; cy <= y1; ++cy)
      for (int cx = x0; cx <= x1; ++cx) {
        double px = minx_ + (cx + 0.5) * cell_, py = miny_ + (cy + 0.5) * cell_;
        double u = len2 > 0 ? std::clamp(((px - sx1[k]) * dx + (py - sy1[k]) * dy) / len2, 0.0, 1.0) : 0.0;
        double ex = sx1[k] + u * dx - px, ey = sy1[k] + u * dy - py;
        if (ex * ex + ey * ey <= reach2 * 1.0001) f(static_cast<size_t>(cy) * nx_ + cx);
      }
  };
  assign_huge(cell_first_, static_cast<size_t>(nx_) * ny_ + 1, uint32_t{0});
  for (size_t k = 0; k < s; ++k) cells_of(k, [&](size_t c) { ++cell_first_[c + 1]; });
  for (size_t c = 1; c < cell_first_.size(); ++c) cell_first_[c] += cell_first_[c - 1];
  assign_huge(cell_items_, cell_first_.back(), Item{});  // read at random by every point
  std::vector<uint32_t> fill(cell_first_.begin(), cell_first_.end() - 1);
  auto rel = [](double v, double origin) { return static_cast<float>(v - origin); };
  for (size_t k = 0; k < s; ++k)
    cells_of(k, [&](size_t c) {
      cell_items_[fill[c]++] = {rel(sx1[k], minx_), rel(sy1[k], miny_), rel(sx2[k], minx_), rel(sy2[k], miny_),
                                static_cast<uint32_t>(k)};
    });
}

Snap Snapper::snap(geo::LonLat p) const { return snap_xy(l93_.forward(p)); }

std::vector<Snap> Snapper::snap_all(const std::vector<geo::LonLat>& points) const {
  const size_t n = points.size();
  std::vector<Snap> out(n);
  // Large batches on every hardware thread, each with its own projection (PROJ objects are not shared).
  unsigned threads = n < 200000 ? 1 : std::max(1u, std::thread::hardware_concurrency());
  auto parallel = [&](auto&& work) {  // work(from, to, projection) over [0, n) in `threads` parts
    if (threads == 1) return work(size_t{0}, n, l93_);
    std::vector<std::thread> pool;
    size_t chunk = (n + threads - 1) / threads;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        geo::Projection l93("EPSG:2154");
        work(std::min(n, t * chunk), std::min(n, (t + 1) * chunk), l93);
      });
    for (auto& th : pool) th.join();
  };
  std::vector<geo::XY> xy(n);
  parallel([&](size_t from, size_t to, const geo::Projection& l93) {
    for (size_t i = from; i < to; ++i) xy[i] = l93.forward(points[i]);
  });
  // Points in the order of the grid's blocks of 8 x 8 cells (a counting sort): consecutive points read the same
  // cells, which stay in cache (in input order, each point read its cells from anywhere in the index: France,
  // 2.3 M points, 4.9 s -> see docs/scale.md).
  const size_t bx = (static_cast<size_t>(nx_) + 7) / 8, by = (static_cast<size_t>(ny_) + 7) / 8;
  auto order = counting_order(n, std::max<size_t>(bx * by, 1), [&](size_t i) -> size_t {
    if (bx == 0 || by == 0) return 0;                                       // no grid (no segment): any order
    double fx = (xy[i].x - minx_) / cell_, fy = (xy[i].y - miny_) / cell_;  // NaN and far points go to the edges
    size_t cx = fx > 0 ? std::min(static_cast<size_t>(std::min(fx, 1e9)), static_cast<size_t>(nx_) - 1) : 0;
    size_t cy = fy > 0 ? std::min(static_cast<size_t>(std::min(fy, 1e9)), static_cast<size_t>(ny_) - 1) : 0;
    return (cy / 8) * bx + cx / 8;
  });
  parallel([&](size_t from, size_t to, const geo::Projection&) {
    for (size_t k = from; k < to; ++k) out[order[k]] = snap_xy(xy[order[k]]);
  });
  return out;
}

Snap Snapper::snap_xy(geo::XY p) const {
  Snap r;
  if (seg_edge_.empty()) {
    r.why = "the road graph has no edge to snap to";
    return r;
  }
  // A point far off the grid (or not a number) would overflow the cell arithmetic: it is beyond any road anyway.
  const double span = opt_.max_distance_m + cell_ * (std::max(nx_, ny_) + 2.0);
  if (!(std::abs(p.x - minx_) <= span && std::abs(p.y - miny_) <= span)) {
    r.why = std::isfinite(p.x) && std::isfinite(p.y)
                ? fmt::format("no road within {:.0f} m (maximum snapping distance)", opt_.max_distance_m)
                : "the point has no valid coordinates";
    return r;
  }
  const double qx = p.x - minx_, qy = p.y - miny_;  // the point in the items' frame
  int cx = static_cast<int>(std::floor(qx / cell_)), cy = static_cast<int>(std::floor(qy / cell_));
  double best = std::numeric_limits<double>::max();
  uint32_t best_seg = kInvalid;
  double best_u = 0, best_len = 0;
  const int max_ring = static_cast<int>(opt_.max_distance_m / cell_) + 2;
  // Distance from the point to the border of its own cell, and so to the border of each square ring.
  const double inner = std::min({p.x - (minx_ + cx * cell_), minx_ + (cx + 1) * cell_ - p.x, p.y - (miny_ + cy * cell_),
                                 miny_ + (cy + 1) * cell_ - p.y});
  for (int ring = 0; ring <= max_ring; ++ring) {
    auto visit = [&](int x, int y) {
      if (x < 0 || y < 0 || x >= nx_ || y >= ny_) return;
      // A cell farther than the best so far cannot hold a nearer segment (nor a tie: strictly farther): the
      // nearest point of any segment lies in a cell the segment crosses, and every cell it crosses lists it.
      const double dx = std::max({0.0, x * cell_ - qx, qx - (x + 1) * cell_});
      const double dy = std::max({0.0, y * cell_ - qy, qy - (y + 1) * cell_});
      if (dx * dx + dy * dy > best) return;
      size_t c = static_cast<size_t>(y) * nx_ + x;
      for (uint32_t i = cell_first_[c], end = cell_first_[c + 1]; i < end; ++i) {
        const Item& it = cell_items_[i];
        const double x1 = it.x1, y1 = it.y1, dx = double{it.x2} - x1, dy = double{it.y2} - y1;
        double len2 = dx * dx + dy * dy;
        double u = len2 > 0 ? std::clamp(((qx - x1) * dx + (qy - y1) * dy) / len2, 0.0, 1.0) : 0.0;
        double ex = x1 + u * dx - qx, ey = y1 + u * dy - qy;
        double d2 = ex * ex + ey * ey;
        // Ties broken by segment index so that results do not depend on the visiting order.
        if (d2 < best || (d2 == best && it.seg < best_seg)) best = d2, best_seg = it.seg, best_u = u, best_len = len2;
      }
    };
    if (ring == 0) {
      visit(cx, cy);
    } else {
      for (int x = cx - ring; x <= cx + ring; ++x) visit(x, cy - ring), visit(x, cy + ring);
      for (int y = cy - ring + 1; y <= cy + ring - 1; ++y) visit(cx - ring, y), visit(cx + ring, y);
    }
    // Every segment not yet seen lies outside the (2 ring + 1)^2 block around the point's cell. A segment
    // crossing a cell is within half a cell diagonal of that cell's centre, but it is only listed in the cells
    // it crosses: nothing outside the block is closer than the block's border.
    double border = inner + ring * cell_;
    if (best_seg != kInvalid && best <= border * border) break;
    if (border > opt_.max_distance_m && best_seg == kInvalid) break;
  }
  if (best_seg == kInvalid || std::sqrt(best) > opt_.max_distance_m) {
    r.why = fmt::format("no road within {:.0f} m (maximum snapping distance)", opt_.max_distance_m);
    if (best_seg != kInvalid) r.distance_m = std::sqrt(best);
    return r;
  }
  EdgeId e = seg_edge_[best_seg];
  double along = seg_before_m_[best_seg] + best_u * std::sqrt(best_len);
  r.ok = true;
  r.edge = e;
  r.t = edge_len_xy_[e] > 0 ? std::clamp(along / edge_len_xy_[e], 0.0, 1.0) : 0.0;
  r.distance_m = std::sqrt(best);
  r.access_ms = to_millis(r.distance_m * opt_.last_mile_circuity / (opt_.last_mile_speed_kmh / 3.6));
  // No travel along the edge costs nothing, whatever its direction (a point exactly at a node).
  auto part = [](Millis w, double f) {
    return f <= 0 ? 0 : w == kInfinity ? kInfinity : static_cast<Millis>(std::llround(w * f));
  };
  Millis fwd = g_.edge_time_fwd[e], bwd = g_.edge_time_bwd[e];
  r.from_from = part(fwd, r.t);    // from -> point, with the edge direction
  r.to_to = part(fwd, 1 - r.t);    // point -> to
  r.to_from = part(bwd, r.t);      // point -> from, against it
  r.from_to = part(bwd, 1 - r.t);  // to -> point
  // The joining point, interpolated on the segment's own WGS84 end points (no inverse projection per point).
  auto point_of = [&](uint32_t k) {
    uint32_t first = g_.edge_shape_first[e], inner = g_.edge_shape_first[e + 1] - first;
    if (k == 0) return g_.lonlat(g_.edge_from[e]);
    if (k > inner) return g_.lonlat(g_.edge_to[e]);
    return geo::LonLat{g_.shape_lon_e7[first + k - 1] * 1e-7, g_.shape_lat_e7[first + k - 1] * 1e-7};
  };
  auto a = point_of(seg_index_[best_seg]), b = point_of(seg_index_[best_seg] + 1);
  r.on_road = {a.lon + best_u * (b.lon - a.lon), a.lat + best_u * (b.lat - a.lat)};
  return r;
}

}  // namespace maillage::routing

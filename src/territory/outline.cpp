#include "territory/outline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "territory/config.hpp"

namespace maillage::territory {

namespace {
constexpr int kBands = 512;

void collect_rings(const nlohmann::json& geom, std::vector<const nlohmann::json*>& rings) {
  const auto& type = geom.at("type").get_ref<const std::string&>();
  const auto& coords = geom.at("coordinates");
  if (type == "Polygon") {
    for (auto& ring : coords) rings.push_back(&ring);
  } else if (type == "MultiPolygon") {
    for (auto& poly : coords)
      for (auto& ring : poly) rings.push_back(&ring);
  }
}
}  // namespace

Outline Outline::load(const std::string& path) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(io::read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  }
  std::vector<const nlohmann::json*> rings;
  if (doc.value("type", "") == "FeatureCollection") {
    for (auto& f : doc.at("features")) collect_rings(f.at("geometry"), rings);
  } else if (doc.value("type", "") == "Feature") {
    collect_rings(doc.at("geometry"), rings);
  } else {
    collect_rings(doc, rings);
  }
  if (rings.empty()) throw Error(path + ": no polygon found");

  Outline o;
  o.proj_ = std::make_shared<geo::Projection>("EPSG:2154");
  o.ymin_ = std::numeric_limits<double>::max();
  o.ymax_ = std::numeric_limits<double>::lowest();
  for (auto* ring : rings) {
    std::vector<geo::XY> pts;
    for (auto& c : *ring) pts.push_back(o.proj_->forward({c.at(0).get<double>(), c.at(1).get<double>()}));
    for (size_t i = 0; i + 1 < pts.size(); ++i) {
      o.edges_.push_back({pts[i].x, pts[i].y, pts[i + 1].x, pts[i + 1].y});
      o.ymin_ = std::min({o.ymin_, pts[i].y, pts[i + 1].y});
      o.ymax_ = std::max({o.ymax_, pts[i].y, pts[i + 1].y});
    }
  }
  o.band_h_ = (o.ymax_ - o.ymin_) / kBands + 1e-9;
  o.bands_.resize(kBands);
  for (unsigned i = 0; i < o.edges_.size(); ++i) {
    auto& e = o.edges_[i];
    int b0 = static_cast<int>((std::min(e.y1, e.y2) - o.ymin_) / o.band_h_);
    int b1 = static_cast<int>((std::max(e.y1, e.y2) - o.ymin_) / o.band_h_);
    for (int b = std::max(0, b0); b <= std::min(kBands - 1, b1); ++b) o.bands_[b].push_back(i);
  }
  return o;
}

const Outline& Outline::bundled_region() {
  static const Outline o = load(data_path(config().region_outline, "region_outline"));
  return o;
}

bool Outline::contains_xy(geo::XY p) const {
  if (p.y < ymin_ || p.y > ymax_) return false;
  int b = std::min(kBands - 1, static_cast<int>((p.y - ymin_) / band_h_));
  bool inside = false;
  for (unsigned i : bands_[b]) {
    const Edge& e = edges_[i];
    if ((e.y1 > p.y) != (e.y2 > p.y)) {
      double x = e.x1 + (p.y - e.y1) * (e.x2 - e.x1) / (e.y2 - e.y1);
      if (x > p.x) inside = !inside;
    }
  }
  return inside;
}

bool Outline::contains(geo::LonLat p) const { return contains_xy(proj_->forward(p)); }

namespace {
double cross(double ax, double ay, double bx, double by, double cx, double cy) {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}
}  // namespace

bool segments_cross(geo::XY a, geo::XY b, geo::XY c, geo::XY d) {
  double d1 = cross(c.x, c.y, d.x, d.y, a.x, a.y), d2 = cross(c.x, c.y, d.x, d.y, b.x, b.y);
  double d3 = cross(a.x, a.y, b.x, b.y, c.x, c.y), d4 = cross(a.x, a.y, b.x, b.y, d.x, d.y);
  return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0)) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0;
}

double Outline::distance_outside_m(geo::LonLat ll) const {
  geo::XY p = proj_->forward(ll);
  if (contains_xy(p)) return 0;
  double best = std::numeric_limits<double>::max();
  for (const Edge& e : edges_) {
    double dx = e.x2 - e.x1, dy = e.y2 - e.y1;
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? std::clamp(((p.x - e.x1) * dx + (p.y - e.y1) * dy) / len2, 0.0, 1.0) : 0.0;
    double ex = e.x1 + t * dx - p.x, ey = e.y1 + t * dy - p.y;
    best = std::min(best, ex * ex + ey * ey);
  }
  return std::sqrt(best);
}

}  // namespace maillage::territory

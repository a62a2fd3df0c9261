#pragma once
// A territory outline (the region's MultiPolygon from the bundled GeoJSON), projected to Lambert-93 with PROJ,
// with a banded edge index so that "is this point inside, and if not how far outside?" costs a few dozen
// edge tests instead of one per vertex.
#include <string>
#include <vector>

#include "core/geo.hpp"

namespace maillage::territory {

// Whether segments a-b and c-d cross (proper crossing; touching at an end does not count).
bool segments_cross(geo::XY a, geo::XY b, geo::XY c, geo::XY d);

class Outline {
 public:
  // Reads a GeoJSON (optionally gzip-compressed) Feature or FeatureCollection of (Multi)Polygons.
  static Outline load(const std::string& geojson_path);
  static const Outline& bundled_region();  // data/communes/region-nouvelle-aquitaine_2018.geojson.gz

  bool contains(geo::LonLat p) const;
  // 0 inside; else the distance in metres to the outline (Lambert-93 plane).
  double distance_outside_m(geo::LonLat p) const;
  size_t vertex_count() const { return edges_.size(); }

 private:
  struct Edge {
    double x1, y1, x2, y2;
  };
  bool contains_xy(geo::XY p) const;
  std::vector<Edge> edges_;  // all ring edges (holes included: even-odd rule)
  double ymin_ = 0, ymax_ = 0, band_h_ = 1;
  std::vector<std::vector<unsigned>> bands_;  // edge indices overlapping each horizontal band
  std::shared_ptr<geo::Projection> proj_;
};

}  // namespace maillage::territory

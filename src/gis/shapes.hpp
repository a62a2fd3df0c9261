#pragma once
// Shapes for printed maps (the bottin and the panorama): a GeoJSON geometry in WGS84 projected to Lambert-93
// (EPSG:2154, metres) and simplified by GDAL (topology preserved) to a tolerance in metres, as rings of points.
#include <vector>

#include <nlohmann/json.hpp>

#include "core/geo.hpp"

namespace maillage::gis {

// The rings (outer and inner, of every part) of a Polygon or MultiPolygon; empty for another geometry.
std::vector<std::vector<geo::XY>> lambert93_rings(const nlohmann::json& geometry, double tolerance_m);

}  // namespace maillage::gis

#pragma once
// Outlines of zones blanches: the union of their 1 km cells (GEOS, in EPSG:3035 where cells are exact squares),
// converted to WGS84 with PROJ. One (Multi)Polygon per zone, holes included.
#include <nlohmann/json.hpp>

#include "coverage/coverage.hpp"

namespace maillage::coverage {

// GeoJSON geometry (Polygon or MultiPolygon, WGS84, 6 decimals) of the union of these grid points' cells.
nlohmann::json cells_outline(const territory::PopulationPoints& grid, const std::vector<uint32_t>& point_indices);

}  // namespace maillage::coverage

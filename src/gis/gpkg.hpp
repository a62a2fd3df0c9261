#pragma once
// GeoPackage for GIS teams (issue #15), written by GDAL (Debian's libgdal): each layer from a GeoJSON
// FeatureCollection in WGS84, reprojected to Lambert-93 (EPSG:2154), its properties as typed fields (numbers,
// integers, text; objects and arrays as JSON text). The file opens as is in QGIS and ArcGIS.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace maillage::gis {

struct Layer {
  std::string name;
  nlohmann::json features;  // a GeoJSON FeatureCollection, WGS84
};

// Writes (replaces) the file; Error with GDAL's message when it cannot. Returns the features written per layer.
std::vector<size_t> write_geopackage(const std::string& path, const std::vector<Layer>& layers);

}  // namespace maillage::gis

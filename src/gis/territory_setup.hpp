#pragma once
// `maillage territory setup`: a data folder for any French region from the national files, so that the territory
// is configuration, not code (docs/territory.md). Inputs:
//  - the national commune list of @etalab/decoupage-administratif (communes.json: code, nom, type, departement,
//    region, codesPostaux, population, anciensCodes — the source of the bundled Nouvelle-Aquitaine table), with
//    its departements.json and regions.json for the names when given;
//  - commune outlines, any vector file GDAL reads (IGN ADMIN EXPRESS COMMUNE layer: INSEE_COM; or GeoJSON with
//    `code`), in any CRS; former codes are mapped to the current commune through anciensCodes;
//  - optionally a population grid with the INSEE Filosofi columns (Idcar_200m, Ind, lcog_geo), CSV or any vector
//    file GDAL reads (the GeoPackage INSEE publishes), kept for the cells of the region's communes.
// Writes: territory.json, communes/communes.csv (centre = centroid of the outline, or a point on it when the
// centroid falls outside; area on an equal-area projection), communes/code_history.csv, commune, department and
// region outlines (GeoJSON, WGS84, dissolved by GEOS), population/grid.csv, and the car profile and API document
// copied from the data folder in use. Everything is written to a temporary folder renamed at the end: a bad input
// leaves nothing behind.
#include <string>
#include <vector>

namespace maillage::gis {

struct TerritorySetupOptions {
  std::string region;                // INSEE region code ("52")
  std::string communes;              // communes.json
  std::string departments, regions;  // departements.json, regions.json (optional: names)
  std::string outlines;              // commune outlines
  std::string grid;                  // population grid (optional)
  std::string name;                  // the territory's name (default: from regions.json, else "Région {code}")
  std::string copy_from;             // data folder whose profiles/ and api/ are copied
  std::string out;                   // the data folder to write (must not exist)
};

struct TerritorySetupReport {
  std::string name;
  size_t communes = 0, former_codes = 0, outline_features = 0, grid_cells = 0, grid_rows = 0;
  double population = 0, grid_population = 0, area_km2 = 0;
  std::vector<std::pair<std::string, std::string>> departments;
  std::vector<std::string> warnings;
};

TerritorySetupReport setup_territory(const TerritorySetupOptions& o);

}  // namespace maillage::gis

#pragma once
// Population points for coverage: the 1 km cells of the Eurostat Census 2021 grid (EPSG:3035), or commune
// centres with their legal population. Every report says which source it used.
#include <string>
#include <vector>

#include "core/geo.hpp"

namespace maillage::territory {

class CommuneTable;

enum class PopulationSource { Grid, Communes };
const char* population_source_name(PopulationSource s);
// A sentence naming the data, for reports.
std::string population_source_description(PopulationSource s);

struct PopulationPoint {
  geo::LonLat at;
  double population = 0;
  std::string dep;
  std::string insee;  // COG 2026 commune ("" for the 3 grid cells outside every commune outline)
  std::string id;     // grid id (CRS3035RES1000mN...E...) or INSEE code
  int gx = 0, gy = 0; // grid cell index (lower-left corner / 1000 m in EPSG:3035); grid points only
};

struct PopulationPoints {
  PopulationSource source = PopulationSource::Grid;
  std::vector<PopulationPoint> points;
  double total() const;
};

// The bundled 1 km grid (data/population/census2021_grid1km_na.csv.gz); commune codes of 2018 are mapped to 2026.
PopulationPoints load_grid(const std::string& path, const CommuneTable& communes);
PopulationPoints commune_points(const CommuneTable& communes);
const PopulationPoints& bundled_points(PopulationSource s);

}  // namespace maillage::territory

#pragma once
// Degree of urbanisation (Eurostat, "Applying the degree of urbanisation", 2021 edition, stage 1 on the 1 km grid)
// derived from the bundled Census 2021 grid: there is no official INSEE urban/rural classification in the
// bundled data, so Maillage derives one and says so.
//  - urban centre: cells of density >= 1,500 inh./km2 joined through shared edges (4-connectivity), cluster of
//    >= 50,000 inhabitants; gaps filled: a cell with at least 5 of its 8 neighbours in the same centre joins it
//    (repeated until stable);
//  - urban cluster: cells of density >= 300 inh./km2 joined through edges or corners (8-connectivity), cluster of
//    >= 5,000 inhabitants (urban centres belong to urban clusters);
//  - rural grid cells: the rest.
// Communes (LAU): city when >= 50 % of their population lives in urban centres; rural area when > 50 % lives in
// rural cells; otherwise town or suburb. A commune with no populated cell takes the class of the cell under its
// centre (rural when that cell is empty).
// Density here is inhabitants per km2 of cell (1 km2), as in the original method; cells are those of the region.
#include <map>
#include <string>
#include <vector>

#include "territory/population.hpp"

namespace maillage::territory {

class CommuneTable;

enum class CellClass : uint8_t { Rural, UrbanCluster, UrbanCentre };
enum class CommuneClass : uint8_t { City, TownSuburb, Rural };
const char* commune_class_name(CommuneClass c);  // "city", "town_suburb", "rural"

struct DegurbaThresholds {
  double centre_density = 1500, centre_population = 50000;
  double cluster_density = 300, cluster_population = 5000;
  int gap_fill_neighbours = 5;
};

// One class per grid point (same order). Requires a grid source.
std::vector<CellClass> classify_cells(const PopulationPoints& grid, DegurbaThresholds t = {});
// Class of every commune of the table.
std::map<std::string, CommuneClass> classify_communes(const PopulationPoints& grid, const std::vector<CellClass>& cells,
                                                      const CommuneTable& communes);
// Bundled grid, computed once.
const std::map<std::string, CommuneClass>& bundled_commune_classes();

}  // namespace maillage::territory

#pragma once
// Population points for coverage: the cells of a population grid — the Eurostat Census 2021 1 km grid (the
// bundled Nouvelle-Aquitaine file) or the INSEE Filosofi 200 m grid (`Idcar_200m`, `Ind`, `lcog_geo`: any grid with
// those columns, whatever its resolution and CRS as its cell ids spell them) — or commune centres with their legal
// population. Every report says which source it used.
#include <string>
#include <string_view>
#include <vector>

#include "core/geo.hpp"

namespace maillage::csv {
struct Table;
}

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
  std::string insee;   // COG 2026 commune ("" for the 3 grid cells outside every commune outline)
  std::string id;      // grid id (CRS3035RES1000mN...E...) or INSEE code
  int gx = 0, gy = 0;  // grid cell index (lower-left corner / cell size, in the grid's CRS); grid points only
};

struct PopulationPoints {
  PopulationSource source = PopulationSource::Grid;
  std::vector<PopulationPoint> points;
  int cell_m = 1000;              // grid cell size (metres)
  std::string crs = "EPSG:3035";  // the grid's CRS (gx, gy are in it)
  std::string description;        // a sentence naming the data, for reports
  double total() const;
};

// A population grid file (CSV, gzip or not), its format told by its columns:
//  - Eurostat Census 2021 (grd_id, x_ll_3035, y_ll_3035, lon_c, lat_c, pop_t, dep, insee_com_2018): the bundled one;
//  - INSEE Filosofi (Idcar_200m, Ind, lcog_geo; names in any case): the centre from the cell id
//    (CRS3035RES200mN2029800E3780600: CRS, size, lower-left corner), projected with PROJ; the commune is the first of
//    lcog_geo (the communes the cell touches), its department from the commune table.
// Commune codes of former communes are mapped to the table's. InputError names the file, line and column.
PopulationPoints load_grid(const std::string& path, const CommuneTable& communes);
// The same from a table already read (`path` names it in errors).
PopulationPoints grid_from_table(const csv::Table& t, const std::string& path, const CommuneTable& communes);
// A grid cell id as INSPIRE and INSEE spell it: CRS{epsg}RES{size}mN{y}E{x}, (x, y) its lower-left corner.
struct GridCellId {
  int epsg = 0, size_m = 0;
  long long x_m = 0, y_m = 0;
};
bool parse_cell_id(std::string_view id, GridCellId& out);

PopulationPoints commune_points(const CommuneTable& communes);
// The configured grid (territory.json: files.population_grid) or the commune centres, loaded once.
const PopulationPoints& bundled_points(PopulationSource s);

}  // namespace maillage::territory

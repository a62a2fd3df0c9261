// `territory setup` on national-format inputs: the real commune list entries of @etalab/decoupage-administratif, the
// bundled Gironde outlines written as an ADMIN EXPRESS-like GeoPackage in Lambert-93, a 200 m grid in the INSEE
// Filosofi columns. Checks the region's communes, the dissolved commune nouvelle, areas and centres against the
// bundled table, the grid filtered by commune, the configuration read back, and refusals that leave nothing behind.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/geo.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "gis/gpkg.hpp"
#include "gis/territory_setup.hpp"
#include "helpers.hpp"
#include "territory/communes.hpp"
#include "territory/config.hpp"
#include "territory/degurba.hpp"
#include "territory/population.hpp"
#include "territory/sea.hpp"

using nlohmann::json;
using namespace maillage;

namespace {

const std::string kFixtures = std::string(MAILLAGE_TEST_DATA) + "/territory";
const std::set<std::string> kGironde = {"33522", "33318", "33192", "33550", "33039", "33008", "33092", "33409"};

// A box outline (lon/lat) as a GeoJSON polygon.
json box(double lon0, double lat0, double lon1, double lat1) {
  return {{"type", "Polygon"},
          {"coordinates", {{{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}}}}};
}

// The outlines in ADMIN EXPRESS's shape: layer COMMUNE, fields INSEE_COM, NOM, INSEE_DEP, Lambert-93.
std::string write_outlines(const test::TempDir& dir, bool with_talence = true) {
  auto all = json::parse(io::read_file(paths::data_file("communes/communes_na_contours_2018.geojson.gz")));
  json fc{{"type", "FeatureCollection"}, {"features", json::array()}};
  for (auto& f : all["features"]) {
    std::string code = f["properties"]["code"];
    if (!kGironde.count(code) || (!with_talence && code == "33522")) continue;
    fc["features"].push_back(
        {{"type", "Feature"},
         {"properties", {{"INSEE_COM", code}, {"NOM", f["properties"]["nom"]}, {"INSEE_DEP", "33"}}},
         {"geometry", f["geometry"]}});
  }
  // Region 52: hand-made boxes around Nantes and Bouguenais.
  fc["features"].push_back({{"type", "Feature"},
                            {"properties", {{"INSEE_COM", "44109"}, {"NOM", "Nantes"}, {"INSEE_DEP", "44"}}},
                            {"geometry", box(-1.62, 47.18, -1.48, 47.30)}});
  fc["features"].push_back({{"type", "Feature"},
                            {"properties", {{"INSEE_COM", "44020"}, {"NOM", "Bouguenais"}, {"INSEE_DEP", "44"}}},
                            {"geometry", box(-1.70, 47.12, -1.62, 47.18)}});
  auto path = dir.file("COMMUNE.gpkg");
  gis::write_geopackage(path, {{"COMMUNE", fc}});
  return path;
}

// 200 m cells in the Filosofi columns: a block over Talence and Pessac (Talence, Pessac, one cell on both), one
// over Nantes (region 52), one over a commune déléguée of Porte-de-Benauge (former code).
std::string write_grid(const test::TempDir& dir, double* gironde_total) {
  geo::Projection laea("EPSG:3035");
  std::string out = "Idcar_200m,I_est_200,Idcar_1km,Ind,Men,lcog_geo\n";
  double total = 0;
  auto cells = [&](geo::LonLat at, int n, const std::string& cog, double per_cell, bool gironde) {
    auto p = laea.forward(at);
    long long x0 = static_cast<long long>(std::floor(p.x / 200)) * 200,
              y0 = static_cast<long long>(std::floor(p.y / 200)) * 200;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        long long x = x0 + 200 * i, y = y0 + 200 * j;
        out += fmt::format("CRS3035RES200mN{}E{},1,CRS3035RES1000mN{}E{},{},{},{}\n", y, x, y / 1000 * 1000,
                           x / 1000 * 1000, per_cell, per_cell / 2, cog);
        if (gironde) total += per_cell;
      }
  };
  cells({-0.5905, 44.8085}, 10, "33522", 120.5, true);  // Talence: 100 cells
  cells({-0.6310, 44.8060}, 5, "33318", 40, true);      // Pessac: 25 cells
  cells({-0.6100, 44.7990}, 1, "3331833522", 7, true);  // a cell on two communes
  cells({-1.5536, 47.2184}, 4, "44109", 300, false);    // Nantes: 16 cells, region 52
  cells({-0.2090, 44.6820}, 2, "33092", 3.5, true);     // a former code of Porte-de-Benauge
  *gironde_total = total;
  return dir.write("grid.csv", out);
}

gis::TerritorySetupOptions options(const test::TempDir& dir, const std::string& region, const std::string& outlines,
                                   const std::string& grid) {
  gis::TerritorySetupOptions o;
  o.region = region;
  o.communes = kFixtures + "/communes.json";
  o.departments = kFixtures + "/departements.json";
  o.regions = kFixtures + "/regions.json";
  o.outlines = outlines;
  o.grid = grid;
  o.copy_from = paths::data_dir();
  o.out = dir.file("data-" + region);
  return o;
}

}  // namespace

TEST(TerritorySetup, GirondeCommunesFromNationalFiles) {
  test::TempDir dir;
  double gironde_pop = 0;
  auto o = options(dir, "75", write_outlines(dir), write_grid(dir, &gironde_pop));
  auto rep = gis::setup_territory(o);
  EXPECT_EQ(rep.name, "Nouvelle-Aquitaine");
  EXPECT_EQ(rep.communes, 6u);          // five around Talence and Porte-de-Benauge; the commune déléguée skipped
  EXPECT_EQ(rep.former_codes, 2u);      // 33092, 33409
  EXPECT_EQ(rep.outline_features, 8u);  // Porte-de-Benauge: Arbis (33008), Cantois, Saint-Genis-du-Bois
  ASSERT_EQ(rep.departments.size(), 1u);
  EXPECT_EQ(rep.departments[0].second, "Gironde");
  EXPECT_EQ(rep.grid_rows, 100u + 25 + 1 + 16 + 4);
  EXPECT_EQ(rep.grid_cells, 100u + 25 + 1 + 4);  // Nantes' 16 cells left out
  EXPECT_NEAR(rep.grid_population, gironde_pop, 1e-6);
  EXPECT_FALSE(std::filesystem::exists(o.out + ".partial"));

  // The configuration and the files read back by the same code as the bundled data.
  auto cfg = territory::Config::load(o.out);
  EXPECT_EQ(cfg.region, "75");
  EXPECT_EQ(cfg.department_name("33"), "Gironde");
  auto table = territory::CommuneTable::load(o.out);
  ASSERT_EQ(table.all().size(), 6u);
  EXPECT_EQ(table.current_code("33409"), "33008");
  const auto& bundled = territory::CommuneTable::bundled();
  for (auto& c : table.all()) {
    auto* b = bundled.find(c.code);
    ASSERT_NE(b, nullptr) << c.code;
    EXPECT_EQ(c.name, b->name);
    EXPECT_EQ(c.population, b->population) << c.code;  // same source, same edition
    // Areas from the simplified 2018 outlines on an equal-area projection vs the areas of the bundled table (which
    // leave out some water: Bègles' outline reaches the middle of the Garonne, +9.6 %).
    EXPECT_NEAR(c.area_km2, b->area_km2, 0.10 * b->area_km2) << c.code;
    EXPECT_LT(geo::haversine_m(c.centre, b->centre), 1500) << c.code;
  }
  // Porte-de-Benauge is the union of its three 2018 communes' outlines: one feature.
  auto outlines = json::parse(io::read_file(o.out + "/" + cfg.commune_outlines));
  EXPECT_EQ(outlines["features"].size(), 6u);
  auto region = json::parse(io::read_file(o.out + "/" + cfg.region_outline));
  EXPECT_EQ(region["features"][0]["properties"]["nom"], "Nouvelle-Aquitaine");
  // An inland outline has no Atlantic coastline: the sea layer's builder says so (bundled_sea() then serves an
  // empty layer for such a territory).
  EXPECT_THROW(territory::sea_geojson(o.out + "/" + cfg.region_outline), Error);

  // The grid: Filosofi columns, 200 m cells, centres from the cell ids, communes and departments from the table.
  auto grid = territory::load_grid(o.out + "/" + cfg.population_grid, table);
  EXPECT_EQ(grid.cell_m, 200);
  EXPECT_EQ(grid.crs, "EPSG:3035");
  ASSERT_EQ(grid.points.size(), 130u);
  EXPECT_NEAR(grid.total(), gironde_pop, 1e-6);
  geo::Projection laea("EPSG:3035");
  std::set<std::string> insee;
  for (auto& p : grid.points) {
    territory::GridCellId id;
    ASSERT_TRUE(territory::parse_cell_id(p.id, id));
    auto xy = laea.forward(p.at);
    EXPECT_NEAR(xy.x, id.x_m + 100, 0.01);
    EXPECT_NEAR(xy.y, id.y_m + 100, 0.01);
    EXPECT_EQ(p.gx, id.x_m / 200);
    EXPECT_EQ(p.dep, "33");
    insee.insert(p.insee);
  }
  EXPECT_EQ(insee, (std::set<std::string>{"33522", "33318", "33008"}));  // the former code mapped to the current one
}

TEST(TerritorySetup, AnotherRegion) {
  test::TempDir dir;
  double unused = 0;
  auto o = options(dir, "52", write_outlines(dir), write_grid(dir, &unused));
  auto rep = gis::setup_territory(o);
  EXPECT_EQ(rep.name, "Pays de la Loire");
  EXPECT_EQ(rep.communes, 2u);
  EXPECT_EQ(rep.grid_cells, 16u);
  EXPECT_NEAR(rep.grid_population, 16 * 300, 1e-9);
  auto cfg = territory::Config::load(o.out);
  EXPECT_EQ(cfg.department_name("44"), "Loire-Atlantique");
  auto table = territory::CommuneTable::load(o.out);
  auto* nantes = table.find("44109");
  ASSERT_NE(nantes, nullptr);
  EXPECT_NEAR(nantes->centre.lon, -1.55, 0.001);
  EXPECT_NEAR(nantes->centre.lat, 47.24, 0.001);
  // A 0.14° × 0.12° box at 47.24° N: 0.14 × 111.32 cos(47.24°) × 0.12 × 111.13 km ≈ 141 km².
  EXPECT_NEAR(nantes->area_km2, 0.14 * 111.32 * std::cos(47.24 * M_PI / 180) * 0.12 * 111.13, 1.5);
}

TEST(TerritorySetup, RefusalsLeaveNothingBehind) {
  test::TempDir dir;
  double unused = 0;
  auto grid = write_grid(dir, &unused);
  // Talence has no outline: refused, naming it.
  auto o = options(dir, "75", write_outlines(dir, false), grid);
  try {
    gis::setup_territory(o);
    FAIL() << "a commune without outline was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("33522 Talence"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(o.out));
  EXPECT_FALSE(std::filesystem::exists(o.out + ".partial"));
  // A region with no commune in the list; a bad region code; a grid whose population is not a number.
  o = options(dir, "11", write_outlines(dir), grid);
  EXPECT_THROW(gis::setup_territory(o), InputError);
  o.region = "7<5";
  EXPECT_THROW(gis::setup_territory(o), Error);
  auto bad = dir.write("bad.csv", "Idcar_200m,Ind,lcog_geo\nCRS3035RES200mN2400000E3500000,NaN,33522\n");
  o = options(dir, "75", write_outlines(dir), bad);
  try {
    gis::setup_territory(o);
    FAIL() << "NaN population accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("Ind"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(o.out));
  // The grid reader names the line and column of a bad cell id.
  auto wrong =
      dir.write("wrong.csv", "Idcar_200m,Ind,lcog_geo\nCRS3035RES200mN2400000E3500000,3,33522\n<b>x</b>,3,33522\n");
  try {
    territory::load_grid(wrong, territory::CommuneTable::bundled());
    FAIL() << "bad cell id accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(":3:1"), std::string::npos) << e.what();
  }
}

TEST(TerritorySetup, CellIds) {
  territory::GridCellId id;
  ASSERT_TRUE(territory::parse_cell_id("CRS3035RES200mN2029800E3780600", id));
  EXPECT_EQ(id.epsg, 3035);
  EXPECT_EQ(id.size_m, 200);
  EXPECT_EQ(id.x_m, 3780600);
  EXPECT_EQ(id.y_m, 2029800);
  EXPECT_TRUE(territory::parse_cell_id("CRS3035RES1000mN2029000E3780000", id));
  EXPECT_FALSE(territory::parse_cell_id("CRS3035RES200mN2029850E3780600", id));  // not on the 200 m lattice
  EXPECT_FALSE(territory::parse_cell_id("CRS3035RES200mN2029800E3780600x", id));
  EXPECT_FALSE(territory::parse_cell_id("CRS3035RES0mN0E0", id));
  EXPECT_FALSE(territory::parse_cell_id("CRS3035RES200mN99999999999999E0", id));
  EXPECT_FALSE(territory::parse_cell_id("", id));
}

// The degree of urbanisation on a 200 m grid: the fine cells are summed into their 1 km cells. A 7 × 7 km block of
// 200 m cells of 80 inhabitants (2,000 a km², 98,000 in all) is an urban centre; a lone 1 km cell of 25 fine cells
// of 10 inhabitants (250 a km²) is rural.
TEST(TerritorySetup, DegurbaOnAFinerGrid) {
  territory::PopulationPoints g;
  g.cell_m = 200;
  auto add = [&](int gx, int gy, double pop) {
    territory::PopulationPoint p;
    p.gx = gx, p.gy = gy, p.population = pop;
    g.points.push_back(p);
  };
  for (int x = 0; x < 35; ++x)
    for (int y = 0; y < 35; ++y) add(x, y, 80);
  for (int x = 0; x < 5; ++x)
    for (int y = 0; y < 5; ++y) add(100 + x, 100 + y, 10);
  auto classes = territory::classify_cells(g);
  ASSERT_EQ(classes.size(), g.points.size());
  for (size_t i = 0; i < 35 * 35; ++i) EXPECT_EQ(classes[i], territory::CellClass::UrbanCentre) << i;
  for (size_t i = 35 * 35; i < classes.size(); ++i) EXPECT_EQ(classes[i], territory::CellClass::Rural) << i;
  g.cell_m = 300;  // not a divisor of 1 km
  EXPECT_THROW(territory::classify_cells(g), Error);
}

// A territory other than the bundled one, end to end on the real binary: `territory setup` from national-format
// files (real commune list entries; outlines as GeoJSON with `code`; a 200 m Filosofi grid), then with
// MAILLAGE_DATA pointing at it: `territory show`, a graph from the Talence OpenStreetMap extract, a place, coverage.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/geo.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "helpers.hpp"

using maillage::test::run_cli;
using maillage::test::run_shell;
using nlohmann::json;

TEST(CliTerritory, SetupAndUseAnotherTerritory) {
  maillage::test::TempDir dir;
  const std::string fixtures = std::string(MAILLAGE_TEST_DATA) + "/territory";
  // Outlines of the five communes around Talence (GeoJSON, `code` as in the bundled file).
  auto all =
      json::parse(maillage::io::read_file(maillage::paths::data_file("communes/communes_na_contours_2018.geojson.gz")));
  const std::set<std::string> codes{"33522", "33318", "33192", "33550", "33039", "33008", "33092", "33409"};
  json fc{{"type", "FeatureCollection"}, {"features", json::array()}};
  for (auto& f : all["features"])
    if (codes.count(f["properties"]["code"])) fc["features"].push_back(f);
  auto outlines = dir.write("communes.geojson", fc.dump());
  // A 200 m grid over the campus: 6 × 6 cells of 50 inhabitants in Talence.
  maillage::geo::Projection laea("EPSG:3035");
  auto c = laea.forward({-0.6035, 44.8075});
  std::string grid = "Idcar_200m,Ind,lcog_geo\n";
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j)
      grid += fmt::format("CRS3035RES200mN{}E{},50,33522\n", static_cast<long long>(std::floor(c.y / 200) + j) * 200,
                          static_cast<long long>(std::floor(c.x / 200) + i) * 200);
  auto grid_file = dir.write("grid.csv", grid);

  auto out = dir.file("gironde");
  auto r =
      run_cli(fmt::format("territory setup --region 75 --name 'Sud de Bordeaux' --communes {0}/communes.json "
                          "--departements {0}/departements.json --outlines {1} --grid {2} -o {3}",
                          fixtures, outlines, grid_file, out));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Sud de Bordeaux: 6 communes (2 former codes)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Grid: 36 of 36 cells kept, 1800 inhabitants"), std::string::npos) << r.out;
  // The outlines and the grid gzipped, as the product ships its own (issue #31): read the same.
  run_shell("gzip -k " + outlines + " " + grid_file);
  auto gz = run_cli(
      fmt::format("territory setup --region 75 --communes {0}/communes.json --outlines {1}.gz --grid {2}.gz -o {3}",
                  fixtures, outlines, grid_file, dir.file("from-gz")));
  EXPECT_EQ(gz.exit_code, 0) << gz.out;
  EXPECT_NE(gz.out.find("6 communes"), std::string::npos) << gz.out;
  EXPECT_NE(gz.out.find("Grid: 36 of 36 cells kept, 1800 inhabitants"), std::string::npos) << gz.out;
  // A second run into the same folder is refused; the folder is unchanged.
  EXPECT_NE(run_cli(fmt::format("territory setup --region 75 --communes {0}/communes.json --outlines {1} -o {2}",
                                fixtures, outlines, out))
                .exit_code,
            0);

  auto env = "MAILLAGE_DATA=" + out + " " + std::string(MAILLAGE_BIN) + " ";
  auto db = " --db " + dir.database("t.db") + " --graph " + dir.file("t.graph") + " 2>&1";
  auto shown = run_shell(env + "territory show" + db);
  EXPECT_NE(shown.find("Territory: Sud de Bordeaux (region 75)"), std::string::npos) << shown;
  EXPECT_NE(shown.find("Communes: 6"), std::string::npos) << shown;
  EXPECT_NE(shown.find("33 Gironde"), std::string::npos) << shown;
  EXPECT_NE(shown.find("36 cells of 200 m, 1800 inhabitants"), std::string::npos) << shown;
  EXPECT_NE(shown.find("Road skeleton: none"), std::string::npos) << shown;
  // No skeleton: the default graph cannot be built, and the message says how to get one.
  auto no_graph = run_shell(env + "coverage" + db);
  EXPECT_NE(no_graph.find("graph build --osm"), std::string::npos) << no_graph;

  auto built = run_shell(env + "graph build --osm " + std::string(MAILLAGE_TEST_DATA) +
                         "/talence_campus_2019-04.osm.pbf -o " + dir.file("t.graph") + " 2>&1");
  ASSERT_NE(built.find("nodes"), std::string::npos) << built;
  // A new database starts empty (no seed places in this territory); a place of the bundled region is refused.
  auto place = dir.write("p.csv",
                         "id,name,types,status,insee_code,lon,lat\n"
                         "33522-campus,Tiers-lieu du campus,coworking,open,33522,-0.6035,44.8075\n");
  auto imported = run_shell(env + "places import " + place + db);
  EXPECT_NE(imported.find("1 inserted"), std::string::npos) << imported;
  auto elsewhere = dir.write("q.csv",
                             "id,name,types,status,insee_code,lon,lat\n"
                             "16015-x,Ailleurs,coworking,open,16015,0.15,45.65\n");
  auto refused = run_shell(env + "places import " + elsewhere + db);
  EXPECT_NE(refused.find("not a commune of Sud de Bordeaux"), std::string::npos) << refused;

  auto cov = run_shell(env + "coverage --json" + db);
  auto j = maillage::test::json_in(cov);
  ASSERT_TRUE(j.is_object()) << cov;
  EXPECT_EQ(j["population_source"], "grid");
  EXPECT_NE(j["population_source_description"].get<std::string>().find("INSEE Filosofi"), std::string::npos);
  EXPECT_NEAR(j["population"].get<double>(), 1800, 1e-6);
  ASSERT_EQ(j["departments"].size(), 1u);
  EXPECT_EQ(j["departments"][0]["name"], "Gironde");
  EXPECT_GT(j["share"].get<double>(), 0.5) << cov.substr(0, 600);  // the campus cells are minutes away
}

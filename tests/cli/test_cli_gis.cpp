// `maillage isochrones` and `maillage gpkg` on the real binary (issue #15): the service areas agree with the
// coverage computed independently, and the GeoPackage is read back by GDAL's own reader (ogrinfo): its layers,
// Lambert-93, counts, valid geometries.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

using maillage::test::run_cli;
using maillage::test::TempDir;
using nlohmann::json;

namespace {
maillage::test::RunResult sh(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}
}  // namespace

TEST(CliGis, ServiceAreasAgreeWithTheCoverageOfTheirPlace) {
  TempDir dir;
  auto base = " --db " + dir.database("m.db") + " --graph " + dir.file("g.graph") + " --no-seed ";
  auto r = run_cli(base + "places add --name Lieu --commune 87085 --type coworking --status open --opening 2019");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto id = r.out.substr(r.out.find("added ") + 6);
  id = id.substr(0, id.find_first_of(" \n"));
  r = run_cli(base + "isochrones --breaks 10,20,30 --date 2024-06-01 -o " + dir.file("iso.geojson"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto fc = json::parse(maillage::test::slurp(dir.file("iso.geojson")));
  ASSERT_EQ(fc["features"].size(), 3u);  // one place, three rings
  double within20 = 0, from = 0;
  for (auto& f : fc["features"]) {
    auto& p = f["properties"];
    EXPECT_EQ(p["FacilityID"], id);
    EXPECT_EQ(p["Name"], "Lieu");
    EXPECT_EQ(p["FromBreak"].get<double>(), from);  // rings: 0-10, 10-20, 20-30
    from = p["ToBreak"];
    EXPECT_TRUE(f["geometry"]["type"] == "Polygon" || f["geometry"]["type"] == "MultiPolygon");
    if (p["ToBreak"].get<double>() <= 20) within20 += p["population"].get<double>();
  }
  // The coverage with this one place open, computed by the coverage report, counts the same inhabitants within 20
  // minutes (rounding of each band to the inhabitant).
  auto cov = maillage::test::json_of(base + "coverage --date 2024-06-01 --json");
  EXPECT_NEAR(within20, cov["covered"].get<double>(), 2.0);
  // Bad breaks are refused with the reason.
  r = run_cli(base + "isochrones --breaks 20,10");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("increase"), std::string::npos) << r.out;
  EXPECT_NE(run_cli(base + "isochrones --place nowhere --date 2024-06-01").exit_code, 0);
}

TEST(CliGis, GeoPackageReadBackByGdal) {
  if (sh("command -v ogrinfo").exit_code != 0)
    GTEST_SKIP() << "gdal-bin is not installed (scripts/setup.sh installs it)";
  TempDir dir;
  auto base = " --db " + dir.database("m.db") + " --graph " + dir.file("g.graph") + " ";
  auto out = dir.file("maillage.gpkg");
  auto r = run_cli(base + "gpkg " + out + " --date 2024-06-01 --breaks 15,30");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto info = sh("ogrinfo -so " + out);
  ASSERT_EQ(info.exit_code, 0) << info.out;
  for (auto* layer :
       {"places (Point)", "cells (Multi Polygon)", "zones_blanches (Multi Polygon)", "service_areas (Multi Polygon)"})
    EXPECT_NE(info.out.find(layer), std::string::npos) << info.out;
  auto sa = sh("ogrinfo -so " + out + " service_areas");
  EXPECT_NE(sa.out.find("ID[\"EPSG\",2154]"), std::string::npos) << sa.out;
  for (auto* field : {"FacilityID: String", "Name: String", "FromBreak: Real", "ToBreak: Real"})
    EXPECT_NE(sa.out.find(field), std::string::npos) << sa.out;
  // Counts as the command said, every geometry valid, coordinates in Lambert-93's range for the region.
  auto count = [&](const std::string& sql) {
    auto q = sh("ogrinfo " + out + " -dialect SQLite -sql \"" + sql + "\"");
    auto at = q.out.find("= ");
    return at == std::string::npos ? -1.0 : std::stod(q.out.substr(at + 2));
  };
  for (auto* layer : {"zones_blanches", "service_areas", "cells"}) {
    double n = count(std::string("SELECT COUNT(*) FROM ") + layer);
    EXPECT_GT(n, 0) << layer;
    EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM ") + layer + " WHERE ST_IsValid(geom) = 1"), n) << layer;
  }
  EXPECT_NE(r.out.find("places " + std::to_string(static_cast<int>(count("SELECT COUNT(*) FROM places"))) + ","),
            std::string::npos)
      << r.out;
  EXPECT_GT(count("SELECT MIN(ST_MinX(geom)) FROM places"), 250000);
  EXPECT_LT(count("SELECT MAX(ST_MaxX(geom)) FROM places"), 700000);
  EXPECT_GT(count("SELECT MIN(ST_MinY(geom)) FROM places"), 6100000);
}

TEST(CliGis, EveryGeoJsonExportReadBackByGdal) {
  if (sh("command -v ogrinfo").exit_code != 0)
    GTEST_SKIP() << "gdal-bin is not installed (scripts/setup.sh installs it)";
  TempDir dir;
  auto base = " --db " + dir.database("m.db") + " --graph " + dir.file("g.graph") + " ";
  auto write = [&](const std::string& name, const std::string& args) {
    auto r = run_cli(base + args);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.out.substr(0, 300);
    auto path = dir.file(name + ".geojson");
    std::ofstream(path) << r.out.substr(r.out.find('{'));
    return path;
  };
  std::vector<std::pair<std::string, std::string>> files;
  run_cli(base + "places export --format geojson -o " + dir.file("places.geojson"));
  files.push_back({"places", dir.file("places.geojson")});
  files.push_back({"zones", write("zones", "coverage --date 2024-06-01 --geojson zones")});
  files.push_back({"cells", write("cells", "coverage --date 2024-06-01 --geojson cells")});
  files.push_back({"plan", write("plan", "plan best --k 3 --date 2024-06-01 --geojson")});
  run_cli(base + "isochrones --breaks 10,20 --date 2024-06-01 -o " + dir.file("areas.geojson"));
  files.push_back({"areas", dir.file("areas.geojson")});
  for (auto& [layer, path] : files) {
    auto doc = json::parse(maillage::test::slurp(path));
    auto info = sh("ogrinfo -ro -so -al " + path);
    ASSERT_EQ(info.exit_code, 0) << layer << ": " << info.out;
    EXPECT_NE(info.out.find("Feature Count: " + std::to_string(doc["features"].size())), std::string::npos)
        << layer << ": " << info.out.substr(0, 600);
    // Every geometry valid for GDAL (GEOS underneath); a failure names the layer.
    auto bad = sh("ogrinfo -ro " + path + " -dialect SQLite -sql \"SELECT COUNT(*) AS invalid FROM \\\"" + layer +
                  "\\\" WHERE GEOMETRY IS NOT NULL AND ST_IsValid(GEOMETRY) = 0\"");
    EXPECT_NE(bad.out.find("invalid (Integer) = 0"), std::string::npos) << layer << ": " << bad.out.substr(0, 600);
  }
}

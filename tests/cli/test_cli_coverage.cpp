// `maillage coverage` and `maillage indicators` on the real binary with the bundled data.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

using maillage::test::json_in;
using maillage::test::json_of;
using maillage::test::run_cli;
using maillage::test::TempDir;

TEST(CliCoverage, ReportIsConsistentAcrossFormats) {
  TempDir dir;
  auto base = " --db " + dir.database("m.db") + " --graph " + dir.file("g.graph") + " ";
  auto r = run_cli(base + "coverage --date 2024-06-01 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out.substr(0, 500);
  auto j = json_in(r.out);
  EXPECT_EQ(j["population_source"], "grid");
  EXPECT_DOUBLE_EQ(j["population"].get<double>(), 6043980);
  double deps = 0;
  for (auto& d : j["departments"]) deps += d["population"].get<double>();
  EXPECT_NEAR(deps, 6043980, 1e-6);
  double share = j["share"];
  EXPECT_GT(share, 0.3);
  EXPECT_LT(share, 0.95);
  EXPECT_GT(j["zones_blanches"].size(), 10u);
  // Zones one can act on: none over the cap (one 30 km square, within one department), largest first, each with
  // the site that would cover most of it; that site brings at most the zone's population within the threshold.
  double previous = 1e18;
  for (auto& z : j["zones_blanches"]) {
    EXPECT_LE(z["area_km2"].get<int>(), 900) << z.dump();
    EXPECT_LE(z["population"].get<double>(), previous);
    previous = z["population"].get<double>();
    ASSERT_FALSE(z["suggested_site"].is_null()) << z.dump();
    EXPECT_LE(z["suggested_site"]["population_added"].get<double>(), z["population"].get<double>() + 0.5);
    EXPECT_GT(z["suggested_site"]["population_added"].get<double>(), 0);
  }
  // The share with its range (every time longer or shorter by the profile's cross-validated error).
  EXPECT_LT(j["share_range"][0].get<double>(), j["share"].get<double>());
  EXPECT_GT(j["share_range"][1].get<double>(), j["share"].get<double>());
  EXPECT_EQ(j["communes"].size(), 4293u);
  // The text table shows the same share; a longer threshold covers more.
  auto t = run_cli(base + "coverage --date 2024-06-01");
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", 100 * share);
  EXPECT_NE(t.out.find(buf), std::string::npos) << t.out.substr(0, 800);
  auto j30 = json_of(base + "coverage --date 2024-06-01 --threshold 30 --json");
  EXPECT_GT(j30["share"].get<double>(), share);
  // Communes population and CSV.
  auto c = run_cli(base + "coverage --date 2024-06-01 --population communes --csv");
  EXPECT_EQ(c.exit_code, 0);
  EXPECT_EQ(std::count(c.out.begin(), c.out.end(), '\n'), 4294);
  auto g = run_cli(base + "coverage --date 2024-06-01 --geojson zones");
  EXPECT_EQ(g.exit_code, 0);
  auto zones = nlohmann::json::parse(g.out);
  ASSERT_EQ(zones["features"].size(), j["zones_blanches"].size());
  // Dissolved outlines: the first zone is far fewer rings than cells.
  auto& geom = zones["features"][0]["geometry"];
  EXPECT_TRUE(geom["type"] == "Polygon" || geom["type"] == "MultiPolygon");
  EXPECT_EQ(zones["features"][0]["properties"]["area_km2"], j["zones_blanches"][0]["area_km2"]);
  EXPECT_EQ(zones["features"][0]["properties"]["suggested_site"], j["zones_blanches"][0]["suggested_site"]);
  EXPECT_NE(run_cli(base + "coverage --date 2024-02-30").exit_code, 0);
  EXPECT_NE(run_cli(base + "coverage --population people").exit_code, 0);
}

TEST(CliCoverage, IndicatorsMatchTheRegistry) {
  TempDir dir;
  auto base = " --db " + dir.database("m.db") + " --graph " + dir.file("g.graph") + " ";
  auto r = run_cli(base + "indicators --date 2024-06-01 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out.substr(0, 500);
  auto j = json_in(r.out);
  auto l = json_of(base + "places list --open-on 2024-06-01 --json");
  EXPECT_EQ(j["open_places"], l["total"]);
  int by_class = 0;
  for (auto& [k, v] : j["by_urbanisation"].items()) by_class += v.get<int>();
  EXPECT_EQ(by_class, j["open_places"].get<int>());
  EXPECT_EQ(j["history"].back()["date"], "2024-06-01");
  EXPECT_EQ(j["history"].back()["open_places"], j["open_places"]);
  // The coverage share of the last history line is the one `coverage` gives for that date.
  auto c = json_of(base + "coverage --date 2024-06-01 --json");
  EXPECT_DOUBLE_EQ(j["history"].back()["coverage_share"].get<double>(), c["share"].get<double>());
}

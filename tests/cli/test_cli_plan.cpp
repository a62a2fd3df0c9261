// `maillage plan ...` on the real binary with the bundled data.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

using maillage::test::json_of;
using maillage::test::run_cli;
using maillage::test::TempDir;

TEST(CliPlan, BestCoverAndCriticalityAgree) {
  TempDir dir;
  auto base = " --db " + dir.database("m.db") + " --graph " + dir.file("g.graph") + " ";
  auto best = json_of(base + "plan best --k 5 --date 2024-06-01 --json");
  ASSERT_EQ(best["sites"].size(), 5u);
  // The starting point is the coverage report's.
  auto cov = json_of(base + "coverage --date 2024-06-01 --json");
  EXPECT_DOUBLE_EQ(best["covered_by_open_places"].get<double>(), cov["covered"].get<double>());
  double prev = best["covered_by_open_places"];
  for (auto& s : best["sites"]) {
    EXPECT_GT(s["covered"].get<double>(), prev);
    prev = s["covered"];
  }
  // The cover's first five sites are the best five (same greedy), and it ends with everyone coverable covered.
  auto cover = json_of(base + "plan cover --date 2024-06-01 --json");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(cover["sites"][i]["id"], best["sites"][i]["id"]);
  EXPECT_NEAR(cover["sites"].back()["covered"].get<double>() + cover["uncoverable"].get<double>(),
              cover["population"].get<double>(), 1e-6);
  auto crit = json_of(base + "plan criticality --date 2024-06-01 --json");
  EXPECT_EQ(crit["places"].size(), cov["places_open"].get<size_t>());
  // User sites from a CSV; a bad one is named.
  auto sites = dir.write("sites.csv", "id,name,lon,lat\nA,Site A,0.16,45.65\nB,Site B,-0.46,46.32\n");
  auto r = run_cli(base + "plan best --k 1 --candidates " + sites + " --date 2024-06-01 --csv");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Site "), std::string::npos);
  auto bad = dir.write("bad.csv", "id,name,lon,lat\nA,Site A,east,45.65\n");
  r = run_cli(base + "plan best --candidates " + bad);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find(bad + ":2:3"), std::string::npos) << r.out;
}

TEST(CliPlan, ExactAndGeoJson) {
  TempDir dir;
  auto base = " --db " + dir.database("m.db") + " --graph " + dir.file("g.graph") + " ";
  auto greedy = json_of(base + "plan best --k 4 --date 2024-06-01 --json");
  auto exact = json_of(base + "plan best --k 4 --exact --time-limit 30 --date 2024-06-01 --json");
  ASSERT_TRUE(exact.contains("exact"));
  EXPECT_TRUE(exact["exact"]["optimal"].get<bool>());
  EXPECT_NEAR(exact["exact"]["gap"].get<double>(), 0, 1e-12);
  // Never worse than the greedy choice, and its bound is the value it reached.
  double got = exact["sites"].back()["covered"], was = greedy["sites"].back()["covered"];
  EXPECT_GE(got, was - 1e-6);
  EXPECT_NEAR(exact["exact"]["bound"].get<double>(), got, 1e-6);
  // The chosen sites as GeoJSON points, in rank order, matching the JSON report.
  auto r = run_cli(base + "plan best --k 4 --date 2024-06-01 --geojson");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto fc = maillage::test::json_in(r.out);
  ASSERT_EQ(fc["type"], "FeatureCollection");
  ASSERT_EQ(fc["features"].size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    auto& f = fc["features"][i];
    EXPECT_EQ(f["geometry"]["type"], "Point");
    EXPECT_EQ(f["properties"]["rank"], i + 1);
    EXPECT_EQ(f["properties"]["id"], greedy["sites"][i]["id"]);
    EXPECT_DOUBLE_EQ(f["geometry"]["coordinates"][0].get<double>(), greedy["sites"][i]["lon"].get<double>());
  }
}

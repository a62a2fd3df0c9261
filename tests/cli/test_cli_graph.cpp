// End-to-end tests of `maillage graph ...` and `maillage route` on the real binary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

using maillage::test::run_cli;
using maillage::test::TempDir;

TEST(CliGraph, BuildFromOsmInfoAndRoute) {
  TempDir dir;
  auto graph = dir.file("monaco.graph");
  auto r = run_cli("graph build --osm " + std::string(MAILLAGE_TEST_DATA) + "/monaco_2019-09-30.osm.pbf -o " + graph);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("car ways"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("strongly connected components"), std::string::npos);
  r = run_cli("--graph " + graph + " graph info --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["nodes"].get<int>(), 500);
  EXPECT_GT(j["main_component_nodes"].get<int>(), j["nodes"].get<int>() / 2);
  EXPECT_GT(j["bytes_per_arc"].get<double>(), 0);
  // Casino square to the port of Fontvieille: a few minutes, with road names.
  r = run_cli("--graph " + graph + " route 7.4282,43.7396 7.4175,43.7315 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["seconds"].get<int>(), 60);
  EXPECT_LT(j["seconds"].get<int>(), 900);
  EXPECT_GT(j["legs"].size(), 1u);
  EXPECT_GT(j["geometry"].size(), 5u);
}

TEST(CliGraph, DefaultGraphIsBuiltFromTheBundledSkeleton) {
  TempDir dir;
  auto graph = dir.file("region.graph");
  auto r = run_cli("--graph " + graph + " route Bordeaux Limoges");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("building"), std::string::npos);
  EXPECT_NE(r.out.find("A10"), std::string::npos) << r.out;
  // Again: loaded, not rebuilt; by INSEE code.
  r = run_cli("--graph " + graph + " route 33063 87085 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("building"), std::string::npos);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["seconds"].get<int>(), 120 * 60);  // real: about 2 h 30
  EXPECT_LT(j["seconds"].get<int>(), 190 * 60);
}

TEST(CliGraph, CalibrateReportsTheErrorOnTheRealPairs) {
  TempDir dir;
  auto r = run_cli("--graph " + dir.file("r.graph") + " graph calibrate --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = maillage::test::json_in(r.out);
  EXPECT_EQ(j["pairs"].size(), 19u);
  // The shipped profile is calibrated: docs/profile.md states these figures.
  EXPECT_LT(j["median_abs_relative_error"].get<double>(), 0.20);
}

TEST(CliGraph, BadInputsAreExplained) {
  TempDir dir;
  auto bad = dir.write("bad.graph", "not a graph at all");
  auto r = run_cli("--graph " + bad + " graph info");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("not a Maillage graph file"), std::string::npos) << r.out;
  r = run_cli("--graph " + dir.file("g.graph") + " route 2.35,48.85 Limoges");  // Paris: far from the network
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("no road within"), std::string::npos) << r.out;
  r = run_cli("--graph " + dir.file("g.graph") + " route Atlantis Limoges");
  EXPECT_NE(r.exit_code, 0);
  r = run_cli("graph build --osm " + dir.file("missing.pbf") + " -o " + dir.file("x.graph"));
  EXPECT_NE(r.exit_code, 0);
}

// End-to-end tests of `maillage graph ...` and `maillage route` on the real binary.
#include <gtest/gtest.h>

#include <filesystem>

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

// Eight processes that find the graph file missing at once (servers started together) each build it into a
// temporary file of their own and rename it: all eight route, and the file left is one whole graph.
TEST(CliGraph, ProcessesBuildingTheSameGraphAtOnceDoNotSpoilIt) {
  TempDir dir;
  auto graph = dir.file("region.graph");
  std::string cmd;
  for (int i = 0; i < 8; ++i)
    cmd += std::string(MAILLAGE_BIN) + " --graph " + graph + " route Bordeaux Limoges >" + dir.file(std::to_string(i)) +
           " 2>&1 & ";
  maillage::test::run_shell(cmd + "wait");
  for (int i = 0; i < 8; ++i)
    EXPECT_NE(maillage::test::slurp(dir.file(std::to_string(i))).find("A10"), std::string::npos) << i;
  auto r = run_cli("--graph " + graph + " route 33063 87085");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("building"), std::string::npos);  // loaded as it is
  for (auto& f : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(f.path().string().find(".tmp"), std::string::npos) << f.path();  // no temporary file left
}

TEST(CliGraph, CalibrateReportsTheErrorOnTheRealPairs) {
  TempDir dir;
  auto r = run_cli("--graph " + dir.file("r.graph") + " graph calibrate --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = maillage::test::json_in(r.out);
  EXPECT_EQ(j["pairs"].size(), 19u);
  // The shipped profile is calibrated: docs/profile.md states these figures.
  EXPECT_LT(j["engine"]["all"]["median"].get<double>(), 0.20);
  EXPECT_EQ(j["engine"]["all"]["pairs"], 19);
  // The default graph carries the local layer, recorded in the file and shown by graph info.
  auto info = run_cli("--graph " + dir.file("r.graph") + " graph info");
  EXPECT_NE(info.out.find("local layer"), std::string::npos) << info.out;
}

TEST(CliGraph, CalibrateFitsAndReportsTheHeldOutError) {
  TempDir dir;
  std::string pairs =
      " --pairs " + std::string(MAILLAGE_TEST_DATA) + "/../../data/validation/drive_times_calibration.csv";
  auto r = run_cli("--graph " + dir.file("r.graph") + " graph calibrate --fit --folds 3 --json" + pairs +
                   " --write-profile " + dir.file("fitted.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = maillage::test::json_in(r.out);
  for (auto* part : {"engine", "fitted", "cross_validated"})
    for (auto* band : {"all", "under_30_min", "30_to_60_min", "over_60_min"})
      EXPECT_TRUE(j[part].contains(band)) << part;
  EXPECT_EQ(j["folds"], 3);
  // In sample the fit is at least as good as the start; held out it is worse than in sample (it cannot see the pair).
  EXPECT_LE(j["fitted"]["all"]["median"].get<double>(), j["engine"]["all"]["median"].get<double>() + 1e-9);
  EXPECT_GE(j["cross_validated"]["all"]["median"].get<double>(), j["fitted"]["all"]["median"].get<double>() - 1e-9);
  for (auto& p : j["parameters"]) {
    EXPECT_GE(p["value"].get<double>(), p["bounds"][0].get<double>());
    EXPECT_LE(p["value"].get<double>(), p["bounds"][1].get<double>());
  }
  // The written profile carries its errors.
  auto fitted = nlohmann::json::parse(maillage::test::slurp(dir.file("fitted.json")));
  EXPECT_EQ(fitted["calibration"]["folds"], 3);
  EXPECT_TRUE(fitted["calibration"]["cross_validated"]["all"].contains("p90"));
  // The shared Google file (CI has it) reads with its other columns; pairs beyond the graph are counted apart.
  std::string google = std::string(MAILLAGE_TEST_DATA) + "/../../../shared/data/validation/google_prefectures_2020.csv";
  if (std::filesystem::exists(google)) {
    auto g = run_cli("--graph " + dir.file("r.graph") + " graph calibrate --json --pairs " + google);
    ASSERT_EQ(g.exit_code, 0) << g.out;
    auto k = maillage::test::json_in(g.out);
    EXPECT_EQ(k["pairs"].size(), 84u);
    EXPECT_EQ(k["engine"]["unroutable_pairs"], 2);  // Rodez <-> Tulle
    EXPECT_LT(k["engine"]["all"]["median"].get<double>(), 0.10);
  }
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

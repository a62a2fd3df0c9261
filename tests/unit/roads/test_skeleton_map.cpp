// The road skeleton for the base map: a tiny hand-made skeleton (three routes) gives one LineString per route,
// in waypoint order, classed by the profile, split into main and local roads.
#include <gtest/gtest.h>

#include "core/paths.hpp"
#include "helpers.hpp"
#include "roads/importers.hpp"

using namespace maillage::roads;
using nlohmann::json;

TEST(SkeletonMap, OneLineStringPerRouteClassedByTheProfile) {
  maillage::test::TempDir dir;
  auto csv = dir.write("toy.csv",
                       "system,route_file,seq,label,alt_labels,lat,lon,hidden\n"
                       "fraa,franaq.a010,1,B,,45.1,-0.5,0\n"
                       "fraa,franaq.a010,0,A,,45.0,-0.5,0\n"  // out of order: sorted by seq
                       "fran,franaq.n021,0,C,,45.0,0.5,0\n"
                       "fran,franaq.n021,1,D,,45.2,0.5,1\n"
                       "franaqd33,franaq.d000116,0,E,,44.0,0.1,0\n"
                       "franaqd33,franaq.d000116,1,F,,44.1,0.123456789,0\n");
  auto routes = read_skeleton({csv});
  ASSERT_EQ(routes.size(), 3u);
  auto profile = Profile::load(maillage::paths::data_file("profiles/car.json"));
  auto main = skeleton_geojson(routes, profile, true);
  auto local = skeleton_geojson(routes, profile, false);
  ASSERT_EQ(main["features"].size(), 2u);
  ASSERT_EQ(local["features"].size(), 1u);
  auto& a10 = main["features"][0];
  EXPECT_EQ(a10["properties"]["class"], "motorway");
  EXPECT_EQ(a10["properties"]["ref"], "A10");
  EXPECT_EQ(a10["geometry"]["coordinates"], json::parse("[[-0.5,45.0],[-0.5,45.1]]"));
  EXPECT_EQ(main["features"][1]["properties"]["class"], "trunk");
  EXPECT_EQ(local["features"][0]["properties"]["class"], "secondary");
  EXPECT_EQ(local["features"][0]["properties"]["ref"], "D116");
  EXPECT_EQ(local["features"][0]["geometry"]["coordinates"][1][0], 0.12346);  // 1e-5 degree
}

TEST(SkeletonMap, TheBundledSkeletonSplitsIntoMainAndLocalRoads) {
  auto routes = read_skeleton({maillage::paths::data_file("roads/tm_fra_naq_waypoints.csv.gz")});
  auto profile = Profile::load(maillage::paths::data_file("profiles/car.json"));
  auto main = skeleton_geojson(routes, profile, true), local = skeleton_geojson(routes, profile, false);
  EXPECT_EQ(main["features"].size() + local["features"].size(), routes.size());
  EXPECT_GT(local["features"].size(), 10 * main["features"].size());
}

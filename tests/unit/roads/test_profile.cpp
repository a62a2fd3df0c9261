#include <gtest/gtest.h>

#include "core/paths.hpp"
#include "roads/importers.hpp"
#include "roads/profile.hpp"

#include <nlohmann/json.hpp>
#include "core/error.hpp"

using namespace maillage::roads;

namespace {
const Profile& profile() {
  static const Profile p = Profile::load(maillage::paths::data_file("profiles/car.json"));
  return p;
}
}  // namespace

TEST(Profile, MaxspeedVariants) {
  auto& p = profile();
  EXPECT_DOUBLE_EQ(parse_maxspeed("50", p), 50);
  EXPECT_DOUBLE_EQ(parse_maxspeed("70 km/h", p), 70);
  EXPECT_NEAR(parse_maxspeed("30 mph", p), 48.28, 0.01);
  EXPECT_DOUBLE_EQ(parse_maxspeed("FR:urban", p), 50);
  EXPECT_DOUBLE_EQ(parse_maxspeed("FR:rural", p), 80);
  EXPECT_DOUBLE_EQ(parse_maxspeed("FR:motorway", p), 130);
  EXPECT_DOUBLE_EQ(parse_maxspeed("walk", p), 6);
  EXPECT_DOUBLE_EQ(parse_maxspeed("none", p), 130);
  EXPECT_LT(parse_maxspeed("signals", p), 0);
  EXPECT_LT(parse_maxspeed("50;70", p), 0);
  EXPECT_LT(parse_maxspeed("", p), 0);
}

TEST(Profile, Durations) {
  EXPECT_DOUBLE_EQ(parse_duration("PT30M"), 1800);
  EXPECT_DOUBLE_EQ(parse_duration("PT1H30M"), 5400);
  EXPECT_DOUBLE_EQ(parse_duration("01:30"), 5400);
  EXPECT_DOUBLE_EQ(parse_duration("1:30:15"), 5415);
  EXPECT_DOUBLE_EQ(parse_duration("45"), 2700);
  EXPECT_LT(parse_duration("half an hour"), 0);
  EXPECT_LT(parse_duration("PT"), 0);
}

TEST(Profile, SkeletonClassesAndChecks) {
  auto& p = profile();
  EXPECT_EQ(p.skeleton_class("fraa"), "autoroute");
  EXPECT_EQ(p.skeleton_class("fran"), "nationale");
  EXPECT_EQ(p.skeleton_class("franaqd33"), "departementale");  // not "fran..."
  EXPECT_EQ(p.skeleton_class("eure"), "e_road");
  for (auto& [cls, v] : p.skeleton_speeds_kmh) {
    EXPECT_GE(p.skeleton_circuity.at(cls), 1.0) << cls;
    EXPECT_GE(v, p.fit_bounds_kmh.at(cls).first) << cls;
    EXPECT_LE(v, p.fit_bounds_kmh.at(cls).second) << cls;
  }
  EXPECT_THROW(Profile::from_json(nlohmann::json::parse(R"({"skeleton":{"circuity":{"x":0.8}}})"), "t"),
               maillage::Error);
  EXPECT_THROW(Profile::from_json(nlohmann::json::parse(R"({"osm":{"highway_speeds_kmh":{"primary":-5}}})"), "t"),
               maillage::Error);
}

TEST(Profile, SkeletonRouteNames) {
  EXPECT_EQ(skeleton_route_name("franaq.d000116"), "D116");
  EXPECT_EQ(skeleton_route_name("franaq.a010"), "A10");
  EXPECT_EQ(skeleton_route_name("franaq.d000324fro"), "D324 (fro)");
}

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/geo.hpp"
#include "graph_helpers.hpp"
#include "helpers.hpp"
#include "roads/importers.hpp"

using namespace maillage;
using namespace maillage::roads;
using test::arc;
using test::node_at;

namespace {
struct Toy : ::testing::Test {
  static RoadGraph& graph() {
    static RoadGraph g = build_from_osm(std::string(MAILLAGE_TEST_DATA) + "/osm/toy-oneway-ferry-island.osm",
                                        test::car_profile(), "{}", &report(), &stats());
    return g;
  }
  static BuildReport& report() {
    static BuildReport r;
    return r;
  }
  static OsmImportStats& stats() {
    static OsmImportStats s;
    return s;
  }
  NodeId n(int id) {
    static const std::map<int, std::pair<double, double>> at = {
        {1, {-0.58, 44.84}}, {2, {-0.575, 44.84}}, {3, {-0.57, 44.84}}, {4, {-0.57, 44.85}},  {5, {-0.57, 44.83}},
        {6, {-0.57, 44.87}}, {7, {-0.56, 44.87}},  {8, {-0.60, 44.80}}, {9, {-0.595, 44.80}}, {12, {-0.55, 44.87}}};
    auto v = node_at(graph(), at.at(id).first, at.at(id).second);
    EXPECT_TRUE(v) << "node " << id;
    return v.value_or(0);
  }
  static Millis ms(double lon1, double lat1, double lon2, double lat2, double kmh) {
    return to_millis(geo::haversine_m({lon1, lat1}, {lon2, lat2}) / (kmh / 3.6));
  }
};
}  // namespace

TEST_F(Toy, CarWaysAreSelectedAndSplitAtSharedNodes) {
  auto& g = graph();
  EXPECT_EQ(stats().ways_read, 11u);
  EXPECT_EQ(stats().car_ways, 9u);  // footway and private service excluded
  EXPECT_EQ(stats().excluded_access, 1u);
  EXPECT_EQ(stats().ferry_ways, 1u);
  // n2 is a shape point of Rue A (the footway that touches it is not a car way), n10 and n11 are not nodes.
  EXPECT_FALSE(node_at(g, -0.575, 44.84));
  EXPECT_FALSE(node_at(g, -0.585, 44.84));
  EXPECT_FALSE(node_at(g, -0.575, 44.845));
  EXPECT_EQ(g.node_count(), 9u);  // n1, n3, n4, n5, n6, n7, n8, n9, n12
  EXPECT_EQ(g.edge_count(), 9u);
}

TEST_F(Toy, ResidentialBothWaysWithShapeAndLength) {
  auto& g = graph();
  Millis expected = to_millis(
      (geo::haversine_m({-0.58, 44.84}, {-0.575, 44.84}) + geo::haversine_m({-0.575, 44.84}, {-0.57, 44.84})) /
      (28 / 3.6));
  EXPECT_EQ(arc(g, n(1), n(3)), expected);
  EXPECT_EQ(arc(g, n(3), n(1)), expected);
  // The edge keeps its shape point for display.
  for (EdgeId e = 0; e < g.edge_count(); ++e)
    if (g.names[g.edge_name[e]] == "Rue A") EXPECT_EQ(g.edge_polyline(e).size(), 3u);
}

TEST_F(Toy, OnewayAndMaxspeed) {
  auto& g = graph();
  // Avenue B: primary (70) with maxspeed 50 -> 50 x 0.85 = 42.5 km/h, one way n3 -> n4.
  EXPECT_EQ(arc(g, n(3), n(4)), ms(-0.57, 44.84, -0.57, 44.85, 42.5));
  EXPECT_EQ(arc(g, n(4), n(3)), kInfinity);
  // Rue C drawn n3 -> n5 with oneway=-1: only n5 -> n3.
  EXPECT_EQ(arc(g, n(3), n(5)), kInfinity);
  EXPECT_EQ(arc(g, n(5), n(3)), ms(-0.57, 44.83, -0.57, 44.84, 28));
  // FR:urban = 50 -> 42.5 on a tertiary (50): both ways.
  EXPECT_EQ(arc(g, n(4), n(1)), ms(-0.57, 44.85, -0.58, 44.84, 42.5));
  EXPECT_EQ(arc(g, n(1), n(4)), arc(g, n(4), n(1)));
  // 30 mph = 48.28 km/h x 0.85 = 41.04 on a secondary (60).
  EXPECT_EQ(arc(g, n(5), n(1)), ms(-0.57, 44.83, -0.58, 44.84, 30 * 1.609344 * 0.85));
  // Motorway: implied one way.
  EXPECT_NE(arc(g, n(7), n(12)), kInfinity);
  EXPECT_EQ(arc(g, n(12), n(7)), kInfinity);
}

TEST_F(Toy, FerryUsesItsDurationPlusWaiting) {
  auto& g = graph();
  Millis expected = to_millis(1800 + test::car_profile().ferry_wait_s);
  EXPECT_EQ(arc(g, n(4), n(6)), expected);
  EXPECT_EQ(arc(g, n(6), n(4)), expected);
}

TEST_F(Toy, IslandAndDeadEndMotorwayAreOutsideTheMainComponent) {
  auto& g = graph();
  EXPECT_TRUE(g.in_main_component[n(1)]);
  EXPECT_TRUE(g.in_main_component[n(6)]);  // via the ferry
  EXPECT_FALSE(g.in_main_component[n(8)]);
  EXPECT_FALSE(g.in_main_component[n(9)]);
  EXPECT_FALSE(g.in_main_component[n(12)]);  // reachable, but no way back
  EXPECT_EQ(report().dropped_nodes, 3u);
  EXPECT_EQ(report().components, 3u);  // the main one, the island {n8, n9}, the dead end {n12}
}

TEST(OsmReal, MonacoAndTalenceBuild) {
  for (auto name : {"monaco_2019-09-30.osm.pbf", "talence_campus_2019-04.osm.pbf"}) {
    BuildReport rep;
    OsmImportStats st;
    auto g = build_from_osm(std::string(MAILLAGE_TEST_DATA) + "/" + name, test::car_profile(), "{}", &rep, &st);
    EXPECT_GT(g.node_count(), 100u) << name;
    EXPECT_GT(rep.main_nodes, g.node_count() / 2) << name;
    EXPECT_GT(st.car_ways, 100u) << name;
    EXPECT_GT(st.oneway_ways, 10u) << name;
    g.validate();
  }
}

TEST(GraphFile, SaveLoadRoundTripAndDamageIsDetected) {
  test::TempDir dir;
  auto g = build_from_osm(std::string(MAILLAGE_TEST_DATA) + "/osm/toy-oneway-ferry-island.osm", test::car_profile(),
                          "{\"x\":1}");
  auto path = dir.file("toy.graph");
  g.save(path);
  auto h = RoadGraph::load(path);
  EXPECT_EQ(h.out, g.out);
  EXPECT_EQ(h.in, g.in);
  EXPECT_EQ(h.first_in, g.first_in);
  EXPECT_EQ(h.x, g.x);
  EXPECT_EQ(h.names, g.names);
  EXPECT_EQ(h.profile_json, "{\"x\":1}");
  // One flipped byte in the middle: checksum error.
  auto bytes = test::slurp(path);
  auto damaged = bytes;
  damaged[damaged.size() / 2] ^= 0x5a;
  dir.write("bad.graph", damaged);
  try {
    RoadGraph::load(dir.file("bad.graph"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.graph"), std::string::npos);
  }
  // Truncated, and not a graph at all.
  dir.write("short.graph", bytes.substr(0, bytes.size() / 3));
  EXPECT_THROW(RoadGraph::load(dir.file("short.graph")), Error);
  dir.write("text.graph", "hello");
  EXPECT_THROW(RoadGraph::load(dir.file("text.graph")), Error);
}

TEST(Skeleton, NodesAreUniqueCoordinatesAndEdgesJoinConsecutiveWaypoints) {
  test::TempDir dir;
  // Two routes crossing at a shared waypoint (0.1, 45.1); one autoroute exit touched by no other road.
  auto f = dir.write("wp.csv",
                     "system,route_file,seq,label,alt_labels,lat,lon,hidden\n"
                     "franaqd33,franaq.d000001,0,A,,45.0,0.0,0\n"
                     "franaqd33,franaq.d000001,1,X,,45.1,0.1,0\n"
                     "franaqd33,franaq.d000001,2,B,,45.2,0.2,0\n"
                     "fraa,franaq.a099,1,+S,,45.1,0.4,1\n"
                     "fraa,franaq.a099,0,1,,45.1,0.1,0\n"
                     "fraa,franaq.a099,2,2,,45.2,0.22,0\n");
  BuildReport rep;
  auto g = build_from_skeleton({f}, test::car_profile(), "{}", &rep);
  EXPECT_EQ(g.node_count(), 5u);  // X is shared
  auto& p = test::car_profile();
  auto x = node_at(g, 0.1, 45.1), a = node_at(g, 0.0, 45.0), s = node_at(g, 0.4, 45.1), e2 = node_at(g, 0.22, 45.2);
  ASSERT_TRUE(x && a && s && e2);
  Millis d = to_millis(geo::haversine_m({0.0, 45.0}, {0.1, 45.1}) * p.skeleton_circuity.at("departementale") /
                       (p.skeleton_speeds_kmh.at("departementale") / 3.6));
  EXPECT_EQ(arc(g, *a, *x), d);
  EXPECT_EQ(arc(g, *x, *a), d);  // both directions
  // Waypoints joined in seq order, not file order: X(1) -> +S -> 2.
  EXPECT_NE(arc(g, *x, *s), kInfinity);
  EXPECT_NE(arc(g, *s, *e2), kInfinity);
  EXPECT_EQ(arc(g, *x, *e2), kInfinity);
  // Exit "2" of the autoroute touches no departmental road: linked to B (0.2, 45.2), 1.6 km away.
  auto b = node_at(g, 0.2, 45.2);
  EXPECT_NE(arc(g, *e2, *b), kInfinity);
  EXPECT_EQ(rep.exit_links, 1u);
}

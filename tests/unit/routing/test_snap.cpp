#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "../roads/graph_helpers.hpp"
#include "reference.hpp"
#include "routing/snap.hpp"

using namespace maillage;
using namespace maillage::roads;
using namespace maillage::routing;

TEST(Snap, NearestPointOfAnEdgeNotJustANode) {
  GraphBuilder b;
  auto a = b.add_node({-0.60, 44.80}), c = b.add_node({-0.50, 44.80});
  double len = geo::haversine_m({-0.60, 44.80}, {-0.50, 44.80});
  b.add_edge(a, c, {}, len, 100, 200, RoadClass::residential, "Route");
  b.add_edge(c, a, {}, len, 100, 200, RoadClass::residential, "Retour");  // makes the pair strongly connected
  auto g = b.finish();
  Snapper s(g, {5000, 30, 1.3});
  auto r = s.snap({-0.55, 44.81});  // 1.1 km north of the middle of the edge
  ASSERT_TRUE(r.ok);
  EXPECT_NEAR(r.distance_m, 1112, 15);
  EXPECT_NEAR(r.t, 0.5, 0.01);
  EXPECT_NEAR(r.on_road.lon, -0.55, 0.001);
  EXPECT_NEAR(r.on_road.lat, 44.80, 0.0005);
  EXPECT_EQ(r.access_ms, to_millis(r.distance_m * 1.3 / (30 / 3.6)));
  // Along-edge parts follow the edge's times in each direction.
  Millis fwd = g.edge_time_fwd[r.edge], bwd = g.edge_time_bwd[r.edge];
  EXPECT_NEAR(r.from_from + r.to_to, fwd, 1);
  EXPECT_NEAR(r.to_from + r.from_to, bwd, 1);
}

TEST(Snap, FartherThanTheMaximumIsUnreachableWithTheReason) {
  GraphBuilder b;
  auto a = b.add_node({-0.60, 44.80}), c = b.add_node({-0.59, 44.80});
  b.add_edge(a, c, {}, 790, 60, 60, RoadClass::residential, "");
  auto g = b.finish();
  Snapper s(g, {2000, 30, 1.3});
  auto r = s.snap({-0.60, 44.83});  // 3.3 km away
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.why.find("no road within 2000 m"), std::string::npos) << r.why;
  EXPECT_TRUE(s.snap({-0.60, 44.81}).ok);  // 1.1 km
}

class SnapRandom : public ::testing::TestWithParam<unsigned> {};

TEST_P(SnapRandom, GridIndexFindsTheSameDistanceAsBruteForce) {
  auto g = test::random_graph(GetParam(), 14);
  Snapper s(g, {50000, 30, 1.3});
  geo::Projection l93("EPSG:2154");
  // Brute force over every segment of every main-component edge.
  std::vector<std::array<geo::XY, 2>> segs;
  for (EdgeId e = 0; e < g.edge_count(); ++e) {
    if (!g.in_main_component[g.edge_from[e]] || !g.in_main_component[g.edge_to[e]]) continue;
    auto line = g.edge_polyline(e);
    for (size_t i = 0; i + 1 < line.size(); ++i) segs.push_back({l93.forward(line[i]), l93.forward(line[i + 1])});
  }
  std::mt19937 rng(GetParam());
  std::uniform_real_distribution<double> lon(-0.65, -0.4), lat(44.75, 44.98);
  for (int k = 0; k < 300; ++k) {
    geo::LonLat p{lon(rng), lat(rng)};
    auto q = l93.forward(p);
    double best = 1e300;
    for (auto& sg : segs) {
      double dx = sg[1].x - sg[0].x, dy = sg[1].y - sg[0].y, l2 = dx * dx + dy * dy;
      double u = l2 > 0 ? std::clamp(((q.x - sg[0].x) * dx + (q.y - sg[0].y) * dy) / l2, 0.0, 1.0) : 0;
      best = std::min(best, std::hypot(sg[0].x + u * dx - q.x, sg[0].y + u * dy - q.y));
    }
    auto r = s.snap(p);
    ASSERT_TRUE(r.ok);
    // The grid keeps coordinates as float from its corner: within a millimetre over these 15 km (6 cm over France).
    EXPECT_NEAR(r.distance_m, best, 5e-3);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, SnapRandom, ::testing::Values(11u, 12u, 13u));

// A batch (reordered by grid block and split across threads past 200,000 points) gives each point what snapping it
// alone gives, including points off the grid, far away and not numbers.
TEST(Snap, BatchEqualsOneByOne) {
  auto g = test::random_graph(5, 30);
  Snapper s(g, {1500, 30, 1.3});
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> lon(-0.65, -0.25), lat(44.75, 45.15);
  for (size_t count : {size_t{1000}, size_t{210000}}) {
    std::vector<geo::LonLat> pts;
    for (size_t i = 0; i < count; ++i) pts.push_back({lon(rng), lat(rng)});
    pts[0] = {std::nan(""), 44.8};
    pts[1] = {2.35, 48.85};  // Paris: far from this graph
    pts[2] = {-0.6, std::numeric_limits<double>::infinity()};
    auto all = s.snap_all(pts);
    ASSERT_EQ(all.size(), count);
    for (size_t i = 0; i < count; i += (i < 100 ? 1 : 97)) {
      auto one = s.snap(pts[i]);
      ASSERT_EQ(all[i].ok, one.ok) << i;
      ASSERT_EQ(all[i].edge, one.edge) << i;
      ASSERT_EQ(all[i].t, one.t) << i;
      ASSERT_EQ(all[i].access_ms, one.access_ms) << i;
      ASSERT_EQ(all[i].why, one.why) << i;
    }
    EXPECT_FALSE(all[0].ok);
    EXPECT_FALSE(all[1].ok);
  }
}

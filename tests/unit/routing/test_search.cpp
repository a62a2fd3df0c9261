// Property tests of the searches against a plain reference Dijkstra on random graphs, and hand-checked routes.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "../roads/graph_helpers.hpp"
#include "reference.hpp"
#include "roads/importers.hpp"
#include "routing/engine.hpp"
#include "routing/search.hpp"

using namespace maillage;
using namespace maillage::roads;
using namespace maillage::routing;

TEST(QuadHeap, PopsInKeyThenNodeOrder) {
  QuadHeap h;
  std::mt19937 rng(3);
  std::vector<Millis> keys;
  Millis base = 0;
  // Monotone use: every pushed key is >= the last popped one.
  for (int round = 0; round < 50; ++round) {
    for (int k = 0; k < 20; ++k) {
      Millis key = base + rng() % 100000;
      h.push(Time{key}, Node{static_cast<NodeId>(k)});
    }
    for (int k = 0; k < 10; ++k) {
      auto it = h.pop();
      EXPECT_GE(it.key, base);
      base = it.key;
    }
  }
  while (!h.empty()) {
    auto it = h.pop();
    EXPECT_GE(it.key, base);
    base = it.key;
  }
  // Against std::sort on random (key, node) pairs.
  std::vector<std::pair<Millis, NodeId>> all;
  for (int k = 0; k < 5000; ++k)
    all.push_back({static_cast<Millis>(rng() % 1000), static_cast<NodeId>(rng() % 100000)});
  for (auto [key, node] : all) h.push(Time{key}, Node{node});
  std::sort(all.begin(), all.end());
  for (auto [key, node] : all) {
    auto it = h.pop();
    ASSERT_EQ(it.key, key);
    ASSERT_EQ(it.node, node);
  }
  EXPECT_TRUE(h.empty());
}

class RandomGraphs : public ::testing::TestWithParam<unsigned> {};

TEST_P(RandomGraphs, NearestSourceSweepMatchesReference) {
  auto g = test::random_graph(GetParam());
  test::ReferenceGraph rev(g, /*reverse=*/true);
  std::mt19937 rng(GetParam() * 7 + 1);
  Search search(g);
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<Source> sources;
    for (uint32_t k = 0; k < 1 + rng() % 6; ++k)
      sources.push_back({static_cast<NodeId>(rng() % g.node_count()), static_cast<Millis>(rng() % 50000), k});
    search.run(sources, Direction::Backward);
    // Reference: per source, distances towards it; the nearest wins.
    std::vector<std::vector<uint64_t>> per;
    for (auto& s : sources) per.push_back(rev.dijkstra({{s.node, s.offset}}));
    for (NodeId v = 0; v < g.node_count(); ++v) {
      uint64_t best = UINT64_MAX;
      for (auto& d : per) best = std::min(best, d[v]);
      if (best == UINT64_MAX) {
        EXPECT_EQ(search.time(v), kInfinity);
        continue;
      }
      ASSERT_EQ(search.time(v), best) << "node " << v;
      // The label names a source that achieves the time.
      EXPECT_EQ(per[search.label(v)][v], best);
    }
  }
}

// The sweep on two cores against the reference, on graphs large enough for both threads to meet (up to 40,000
// nodes, up to 200 sources), limited and not, both directions; the label names a source achieving the time.
TEST_P(RandomGraphs, RegionSweepMatchesReference) {
  auto g = test::random_graph(GetParam(), 40 + 40 * static_cast<int>(GetParam() % 5));
  std::mt19937 rng(GetParam() * 13 + 5);
  Search search(g);
  for (auto dir : {Direction::Backward, Direction::Forward}) {
    test::ReferenceGraph ref(g, /*reverse=*/dir == Direction::Backward);
    for (int trial = 0; trial < 3; ++trial) {
      std::vector<Source> sources;
      for (uint32_t k = 0; k < 2 + rng() % 200; ++k)
        sources.push_back(
            {static_cast<NodeId>(rng() % g.node_count()), static_cast<Millis>(rng() % 20000) / 4000 * 4000, k});
      const Millis limit = trial == 2 ? 300000 : kInfinity;
      // Regions of 64 to 1,024 nodes (many regions even on these graphs), one to three threads.
      search.run_regions(
          sources, dir, limit,
          {.nodes = size_t{64} << (trial * 2 + GetParam() % 2), .threads = 1u + (GetParam() + trial) % 3});
      std::vector<Millis> par(g.node_count());
      std::vector<uint32_t> lab(g.node_count());
      for (NodeId v = 0; v < g.node_count(); ++v) par[v] = search.time(v), lab[v] = search.label(v);
      // Every labelled node within the limit is a source of its label or gets its time from a neighbour of the
      // same label (what-if closures walk a place's area that way), ties included.
      for (NodeId v = 0; v < g.node_count(); ++v) {
        if (par[v] == kInfinity || par[v] > limit) continue;
        bool ok = false;
        for (auto& src : sources) ok = ok || (src.node == v && src.offset == par[v] && src.label == lab[v]);
        const bool back = dir == Direction::Backward;
        const auto& first = back ? g.first_out : g.first_in;
        const auto& arcs = back ? g.out : g.in;
        for (uint32_t a = first[v]; a < first[v + 1] && !ok; ++a)
          ok = par[arcs[a].node] != kInfinity && par[arcs[a].node] + arcs[a].weight == par[v] &&
               lab[arcs[a].node] == lab[v];
        ASSERT_TRUE(ok) << "node " << v << " label " << lab[v] << " has no neighbour of its label, trial " << trial;
      }
      search.run(sources, dir, limit);
      std::vector<std::vector<uint64_t>> per;
      for (auto& src : sources) per.push_back(ref.dijkstra({{src.node, src.offset}}));
      for (NodeId v = 0; v < g.node_count(); ++v) {
        if (search.time(v) == kInfinity) {
          ASSERT_EQ(par[v], kInfinity) << "node " << v;
        } else if (search.time(v) <= limit) {
          ASSERT_EQ(par[v], search.time(v)) << "node " << v << " trial " << trial;
          ASSERT_LT(lab[v], per.size()) << "node " << v << " time " << par[v];
          ASSERT_EQ(per[lab[v]][v], par[v]) << "the label's source does not achieve the time, node " << v;
        } else {
          ASSERT_TRUE(par[v] > limit) << "node " << v;
        }
      }
    }
  }
}

TEST_P(RandomGraphs, BoundedSearchIsExactWithinTheLimit) {
  auto g = test::random_graph(GetParam());
  test::ReferenceGraph fwd(g);
  Search search(g);
  NodeId s = GetParam() % g.node_count();
  auto ref = fwd.dijkstra({{s, 0}});
  for (Millis limit : {0u, 30000u, 120000u, 600000u}) {
    search.run({{s, 0, 0}}, Direction::Forward, limit);
    for (NodeId v = 0; v < g.node_count(); ++v) {
      if (ref[v] <= limit)
        EXPECT_EQ(search.time(v), ref[v]);
      else
        EXPECT_TRUE(search.time(v) > limit);
    }
  }
}

TEST_P(RandomGraphs, PointToPointAndTableMatchBruteForce) {
  auto g = test::random_graph(GetParam(), 10);
  Snapper snapper(g, {20000, 30, 1.3});
  Search search(g);
  test::ReferenceGraph fwd(g);
  std::mt19937 rng(GetParam());
  std::uniform_real_distribution<double> lon(-0.605, -0.51), lat(44.795, 44.89);
  std::vector<geo::LonLat> pts;
  for (int i = 0; i < 8; ++i) pts.push_back({lon(rng), lat(rng)});
  auto tab = table(snapper, search, pts, pts);
  auto along = [&](EdgeId e, double t0, double t1) -> uint64_t {
    if (t0 == t1) return 0;  // no travel along the edge
    Millis w = t1 >= t0 ? g.edge_time_fwd[e] : g.edge_time_bwd[e];
    return w == kInfinity ? UINT64_MAX : static_cast<uint64_t>(std::llround(w * std::abs(t1 - t0)));
  };
  for (size_t i = 0; i < pts.size(); ++i)
    for (size_t j = 0; j < pts.size(); ++j) {
      Snap a = snapper.snap(pts[i]), b = snapper.snap(pts[j]);
      ASSERT_TRUE(a.ok && b.ok);
      // Brute force: leave A by either end, reference Dijkstra, enter B by either end; or along a shared edge.
      std::vector<std::pair<NodeId, uint64_t>> src;
      if (a.to_to != kInfinity) src.push_back({g.edge_to[a.edge], a.to_to});
      if (a.to_from != kInfinity) src.push_back({g.edge_from[a.edge], a.to_from});
      auto d = fwd.dijkstra(src);
      uint64_t best = a.edge == b.edge ? along(a.edge, a.t, b.t) : UINT64_MAX;
      if (d[g.edge_from[b.edge]] != UINT64_MAX && b.from_from != kInfinity)
        best = std::min(best, d[g.edge_from[b.edge]] + b.from_from);
      if (d[g.edge_to[b.edge]] != UINT64_MAX && b.from_to != kInfinity)
        best = std::min(best, d[g.edge_to[b.edge]] + b.from_to);
      auto r = route(snapper, search, pts[i], pts[j]);
      if (best == UINT64_MAX) {
        EXPECT_FALSE(r.ok);
        EXPECT_EQ(tab[i * pts.size() + j], kInfinity);
        continue;
      }
      uint64_t total = best + a.access_ms + b.access_ms;
      ASSERT_TRUE(r.ok) << r.why;
      EXPECT_EQ(r.ms, total) << i << "->" << j;
      EXPECT_EQ(tab[i * pts.size() + j], total) << i << "->" << j;
      // The legs add up to the network time.
      Millis legs = 0;
      for (auto& l : r.legs) legs += l.ms;
      EXPECT_NEAR(static_cast<double>(legs), static_cast<double>(best), 2.0 * (r.legs.size() + 1));
      EXPECT_GE(r.geometry.size(), 2u);
    }
}

TEST_P(RandomGraphs, NearestPlacesFromPointsMatchesTables) {
  auto g = test::random_graph(GetParam(), 10);
  Snapper snapper(g, {20000, 30, 1.3});
  std::mt19937 rng(GetParam() + 99);
  std::uniform_real_distribution<double> lon(-0.605, -0.51), lat(44.795, 44.89);
  std::vector<geo::LonLat> places, points;
  for (int i = 0; i < 4; ++i) places.push_back({lon(rng), lat(rng)});
  for (int i = 0; i < 25; ++i) points.push_back({lon(rng), lat(rng)});
  points.push_back(places[0]);  // a point exactly at a place: same edge
  NearestPlaces nearest(g, snapper);
  nearest.compute(places);
  Search search(g);
  auto tab = table(snapper, search, points, places);
  for (size_t i = 0; i < points.size(); ++i) {
    Millis best = kInfinity;
    for (size_t j = 0; j < places.size(); ++j) best = std::min(best, tab[i * places.size() + j]);
    auto r = nearest.from(points[i]);
    if (best == kInfinity) {
      EXPECT_FALSE(r.reachable);
      continue;
    }
    ASSERT_TRUE(r.reachable) << r.why;
    EXPECT_EQ(r.ms, best) << "point " << i;
    EXPECT_EQ(tab[i * places.size() + r.place], best);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomGraphs, ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u));

TEST(Routes, ToyNetworkHandChecked) {
  auto g =
      build_from_osm(std::string(MAILLAGE_TEST_DATA) + "/osm/toy-oneway-ferry-island.osm", test::car_profile(), "{}");
  Snapper snapper(g, SnapOptions::from(test::car_profile()));
  Search search(g);
  auto n = [&](double lon, double lat) { return *test::node_at(g, lon, lat); };
  // n5 -> n4 must go n5 -> n3 (Rue C, allowed that way) -> n4 (Avenue B) or n5 -> n1 -> n4: the shorter.
  Millis via3 = test::arc(g, n(-0.57, 44.83), n(-0.57, 44.84)) + test::arc(g, n(-0.57, 44.84), n(-0.57, 44.85));
  Millis via1 = test::arc(g, n(-0.57, 44.83), n(-0.58, 44.84)) + test::arc(g, n(-0.58, 44.84), n(-0.57, 44.85));
  auto r = route(snapper, search, {-0.57, 44.83}, {-0.57, 44.85});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.ms, std::min(via3, via1));
  EXPECT_EQ(r.access_from_ms, 0u);
  // n4 -> n5 cannot use Rue C backwards nor Avenue B backwards: n4 -> n1 -> n5.
  r = route(snapper, search, {-0.57, 44.85}, {-0.57, 44.83});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.ms, test::arc(g, n(-0.57, 44.85), n(-0.58, 44.84)) + test::arc(g, n(-0.58, 44.84), n(-0.57, 44.83)));
  // To the island across the ferry.
  r = route(snapper, search, {-0.58, 44.84}, {-0.56, 44.87});
  ASSERT_TRUE(r.ok);
  bool ferry = false;
  for (auto& l : r.legs) ferry = ferry || l.road_class == "ferry";
  EXPECT_TRUE(ferry);
  // The unreachable island n8-n9 is not snapped to: a point on it joins the main network instead, far away.
  auto s = snapper.snap({-0.5975, 44.80});
  ASSERT_TRUE(s.ok);
  EXPECT_GT(s.distance_m, 3000);
}

TEST(BucketQueue, ExactOrderWithLongJumpsAndOverflow) {
  // Monotone use with keys spread over hours (ring wrap-around, overflow beyond the horizon).
  std::mt19937 rng(17);
  for (Millis max_arc : {1000u, 60000u, 3600000u}) {
    BucketQueue q(max_arc);
    std::multiset<std::pair<Millis, NodeId>> ref;
    Millis last = 0;
    for (int step = 0; step < 20000; ++step) {
      if (ref.empty() || rng() % 3) {
        Millis jump = rng() % 4 == 0 ? rng() % (10 * max_arc + 1) : rng() % 50;
        Millis key = last + jump;
        NodeId node = rng() % 1000;
        q.push(Time{key}, Node{node});
        ref.insert({key, node});
      } else {
        auto it = q.pop();
        auto expect = *ref.begin();
        ref.erase(ref.begin());
        ASSERT_EQ(it.key, expect.first);
        ASSERT_EQ(it.node, expect.second);
        last = it.key;
      }
    }
    q.clear();
    EXPECT_TRUE(q.empty());
    q.push(Time{5}, Node{1});
    EXPECT_EQ(q.pop().key, 5u);
  }
}

TEST(Routes, RealExtractsRoute) {
  struct Case {
    const char* file;
    geo::LonLat a, b;
  };
  for (auto c : {Case{"monaco_2019-09-30.osm.pbf", {7.4282, 43.7396}, {7.4175, 43.7315}},
                 Case{"talence_campus_2019-04.osm.pbf", {-0.6150, 44.8030}, {-0.5975, 44.8100}}}) {
    auto g = build_from_osm(std::string(MAILLAGE_TEST_DATA) + "/" + c.file, test::car_profile(), "{}");
    Snapper snapper(g, SnapOptions::from(test::car_profile()));
    Search search(g);
    auto there = route(snapper, search, c.a, c.b), back = route(snapper, search, c.b, c.a);
    ASSERT_TRUE(there.ok) << c.file << ": " << there.why;
    ASSERT_TRUE(back.ok) << c.file << ": " << back.why;
    // A few minutes across a town; one-way streets make the two directions differ a little.
    EXPECT_GT(there.ms, 60'000u) << c.file;
    EXPECT_LT(there.ms, 15 * 60'000u) << c.file;
    double crow = geo::haversine_m(c.a, c.b);
    EXPECT_GT(there.distance_m + there.access_from_m + there.access_to_m, crow * 0.9) << c.file;
    EXPECT_LT(there.distance_m, crow * 4) << c.file;
  }
}

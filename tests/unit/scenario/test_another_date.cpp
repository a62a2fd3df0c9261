// Another date from the last one: the coverage engine repairs its search for the places opened and closed
// (NearestPlaces::update, Search::repair) instead of sweeping again. Property: on random road graphs and random
// sequences of place sets, the repaired times equal a fresh engine's everywhere, and within a search limit the
// node times equal a fresh limited search.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "../routing/reference.hpp"
#include "coverage/coverage.hpp"
#include "routing/engine.hpp"
#include "territory/communes.hpp"

using namespace maillage;

TEST(AnotherDate, RepairedEngineEqualsAFreshOne) {
  int incremental = 0, full = 0;
  for (unsigned seed = 1; seed <= 24; ++seed) {
    // Odd seeds: the repairs and sweeps of a large graph (region by region; regions of 64 nodes, two threads).
    const bool regions = seed % 2 == 1;
    auto g = test::random_graph(seed, 12);
    routing::Snapper snapper(g, {20000, 30, 1.3});
    std::mt19937 rng(seed * 7 + 1);
    std::uniform_real_distribution<double> lon(-0.605, -0.49), lat(44.795, 44.91);
    territory::PopulationPoints points;
    for (int i = 0; i < 150; ++i)
      points.points.push_back({{lon(rng), lat(rng)}, 1.0 + i % 7, "33", "33063", "c" + std::to_string(i), i, 0});
    coverage::Engine repaired(g, snapper, points, territory::CommuneTable::bundled());
    coverage::Engine fresh(g, snapper, points, territory::CommuneTable::bundled());
    if (regions) repaired.set_regions(64, 2);
    std::vector<coverage::Place> places;
    int next = 0;
    auto new_place = [&] {
      return coverage::Place{"p" + std::to_string(next++), "lieu", "33063", {lon(rng), lat(rng)}};
    };
    for (unsigned k = 0; k < 4 + seed % 20; ++k) places.push_back(new_place());
    for (int step = 0; step < 30; ++step) {
      if (step > 0) {
        // A few places close, a few open, the order shuffled (as a date's list comes from the registry); now and
        // then two places at the same position, and a large change (past a quarter: a full sweep).
        int changes = step % 9 == 0 ? static_cast<int>(places.size()) : 1 + static_cast<int>(rng() % 3);
        for (int c = 0; c < changes; ++c) {
          if (!places.empty() && rng() % 2)
            places.erase(places.begin() + static_cast<long>(rng() % places.size()));
          else if (!places.empty() && rng() % 5 == 0)
            places.push_back({"p" + std::to_string(next++), "twin", "33063", places[0].at});
          else
            places.push_back(new_place());
        }
        std::shuffle(places.begin(), places.end(), rng);
      }
      repaired.compute(places);
      (repaired.last_was_incremental() ? incremental : full)++;
      fresh.compute_full(places);
      ASSERT_EQ(repaired.unsnapped_places(), fresh.unsnapped_places()) << "seed " << seed << " step " << step;
      for (size_t p = 0; p < points.points.size(); ++p) {
        const auto& a = repaired.point_times()[p];
        const auto& b = fresh.point_times()[p];
        ASSERT_EQ(a.ms, b.ms) << "seed " << seed << " step " << step << " point " << p;
        if (a.ms == roads::kInfinity) continue;
        // The place named is one at that time (on an exact tie it may be the other one): same position or a place
        // whose own time from the point is the same.
        ASSERT_LT(a.place, places.size());
        if (a.place != b.place) {
          auto ra = routing::NearestPlaces(g, snapper);
          ra.compute({places[a.place].at});
          EXPECT_EQ(ra.from(repaired.point_snaps()[p]).ms, a.ms) << "seed " << seed << " step " << step;
        }
      }
      for (size_t c = 0; c < repaired.commune_times().size(); ++c)
        ASSERT_EQ(repaired.commune_times()[c].ms, fresh.commune_times()[c].ms);
    }
  }
  // Both paths ran: mostly repairs, a full sweep for the large changes.
  EXPECT_GE(incremental, 24 * 20);
  EXPECT_GT(full, 24 * 3);
}

TEST(AnotherDate, LimitedSearchRepairIsExactWithinTheLimit) {
  for (unsigned seed = 1; seed <= 24; ++seed) {
    auto g = test::random_graph(seed, 12);
    routing::Snapper snapper(g, {20000, 30, 1.3});
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> lon(-0.605, -0.49), lat(44.795, 44.91);
    const routing::Millis limit = 90000;
    std::vector<geo::LonLat> at;
    for (int k = 0; k < 12; ++k) at.push_back({lon(rng), lat(rng)});
    routing::NearestPlaces inc(g, snapper);
    if (seed % 2) inc.set_regions(64 << (seed % 3), 1 + seed % 3);  // as a large graph: region by region
    inc.compute(at, limit);
    std::vector<uint8_t> open(at.size(), 1);
    for (int step = 0; step < 20; ++step) {
      std::vector<uint32_t> closed;
      for (uint32_t i = 0; i < open.size(); ++i)
        if (open[i] && rng() % 6 == 0) closed.push_back(i), open[i] = 0;
      std::vector<routing::Snap> opened;
      for (int k = 0; k < static_cast<int>(rng() % 3); ++k) {
        at.push_back({lon(rng), lat(rng)});
        opened.push_back(snapper.snap(at.back()));
        open.push_back(1);
      }
      inc.update(closed, opened);
      std::vector<geo::LonLat> now;
      for (uint32_t i = 0; i < at.size(); ++i)
        if (open[i]) now.push_back(at[i]);
      routing::NearestPlaces full(g, snapper);
      full.compute(now, limit);
      for (roads::NodeId v = 0; v < g.node_count(); ++v) {
        auto f = full.node_time(v);
        if (f <= limit)
          ASSERT_EQ(inc.node_time(v), f) << "seed " << seed << " step " << step << " node " << v;
        else
          ASSERT_TRUE(inc.node_time(v) > limit) << "seed " << seed << " step " << step << " node " << v;
      }
    }
    EXPECT_THROW(inc.update({0, 0}, {}), Error);
  }
}

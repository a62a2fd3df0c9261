// What-if coverage: after any sequence of changes (add, close, move), the incremental times equal a full
// recomputation by the coverage engine (within the cap), on random road graphs; and the figures follow.
#include <gtest/gtest.h>

#include <random>

#include "../routing/reference.hpp"
#include "coverage/coverage.hpp"
#include "scenario/whatif.hpp"
#include "territory/communes.hpp"

using namespace maillage;
using namespace maillage::scenario;

namespace {
// Random sequences of changes on random graphs of side x side nodes; after each, every point's time equals the
// engine's full recomputation. Halfway, a copy of the scenario is taken: it must keep its times while the original
// goes on (the copies share the start's node states and own their rewritten blocks).
void random_sequences(unsigned seeds, int side, int n_points, int steps, int max_start) {
  for (unsigned seed = 1; seed <= seeds; ++seed) {
    auto g = test::random_graph(seed, side);
    routing::Snapper snapper(g, {20000, 30, 1.3});
    std::mt19937 rng(seed);
    const double span = 0.01 * side;
    std::uniform_real_distribution<double> lon(-0.605, -0.61 + span), lat(44.795, 44.79 + span), pop(0, 100);
    territory::PopulationPoints points;
    for (int i = 0; i < n_points; ++i)
      points.points.push_back(
          {{lon(rng), lat(rng)}, std::floor(pop(rng)), i % 3 ? "33" : "40", "33063", "c" + std::to_string(i), i, 0});
    coverage::Engine engine(g, snapper, points, territory::CommuneTable::bundled());
    const Millis threshold = 120000, cap = 200000;
    std::vector<Site> open;
    int next = 0;
    for (int k = 0; k < static_cast<int>(seed % 4) * max_start / 3; ++k)  // places open at the start (the sweep)
      open.push_back({"s" + std::to_string(next++), "site", "33063", {lon(rng), lat(rng)}, false});
    WhatIf w(g, snapper, points, engine.point_snaps(), threshold, cap, open);
    auto check = [&](int step) {
      std::vector<coverage::Place> places;
      for (auto& s : open) places.push_back({s.id, s.name, s.insee, s.at});
      engine.compute(places);
      double covered = 0;
      for (size_t p = 0; p < points.points.size(); ++p) {
        Millis full = engine.point_times()[p].ms;
        if (full > cap) full = roads::kInfinity;
        ASSERT_EQ(w.time(static_cast<uint32_t>(p)), full) << "seed " << seed << " step " << step << " point " << p;
        if (engine.point_times()[p].within(threshold)) covered += points.points[p].population;
      }
      ASSERT_NEAR(w.figures().covered, covered, 1e-6) << "seed " << seed << " step " << step;
    };
    check(-1);
    std::unique_ptr<WhatIf> copy;
    std::vector<Millis> copy_times;
    for (int step = 0; step < steps; ++step) {
      if (step == steps / 2) {
        copy = std::make_unique<WhatIf>(w);
        for (size_t p = 0; p < points.points.size(); ++p) copy_times.push_back(copy->time(static_cast<uint32_t>(p)));
      }
      int op = open.empty() ? 0 : static_cast<int>(rng() % 3);
      if (getenv("DBG")) fprintf(stderr, "seed %u step %d op %d open %zu\n", seed, step, op, open.size());
      if (op == 0) {
        Site s{"s" + std::to_string(next++), "site", "33063", {lon(rng), lat(rng)}, true};
        auto d = w.add(s);
        open.push_back(s);
        EXPECT_GE(d.covered_change, 0);  // a new place never uncovers anyone
      } else if (op == 1) {
        size_t k = rng() % open.size();
        auto d = w.close(open[k].id);
        open.erase(open.begin() + static_cast<long>(k));
        EXPECT_LE(d.covered_change, 0);
      } else {
        size_t k = rng() % open.size();
        open[k].at = {lon(rng), lat(rng)};
        w.move(open[k].id, open[k].at);
      }
      check(step);
    }
    for (size_t p = 0; p < points.points.size(); ++p)
      ASSERT_EQ(copy->time(static_cast<uint32_t>(p)), copy_times[p]) << "seed " << seed << " copy, point " << p;
    EXPECT_THROW(w.close("nobody"), Error);
    if (!open.empty()) {
      EXPECT_THROW(w.add(open[0]), Error);
    }
  }
}
}  // namespace

TEST(WhatIf, RandomSequencesEqualFullRecomputation) { random_sequences(24, 12, 150, 40, 18); }

// Larger graphs (1,600 nodes: 25 blocks of node states, so changes load and rewrite some blocks and not others).
TEST(WhatIf, RandomSequencesOnLargerGraphs) { random_sequences(6, 40, 600, 60, 60); }

TEST(WhatIf, DeltaNamesTheCellsAndDepartments) {
  auto g = test::random_graph(7, 12);
  routing::Snapper snapper(g, {20000, 30, 1.3});
  territory::PopulationPoints points;
  points.points.push_back({{-0.55, 44.85}, 100, "33", "33063", "a", 0, 0});
  points.points.push_back({{-0.50, 44.90}, 50, "40", "40192", "b", 1, 0});
  coverage::Engine engine(g, snapper, points, territory::CommuneTable::bundled());
  WhatIf w(g, snapper, points, engine.point_snaps(), 240000, 480000, {});
  auto start = w.figures();
  EXPECT_EQ(start.covered, 0);
  auto d = w.add({"h1", "Hypothèse", "33063", {-0.55, 44.85}, true});
  ASSERT_EQ(d.gained.size(), 1u);
  EXPECT_EQ(d.gained[0], 0u);
  EXPECT_EQ(d.covered_change, 100);
  ASSERT_EQ(d.by_department.size(), 1u);
  EXPECT_EQ(d.by_department[0].first, "33");
  auto j = delta_json(w, d, start);
  EXPECT_EQ(j["change_from_start"], 100);
  EXPECT_EQ(j["change"]["gained_cells"][0]["id"], "a");
  auto back = w.move("h1", {-0.50, 44.90});
  EXPECT_EQ(back.lost.size(), 1u);
  EXPECT_EQ(back.gained.size(), 1u);
  EXPECT_EQ(w.figures().covered, 50);
  EXPECT_EQ(w.sites().size(), 1u);
}

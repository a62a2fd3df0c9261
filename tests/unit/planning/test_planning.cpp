// Planning against brute force: coverage sets equal the points whose table time is within the threshold; the
// lazy greedy reaches at least (1 - 1/e) of the exhaustive optimum; the greedy cover covers every coverable
// inhabitant; criticality equals recomputing coverage without the place.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "coverage/coverage.hpp"
#include "planning/exact.hpp"
#include "planning/planning.hpp"
#include "territory/communes.hpp"
#include "../routing/reference.hpp"

using namespace maillage;
using namespace maillage::planning;

namespace {
// A random instance: sets over P points with populations.
struct Instance {
  CoverageSets sets;
  std::vector<double> pop;
  std::vector<uint8_t> covered;
};
Instance random_instance(unsigned seed, int C, int P) {
  std::mt19937 rng(seed);
  Instance in;
  for (int p = 0; p < P; ++p) in.pop.push_back(1 + rng() % 100), in.covered.push_back(rng() % 5 == 0);
  in.sets.first.push_back(0);
  for (int c = 0; c < C; ++c) {
    for (int p = 0; p < P; ++p)
      if (rng() % 4 == 0) in.sets.point.push_back(p);
    in.sets.first.push_back(static_cast<uint32_t>(in.sets.point.size()));
  }
  in.sets.unsnapped.assign(C, 0);
  return in;
}
double best_of_k(const Instance& in, int C, size_t k, size_t start = 0, std::vector<uint32_t> chosen = {}) {
  if (chosen.size() == k) return covered_population(in.sets, in.pop, in.covered, chosen);
  double best = covered_population(in.sets, in.pop, in.covered, chosen);
  for (size_t c = start; c < static_cast<size_t>(C); ++c) {
    chosen.push_back(static_cast<uint32_t>(c));
    best = std::max(best, best_of_k(in, C, k, c + 1, chosen));
    chosen.pop_back();
  }
  return best;
}
}  // namespace

TEST(PlanningGreedy, WithinOneMinusOneOverEOfTheOptimum) {
  for (unsigned seed = 1; seed <= 40; ++seed) {
    const int C = 9, P = 40;
    auto in = random_instance(seed, C, P);
    for (size_t k = 1; k <= 4; ++k) {
      auto g = greedy(in.sets, in.pop, in.covered, k);
      double opt = best_of_k(in, C, k);
      double base = covered_population(in.sets, in.pop, in.covered, {});
      double got = g.steps.empty() ? base : g.steps.back().covered;
      // The guarantee is on the population added to what the open places cover.
      EXPECT_GE(got - base + 1e-9, (1 - 1 / std::exp(1.0)) * (opt - base)) << "seed " << seed << " k " << k;
      EXPECT_LE(got, opt + 1e-9);
      std::vector<uint32_t> chosen;
      for (auto& s : g.steps) chosen.push_back(s.candidate);
      EXPECT_DOUBLE_EQ(covered_population(in.sets, in.pop, in.covered, chosen), got);  // cumulative figures are right
    }
  }
}

TEST(PlanningGreedy, CoverReachesEveryCoverableInhabitant) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    auto in = random_instance(seed, 12, 60);
    auto g = greedy(in.sets, in.pop, in.covered, 0);
    std::vector<uint32_t> chosen;
    for (auto& s : g.steps) chosen.push_back(s.candidate);
    double all = covered_population(in.sets, in.pop, in.covered, [&] {
      std::vector<uint32_t> v;
      for (uint32_t c = 0; c < 12; ++c) v.push_back(c);
      return v;
    }());
    EXPECT_DOUBLE_EQ(covered_population(in.sets, in.pop, in.covered, chosen), all);  // feasible
    EXPECT_NEAR(all + g.uncoverable, g.population, 1e-9);
    // Gains never increase along the curve.
    for (size_t i = 1; i < g.steps.size(); ++i) EXPECT_LE(g.steps[i].gain, g.steps[i - 1].gain + 1e-9);
  }
}

TEST(PlanningSets, EqualThePointsWithinTheThresholdByTable) {
  for (unsigned seed : {3u, 4u, 5u}) {
    auto g = test::random_graph(seed, 10);
    routing::Snapper snapper(g, {20000, 30, 1.3});
    routing::Search search(g);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> lon(-0.605, -0.51), lat(44.795, 44.89);
    std::vector<geo::LonLat> points, cand;
    for (int i = 0; i < 60; ++i) points.push_back({lon(rng), lat(rng)});
    for (int i = 0; i < 8; ++i) cand.push_back({lon(rng), lat(rng)});
    cand.push_back(points[0]);  // a candidate exactly at a point
    std::vector<Candidate> cands;
    for (auto& c : cand) cands.push_back({"c", "c", "", c});
    const roads::Millis T = 180000;
    auto sets = coverage_sets(g, snapper, snapper.snap_all(points), cands, T);
    auto tab = routing::table(snapper, search, points, cand);  // point -> candidate
    // Not a vacuous comparison: some sets hold some points, none holds them all.
    EXPECT_GT(sets.point.size(), cand.size());
    EXPECT_LT(sets.point.size(), cand.size() * points.size());
    for (uint32_t c = 0; c < cand.size(); ++c) {
      std::vector<uint32_t> expected;
      for (uint32_t p = 0; p < points.size(); ++p)
        if (tab[p * cand.size() + c] <= T) expected.push_back(p);
      std::vector<uint32_t> got(sets.point.begin() + sets.first[c], sets.point.begin() + sets.first[c + 1]);
      EXPECT_EQ(got, expected) << "seed " << seed << " candidate " << c;
    }
    // The same sets whatever the number of threads.
    for (unsigned threads : {1u, 3u}) {
      auto again = coverage_sets(g, snapper, snapper.snap_all(points), cands, T, threads);
      EXPECT_EQ(again.first, sets.first) << threads << " threads";
      EXPECT_EQ(again.point, sets.point) << threads << " threads";
    }
  }
}

TEST(PlanningCriticality, EqualsRecomputingCoverageWithoutThePlace) {
  auto g = test::random_graph(9, 10);
  routing::Snapper snapper(g, {20000, 30, 1.3});
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> lon(-0.605, -0.51), lat(44.795, 44.89);
  territory::PopulationPoints pts;
  pts.source = territory::PopulationSource::Communes;
  for (int i = 0; i < 80; ++i) pts.points.push_back({{lon(rng), lat(rng)}, double(1 + rng() % 50), "33", "", "", 0, 0});
  std::vector<coverage::Place> places;
  for (int i = 0; i < 4; ++i) places.push_back({"p" + std::to_string(i), "p", "33063", {lon(rng), lat(rng)}});
  coverage::Engine engine(g, snapper, pts, territory::CommuneTable::bundled());
  const roads::Millis T = 120000;
  auto crit = criticality(engine, places, T);
  ASSERT_EQ(crit.size(), 4u);
  engine.compute(places);
  double with_all = coverage::build_report(engine, places, "d", T / 60000.0).covered;
  for (uint32_t i = 0; i < places.size(); ++i) {
    auto others = places;
    others.erase(others.begin() + i);
    engine.compute(others);
    double without = coverage::build_report(engine, others, "d", T / 60000.0).covered;
    EXPECT_NEAR(crit[i].sole_population, with_all - without, 1e-9) << "place " << i;
  }
}

TEST(PlanningExact, MatchesTheExhaustiveOptimum) {
  for (unsigned seed = 1; seed <= 25; ++seed) {
    const int C = 9, P = 40;
    auto in = random_instance(seed, C, P);
    for (size_t k = 1; k <= 3; ++k) {
      auto g = greedy(in.sets, in.pop, in.covered, k);
      std::vector<uint32_t> warm;
      for (auto& s : g.steps) warm.push_back(s.candidate);
      auto x = best_k_exact(in.sets, in.pop, in.covered, k, 30, warm);
      EXPECT_TRUE(x.optimal);
      EXPECT_LE(x.chosen.size(), k);
      EXPECT_NEAR(x.covered, best_of_k(in, C, k), 1e-6) << "seed " << seed << " k " << k;
      EXPECT_NEAR(x.gap, 0, 1e-9);
      EXPECT_NEAR(covered_population(in.sets, in.pop, in.covered, x.chosen), x.covered, 1e-9);
    }
  }
}

// Nested and repeated sets (many dominated candidates), larger instances, no warm start: the exact method still
// finds the exhaustive optimum, and its bound is never below it.
TEST(PlanningExact, DominatedCandidatesAndNoWarmStart) {
  size_t dropped = 0;
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    const int C = 13, P = 90;
    Instance in;
    for (int p = 0; p < P; ++p) in.pop.push_back(0.5 + rng() % 60), in.covered.push_back(rng() % 6 == 0);
    in.sets.first.push_back(0);
    std::vector<std::vector<uint32_t>> made;
    for (int c = 0; c < C; ++c) {
      std::vector<uint32_t> s;
      if (c > 0 && rng() % 2 == 0) {  // a subset (or a copy) of an earlier set
        for (auto p : made[rng() % made.size()])
          if (rng() % 3 != 0) s.push_back(p);
      } else {
        for (int p = 0; p < P; ++p)
          if (rng() % 5 == 0) s.push_back(static_cast<uint32_t>(p));
      }
      made.push_back(s);
      in.sets.point.insert(in.sets.point.end(), s.begin(), s.end());
      in.sets.first.push_back(static_cast<uint32_t>(in.sets.point.size()));
    }
    in.sets.unsnapped.assign(C, 0);
    for (size_t k = 1; k <= 4; ++k) {
      double opt = best_of_k(in, C, k);
      auto x = best_k_exact(in.sets, in.pop, in.covered, k, 30);
      EXPECT_TRUE(x.optimal) << "seed " << seed << " k " << k;
      EXPECT_NEAR(x.covered, opt, 1e-6) << "seed " << seed << " k " << k;
      EXPECT_GE(x.bound + 1e-6, opt);
      EXPECT_LE(x.undominated, x.candidates);
      dropped += x.candidates - x.undominated;
      EXPECT_NEAR(covered_population(in.sets, in.pop, in.covered, x.chosen), x.covered, 1e-9);
    }
  }
  EXPECT_GT(dropped, 0u);  // the instances do exercise the dominance rule
}

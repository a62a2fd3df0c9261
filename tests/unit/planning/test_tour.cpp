// Tours: the heuristic and the exact method against exhaustive search, on a hand-made toy and random instances.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "planning/tour.hpp"

using namespace maillage;
using namespace maillage::planning;

namespace {
constexpr Millis kMin = 60000;

// Exhaustive: every assignment of each candidate to a day or to none; a day fits when one of its orders does.
double brute_force(const TourInstance& in) {
  size_t n = in.n, d = static_cast<size_t>(in.days);
  std::vector<size_t> a(n, 0);
  double best = 0;
  for (;;) {
    std::vector<DayTour> days(d);
    for (size_t c = 0; c < n; ++c)
      if (a[c] > 0) days[a[c] - 1].stops.push_back(static_cast<uint32_t>(c));
    bool ok = true;
    for (auto& day : days) {
      auto s = day.stops;
      std::sort(s.begin(), s.end());
      bool fits = s.empty();
      do {
        Millis drive = 0;
        size_t prev = 0;
        for (auto c : s) drive += in.t(prev, c + 1), prev = c + 1;
        if (!s.empty()) drive += in.t(prev, 0);
        if (!s.empty() && drive + s.size() * in.stop_length <= in.day_length) fits = true;
      } while (!fits && std::next_permutation(s.begin(), s.end()));
      ok = ok && fits;
    }
    if (ok) best = std::max(best, tour_value(in, days));
    size_t i = 0;
    while (i < n && ++a[i] > d) a[i++] = 0;
    if (i == n) break;
  }
  return best;
}

TourInstance toy() {
  // Base 0; villages A, B, C, D (1..4). Times in minutes, symmetric.
  const int m[5][5] = {
      {0, 30, 40, 60, 90}, {30, 0, 20, 50, 100}, {40, 20, 0, 30, 70}, {60, 50, 30, 0, 40}, {90, 100, 70, 40, 0}};
  TourInstance in;
  in.n = 4;
  for (auto& row : m)
    for (int x : row) in.time.push_back(x * kMin);
  // Elements: e0 (100) near A and B, e1 (50) near B, e2 (300) near C and D, e3 (200) near D.
  in.weight = {100, 50, 300, 200};
  in.covers = {{0}, {0, 1}, {2}, {2, 3}};
  in.days = 2;
  in.day_length = 360 * kMin;
  in.stop_length = 120 * kMin;
  return in;
}

TourInstance random_instance(unsigned seed, size_t n, int days) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::pair<double, double>> at{{0.5, 0.5}};
  for (size_t i = 0; i < n; ++i) at.push_back({u(rng), u(rng)});
  TourInstance in;
  in.n = n;
  for (auto& a : at)
    for (auto& b : at)  // Euclidean: the triangle inequality holds, as on roads
      in.time.push_back(static_cast<Millis>(std::hypot(a.first - b.first, a.second - b.second) * 120 * kMin));
  size_t elements = 3 * n;
  for (size_t e = 0; e < elements; ++e) in.weight.push_back(std::floor(1 + 100 * u(rng)));
  in.covers.resize(n);
  for (size_t c = 0; c < n; ++c)
    for (size_t e = 0; e < elements; ++e)
      if (u(rng) < 0.25) in.covers[c].push_back(static_cast<uint32_t>(e));
  in.days = days;
  in.day_length = 300 * kMin;
  in.stop_length = (60 + static_cast<Millis>(rng() % 60)) * kMin;
  return in;
}
}  // namespace

TEST(Tour, ToyEqualsExhaustiveOptimum) {
  auto in = toy();
  EXPECT_EQ(brute_force(in), 650);
  for (auto sol : {plan_tours(in), plan_tours_exact(in)}) {
    EXPECT_EQ(sol.value, 650);
    EXPECT_TRUE(feasible(in, sol.days));
    ASSERT_EQ(sol.days.size(), 2u);
    for (auto& d : sol.days) EXPECT_LE(d.total(), in.day_length);  // back at the base within the day
  }
  auto exact = plan_tours_exact(in);
  EXPECT_TRUE(exact.optimal);
  EXPECT_EQ(exact.routes, 5u);  // A, B, C, D alone, and A with B (the only pair that fits a day)
}

TEST(Tour, DayHelpers) {
  auto in = toy();
  EXPECT_EQ(route_drive(in, {0, 1}), 90 * kMin);
  EXPECT_EQ(route_drive(in, {}), 0u);
  EXPECT_EQ(best_order(in, {2, 1}), (std::vector<uint32_t>{1, 2}));  // B then C: 40+30+60 = 130 either way
  EXPECT_FALSE(feasible(in, {{{2, 3}, 0, in.stop_length}}));         // C and D do not fit one day
  EXPECT_FALSE(feasible(in, {{{0}, 0, in.stop_length}, {{0}, 0, in.stop_length}}));  // A twice
}

TEST(Tour, RandomInstancesAgainstBruteForce) {
  double worst = 1, sum = 0;
  int count = 0;
  for (unsigned seed = 1; seed <= 30; ++seed) {
    auto in = random_instance(seed, 6 + seed % 3, 2 + static_cast<int>(seed % 2));
    double opt = brute_force(in);
    auto exact = plan_tours_exact(in);
    auto heur = plan_tours(in, 2);
    EXPECT_NEAR(exact.value, opt, 1e-6) << "seed " << seed;
    EXPECT_TRUE(exact.optimal);
    EXPECT_TRUE(feasible(in, exact.days)) << seed;
    EXPECT_TRUE(feasible(in, heur.days)) << seed;
    EXPECT_LE(heur.value, opt + 1e-6) << seed;
    EXPECT_NEAR(heur.value, tour_value(in, heur.days), 1e-6);
    double ratio = opt > 0 ? heur.value / opt : 1;
    worst = std::min(worst, ratio), sum += ratio, ++count;
  }
  std::printf("heuristic / optimum on 30 random instances: mean %.4f, worst %.4f\n", sum / count, worst);
  EXPECT_GE(worst, 0.9);
}

// A registry edit applied to the cached coverage (issue #30, item 6): the engine repairs its search for the
// places moved, opened and closed; the zones' suggested sites come from coverage sets computed once
// (planning::ZoneSuggester); the zones' texts are kept from one report to the next (coverage::ZoneTexts).
// Property: on random graphs, grids and sequences of edits, the summary's text equals, byte for byte, a full
// recomputation's (one sweep, the sets computed again, every zone serialised).
#include <gtest/gtest.h>

#include <random>

#include "../routing/reference.hpp"
#include "coverage/coverage.hpp"
#include "coverage/serialize.hpp"
#include "planning/run.hpp"
#include "territory/communes.hpp"

using namespace maillage;

namespace {
// A 16 x 12 grid of 1 km cells over the random graph's area, two departments (cut at x = 8), some cells empty of
// people, some with fractional populations, three communes and cells outside every commune.
territory::PopulationPoints grid(std::mt19937& rng) {
  territory::PopulationPoints pts;
  std::uniform_real_distribution<double> pop(0, 40);
  for (int y = 0; y < 12; ++y)
    for (int x = 0; x < 16; ++x) {
      if (rng() % 6 == 0) continue;  // no one lives there: no point
      double p = rng() % 4 == 0 ? pop(rng) : std::floor(pop(rng));
      static const char* codes[] = {"33063", "33281", "24322", ""};
      std::string dep = x < 8 ? "33" : "24";
      std::string insee = codes[x < 8 ? rng() % 2 : 2 + rng() % 2];
      pts.points.push_back({{-0.605 + x * 0.0072, 44.795 + y * 0.0096},
                            p,
                            dep,
                            insee,
                            "c" + std::to_string(x) + "_" + std::to_string(y),
                            x,
                            y});
    }
  return pts;
}
}  // namespace

TEST(CoverageUpdate, EditsAppliedToTheCachedCoverageEqualAFullRecomputation) {
  int repaired = 0, zones_seen = 0, suggested = 0;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    auto g = test::random_graph(seed, 12);
    routing::Snapper snapper(g, {20000, 30, 1.3});
    std::mt19937 rng(seed * 31 + 7);
    auto points = grid(rng);
    auto& communes = territory::CommuneTable::bundled();
    coverage::Engine live(g, snapper, points, communes), full(g, snapper, points, communes);
    const double threshold_min = 2 + seed % 3;  // minutes: a small graph, small zones
    const auto threshold = coverage::threshold_ms(threshold_min);
    planning::ZoneSuggester suggester(live, threshold);
    coverage::ZoneTexts texts;
    std::uniform_real_distribution<double> lon(-0.605, -0.49), lat(44.795, 44.91), nudge(-0.003, 0.003);
    std::vector<coverage::Place> places;
    int next = 0;
    for (int k = 0; k < 6; ++k)
      places.push_back(
          {"p" + std::to_string(next++), "Lieu <" + std::to_string(k) + ">", "33063", {lon(rng), lat(rng)}});
    for (int step = 0; step < 25; ++step) {
      if (step > 0) {  // one edit: move, open, close or rename
        auto k = rng() % places.size();
        switch (rng() % 4) {
          case 0: places[k].at = {places[k].at.lon + nudge(rng), places[k].at.lat + nudge(rng)}; break;
          case 1: places.push_back({"p" + std::to_string(next++), "Nouveau", "33281", {lon(rng), lat(rng)}}); break;
          case 2:
            if (places.size() > 2) places.erase(places.begin() + static_cast<long>(k));
            break;
          default: places[k].name += " \"bis\""; break;
        }
      }
      live.compute(places);
      repaired += live.last_was_incremental();
      auto rep = coverage::build_report(live, places, "2026-12-08", threshold_min);
      suggester.suggest(rep);
      auto text = coverage::report_text(rep, places, false, texts, {{"extra", 1}});

      full.compute_full(places);
      auto ref = coverage::build_report(full, places, "2026-12-08", threshold_min);
      planning::suggest_zone_sites(full, ref, threshold);
      auto j = coverage::report_json(ref, places, false);
      j["extra"] = 1;
      ASSERT_EQ(text, j.dump()) << "seed " << seed << " step " << step;
      ASSERT_EQ(rep.covered, ref.covered);
      zones_seen += static_cast<int>(ref.zones.size());
      for (auto& z : ref.zones) suggested += z.suggested.has_value();
    }
  }
  // The property was not vacuous: repairs ran, and reports had zones with suggested sites.
  EXPECT_GT(repaired, 12 * 15);
  EXPECT_GT(zones_seen, 12 * 25);
  EXPECT_GT(suggested, 0);
}

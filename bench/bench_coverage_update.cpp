// A registry edit applied to the coverage (issue #30, item 6): 208 places at commune centres (fixed seed, the
// bundled registry's size) on the regional skeleton and the 65,521 grid cells; 200 edits in turn (move a place up
// to 400 m, close one, open one again). After each edit, the coverage summary's work: the engine's times, the report
// (totals, departments, zones blanches, communes), a suggested site per zone, the JSON. Timed each stage, the
// incremental way (the engine repairs its last search; the suggestions from sets computed once) against the full
// way of the same run (a sweep; the suggestions' coverage sets computed again), and the totals compared.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "bench_common.hpp"
#include "coverage/coverage.hpp"
#include "coverage/serialize.hpp"
#include "planning/run.hpp"
#include "territory/communes.hpp"

using namespace maillage;

namespace {
double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
struct Stages {
  std::vector<double> engine, report, suggest, json, total;
  void print(const char* what) const {
    std::printf("%-12s engine %7.2f  report %7.2f  suggest %8.2f  json %6.2f  | total median %8.2f  p99 %8.2f ms\n",
                what, bench::quantile(engine, .5), bench::quantile(report, .5), bench::quantile(suggest, .5),
                bench::quantile(json, .5), bench::quantile(total, .5), bench::quantile(total, .99));
  }
};
}  // namespace

int main() {
  auto& graph = bench::skeleton();
  auto& snapper = bench::skeleton_snapper();
  auto& grid = territory::bundled_points(territory::PopulationSource::Grid);
  auto& communes = territory::CommuneTable::bundled();
  std::vector<coverage::Place> all;
  int i = 0;
  // Distinct communes: two places at one spot tie, and a tie's nearest place may differ between two ways.
  for (auto* c : bench::commune_sample(240, 208))
    if (all.size() < 208 && std::none_of(all.begin(), all.end(), [&](auto& p) { return p.insee == c->code; }))
      all.push_back({"p" + std::to_string(i++), c->name, c->code, c->centre});
  const auto threshold = coverage::threshold_ms(20);
  coverage::Engine live(graph, snapper, grid, communes), full(graph, snapper, grid, communes);
  auto t0 = std::chrono::steady_clock::now();
  planning::ZoneSuggester suggester(live, threshold);
  std::printf("suggester (coverage sets of %zu communes, transposed): %.0f ms, once per threshold\n",
              communes.all().size(), ms_since(t0));
  live.compute(all);
  coverage::ZoneTexts texts;

  std::mt19937 rng(30);
  std::vector<uint8_t> open(all.size(), 1);
  Stages inc, ref;
  int differ = 0;
  for (int step = 0; step < 200; ++step) {
    size_t k = rng() % all.size();
    int op = static_cast<int>(rng() % 4);
    if (op < 2 && open[k]) {  // move up to ~400 m
      std::uniform_real_distribution<double> d(-0.004, 0.004);
      all[k].at = {all[k].at.lon + d(rng), all[k].at.lat + d(rng)};
    } else {
      open[k] = !open[k];
    }
    std::vector<coverage::Place> now;
    for (size_t j = 0; j < all.size(); ++j)
      if (open[j]) now.push_back(all[j]);
    std::string body[2];
    double covered[2];
    for (int way = 0; way < 2; ++way) {
      auto& s = way ? ref : inc;
      auto& e = way ? full : live;
      auto ts = std::chrono::steady_clock::now();
      auto t = ts;
      if (way)
        e.compute_full(now);
      else
        e.compute(now);
      s.engine.push_back(ms_since(t));
      t = std::chrono::steady_clock::now();
      auto rep = coverage::build_report(e, now, "2026-12-08", 20);
      s.report.push_back(ms_since(t));
      t = std::chrono::steady_clock::now();
      if (way)
        planning::suggest_zone_sites(e, rep, threshold);
      else
        suggester.suggest(rep);
      s.suggest.push_back(ms_since(t));
      t = std::chrono::steady_clock::now();
      // The incremental way keeps its zones' texts from one report to the next; the full way builds them all.
      body[way] =
          way ? coverage::report_json(rep, now, false).dump() : coverage::report_text(rep, now, false, texts, {});
      s.json.push_back(ms_since(t));
      s.total.push_back(ms_since(ts));
      covered[way] = rep.covered;
    }
    if (body[0] != body[1] || covered[0] != covered[1]) {
      if (!differ && std::getenv("SHOW_DIFF")) {
        std::FILE* f = std::fopen("/tmp/inc.json", "w");
        std::fputs(body[0].c_str(), f);
        std::fclose(f);
        f = std::fopen("/tmp/full.json", "w");
        std::fputs(body[1].c_str(), f);
        std::fclose(f);
      }
      ++differ;
    }
  }
  std::printf("200 edits (moves up to 400 m, closings, openings) of 208 places; stages: medians in ms\n");
  inc.print("incremental");
  ref.print("full");
  std::printf("total: %.1fx faster at the median; summaries differing from the full recomputation: %d of 200\n",
              bench::quantile(ref.total, .5) / bench::quantile(inc.total, .5), differ);
  return differ ? 1 : 0;
}

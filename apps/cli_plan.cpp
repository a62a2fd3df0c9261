// `maillage plan best|cover|criticality`: where new tiers-lieux would close the gaps.
#include <chrono>
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "coverage/coverage.hpp"
#include "planning/run.hpp"
#include "planning/planning.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using nlohmann::json;

namespace {
struct PlanArgs {
  double threshold = 20;
  std::string date, candidates = "communes";
  size_t k = 10;
  bool json = false, csv = false, geojson = false, exact = false;
  double time_limit = 60;
};

struct Context : OpenPlaces {
  roads::Millis threshold = 0;
};

Context make_context(const Globals& g, const PlanArgs& a) {
  Context c;
  static_cast<OpenPlaces&>(c) = open_places_engine(g, a.date);
  c.threshold = coverage::threshold_ms(a.threshold);
  return c;
}

void run_plan(const Globals& g, const PlanArgs& a, bool cover) {
  auto c = make_context(g, a);
  auto cands = planning::load_candidates(a.candidates);
  planning::PlanRequest q;
  q.threshold = c.threshold, q.k = a.k, q.cover = cover, q.exact = a.exact && !cover, q.time_limit_s = a.time_limit;
  auto r = planning::plan(*c.engine, cands, q);
  if (r.exact) {
    auto& x = *r.exact;
    std::cerr << fmt::format(
        "maillage: exact ({} candidates, {} undominated, x {} merged elements; Lagrangian bound, {} iterations; "
        "{} candidates kept for CBC, {} columns): {} in {:.1f} s; covered {:.0f}; {}; "
        "greedy covered {:.0f}\n",
        x.candidates, x.undominated, x.elements, x.lagrangian_iterations, x.kept, x.variables,
        x.optimal ? "optimal" : "time limit reached", x.seconds, x.covered,
        x.has_bound ? fmt::format("bound {:.0f}, gap {:.3f} %", x.bound, 100 * x.gap)
                    : std::string("no bound within the time limit"),
        r.greedy_covered);
  }
  if (a.json) {
    auto j = planning::to_json(r, cands);
    j["date"] = c.date, j["threshold_minutes"] = a.threshold, j["candidates"] = a.candidates;
    j["open_places"] = c.places.size();
    std::cout << j.dump(2) << '\n';
    return;
  }
  if (a.geojson) {
    std::cout << planning::to_geojson(r, cands).dump() << '\n';
    return;
  }
  if (a.csv) {
    csv::Writer w(std::cout);
    w.row({"rank", "id", "name", "lon", "lat", "added_population", "covered", "share"});
    for (size_t i = 0; i < r.sites.size(); ++i) {
      auto& s = r.sites[i];
      auto& cd = cands[s.candidate];
      w.row({std::to_string(i + 1), cd.id, cd.name, fmt::format("{}", cd.at.lon), fmt::format("{}", cd.at.lat),
             fmt::format("{:.0f}", s.gain), fmt::format("{:.0f}", s.covered), fmt::format("{:.4f}", s.share)});
    }
    return;
  }
  std::cout << fmt::format(
      "Planning on {} with {} open places, threshold {:g} min, candidates: {} ({}); coverage sets in {:.2f} s\n",
      c.date, c.places.size(), a.threshold, a.candidates, cands.size(), r.sets_seconds);
  std::cout << fmt::format("Covered today: {:.0f} of {:.0f} ({:.1f} %); no candidate can cover {:.0f} inhabitants\n",
                           r.covered_before, r.population, 100 * r.covered_before / r.population, r.uncoverable);
  std::cout << (r.exact ? "Method: exact (Lagrangian bound, reduced-cost fixing, COIN-OR CBC), sites ordered by "
                          "marginal gain; solver figures on stderr.\n"
                        : "Method: greedy with lazy gain updates (within 1 - 1/e of the optimum); --exact for the "
                          "exact method.\n");
  if (cover) std::cout << fmt::format("{} new sites cover every coverable inhabitant:\n", r.sites.size());
  std::cout << fmt::format("{:>5}  {:<34}{:>12}{:>14}{:>8}\n", "rank", "site", "added", "covered", "share");
  for (size_t i = 0; i < r.sites.size(); ++i) {
    auto& s = r.sites[i];
    std::cout << fmt::format("{:>5}  {:<34}{:>12.0f}{:>14.0f}{:>7.1f}%\n", i + 1,
                             fmt::format("{} ({})", cands[s.candidate].name, cands[s.candidate].id).substr(0, 33),
                             s.gain, s.covered, 100 * s.share);
  }
}
}  // namespace

void add_plan_commands(CLI::App& app, Globals& g) {
  auto* plan =
      app.add_subcommand("plan", "where new tiers-lieux would close the gaps: best k sites, cover, criticality");
  plan->require_subcommand(1);
  auto a = std::make_shared<PlanArgs>();
  auto common = [a](CLI::App* c) {
    c->add_option("--threshold", a->threshold, "minutes (default 20)")->check(CLI::Range(1.0, 600.0));
    c->add_option("--date", a->date, "open places at this date are fixed (default: today)");
    c->add_flag("--json", a->json, "JSON output");
    c->add_flag("--csv", a->csv, "CSV output");
  };
  auto sites_geojson = [a](CLI::App* c) {
    c->add_flag("--geojson", a->geojson, "GeoJSON of the chosen sites (points)");
  };
  auto* best = plan->add_subcommand(
      "best", "the k new sites that add the most covered population (the curve: each rank's cumulative share)");
  best->add_option("--k", a->k, "number of sites (default 10)")->check(CLI::Range(1, 100000));
  best->add_option("--candidates", a->candidates,
                   "communes (centres, default), grid (1 km cells) or a CSV file (id, name, lon, lat)");
  best->add_flag(
      "--exact", a->exact,
      "solve exactly: Lagrangian bound and reduced-cost fixing, then the MIP with COIN-OR CBC (greedy as the start)");
  best->add_option("--time-limit", a->time_limit, "seconds for --exact (default 60); the gap to the bound is reported")
      ->check(CLI::Range(1.0, 86400.0));
  common(best);
  sites_geojson(best);
  best->callback([&g, a] { run_plan(g, *a, false); });
  auto* cover = plan->add_subcommand("cover", "new sites until every coverable inhabitant is within the threshold");
  cover->add_option("--candidates", a->candidates, "communes (default), grid or a CSV file");
  common(cover);
  sites_geojson(cover);
  cover->callback([&g, a] { run_plan(g, *a, true); });
  add_tour_command(plan, g);
  auto* crit = plan->add_subcommand(
      "criticality", "for each open place: the population only it covers, and the added time for its users");
  common(crit);
  crit->callback([&g, a] {
    auto c = make_context(g, *a);
    auto res = planning::criticality(*c.engine, c.places, c.threshold);
    std::sort(res.begin(), res.end(), [](auto& x, auto& y) {
      return x.sole_population != y.sole_population ? x.sole_population > y.sole_population : x.place < y.place;
    });
    if (a->json) {
      json arr = json::array();
      for (auto& r : res)
        arr.push_back({{"id", c.places[r.place].id},
                       {"name", c.places[r.place].name},
                       {"sole_population", r.sole_population},
                       {"users", r.users},
                       {"added_minutes", std::round(r.added_minutes * 100) / 100},
                       {"stranded", r.stranded}});
      std::cout << json{{"date", c.date}, {"threshold_minutes", a->threshold}, {"places", arr}}.dump(2) << '\n';
      return;
    }
    std::cout << fmt::format("{:<44}{:>16}{:>12}{:>16}\n", "place", "only it covers", "its users", "+min if closed");
    for (auto& r : res)
      std::cout << fmt::format("{:<44}{:>16.0f}{:>12.0f}{:>16.1f}\n", c.places[r.place].name.substr(0, 43),
                               r.sole_population, r.users, r.added_minutes);
  });
}

}  // namespace maillage::cli

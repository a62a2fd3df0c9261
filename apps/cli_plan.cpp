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
#include "planning/exact.hpp"
#include "planning/planning.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using nlohmann::json;

namespace {
struct PlanArgs {
  double threshold = 20;
  std::string date, candidates = "communes";
  size_t k = 10;
  bool json = false, csv = false, exact = false;
  double time_limit = 60;
};

std::vector<planning::Candidate> load_candidates(const std::string& what) {
  std::vector<planning::Candidate> out;
  auto& communes = territory::CommuneTable::bundled();
  if (what == "communes") {
    for (auto& c : communes.all()) out.push_back({c.code, c.name, c.code, c.centre});
  } else if (what == "grid") {
    for (auto& p : territory::bundled_points(territory::PopulationSource::Grid).points)
      out.push_back({p.id, p.insee.empty() ? p.id : communes.find(p.insee)->name, p.insee, p.at});
  } else {
    auto t = csv::read(what);
    int c_id = t.column("id"), c_name = t.column("name"), c_lon = t.column("lon"), c_lat = t.column("lat");
    if (c_lon < 0 || c_lat < 0) throw InputError(Location{what, 1, 0, {}}, "expected columns lon and lat (and id, name)");
    for (auto& r : t.rows) {
      double lon = 0, lat = 0;
      if (!text::parse_double(r.fields[c_lon], lon) || lon < -180 || lon > 180)
        throw InputError(Location{what, r.line, c_lon + 1, "lon"}, fmt::format("'{}' is not a longitude", r.fields[c_lon]));
      if (!text::parse_double(r.fields[c_lat], lat) || lat < -90 || lat > 90)
        throw InputError(Location{what, r.line, c_lat + 1, "lat"}, fmt::format("'{}' is not a latitude", r.fields[c_lat]));
      std::string id = c_id >= 0 ? r.fields[c_id] : std::to_string(r.line);
      out.push_back({id, c_name >= 0 ? r.fields[c_name] : id, "", {lon, lat}});
    }
  }
  return out;
}

struct Context {
  std::unique_ptr<registry::PlaceStore> store;
  std::unique_ptr<roads::RoadGraph> graph;
  std::unique_ptr<routing::Snapper> snapper;
  std::unique_ptr<coverage::Engine> engine;
  std::vector<coverage::Place> places;
  std::string date;
  roads::Millis threshold = 0;
};

Context make_context(const Globals& g, const PlanArgs& a) {
  Context c;
  c.date = a.date.empty() ? date::today() : a.date;
  std::string why;
  if (!date::parse(c.date, why, false)) throw Error("--date: " + why);
  c.threshold = coverage::threshold_ms(a.threshold);
  c.store = open_store(g);
  registry::PlaceFilter f;
  f.open_on = c.date;
  for (auto& p : c.store->list(f)) c.places.push_back({p.id, p.name, p.insee_code, {*p.lon, *p.lat}});
  c.graph = std::make_unique<roads::RoadGraph>(open_graph(g));
  c.snapper = std::make_unique<routing::Snapper>(*c.graph, routing::SnapOptions::from(graph_profile(*c.graph)));
  c.engine = std::make_unique<coverage::Engine>(*c.graph, *c.snapper, territory::bundled_points(territory::PopulationSource::Grid),
                                                territory::CommuneTable::bundled());
  c.engine->compute(c.places);
  return c;
}

void run_greedy(const Globals& g, const PlanArgs& a, bool cover) {
  auto c = make_context(g, a);
  auto& pts = territory::bundled_points(territory::PopulationSource::Grid).points;
  std::vector<double> pop;
  std::vector<uint8_t> covered;
  for (size_t i = 0; i < pts.size(); ++i) {
    pop.push_back(pts[i].population);
    covered.push_back(c.engine->point_times()[i].within(c.threshold));
  }
  auto cands = load_candidates(a.candidates);
  std::vector<geo::LonLat> at;
  for (auto& p : pts) at.push_back(p.at);
  auto t0 = std::chrono::steady_clock::now();
  auto sets = planning::coverage_sets(*c.graph, *c.snapper, c.snapper->snap_all(at), cands, c.threshold);
  double sets_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto r = planning::greedy(sets, pop, covered, cover ? 0 : a.k);
  if (a.exact && !cover) {
    // The exact MIP, started from the greedy choice; the steps are then ordered by marginal gain.
    std::vector<uint32_t> warm;
    for (auto& s : r.steps) warm.push_back(s.candidate);
    auto x = planning::best_k_exact(sets, pop, covered, a.k, a.time_limit, warm);
    planning::CoverageSets sub;
    sub.first.push_back(0);
    for (auto c : x.chosen) {
      sub.point.insert(sub.point.end(), sets.point.begin() + sets.first[c], sets.point.begin() + sets.first[c + 1]);
      sub.first.push_back(static_cast<uint32_t>(sub.point.size()));
    }
    auto ordered = planning::greedy(sub, pop, covered, 0);
    double greedy_covered = r.steps.empty() ? r.covered_before : r.steps.back().covered;
    r.steps.clear();
    for (auto& s : ordered.steps) r.steps.push_back({x.chosen[s.candidate], s.gain, s.covered});
    std::cerr << fmt::format("maillage: exact MIP (CBC, {} candidates x {} merged elements): {} in {:.1f} s; covered {:.0f}; {}; "
                             "greedy covered {:.0f}\n",
                             x.variables - x.elements, x.elements, x.optimal ? "optimal" : "time limit reached", x.seconds,
                             x.covered,
                             x.has_bound ? fmt::format("bound {:.0f}, gap {:.3f} %", x.bound, 100 * x.gap)
                                         : std::string("no bound: the root relaxation did not finish within the time limit"),
                             greedy_covered);
  }
  if (a.json) {
    json steps = json::array();
    for (size_t i = 0; i < r.steps.size(); ++i) {
      auto& s = r.steps[i];
      auto& cd = cands[s.candidate];
      steps.push_back({{"rank", i + 1}, {"id", cd.id}, {"name", cd.name}, {"lon", cd.at.lon}, {"lat", cd.at.lat},
                       {"added_population", s.gain}, {"covered", s.covered}, {"share", s.covered / r.population}});
    }
    std::cout << json{{"date", c.date}, {"threshold_minutes", a.threshold}, {"candidates", a.candidates},
                      {"method", a.exact && !cover ? "exact MIP (COIN-OR CBC)" : "greedy with lazy gain updates (at least 1 - 1/e of the optimum)"},
                      {"open_places", c.places.size()}, {"population", r.population}, {"covered_by_open_places", r.covered_before},
                      {"uncoverable", r.uncoverable}, {"sites", steps}, {"coverage_sets_seconds", sets_s}}.dump(2) << '\n';
    return;
  }
  if (a.csv) {
    csv::Writer w(std::cout);
    w.row({"rank", "id", "name", "lon", "lat", "added_population", "covered", "share"});
    for (size_t i = 0; i < r.steps.size(); ++i) {
      auto& s = r.steps[i];
      auto& cd = cands[s.candidate];
      w.row({std::to_string(i + 1), cd.id, cd.name, fmt::format("{}", cd.at.lon), fmt::format("{}", cd.at.lat),
             fmt::format("{:.0f}", s.gain), fmt::format("{:.0f}", s.covered), fmt::format("{:.4f}", s.covered / r.population)});
    }
    return;
  }
  std::cout << fmt::format("Planning on {} with {} open places, threshold {:g} min, candidates: {} ({}); coverage sets in {:.2f} s\n",
                           c.date, c.places.size(), a.threshold, a.candidates, cands.size(), sets_s);
  std::cout << fmt::format("Covered today: {:.0f} of {:.0f} ({:.1f} %); no candidate can cover {:.0f} inhabitants\n",
                           r.covered_before, r.population, 100 * r.covered_before / r.population, r.uncoverable);
  std::cout << (a.exact && !cover ? "Method: exact MIP (COIN-OR CBC), sites ordered by marginal gain; solver figures on stderr.\n"
                                  : "Method: greedy with lazy gain updates (within 1 - 1/e of the optimum); --exact for the MIP.\n");
  if (cover)
    std::cout << fmt::format("{} new sites cover every coverable inhabitant:\n", r.steps.size());
  std::cout << fmt::format("{:>5}  {:<34}{:>12}{:>14}{:>8}\n", "rank", "site", "added", "covered", "share");
  for (size_t i = 0; i < r.steps.size(); ++i) {
    auto& s = r.steps[i];
    std::cout << fmt::format("{:>5}  {:<34}{:>12.0f}{:>14.0f}{:>7.1f}%\n", i + 1,
                             fmt::format("{} ({})", cands[s.candidate].name, cands[s.candidate].id).substr(0, 33), s.gain,
                             s.covered, 100 * s.covered / r.population);
  }
}
}  // namespace

void add_plan_commands(CLI::App& app, Globals& g) {
  auto* plan = app.add_subcommand("plan", "where new tiers-lieux would close the gaps: best k sites, cover, criticality");
  plan->require_subcommand(1);
  auto a = std::make_shared<PlanArgs>();
  auto common = [a](CLI::App* c) {
    c->add_option("--threshold", a->threshold, "minutes (default 20)")->check(CLI::Range(1.0, 600.0));
    c->add_option("--date", a->date, "open places at this date are fixed (default: today)");
    c->add_flag("--json", a->json, "JSON output");
    c->add_flag("--csv", a->csv, "CSV output");
  };
  auto* best = plan->add_subcommand("best", "the k new sites that add the most covered population (the curve: each rank's cumulative share)");
  best->add_option("--k", a->k, "number of sites (default 10)")->check(CLI::Range(1, 100000));
  best->add_option("--candidates", a->candidates, "communes (centres, default), grid (1 km cells) or a CSV file (id, name, lon, lat)");
  best->add_flag("--exact", a->exact, "solve the maximal covering MIP exactly with COIN-OR CBC (greedy as the start)");
  best->add_option("--time-limit", a->time_limit, "seconds for --exact (default 60); the gap to the bound is reported")
      ->check(CLI::Range(1.0, 86400.0));
  common(best);
  best->callback([&g, a] { run_greedy(g, *a, false); });
  auto* cover = plan->add_subcommand("cover", "new sites until every coverable inhabitant is within the threshold");
  cover->add_option("--candidates", a->candidates, "communes (default), grid or a CSV file");
  common(cover);
  cover->callback([&g, a] { run_greedy(g, *a, true); });
  auto* crit = plan->add_subcommand("criticality", "for each open place: the population only it covers, and the added time for its users");
  common(crit);
  crit->callback([&g, a] {
    auto c = make_context(g, *a);
    auto res = planning::criticality(*c.engine, c.places, c.threshold);
    std::sort(res.begin(), res.end(), [](auto& x, auto& y) { return x.sole_population != y.sole_population ? x.sole_population > y.sole_population : x.place < y.place; });
    if (a->json) {
      json arr = json::array();
      for (auto& r : res)
        arr.push_back({{"id", c.places[r.place].id}, {"name", c.places[r.place].name}, {"sole_population", r.sole_population},
                       {"users", r.users}, {"added_minutes", std::round(r.added_minutes * 100) / 100}, {"stranded", r.stranded}});
      std::cout << json{{"date", c.date}, {"threshold_minutes", a->threshold}, {"places", arr}}.dump(2) << '\n';
      return;
    }
    std::cout << fmt::format("{:<44}{:>16}{:>12}{:>16}\n", "place", "only it covers", "its users", "+min if closed");
    for (auto& r : res)
      std::cout << fmt::format("{:<44}{:>16.0f}{:>12.0f}{:>16.1f}\n", c.places[r.place].name.substr(0, 43), r.sole_population,
                               r.users, r.added_minutes);
  });
}

}  // namespace maillage::cli

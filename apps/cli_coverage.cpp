// `maillage coverage`: drive time from every inhabitant to the nearest open tiers-lieu, and the figures.
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "planning/run.hpp"
#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "coverage/coverage.hpp"
#include "coverage/indicators.hpp"
#include "coverage/part_time.hpp"
#include "coverage/serialize.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using nlohmann::json;

namespace {

struct CoverageArgs {
  double threshold = 20;
  std::string date, population = "grid", geojson;
  bool json = false, csv = false;
  int top = 10;
  PartTimeArgs pt;
};
// One row per commune (CSV).
void print_communes_csv(const coverage::Report& r, const std::vector<coverage::Place>& places) {
  csv::Writer w(std::cout);
  w.row({"insee", "name", "dep", "population", "centre_minutes", "centre_place_id", "mean_minutes", "covered_share"});
  for (auto& c : r.communes)
    w.row({c.insee, c.name, c.dep, fmt::format("{:.0f}", c.population),
           c.centre_ms == roads::kInfinity ? "" : fmt::format("{:.2f}", c.centre_ms / 60000.0),
           c.centre_place == roads::kInvalid ? "" : places[c.centre_place].id,
           c.mean_minutes < 0 ? "" : fmt::format("{:.2f}", c.mean_minutes), fmt::format("{:.4f}", c.covered_share)});
}

// The human-readable report: the share covered, departments, distribution, the largest zones blanches.
void print_summary(const coverage::Report& r, const std::vector<coverage::Place>& places, const json& part_time,
                   const CoverageArgs& a, const std::string& d) {
  std::cout << fmt::format("Coverage on {}: {} open places, threshold {:g} min (a time equal to it is within)\n", d,
                           r.places_open, r.threshold_min);
  std::cout << fmt::format("Population: {}\n", r.population_description);
  if (!r.unsnapped_places.empty())
    std::cout << fmt::format("Places too far from the road network (left out): {}\n",
                             fmt::join(r.unsnapped_places, ", "));
  std::cout << fmt::format(
      "\n{:.0f} of {:.0f} inhabitants within {:g} min: {:.1f} %; {:.0f} cannot reach any place by road\n\n", r.covered,
      r.population, r.threshold_min, 100 * r.share(), r.unreachable);
  if (r.margin_fraction > 0)
    std::cout << fmt::format(
        "With every time {:.1f} % longer or shorter (the profile's cross-validated median error): "
        "{:.1f} % to {:.1f} %\n\n",
        100 * r.margin_fraction, 100 * r.covered_low / r.population, 100 * r.covered_high / r.population);
  std::cout << fmt::format("{:<4}{:<24}{:>12}{:>12}{:>8}{:>8}\n", "DEP", "", "population", "within", "share", "places");
  for (auto& dd : r.departments)
    std::cout << fmt::format("{:<4}{:<24}{:>12.0f}{:>12.0f}{:>7.1f}%{:>8}\n", dd.dep, dd.name, dd.population,
                             dd.covered, dd.population > 0 ? 100 * dd.covered / dd.population : 0.0, dd.places);
  if (!part_time.is_null()) print_part_time(part_time);
  if (!a.pt.open_at.empty())
    std::cout << fmt::format("\nOpen at {}: fixed places, and the itinerant stops served then\n", a.pt.open_at);
  std::cout << "\nDrive time deciles (min):";
  for (double m : r.deciles_min) std::cout << fmt::format(" {:.1f}", m);
  std::cout << "\nPopulation by 5-minute band:";
  for (auto& [name, pop] : r.bands) std::cout << fmt::format(" {} {:.0f};", name, pop);
  std::cout << '\n';
  if (!r.zones.empty()) {
    std::cout << fmt::format("\nZones blanches: {} (largest first)\n", r.zones.size());
    std::cout << fmt::format("{:>4}{:>11}{:>9}  {:<4}{:<36}{:<34}{}\n", "#", "population", "km2", "dep",
                             "main communes", "nearest place", "suggested site (inhabitants it brings within)");
    for (int k = 0; k < std::min<int>(a.top, static_cast<int>(r.zones.size())); ++k) {
      auto& z = r.zones[k];
      std::vector<std::string> names;
      for (auto& [code, pop] : z.main_communes) names.push_back(territory::CommuneTable::bundled().find(code)->name);
      std::string near = z.nearest_place == roads::kInvalid
                             ? "-"
                             : fmt::format("{} ({:.1f} min)", places[z.nearest_place].name, z.nearest_ms / 60000.0);
      std::string communes = fmt::format("{}", fmt::join(names, ", "));
      if (communes.size() > 35) communes = communes.substr(0, 32) + "...";
      if (near.size() > 33) near = near.substr(0, 30) + "...";
      std::string site = z.suggested ? fmt::format("{} ({:.0f})", z.suggested->name, z.suggested->population) : "-";
      std::cout << fmt::format("{:>4}{:>11.0f}{:>9}  {:<4}{:<36}{:<34}{}\n", z.rank, z.population, z.cells, z.dep,
                               communes, near, site);
    }
  }
}

}  // namespace

void add_coverage_commands(CLI::App& app, Globals& g) {
  auto a = std::make_shared<CoverageArgs>();
  auto* cov = app.add_subcommand("coverage",
                                 "drive time from every inhabitant to the nearest open tiers-lieu: share "
                                 "within the threshold, departments, distribution, zones blanches, communes");
  cov->add_option("--threshold", a->threshold, "minutes (default 20; a time equal to it is within)")
      ->check(CLI::Range(1.0, 600.0));
  cov->add_option("--date", a->date, "places open at this date (default: today)");
  cov->add_option(
         "--population", a->population,
         "grid (the territory's population grid cells, default) or communes (legal population at commune centres)")
      ->check(CLI::IsMember({"grid", "communes"}));
  cov->add_flag("--json", a->json, "the whole report as JSON (communes included)");
  cov->add_flag("--csv", a->csv, "one row per commune (CSV)");
  cov->add_option("--geojson", a->geojson,
                  "cells: every population point with its time and place; zones: the zones blanches")
      ->check(CLI::IsMember({"cells", "zones"}));
  cov->add_option("--top", a->top, "zones blanches listed in the table (default 10)");
  add_part_time_options(cov, a->pt);
  cov->callback([&g, a] {
    std::string d = a->date.empty() ? date::today() : a->date;
    std::string why;
    if (!date::parse(d, why, false)) throw Error("--date: " + why);
    auto store = open_store(g);
    registry::PlaceFilter f;
    f.open_on = d;
    f.fixed_only = true;
    std::vector<coverage::Place> places;
    for (auto& p : store->list(f)) places.push_back({p.id, p.name, p.insee_code, {*p.lon, *p.lat}});
    auto timed = part_time_sites(*store, d, a->pt, places);
    auto graph = open_graph(g);
    auto profile = graph_profile(graph);
    routing::Snapper snapper(graph, routing::SnapOptions::from(profile));
    auto source = a->population == "grid" ? territory::PopulationSource::Grid : territory::PopulationSource::Communes;
    auto& points = territory::bundled_points(source);
    coverage::Engine engine(graph, snapper, points, territory::CommuneTable::bundled());
    engine.compute(places);
    auto r = coverage::build_report(engine, places, d, a->threshold, profile.error_median);
    if (source == territory::PopulationSource::Grid)
      planning::suggest_zone_sites(engine, r, coverage::threshold_ms(a->threshold));
    json part_time = nullptr;  // permanent and part-time (not with --open-at: the stops then count as places)
    if (a->pt.open_at.empty()) {
      auto pt =
          coverage::part_time(engine, timed.sites, {coverage::threshold_ms(a->threshold), timed.days, a->pt.min_hours});
      pt.period_from = timed.monday;
      part_time = coverage::to_json(pt);
    }

    if (a->json) {
      auto j = coverage::report_json(r, places, true);
      j["part_time"] = part_time;
      if (!a->pt.open_at.empty()) j["open_at"] = a->pt.open_at;
      std::cout << j.dump(1) << '\n';
      return;
    }
    if (a->csv) return print_communes_csv(r, places);
    if (!a->geojson.empty()) {
      if (a->geojson == "zones" && source != territory::PopulationSource::Grid)
        throw Error("--geojson zones needs --population grid");
      auto fc = a->geojson == "cells" ? coverage::cells_geojson(engine, places, a->threshold)
                                      : coverage::zones_geojson(engine, r);
      std::cout << fc.dump() << '\n';
      return;
    }
    print_summary(r, places, part_time, *a, d);
  });
}

void add_indicators_command(CLI::App& app, Globals& g) {
  struct Args {
    std::string date;
    double threshold = 20;
    bool json = false, no_history = false;
  };
  auto a = std::make_shared<Args>();
  auto* ind = app.add_subcommand("indicators",
                                 "open places by type and department, inhabitants per place, share in "
                                 "rural areas, and the same by year with the coverage share");
  ind->add_option("--date", a->date, "date (default: today)");
  ind->add_option("--threshold", a->threshold, "minutes for the coverage share by year (default 20)")
      ->check(CLI::Range(1.0, 600.0));
  ind->add_flag("--no-history", a->no_history, "only the date itself");
  ind->add_flag("--json", a->json, "JSON output");
  ind->callback([&g, a] {
    std::string d = a->date.empty() ? date::today() : a->date;
    std::string why;
    if (!date::parse(d, why, false)) throw Error("--date: " + why);
    auto store = open_store(g);
    auto all = store->list({});
    std::unique_ptr<roads::RoadGraph> graph;
    std::unique_ptr<routing::Snapper> snapper;
    std::unique_ptr<coverage::Engine> engine;
    if (!a->no_history) {
      graph = std::make_unique<roads::RoadGraph>(open_graph(g));
      snapper = std::make_unique<routing::Snapper>(*graph, routing::SnapOptions::from(graph_profile(*graph)));
      engine = std::make_unique<coverage::Engine>(*graph, *snapper,
                                                  territory::bundled_points(territory::PopulationSource::Grid),
                                                  territory::CommuneTable::bundled());
    }
    auto r = coverage::compute_indicators(all, d, engine.get(), a->threshold, !a->no_history);
    if (a->json) {
      std::cout << coverage::indicators_json(r, store->revision()).dump(2) << '\n';
      return;
    }
    std::cout << fmt::format("Indicators on {} (registry revision {}): {} open places", r.date, store->revision(),
                             r.open_places);
    if (r.itinerant_places > 0) std::cout << fmt::format(" (and {} itinerant)", r.itinerant_places);
    if (r.open_without_opening_date)
      std::cout << fmt::format(" ({} with no known opening date)", r.open_without_opening_date);
    std::cout << fmt::format(
        "\nInhabitants per open place: {} (population: {})\n",
        r.inhabitants_per_place < 0 ? std::string("-") : fmt::format("{:.0f}", r.inhabitants_per_place),
        r.population_source);
    std::cout << "By type:";
    for (auto& [t, n] : r.by_type) std::cout << fmt::format(" {} {};", t, n);
    std::cout << fmt::format(
        "\nBy degree of urbanisation of their commune: cities {}, towns and suburbs {}, rural {} "
        "({:.0f} % rural)\n\n",
        r.by_urbanisation["city"], r.by_urbanisation["town_suburb"], r.by_urbanisation["rural"], 100 * r.rural_share);
    std::cout << fmt::format("{:<4}{:<24}{:>8}{:>14}{:>20}\n", "DEP", "", "places", "population", "inhabitants/place");
    for (auto& x : r.departments)
      std::cout << fmt::format(
          "{:<4}{:<24}{:>8}{:>14.0f}{:>20}\n", x.dep, x.name, x.open_places, x.population,
          x.inhabitants_per_place < 0 ? std::string("-") : fmt::format("{:.0f}", x.inhabitants_per_place));
    if (!r.history.empty()) {
      std::cout << fmt::format("\n{:<12}{:>8}{:>20}{:>18}\n", "date", "places", "inhabitants/place",
                               fmt::format("within {:g} min", r.threshold_min));
      for (auto& y : r.history)
        std::cout << fmt::format(
            "{:<12}{:>8}{:>20}{:>17.1f}%\n", y.date, y.open_places,
            y.inhabitants_per_place < 0 ? std::string("-") : fmt::format("{:.0f}", y.inhabitants_per_place),
            100 * y.coverage_share);
    }
  });
}

}  // namespace maillage::cli

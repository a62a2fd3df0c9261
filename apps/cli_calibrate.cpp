// `maillage graph calibrate`: the engine's times against real trip times, and the fit of the car profile with
// its cross-validated error (issue #15, docs/profile.md).
#include <cmath>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "routing/calibration.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using nlohmann::json;

namespace {

struct CalArgs {
  std::vector<std::string> pairs;
  std::string write_profile;
  bool fit = false, json = false;
  int folds = 5;
};

// Reads reference trips: columns origin_insee, destination_insee, minutes (quoted town-to-town times) or
// origin_lon, origin_lat, destination_lon, destination_lat, seconds (a routing service's times).
std::vector<routing::TripPair> read_pairs(const std::string& path) {
  auto t = csv::read(path);
  auto name = std::filesystem::path(path).filename().string();
  auto& communes = territory::CommuneTable::bundled();
  std::vector<routing::TripPair> out;
  int co = t.column("origin_insee"), cd = t.column("destination_insee"), cm = t.column("minutes");
  int olon = t.column("origin_lon"), olat = t.column("origin_lat"), dlon = t.column("destination_lon"),
      dlat = t.column("destination_lat"), cs = t.column("seconds"), on = t.column("origin"),
      dn = t.column("destination");
  bool by_code = co >= 0 && cd >= 0 && cm >= 0, by_point = olon >= 0 && olat >= 0 && dlon >= 0 && dlat >= 0 && cs >= 0;
  if (!by_code && !by_point)
    throw InputError(Location{path, 1, 0, {}},
                     "expected columns origin_insee, destination_insee, minutes or "
                     "origin_lon, origin_lat, destination_lon, destination_lat, seconds");
  for (auto& r : t.rows) {
    routing::TripPair p;
    p.source = name;
    if (by_code) {
      auto* a = communes.find(communes.current_code(r.fields[co]));
      auto* b = communes.find(communes.current_code(r.fields[cd]));
      if (!a || !b || !text::parse_double(r.fields[cm], p.ref_min) || p.ref_min <= 0)
        throw InputError(Location{path, r.line, 0, {}}, "unknown commune code or bad minutes");
      p.origin = a->name, p.destination = b->name, p.a = a->centre, p.b = b->centre;
    } else {
      double s = 0;
      if (!text::parse_double(r.fields[olon], p.a.lon) || !text::parse_double(r.fields[olat], p.a.lat) ||
          !text::parse_double(r.fields[dlon], p.b.lon) || !text::parse_double(r.fields[dlat], p.b.lat) ||
          !text::parse_double(r.fields[cs], s) || s <= 0)
        throw InputError(Location{path, r.line, 0, {}}, "bad coordinates or seconds");
      p.ref_min = s / 60;
      p.origin = on >= 0 ? r.fields[on] : "?", p.destination = dn >= 0 ? r.fields[dn] : "?";
    }
    out.push_back(std::move(p));
  }
  return out;
}

json stats_json(const routing::BandStats& b) {
  auto one = [](const routing::ErrorStats& s) { return json{{"pairs", s.n}, {"median", s.median}, {"p90", s.p90}}; };
  return {{"all", one(b.all)},
          {"under_30_min", one(b.under30)},
          {"30_to_60_min", one(b.from30to60)},
          {"over_60_min", one(b.over60)},
          {"unroutable_pairs", b.unroutable}};
}

void print_stats(const std::string& label, const routing::BandStats& b) {
  auto one = [](const routing::ErrorStats& s) {
    return s.n ? fmt::format("{:>5.1f} % {:>5.1f} % ({:>3})", 100 * s.median, 100 * s.p90, s.n) : std::string(22, ' ');
  };
  std::cout << fmt::format("{:<18}{:<24}{:<24}{:<24}{}\n", label, one(b.all), one(b.under30), one(b.from30to60),
                           one(b.over60));
}

void calibrate(const Globals& g, const CalArgs& a) {
  auto graph = open_graph(g);
  auto profile_json = graph.profile_json.empty() ? io::read_file(bundled_profile_path()) : graph.profile_json;
  auto profile = graph_profile(graph);
  std::vector<routing::TripPair> pairs;
  auto files =
      a.pairs.empty() ? std::vector<std::string>{paths::data_file("validation/drive_times_calibration.csv")} : a.pairs;
  for (auto& f : files) {
    auto more = read_pairs(f);
    pairs.insert(pairs.end(), more.begin(), more.end());
  }
  if (a.fit && graph.source.rfind("regional skeleton", 0) != 0)
    throw Error("--fit works on a graph built from the regional skeleton (its speeds are per class)");
  routing::Calibrator cal(graph, profile, pairs);
  routing::CalibrationReport rep;
  if (a.fit) {
    rep = cal.run(a.folds);
  } else {
    rep.before_min = cal.minutes(profile);
    rep.before = routing::band_stats(pairs, rep.before_min);
  }
  json rows = json::array();
  auto num = [](double x) { return std::isnan(x) ? json(nullptr) : json(std::round(x * 10) / 10); };
  if (!a.json)
    std::cout << fmt::format("{:<24}{:<24}{:>8}{:>9}{}\n", "origin", "destination", "ref min", "engine",
                             a.fit ? "   fitted  held-out" : "");
  for (size_t i = 0; i < pairs.size(); ++i) {
    auto& p = pairs[i];
    json row{{"origin", p.origin},
             {"destination", p.destination},
             {"source", p.source},
             {"reference_min", p.ref_min},
             {"engine_min", num(rep.before_min[i])}};
    if (a.fit) row["fitted_min"] = num(rep.fitted_min[i]), row["held_out_min"] = num(rep.cv_min[i]);
    rows.push_back(row);
    if (!a.json)
      std::cout << fmt::format("{:<24}{:<24}{:>8.0f}{:>9.1f}{}\n", p.origin.substr(0, 23), p.destination.substr(0, 23),
                               p.ref_min, rep.before_min[i],
                               a.fit ? fmt::format("{:>9.1f}{:>10.1f}", rep.fitted_min[i], rep.cv_min[i]) : "");
  }
  json result{{"pairs", rows}, {"files", files}, {"engine", stats_json(rep.before)}};
  if (!a.json) {
    std::cout << fmt::format("\nabsolute relative error: median, 90th percentile (pairs)\n{:<18}{:<24}{:<24}{:<24}{}\n",
                             "", "all trips", "under 30 min", "30 to 60 min", "over 60 min");
    print_stats("engine", rep.before);
    if (rep.before.unroutable)
      std::cout << fmt::format("({} pairs left out: an end lies beyond the graph's reach)\n", rep.before.unroutable);
  }
  if (a.fit) {
    result["fitted"] = stats_json(rep.in_sample);
    result["cross_validated"] = stats_json(rep.cross_validated);
    result["folds"] = rep.folds;
    json params = json::array();
    for (auto& p : rep.params)
      params.push_back({{"name", p.name}, {"value", p.value}, {"bounds", {p.lo, p.hi}}, {"at_bound", p.at_bound()}});
    result["parameters"] = params;
    if (!a.json) {
      print_stats("fitted (in sample)", rep.in_sample);
      print_stats(fmt::format("{}-fold held out", rep.folds), rep.cross_validated);
      std::cout << "\nfitted parameters (km/h; 'access' is the access leg's speed):\n";
      for (auto& p : rep.params)
        std::cout << fmt::format("  {:<16}{:>7.1f}   bounds [{}, {}]{}\n", p.name, p.value, p.lo, p.hi,
                                 p.at_bound() ? "   AT ITS BOUND" : "");
    }
    if (!a.write_profile.empty()) {
      auto j = rep.fitted.to_json(json::parse(profile_json));
      j["calibration"] = {{"date", date::today()},
                          {"files", files},
                          {"pairs", pairs.size()},
                          {"folds", rep.folds},
                          {"in_sample", stats_json(rep.in_sample)},
                          {"cross_validated", stats_json(rep.cross_validated)},
                          {"why",
                           "graph calibrate --fit: the error a time computed with this profile carries (the "
                           "held-out figures: each pair predicted by a profile fitted without it)"}};
      io::write_file_atomic(a.write_profile, j.dump(2) + "\n");
      if (!a.json) std::cout << "fitted profile written to " << a.write_profile << '\n';
    }
  }
  if (a.json) std::cout << result.dump(2) << '\n';
}

}  // namespace

void add_calibrate_command(CLI::App* graph, Globals& g) {
  auto ca = std::make_shared<CalArgs>();
  auto* cal = graph->add_subcommand("calibrate",
                                    "compare engine times with reference trip times; --fit fits the "
                                    "skeleton speeds and reports the cross-validated error");
  cal->add_option("--pairs", ca->pairs,
                  "reference trips CSV, repeatable: origin_insee, destination_insee, minutes, or origin_lon, "
                  "origin_lat, destination_lon, destination_lat, seconds (default: "
                  "data/validation/drive_times_calibration.csv)");
  cal->add_flag("--fit", ca->fit, "fit the skeleton class speeds (local layer included) and the access-leg speed");
  cal->add_option("--folds", ca->folds, "with --fit: folds of the cross-validation (default 5; 0: none)")
      ->check(CLI::Range(0, 1000));
  cal->add_option("--write-profile", ca->write_profile, "with --fit: write the fitted profile (with its errors) here");
  cal->add_flag("--json", ca->json, "JSON output");
  cal->callback([&g, ca] { calibrate(g, *ca); });
}

}  // namespace maillage::cli

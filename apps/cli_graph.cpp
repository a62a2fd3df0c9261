// `maillage graph build|info|calibrate` and `maillage route`.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "roads/importers.hpp"
#include "routing/engine.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using nlohmann::json;
using namespace roads;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// "lon,lat" or an INSEE commune code or name (its centre).
geo::LonLat parse_point(const std::string& s) {
  if (auto p = parse_lonlat(s)) return *p;
  auto& communes = territory::CommuneTable::bundled();
  auto code = communes.resolve(s);
  if (code.empty()) throw Error(fmt::format("'{}' is neither lon,lat nor an INSEE code or commune name of the region", s));
  return communes.find(code)->centre;
}

std::string minutes(Millis ms) {
  if (ms == kInfinity) return "-";
  long s = std::lround(ms / 1000.0);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}
}  // namespace

void add_graph_commands(CLI::App& app, Globals& g) {
  auto* graph = app.add_subcommand("graph", "the road graph: build, info, calibrate");
  graph->require_subcommand(1);

  // graph build
  struct BuildArgs {
    std::string osm, profile, out;
    std::vector<std::string> skeleton;
    bool json = false;
  };
  auto ba = std::make_shared<BuildArgs>();
  auto* build = graph->add_subcommand("build", "build a graph file from an OSM extract or the regional skeleton");
  auto* osm_opt = build->add_option("--osm", ba->osm, "OpenStreetMap extract (.osm.pbf, .osm, .opl)");
  auto* sk_opt = build->add_option("--skeleton", ba->skeleton, "Travel Mapping waypoint CSV(s) (default: the bundled regional skeleton)");
  osm_opt->excludes(sk_opt);
  build->add_option("--profile", ba->profile, "car profile JSON (default: data/profiles/car.json)");
  build->add_option("-o,--output", ba->out, "graph file to write (default: --graph, $MAILLAGE_GRAPH or maillage.graph)");
  build->add_flag("--json", ba->json, "print the build report as JSON");
  build->callback([&g, ba] {
    auto t0 = std::chrono::steady_clock::now();
    auto profile_path = ba->profile.empty() ? bundled_profile_path() : ba->profile;
    auto profile = Profile::load(profile_path);
    BuildReport rep;
    OsmImportStats stats;
    RoadGraph graph = ba->osm.empty()
                          ? build_from_skeleton(ba->skeleton.empty() ? bundled_skeleton() : ba->skeleton, profile,
                                                io::read_file(profile_path), &rep)
                          : build_from_osm(ba->osm, profile, io::read_file(profile_path), &rep, &stats);
    auto out = ba->out.empty() ? graph_path(g) : ba->out;
    graph.save(out);
    double secs = seconds_since(t0);
    if (ba->json) {
      std::cout << json{{"output", out}, {"nodes", rep.nodes}, {"edges", rep.edges}, {"arcs", rep.arcs},
                        {"km", rep.total_km}, {"components", rep.components}, {"main_component_nodes", rep.main_nodes},
                        {"dropped_nodes", rep.dropped_nodes}, {"dropped_edges", rep.dropped_edges},
                        {"dropped_km", rep.dropped_km}, {"seconds", secs}}.dump(2) << '\n';
      return;
    }
    if (!ba->osm.empty()) std::cout << stats.str() << '\n';
    std::cout << rep.str() << '\n' << fmt::format("written {} in {:.2f} s\n", out, secs);
  });

  // graph info
  auto info_file = std::make_shared<std::string>();
  auto info_json = std::make_shared<bool>(false);
  auto* info = graph->add_subcommand("info", "counts, memory and components of a graph file");
  info->add_option("FILE", *info_file, "graph file (default: --graph, $MAILLAGE_GRAPH or maillage.graph)");
  info->add_flag("--json", *info_json, "JSON output");
  info->callback([&g, info_file, info_json] {
    Globals gg = g;
    if (!info_file->empty()) gg.graph = *info_file;
    auto t0 = std::chrono::steady_clock::now();
    auto graph = open_graph(gg);
    double load_s = seconds_since(t0);
    size_t main = 0;
    for (auto f : graph.in_main_component) main += f;
    double km = 0;
    std::map<std::string, double> km_by_class;
    for (size_t e = 0; e < graph.edge_count(); ++e) {
      km += graph.edge_length_m[e] / 1000;
      km_by_class[road_class_name(static_cast<RoadClass>(graph.edge_class[e]))] += graph.edge_length_m[e] / 1000;
    }
    size_t n = graph.node_count(), m = graph.arc_count();
    size_t node_bytes = n * (2 * sizeof(int32_t) + 2 * sizeof(double) + 1 + 2 * sizeof(uint32_t));
    size_t arc_bytes = m * 2 * (sizeof(NodeId) + sizeof(Millis) + sizeof(uint32_t));
    json j{{"file", graph_path(gg)}, {"source", graph.source}, {"profile", graph.profile_name},
           {"built_at", graph.built_at}, {"nodes", n}, {"arcs", m}, {"edges", graph.edge_count()},
           {"km", km}, {"km_by_class", km_by_class}, {"main_component_nodes", main}, {"outside_main_component", n - main},
           {"memory_bytes", graph.memory_bytes()}, {"bytes_per_node", n ? double(node_bytes) / n : 0},
           {"bytes_per_arc", m ? double(arc_bytes) / m : 0}, {"load_seconds", load_s}};
    if (*info_json) {
      std::cout << j.dump(2) << '\n';
      return;
    }
    std::cout << fmt::format("{}\n  source: {}\n  profile: {}, built {}\n", graph_path(gg), graph.source,
                             graph.profile_name, graph.built_at);
    std::cout << fmt::format("  {} nodes, {} arcs, {} edges, {:.0f} km of road\n", n, m, graph.edge_count(), km);
    for (auto& [c, k] : km_by_class) std::cout << fmt::format("    {:<16}{:>10.0f} km\n", c, k);
    std::cout << fmt::format("  largest strongly connected component: {} nodes ({:.2f} %); {} nodes outside (not used for snapping)\n",
                             main, n ? 100.0 * main / n : 0, n - main);
    std::cout << fmt::format("  memory: {:.1f} MiB in all; {:.1f} bytes per node and {:.1f} bytes per arc (both directions' CSR)\n",
                             graph.memory_bytes() / 1048576.0, n ? double(node_bytes) / n : 0, m ? double(arc_bytes) / m : 0);
    std::cout << fmt::format("  loaded in {:.3f} s\n", load_s);
  });

  // graph calibrate
  struct CalArgs {
    std::string pairs, write_profile;
    bool fit = false, json = false;
  };
  auto ca = std::make_shared<CalArgs>();
  auto* cal = graph->add_subcommand("calibrate", "compare engine times with reference trip times; optionally fit the skeleton speeds");
  cal->add_option("--pairs", ca->pairs, "CSV with origin_insee, destination_insee, minutes (default: data/validation/drive_times_calibration.csv)");
  cal->add_flag("--fit", ca->fit, "fit the skeleton class speeds to the pairs (graph built from the skeleton only)");
  cal->add_option("--write-profile", ca->write_profile, "with --fit: write the fitted profile here");
  cal->add_flag("--json", ca->json, "JSON output");
  cal->callback([&g, ca] {
    auto graph = open_graph(g);
    auto profile_json = graph.profile_json.empty() ? io::read_file(bundled_profile_path()) : graph.profile_json;
    auto profile = graph_profile(graph);
    auto pairs_path = ca->pairs.empty() ? paths::data_file("validation/drive_times_calibration.csv") : ca->pairs;
    auto t = csv::read(pairs_path);
    int co = t.column("origin_insee"), cd = t.column("destination_insee"), cm = t.column("minutes");
    if (co < 0 || cd < 0 || cm < 0)
      throw InputError(Location{pairs_path, 1, 0, {}}, "expected columns origin_insee, destination_insee, minutes");
    auto& communes = territory::CommuneTable::bundled();
    struct Pair {
      int line;
      std::string from, to;
      geo::LonLat a, b;
      double ref_min;
    };
    std::vector<Pair> pairs;
    for (auto& r : t.rows) {
      auto* a = communes.find(communes.current_code(r.fields[co]));
      auto* b = communes.find(communes.current_code(r.fields[cd]));
      double m = 0;
      if (!a || !b || !text::parse_double(r.fields[cm], m) || m <= 0)
        throw InputError(Location{pairs_path, r.line, 0, {}}, "unknown commune code or bad minutes");
      pairs.push_back({r.line, a->name, b->name, a->centre, b->centre, m});
    }
    routing::Snapper snapper(graph, routing::SnapOptions::from(profile));
    routing::Search search(graph);
    auto evaluate = [&](std::vector<double>* out) {
      std::vector<double> errs;
      for (auto& p : pairs) {
        auto r = routing::route(snapper, search, p.a, p.b);
        double m = r.ok ? r.ms / 60000.0 : NAN;
        if (out) out->push_back(m);
        errs.push_back(r.ok ? (m - p.ref_min) / p.ref_min : INFINITY);
      }
      return errs;
    };
    auto summary = [](std::vector<double> errs) {
      std::vector<double> a;
      for (double e : errs) a.push_back(std::abs(e));
      std::sort(a.begin(), a.end());
      double med = a.empty() ? 0 : (a.size() % 2 ? a[a.size() / 2] : (a[a.size() / 2 - 1] + a[a.size() / 2]) / 2);
      return std::pair{med, a.empty() ? 0.0 : a.back()};
    };
    std::vector<double> engine_min;
    auto errs = evaluate(&engine_min);
    auto [med0, worst0] = summary(errs);
    json rows = json::array();
    if (!ca->json) std::cout << fmt::format("{:<26}{:<26}{:>9}{:>9}{:>9}\n", "origin", "destination", "ref min", "engine", "error");
    for (size_t i = 0; i < pairs.size(); ++i) {
      auto& p = pairs[i];
      rows.push_back({{"line", p.line}, {"origin", p.from}, {"destination", p.to}, {"reference_min", p.ref_min},
                      {"engine_min", std::isnan(engine_min[i]) ? json(nullptr) : json(engine_min[i])},
                      {"relative_error", std::isfinite(errs[i]) ? json(errs[i]) : json(nullptr)}});
      if (!ca->json)
        std::cout << fmt::format("{:<26}{:<26}{:>9.0f}{:>9.1f}{:>8.0f}%\n", p.from.substr(0, 25), p.to.substr(0, 25),
                                 p.ref_min, engine_min[i], 100 * errs[i]);
    }
    json result{{"pairs", rows}, {"median_abs_relative_error", med0}, {"worst_abs_relative_error", worst0}};
    if (!ca->json)
      std::cout << fmt::format("{} pairs: median absolute relative error {:.1f} %, worst {:.1f} %\n", pairs.size(),
                               100 * med0, 100 * worst0);
    if (ca->fit) {
      if (graph.source.rfind("regional skeleton", 0) != 0)
        throw Error("--fit works on a graph built from the regional skeleton (its speeds are per class)");
      // Coordinate descent on the class speeds, minimising the mean absolute log ratio (robust, symmetric).
      auto cost = [&](const Profile& p) {
        for (size_t e = 0; e < graph.edge_count(); ++e) {
          double speed = p.skeleton_speeds_kmh.at(road_class_name(static_cast<RoadClass>(graph.edge_class[e]))) / 3.6;
          double s = graph.edge_length_m[e] / speed;
          graph.edge_time_fwd[e] = graph.edge_time_bwd[e] = to_millis(s);
        }
        for (size_t a = 0; a < graph.arc_count(); ++a) graph.out[a].weight = graph.edge_time_fwd[graph.arc_edge[a] / 2];
        for (size_t a = 0; a < graph.arc_count(); ++a) graph.in[a].weight = graph.edge_time_fwd[graph.in_arc_edge[a] / 2];
        std::vector<double> m;
        evaluate(&m);
        double c = 0;
        for (size_t i = 0; i < pairs.size(); ++i) c += std::isnan(m[i]) ? 10 : std::abs(std::log(m[i] / pairs[i].ref_min));
        return c / pairs.size();
      };
      Profile best = profile;
      double best_cost = cost(best);
      for (double step : {0.2, 0.1, 0.05, 0.02}) {
        for (bool improved = true; improved;) {
          improved = false;
          for (auto& [cls, speed] : profile.skeleton_speeds_kmh) {
            for (double f : {1 + step, 1 / (1 + step)}) {
              Profile trial = best;
              auto bounds = best.fit_bounds_kmh.count(cls) ? best.fit_bounds_kmh.at(cls) : std::pair{30.0, 130.0};
              trial.skeleton_speeds_kmh[cls] = std::clamp(best.skeleton_speeds_kmh[cls] * f, bounds.first, bounds.second);
              double c = cost(trial);
              if (c < best_cost - 1e-9) best = trial, best_cost = c, improved = true;
            }
          }
        }
      }
      cost(best);
      auto fitted = evaluate(nullptr);
      auto [med1, worst1] = summary(fitted);
      result["fitted_speeds_kmh"] = best.skeleton_speeds_kmh;
      result["fitted_median_abs_relative_error"] = med1;
      result["fitted_worst_abs_relative_error"] = worst1;
      if (!ca->json) {
        std::cout << "fitted skeleton speeds (km/h):";
        for (auto& [c, s] : best.skeleton_speeds_kmh) std::cout << fmt::format(" {} {:.1f}", c, s);
        std::cout << fmt::format("\nafter fitting: median absolute relative error {:.1f} %, worst {:.1f} %\n", 100 * med1, 100 * worst1);
      }
      if (!ca->write_profile.empty()) {
        io::write_file_atomic(ca->write_profile, best.to_json(json::parse(profile_json)).dump(2) + "\n");
        if (!ca->json) std::cout << "fitted profile written to " << ca->write_profile << '\n';
      }
    }
    if (ca->json) std::cout << result.dump(2) << '\n';
  });

  // route
  struct RouteArgs {
    std::string from, to;
    bool json = false, geojson = false;
  };
  auto ra = std::make_shared<RouteArgs>();
  auto* rt = app.add_subcommand("route", "drive time, distance and roads between two points");
  rt->add_option("FROM", ra->from, "lon,lat or INSEE code or commune name (its centre)")->required();
  rt->add_option("TO", ra->to, "lon,lat or INSEE code or commune name (its centre)")->required();
  rt->add_flag("--json", ra->json, "JSON output (geometry included)");
  rt->add_flag("--geojson", ra->geojson, "the route as a GeoJSON Feature (LineString)");
  rt->callback([&g, ra] {
    auto graph = open_graph(g);
    auto profile = graph_profile(graph);
    routing::Snapper snapper(graph, routing::SnapOptions::from(profile));
    routing::Search search(graph);
    auto a = parse_point(ra->from), b = parse_point(ra->to);
    auto r = routing::route(snapper, search, a, b);
    if (!r.ok) throw Error("no route: " + r.why);
    json coords = json::array();
    for (auto& p : r.geometry) coords.push_back({std::round(p.lon * 1e6) / 1e6, std::round(p.lat * 1e6) / 1e6});
    json legs = json::array();
    for (auto& l : r.legs)
      legs.push_back({{"road", l.name}, {"class", l.road_class}, {"distance_m", std::round(l.distance_m)},
                      {"seconds", std::lround(l.ms / 1000.0)}});
    json j{{"seconds", std::lround(r.ms / 1000.0)}, {"distance_m", std::round(r.distance_m)},
           {"access_from", {{"distance_m", std::round(r.access_from_m)}, {"seconds", std::lround(r.access_from_ms / 1000.0)}}},
           {"access_to", {{"distance_m", std::round(r.access_to_m)}, {"seconds", std::lround(r.access_to_ms / 1000.0)}}},
           {"legs", legs}};
    if (ra->geojson) {
      std::cout << json{{"type", "Feature"}, {"properties", j}, {"geometry", {{"type", "LineString"}, {"coordinates", coords}}}}.dump() << '\n';
      return;
    }
    if (ra->json) {
      j["geometry"] = coords;
      std::cout << j.dump(2) << '\n';
      return;
    }
    std::cout << fmt::format("{} min ({:.1f} km on the road network; access {:.1f} km at the start, {:.1f} km at the end)\n",
                             minutes(r.ms), r.distance_m / 1000, r.access_from_m / 1000, r.access_to_m / 1000);
    for (auto& l : r.legs)
      std::cout << fmt::format("  {:<24}{:<16}{:>8.1f} km{:>8} min\n", l.name.empty() ? "(unnamed)" : l.name, l.road_class,
                               l.distance_m / 1000, minutes(l.ms));
  });
}

}  // namespace maillage::cli

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
  if (code.empty())
    throw Error(fmt::format("'{}' is neither lon,lat nor an INSEE code or commune name of the region", s));
  return communes.find(code)->centre;
}

std::string minutes(Millis ms) {
  if (ms == kInfinity) return "-";
  long s = std::lround(ms / 1000.0);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}
}  // namespace

namespace {

// Building a graph file from an OSM extract or the skeleton.
void add_graph_build(CLI::App* graph, Globals& g) {
  struct BuildArgs {
    std::string osm, profile, out;
    std::vector<std::string> skeleton;
    bool json = false, no_local = false;
  };
  auto ba = std::make_shared<BuildArgs>();
  auto* build = graph->add_subcommand("build", "build a graph file from an OSM extract or the regional skeleton");
  auto* osm_opt = build->add_option("--osm", ba->osm, "OpenStreetMap extract (.osm.pbf, .osm, .opl)");
  auto* sk_opt = build->add_option("--skeleton", ba->skeleton,
                                   "Travel Mapping waypoint CSV(s) (default: the bundled regional skeleton)");
  osm_opt->excludes(sk_opt);
  build->add_option("--profile", ba->profile, "car profile JSON (default: data/profiles/car.json)");
  build->add_option("-o,--output", ba->out,
                    "graph file to write (default: --graph, $MAILLAGE_GRAPH or maillage.graph)");
  build->add_flag("--json", ba->json, "print the build report as JSON");
  build->add_flag("--no-local-layer", ba->no_local,
                  "skeleton graphs: the numbered roads only, without the modelled local roads (commune centres linked "
                  "to their neighbours and to the nearest roads; docs/profile.md)");
  build->callback([&g, ba] {
    auto t0 = std::chrono::steady_clock::now();
    auto profile_path = ba->profile.empty() ? bundled_profile_path() : ba->profile;
    auto profile = Profile::load(profile_path);
    BuildReport rep;
    OsmImportStats stats;
    std::optional<LocalLayer> local;
    if (ba->osm.empty() && !ba->no_local) local = bundled_local_layer();
    RoadGraph graph = ba->osm.empty()
                          ? build_from_skeleton(ba->skeleton.empty() ? bundled_skeleton() : ba->skeleton, profile,
                                                io::read_file(profile_path), &rep, local ? &*local : nullptr)
                          : build_from_osm(ba->osm, profile, io::read_file(profile_path), &rep, &stats);
    auto out = ba->out.empty() ? graph_path(g) : ba->out;
    graph.save(out);
    double secs = seconds_since(t0);
    if (ba->json) {
      std::cout << json{{"output", out},
                        {"nodes", rep.nodes},
                        {"edges", rep.edges},
                        {"arcs", rep.arcs},
                        {"km", rep.total_km},
                        {"components", rep.components},
                        {"main_component_nodes", rep.main_nodes},
                        {"dropped_nodes", rep.dropped_nodes},
                        {"dropped_edges", rep.dropped_edges},
                        {"dropped_km", rep.dropped_km},
                        {"local_links", rep.local_links},
                        {"local_links_refused", rep.local_links_refused},
                        {"seconds", secs}}
                       .dump(2)
                << '\n';
      return;
    }
    if (!ba->osm.empty()) std::cout << stats.str() << '\n';
    std::cout << rep.str() << '\n' << fmt::format("written {} in {:.2f} s\n", out, secs);
  });
}

// What a graph file holds.
void add_graph_info(CLI::App* graph, Globals& g) {
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
    json j{{"file", graph_path(gg)},
           {"source", graph.source},
           {"profile", graph.profile_name},
           {"built_at", graph.built_at},
           {"nodes", n},
           {"arcs", m},
           {"edges", graph.edge_count()},
           {"km", km},
           {"km_by_class", km_by_class},
           {"main_component_nodes", main},
           {"outside_main_component", n - main},
           {"memory_bytes", graph.memory_bytes()},
           {"bytes_per_node", n ? double(node_bytes) / n : 0},
           {"bytes_per_arc", m ? double(arc_bytes) / m : 0},
           {"load_seconds", load_s}};
    if (*info_json) {
      std::cout << j.dump(2) << '\n';
      return;
    }
    std::cout << fmt::format("{}\n  source: {}\n  profile: {}, built {}\n", graph_path(gg), graph.source,
                             graph.profile_name, graph.built_at);
    std::cout << fmt::format("  {} nodes, {} arcs, {} edges, {:.0f} km of road\n", n, m, graph.edge_count(), km);
    for (auto& [c, k] : km_by_class) std::cout << fmt::format("    {:<16}{:>10.0f} km\n", c, k);
    std::cout << fmt::format(
        "  largest strongly connected component: {} nodes ({:.2f} %); {} nodes outside (not used for snapping)\n", main,
        n ? 100.0 * main / n : 0, n - main);
    std::cout << fmt::format(
        "  memory: {:.1f} MiB in all; {:.1f} bytes per node and {:.1f} bytes per arc (both directions' CSR)\n",
        graph.memory_bytes() / 1048576.0, n ? double(node_bytes) / n : 0, m ? double(arc_bytes) / m : 0);
    std::cout << fmt::format("  loaded in {:.3f} s\n", load_s);
  });

  add_calibrate_command(graph, g);
}

// A route between two places, its time and roads.
void add_route(CLI::App& app, Globals& g) {
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
      legs.push_back({{"road", l.name},
                      {"class", l.road_class},
                      {"distance_m", std::round(l.distance_m)},
                      {"seconds", std::lround(l.ms / 1000.0)}});
    json j{
        {"seconds", std::lround(r.ms / 1000.0)},
        {"distance_m", std::round(r.distance_m)},
        {"access_from",
         {{"distance_m", std::round(r.access_from_m)}, {"seconds", std::lround(r.access_from_ms / 1000.0)}}},
        {"access_to", {{"distance_m", std::round(r.access_to_m)}, {"seconds", std::lround(r.access_to_ms / 1000.0)}}},
        {"legs", legs}};
    if (ra->geojson) {
      std::cout << json{{"type", "Feature"},
                        {"properties", j},
                        {"geometry", {{"type", "LineString"}, {"coordinates", coords}}}}
                       .dump()
                << '\n';
      return;
    }
    if (ra->json) {
      j["geometry"] = coords;
      std::cout << j.dump(2) << '\n';
      return;
    }
    std::cout << fmt::format(
        "{} min ({:.1f} km on the road network; access {:.1f} km at the start, {:.1f} km at the end)\n", minutes(r.ms),
        r.distance_m / 1000, r.access_from_m / 1000, r.access_to_m / 1000);
    for (auto& l : r.legs)
      std::cout << fmt::format("  {:<24}{:<16}{:>8.1f} km{:>8} min\n", l.name.empty() ? "(unnamed)" : l.name,
                               l.road_class, l.distance_m / 1000, minutes(l.ms));
  });
}

}  // namespace

void add_graph_commands(CLI::App& app, Globals& g) {
  auto* graph = app.add_subcommand("graph", "the road graph: build, info, calibrate");
  graph->require_subcommand(1);
  add_graph_build(graph, g);
  add_graph_info(graph, g);
  add_route(app, g);
}

}  // namespace maillage::cli

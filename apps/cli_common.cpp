// The shared pieces of the command line (cli.hpp): where the registry and the road graph are, and how they are
// created from the bundled data on first use.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "registry/io_formats.hpp"
#include "roads/importers.hpp"
#include "territory/config.hpp"
#include "territory/communes.hpp"
#include "territory/neighbours.hpp"
#include "territory/population.hpp"
#include "territory/outline.hpp"

namespace maillage::cli {

using nlohmann::json;

std::string db_path(const Globals& g) {
  if (!g.db.empty()) return g.db;
  if (const char* e = std::getenv("MAILLAGE_DB"); e && *e) return e;
  return "maillage.db";
}

const registry::Validator& validator() {
  static const registry::Validator v(territory::CommuneTable::bundled(), territory::Outline::bundled_region(),
                                     date::today());
  return v;
}

void print_problems(const registry::ImportReport& rep, size_t max_lines) {
  size_t n = 0;
  for (auto& p : rep.problems) {
    if (n++ == max_lines) {
      std::cerr << fmt::format("... and {} more (use --skip-invalid --rejects FILE for the full list)\n",
                               rep.problems.size() - max_lines);
      break;
    }
    std::cerr << p.str() << '\n';
  }
}

std::unique_ptr<registry::PlaceStore> open_store(const Globals& g) {
  auto path = db_path(g);
  auto store = std::make_unique<registry::PlaceStore>(path, &territory::CommuneTable::bundled());
  if (store->created() && !g.no_seed && !territory::config().places_seed.empty()) {
    auto bundled = territory::data_path(territory::config().places_seed, "places_seed");
    std::cerr << fmt::format("maillage: creating {} from the bundled data ({})...\n", store->db().path(), bundled);
    registry::ImportOptions o;
    o.origin = "bundled data: data/" + territory::config().places_seed;
    auto rep = registry::import_file(*store, validator(), bundled, o);
    if (!rep.committed) {
      print_problems(rep, 200);
      store.reset();
      if (!db::is_postgresql(path)) std::filesystem::remove(path);
      throw Error("the bundled places list does not validate; database not created");
    }
    std::cerr << fmt::format("maillage: {} places loaded (registry revision {})\n", rep.inserted, rep.revision);
  }
  return store;
}

std::string bundled_profile_path() { return paths::data_file("profiles/car.json"); }

std::vector<std::string> bundled_skeleton() { return territory::road_skeleton_paths(); }

std::string graph_path(const Globals& g) {
  if (!g.graph.empty()) return g.graph;
  if (const char* e = std::getenv("MAILLAGE_GRAPH"); e && *e) return e;
  return "maillage.graph";
}

std::optional<geo::LonLat> parse_lonlat(const std::string& s, const std::string& label) {
  auto parts = text::split_list(s, ",");
  double lon = 0, lat = 0;
  if (parts.size() != 2 || !text::parse_double(parts[0], lon) || !text::parse_double(parts[1], lat))
    return std::nullopt;
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90)
    throw Error(fmt::format("{}'{}': lon,lat out of range (WGS84 degrees)", label, s));
  return geo::LonLat{lon, lat};
}

roads::Profile graph_profile(const roads::RoadGraph& g) {
  if (g.profile_json.empty() || g.profile_json == "{}") return roads::Profile::load(bundled_profile_path());
  return roads::Profile::from_json(json::parse(g.profile_json), "profile stored in the graph");
}

OpenPlaces open_places_engine(const Globals& g, const std::string& d) {
  OpenPlaces c;
  c.date = d.empty() ? date::today() : d;
  std::string why;
  if (!date::parse(c.date, why, false)) throw Error("--date: " + why);
  c.store = open_store(g);
  registry::PlaceFilter f;
  f.open_on = c.date;
  f.fixed_only = true;
  c.open = c.store->list(f);
  for (auto& p : c.open) c.places.push_back({p.id, p.name, p.insee_code, {*p.lon, *p.lat}});
  c.graph = std::make_unique<roads::RoadGraph>(open_graph(g));
  c.profile = graph_profile(*c.graph);
  c.snapper = std::make_unique<routing::Snapper>(*c.graph, routing::SnapOptions::from(c.profile));
  c.engine = std::make_unique<coverage::Engine>(*c.graph, *c.snapper,
                                                territory::bundled_points(territory::PopulationSource::Grid),
                                                territory::CommuneTable::bundled());
  c.engine->compute(c.places);
  return c;
}

roads::LocalLayer bundled_local_layer() {
  // The outlines are read once: their shared edges make the neighbours, their unshared ones the shore.
  auto edges =
      territory::read_outline_edges(territory::data_path(territory::config().commune_outlines, "commune_outlines"));
  auto n = territory::commune_neighbours(territory::CommuneTable::bundled(), edges);
  auto land = std::make_shared<territory::LandMask>(edges, territory::water_barriers_path());
  return {std::move(n.centres), std::move(n.adjacent),
          [land](geo::LonLat a, geo::LonLat b) { return land->on_land(a, b); }};
}

roads::RoadGraph open_graph(const Globals& g) {
  auto path = graph_path(g);
  if (std::filesystem::exists(path)) {
    try {
      return roads::RoadGraph::load(path);
    } catch (const roads::GraphVersionError& e) {
      // A default graph made by an older maillage is rebuilt; a graph the user named is theirs to rebuild.
      if (!g.graph.empty() || std::getenv("MAILLAGE_GRAPH")) throw;
      std::cerr << "maillage: " << e.what() << "; rebuilding it\n";
    }
  }
  std::cerr << fmt::format("maillage: building {} from the bundled regional road skeleton...\n", path);
  auto profile_path = bundled_profile_path();
  roads::BuildReport rep;
  auto local = bundled_local_layer();
  auto graph = roads::build_from_skeleton(bundled_skeleton(), roads::Profile::load(profile_path),
                                          io::read_file(profile_path), &rep, &local);
  graph.save(path);
  std::cerr << "maillage: " << rep.str() << '\n';
  return graph;
}

std::string cli_actor() {
  const char* u = std::getenv("USER");
  return std::string("cli:") + (u && *u ? u : "unknown");
}

}  // namespace maillage::cli

#pragma once
// Shared pieces of the maillage command line.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "coverage/coverage.hpp"
#include "coverage/part_time.hpp"
#include "registry/io_formats.hpp"
#include "registry/store.hpp"
#include "registry/validate.hpp"
#include "roads/graph.hpp"
#include "roads/importers.hpp"
#include "roads/profile.hpp"

namespace maillage::cli {

struct Globals {
  std::string db;
  std::string graph;
  bool no_seed = false;
};

// The road graph: --graph, $MAILLAGE_GRAPH or maillage.graph; built from the bundled regional skeleton with the
// bundled profile on first use (with a progress line).
std::string graph_path(const Globals& g);
roads::RoadGraph open_graph(const Globals& g);
std::string bundled_profile_path();
std::vector<std::string> bundled_skeleton();  // the regional road skeleton and its 30 km of neighbours
// The local layer of skeleton graphs from the bundled data: commune centres, their neighbours by the 2018
// outlines, the land mask (region outline, water barriers).
roads::LocalLayer bundled_local_layer();

// "lon,lat" in WGS84 degrees; nullopt when the text is not two numbers; Error (prefixed by `label`) when they
// are out of range.
std::optional<geo::LonLat> parse_lonlat(const std::string& text, const std::string& label = "");

// The profile a graph was built with (stored in the graph file), or the bundled one.
roads::Profile graph_profile(const roads::RoadGraph& g);

// The registry: --db, $MAILLAGE_DB or maillage.db; created from the bundled places on first use.
std::unique_ptr<registry::PlaceStore> open_store(const Globals& g);
const registry::Validator& validator();

std::string db_path(const Globals& g);
// Who runs a command, for the audit log and the decisions: cli:$USER.
std::string cli_actor();
// The places open at a date (default today) and the coverage engine computed for them on the 1 km grid: what
// planning and the GIS commands start from.
struct OpenPlaces {
  std::string date;
  std::unique_ptr<registry::PlaceStore> store;
  std::vector<registry::Place> open;
  std::vector<coverage::Place> places;
  std::unique_ptr<roads::RoadGraph> graph;
  roads::Profile profile;
  std::unique_ptr<routing::Snapper> snapper;
  std::unique_ptr<coverage::Engine> engine;
};
OpenPlaces open_places_engine(const Globals& g, const std::string& date);

// Prints an import's problems on stderr, at most `max_lines` of them.
void print_problems(const registry::ImportReport& rep, size_t max_lines = 200);

// Registers `graph build|info|calibrate` and `route`.
void add_graph_commands(CLI::App& app, Globals& g);
void add_territory_commands(CLI::App& app, Globals& g);
// Registers `graph calibrate` under the graph command (cli_calibrate.cpp).
void add_calibrate_command(CLI::App* graph, Globals& g);
// Registers `coverage` and `indicators`.
void add_coverage_commands(CLI::App& app, Globals& g);
void add_indicators_command(CLI::App& app, Globals& g);
// Registers `ami ...`.
void add_ami_commands(CLI::App& app, Globals& g);
// Registers `plan ...`.
void add_plan_commands(CLI::App& app, Globals& g);
// Registers `serve` and `tokens`.
void add_serve_commands(CLI::App& app, Globals& g);
// Registers `booking ...`.
void add_booking_commands(CLI::App& app, Globals& g);
// Registers `isochrones` and `gpkg` (cli_gis.cpp).
void add_gis_commands(CLI::App& app, Globals& g);
// Registers `users ...` and `mail ...` (cli_users.cpp).
void add_users_commands(CLI::App& app, Globals& g);
// Registers `db backup|restore|check` (cli_db.cpp).
void add_db_commands(CLI::App& app, Globals& g);
// Registers `places ...` (cli_places.cpp).
void add_places_commands(CLI::App& app, Globals& g);
// cli_quality.cpp: places quality|confirm|remind
void add_quality_commands(CLI::App* places, Globals& g);
// cli_network.cpp: contacts and events
void add_network_commands(CLI::App& app, Globals& g);
// cli_charter.cpp: the network's charter and the signatures
void add_charter_commands(CLI::App& app, Globals& g);
// cli_publish.cpp: the bottin and the panorama
void add_publish_commands(CLI::App& app, Globals& g);
// cli_contributions.cpp: the moderation queue
void add_contributions_commands(CLI::App& app, Globals& g);

// cli_itinerant.cpp: itinerant places, their stops and timetables; a place's timetable for `places show`.
void add_itinerant_commands(CLI::App& app, Globals& g);
void print_timetable(registry::PlaceStore& store, const std::string& place_id, const std::string& from, int weeks);
nlohmann::json timetable_json(registry::PlaceStore& store, const std::string& place_id, const std::string& from,
                              int weeks);
// cli_tour.cpp: `plan tour`, registered under `plan`.
void add_tour_command(CLI::App* plan, Globals& g);
// Part-time coverage by the itinerant stops (cli_tour.cpp): the options and the section of `coverage`.
struct PartTimeArgs {
  int weeks = 2;
  std::string week;
  double min_hours = 1;
  std::string open_at;  // "Tu 09:00-12:00": the nearest place open then (fixed places, and stops served then)
};
void add_part_time_options(CLI::App* c, PartTimeArgs& a);
// The itinerant stops of the places open at `date`, as timed sites over the period the options name; with
// --open-at, the stops served then are added to `places` (the nearest place open at that time).
struct PartTime {
  std::string monday;
  int days = 14;
  std::vector<coverage::TimedSite> sites;
};
PartTime part_time_sites(registry::PlaceStore& store, const std::string& date, const PartTimeArgs& a,
                         std::vector<coverage::Place>& places);
void print_part_time(const nlohmann::json& pt);
}  // namespace maillage::cli

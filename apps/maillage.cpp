// maillage: the command line of the Maillage system. `maillage <noun> <verb> --help` documents each command.
// Every command works on the bundled regional data with no flags: the default database (maillage.db in the
// working directory, or $MAILLAGE_DB, or --db) is created from data/ on first use. The command families live in
// one file each (cli_places.cpp, cli_graph.cpp, ...); this file holds only the global options and main.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli.hpp"

using namespace maillage;

namespace {

int run(int argc, char** argv) {
  CLI::App app{
      "Maillage: the tiers-lieux of a French region (Nouvelle-Aquitaine as bundled; any region with `territory\n"
      "setup`), their directory and their territorial coverage.\n"
      "With no flags every command works on the bundled regional data (see README.md).\n"
      "The global options (--db, --graph, --no-seed) may come before or after the command.",
      "maillage"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "maillage 0.1.0");
  // Options of `maillage` itself are accepted anywhere on the line: an option a subcommand does not know falls
  // through to its parent (`maillage places import a.csv --db x.db` = `maillage --db x.db places import a.csv`).
  // Subcommands inherit this setting when they are created.
  app.fallthrough();
  app.footer(
      "Global options, accepted before or after the command: --db FILE, --graph FILE, --no-seed "
      "(see maillage --help).");
  cli::Globals g;
  app.add_option("--db", g.db,
                 "the database: a SQLite file, or a postgresql://user@host/base URL for several servers "
                 "(default: $MAILLAGE_DB or maillage.db in the working directory; docs/storage.md)");
  app.add_flag("--no-seed", g.no_seed, "create a missing database empty instead of filling it from the bundled data");
  app.add_option("--graph", g.graph,
                 "road graph file (default: $MAILLAGE_GRAPH or maillage.graph; built from the bundled skeleton when "
                 "missing)");
  cli::add_places_commands(app, g);
  cli::add_contributions_commands(app, g);
  cli::add_publish_commands(app, g);
  cli::add_charter_commands(app, g);
  cli::add_network_commands(app, g);
  cli::add_itinerant_commands(app, g);
  cli::add_graph_commands(app, g);
  cli::add_territory_commands(app, g);
  cli::add_coverage_commands(app, g);
  cli::add_indicators_command(app, g);
  cli::add_ami_commands(app, g);
  cli::add_plan_commands(app, g);
  cli::add_serve_commands(app, g);
  cli::add_booking_commands(app, g);
  cli::add_db_commands(app, g);
  cli::add_users_commands(app, g);
  cli::add_gis_commands(app, g);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "maillage: error: " << e.what() << '\n';
    return 1;
  }
}

#pragma once
// Shared pieces of the maillage command line.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "roads/graph.hpp"
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

// Registers `graph build|info|calibrate` and `route`.
void add_graph_commands(CLI::App& app, Globals& g);

}  // namespace maillage::cli

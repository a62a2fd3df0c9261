#pragma once
// What the places commands share (apps/cli_places.cpp): the filter and field options, writing one record from
// the command line, and the table and sheet printers.
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "registry/filter.hpp"
#include "registry/io_formats.hpp"
#include "registry/store.hpp"

namespace maillage::cli {

// Filters shared by `places list` and `places export`.
struct FilterArgs {
  std::vector<std::string> types;
  std::string status, department, commune, text, open_on, bbox, listed;
  int limit = 0, offset = 0;
  void add_to(CLI::App* cmd, bool paging);
  registry::PlaceFilter build() const;  // Error naming the option
};

// A record from --set field=value options and the shorthand flags (add, update).
struct PlaceArgs {
  std::vector<std::string> sets;
  std::optional<std::string> name, commune, status, opening, lon, lat, fte, address, siret;
  std::vector<std::string> types, services;
  void add_to(CLI::App* cmd);
  registry::Record build(std::vector<registry::Problem>& problems) const;
};

// The stored place with this id, or NotFound with a hint.
registry::Place require_place(registry::PlaceStore& store, const std::string& id);
std::string commune_label(const std::string& code);
// Cuts or pads a UTF-8 string to n code points (an ellipsis marks a cut).
std::string pad(const std::string& s, size_t n);
nlohmann::json report_json(const registry::ImportReport& r);
// Writes one record from the command line (add, update, close) and reports like an import; Error if refused.
registry::ImportReport write_record(registry::PlaceStore& store, registry::Record r,
                                    std::vector<registry::Problem> problems, const std::string& what,
                                    registry::ImportOptions::Mode mode, bool as_json);
void print_place(const registry::Place& p, bool include_private);
// Whether the place is listed today, and what is missing.
void print_listing(registry::PlaceStore& store, const registry::Place& p);

}  // namespace maillage::cli

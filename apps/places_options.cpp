// The options and printers shared by the places commands (places_options.hpp).
#include "places_options.hpp"

#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/date.hpp"
#include "registry/listing.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using namespace maillage::registry;
using nlohmann::json;

void FilterArgs::add_to(CLI::App* cmd, bool paging) {
  cmd->add_option("--type", types,
                  "only places of this type (repeatable: any of them); " + accepted_values(place_types()));
  cmd->add_option("--status", status, "open, project or closed (the recorded status)");
  cmd->add_option("--department", department, "department code, e.g. 33");
  cmd->add_option("--commune", commune, "INSEE code or commune name");
  cmd->add_option("--text", text, "words to find in name, address, commune or id (accents and case ignored)");
  cmd->add_option("--open-on", open_on, "only places open at this date (YYYY-MM-DD), derived from the dates");
  cmd->add_option("--bbox", bbox, "min_lon,min_lat,max_lon,max_lat");
  cmd->add_option("--listed", listed,
                  "true: only the places listed on the regional map (open, the charter in force "
                  "signed, the five criteria met) at --open-on or today; false: the others");
  if (paging) {
    cmd->add_option("--limit", limit, "at most this many places")->check(CLI::NonNegativeNumber);
    cmd->add_option("--offset", offset, "skip this many places first")->check(CLI::NonNegativeNumber);
  }
}

PlaceFilter FilterArgs::build() const {
  try {
    return parse_filter({types, status, department, commune, text, open_on, bbox, listed, limit, offset});
  } catch (const FilterError& e) {
    throw Error(fmt::format("--{}: {}", e.param == "open_on" ? "open-on" : e.param, e.what()));
  }
}

Place require_place(PlaceStore& store, const std::string& id) {
  auto p = store.get(id);
  if (!p) throw NotFound(fmt::format("no place with id '{}' (see 'maillage places list --text ...')", id));
  return *p;
}

std::string commune_label(const std::string& code) {
  auto* c = territory::CommuneTable::bundled().find(code);
  return c ? c->name : code;
}

namespace {
// Cuts a UTF-8 string to at most n code points, the last one an ellipsis when something was cut.
std::string fit(const std::string& s, size_t n) {
  std::vector<size_t> starts;  // byte offset of each code point
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  if (starts.size() <= n || n == 0) return s;
  return s.substr(0, starts[n - 1]) + "…";
}

}  // namespace

std::string pad(const std::string& s, size_t n) {
  // Text stored before the control-character rule (or by another tool) must not drive the terminal.
  std::string f = fit(text::printable(s, 4 * n + 8), n);
  size_t cps = 0;
  for (unsigned char c : f) cps += (c & 0xC0) != 0x80;
  return f + std::string(n > cps ? n - cps : 0, ' ');
}

json report_json(const ImportReport& r) {
  json problems = json::array();
  for (auto& p : r.problems)
    problems.push_back({{"severity", p.is_error() ? "error" : "warning"},
                        {"file", p.where.file},
                        {"line", p.where.line},
                        {"column", p.where.column},
                        {"field", p.where.field},
                        {"message", p.message}});
  return {{"file", r.file},
          {"format", format_name(r.format)},
          {"rows", r.rows},
          {"inserted", r.inserted},
          {"updated", r.updated},
          {"unchanged", r.unchanged},
          {"rejected", r.rejected},
          {"committed", r.committed},
          {"revision", r.revision},
          {"ids", r.written_ids},
          {"problems", problems},
          {"filtered_out", r.source.filtered_out},
          {"typologies", r.source.typologies}};
}

void PlaceArgs::add_to(CLI::App* cmd) {
  cmd->add_option("--name", name, "name of the place");
  cmd->add_option("--commune", commune, "INSEE code or commune name");
  cmd->add_option("--type", types, "type (repeatable)");
  cmd->add_option("--service", services, "service (repeatable)");
  cmd->add_option("--status", status, "open, project or closed");
  cmd->add_option("--opening", opening, "opening date (YYYY-MM-DD, YYYY-MM or YYYY)");
  cmd->add_option("--lon", lon, "longitude WGS84");
  cmd->add_option("--lat", lat, "latitude WGS84");
  cmd->add_option("--fte", fte, "staff in full-time equivalents");
  cmd->add_option("--address", address, "street address");
  cmd->add_option("--siret", siret, "SIRET (14 digits)");
  cmd->add_option("--set", sets, "FIELD=VALUE for any field (repeatable); fields:\n" + fields_help());
}

Record PlaceArgs::build(std::vector<Problem>& problems) const {
  Record r;
  r.file = "command line";
  auto put = [&](Field f, const std::string& v) { set_record_value(r, f, v, problems); };
  if (name) put(Field::name, *name);
  if (commune) {
    auto& communes = territory::CommuneTable::bundled();
    if (!communes.current_code(*commune).empty() || (commune->size() == 5 && text::all_digits(*commune)))
      put(Field::insee_code, *commune);
    else
      r.commune_name = *commune;
  }
  if (!types.empty()) put(Field::types, text::join(types, ";"));
  if (!services.empty()) put(Field::services, text::join(services, ";"));
  if (status) put(Field::status, *status);
  if (opening) put(Field::opening_date, *opening);
  if (lon) put(Field::lon, *lon);
  if (lat) put(Field::lat, *lat);
  if (lon || lat) put(Field::position_precision, "address");
  if (fte) put(Field::staff_fte, *fte);
  if (address) put(Field::address, *address);
  if (siret) put(Field::siret, *siret);
  for (auto& s : sets) {
    auto eq = s.find('=');
    const FieldDef* d = eq == std::string::npos ? nullptr : find_field(s.substr(0, eq));
    if (!d || !d->is_input)
      throw Error(fmt::format("--set '{}': expected FIELD=VALUE with one of the fields listed in --help", s));
    if (d->field == Field::commune)
      r.commune_name = s.substr(eq + 1);
    else
      put(d->field, s.substr(eq + 1));
  }
  return r;
}

ImportReport write_record(PlaceStore& store, Record r, std::vector<Problem> problems, const std::string& what,
                          ImportOptions::Mode mode, bool as_json) {
  ImportOptions o;
  o.origin = "cli " + what;
  o.mode = mode;
  auto rep = import_records(store, validator(), {std::move(r)}, o, std::move(problems));
  if (as_json) std::cout << report_json(rep).dump(2) << '\n';
  print_problems(rep);
  if (!rep.committed) throw Error(fmt::format("{} refused: nothing was written", what));
  return rep;
}

void print_place(const Place& p, bool include_private) {
  for (auto& d : fields()) {
    if (d.is_private && !include_private) continue;
    std::string v = d.field == Field::commune    ? commune_label(p.insee_code)
                    : d.field == Field::types    ? text::join(mask_to_list(p.types, place_types(), true), ", ")
                    : d.field == Field::services ? text::join(mask_to_list(p.services, service_items(), true), ", ")
                                                 : format_field(p, d.field);
    if (!v.empty()) std::cout << fmt::format("{:<20} {}\n", d.name, text::printable(v, 100000));
  }
  std::cout << fmt::format("{:<20} {}\n", "open today", p.open_on(date::today()) ? "yes" : "no");
}

void print_listing(registry::PlaceStore& store, const registry::Place& p) {
  auto l = registry::listing(p, date::today(), store.charter_in_force());
  std::cout << fmt::format("{:<20} {}\n", "listed today", l.listed ? "yes" : "no");
  for (auto& f : l.failures) std::cout << fmt::format("{:<20} {}\n", "", f.message);
  for (auto& f : l.unknown) std::cout << fmt::format("{:<20} {}\n", "", f.message);
}

}  // namespace maillage::cli

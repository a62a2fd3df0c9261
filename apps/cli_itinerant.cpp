// `maillage itinerant import|list|show|export|history`: itinerant tiers-lieux, their stops and timetables.
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "itinerant/itinerant.hpp"
#include "itinerant/sites.hpp"
#include "db/db.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using nlohmann::json;

namespace {

itinerant::ImportedTimetable read_timetable(const std::string& path) {
  auto content = io::read_file(path, size_t{16} << 20);
  auto& communes = territory::CommuneTable::bundled();
  size_t i = content.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (i != std::string::npos && (content[i] == '[' || content[i] == '{'))
    return itinerant::read_mednum_stops(content, path, communes);
  return itinerant::read_stops_csv(content, path, communes);
}

}  // namespace

void print_timetable(registry::PlaceStore& store, const std::string& place_id, const std::string& from, int weeks) {
  auto t = itinerant::get(store.db(), place_id);
  if (!t) return;
  auto& communes = territory::CommuneTable::bundled();
  auto* base = communes.find(t->base_insee);
  std::cout << fmt::format("itinerant: {} stops{}{}{}\n", t->stops.size(),
                           t->operator_name.empty() ? "" : ", run by " + t->operator_name,
                           base ? ", base " + base->name : "", t->vehicle.empty() ? "" : ", vehicle " + t->vehicle);
  for (size_t i = 0; i < t->stops.size(); ++i) {
    auto& s = t->stops[i];
    auto* c = communes.find(s.insee_code);
    std::cout << fmt::format("  stop {:>2}: {} — {} ({}) — {}\n", i + 1, s.name, c ? c->name : s.insee_code,
                             s.insee_code, s.hours);
  }
  auto monday = itinerant::monday_of(from);
  std::cout << fmt::format("timetable, {} weeks from {} (ISO week {}):\n", weeks, monday, itinerant::iso_week(monday));
  for (auto& p : itinerant::passages(*t, monday, 7 * weeks))
    std::cout << fmt::format("  {} {:<9} {}-{}  {}\n", p.slot.date, itinerant::day_name_fr(p.slot.weekday),
                             date::clock_text(p.slot.start), date::clock_text(p.slot.end), t->stops[p.stop].name);
  if (auto n = itinerant::next_passage(*t, date::today(), itinerant::minute_now_in_paris()))
    std::cout << fmt::format("next passage: {} {} {}-{} at {}\n", itinerant::day_name_fr(n->slot.weekday), n->slot.date,
                             date::clock_text(n->slot.start), date::clock_text(n->slot.end), t->stops[n->stop].name);
}

json timetable_json(registry::PlaceStore& store, const std::string& place_id, const std::string& from, int weeks) {
  auto t = itinerant::get(store.db(), place_id);
  if (!t) return nullptr;
  auto j = itinerant::to_json(*t);
  json ps = json::array();
  auto monday = itinerant::monday_of(from);
  for (auto& p : itinerant::passages(*t, monday, 7 * weeks))
    ps.push_back({{"stop", p.stop + 1},
                  {"date", p.slot.date},
                  {"start", date::clock_text(p.slot.start)},
                  {"end", date::clock_text(p.slot.end)}});
  j["passages"] = ps;
  j["period_from"] = monday;
  j["weekly_hours"] = itinerant::weekly_hours(*t, monday, weeks);
  return j;
}

namespace {

// Reading a published timetable into the registry.
void add_import(CLI::App* it, Globals& g) {
  struct ImportArgs {
    std::string file, id, name, base, vehicle, operator_name;
    bool dry_run = false;
  };
  auto ia = std::make_shared<ImportArgs>();
  auto* imp = it->add_subcommand("import",
                                 "read a timetable: the national mednum schema's JSON rows (one per stop, "
                                 "'horaires' and 'ouverture' = week parity) or Maillage's stops CSV");
  imp->add_option("FILE", ia->file, "the file")->required();
  imp->add_option("--id", ia->id, "replace the timetable of this itinerant place (default: create the place)");
  imp->add_option("--name", ia->name, "the new place's name (default: the rows' service and operator)");
  imp->add_option("--base", ia->base, "the base's commune (name or INSEE code; default: named by the operator)");
  imp->add_option("--vehicle", ia->vehicle, "the vehicle (\"minibus aménagé, 6 postes\")");
  imp->add_option("--operator", ia->operator_name, "who runs it (default: the rows' parent structure)");
  imp->add_flag("--dry-run", ia->dry_run, "check and report, write nothing");
  imp->callback([&g, ia] {
    auto t = read_timetable(ia->file);
    auto& communes = territory::CommuneTable::bundled();
    if (!ia->base.empty()) {
      auto* c = communes.find(ia->base);
      auto named = communes.find_by_name(ia->base);
      if (!c && named.size() == 1) c = named[0];
      if (!c) throw Error(fmt::format("--base: no single commune '{}'", ia->base));
      t.timetable.base_insee = c->code;
    }
    for (auto& w : t.warnings) std::cerr << ia->file << ": " << w << '\n';
    auto store = open_store(g);
    itinerant::TimetableWrite o;
    o.id = ia->id, o.name = ia->name, o.vehicle = ia->vehicle, o.operator_name = ia->operator_name;
    o.origin = fmt::format("itinerant import {} by {}", ia->file, cli_actor());
    o.source = ia->file, o.dry_run = ia->dry_run;
    auto done = itinerant::write_timetable(*store, std::move(t), o, communes);
    if (ia->dry_run) {
      std::cout << fmt::format("dry run: '{}' with {} stops would be written\n", done.place.name, done.stops);
      return;
    }
    std::cout << fmt::format("{} '{}' ({}) with {} stops (registry revision {})\n",
                             done.created ? "created" : "updated", done.place.name, done.place.id, done.stops,
                             done.revision);
  });
}

// The itinerant places, and one with its stops and passages.
void add_list_show(CLI::App* it, Globals& g) {
  auto* list = it->add_subcommand("list", "the itinerant places with a timetable");
  auto list_json = std::make_shared<bool>(false);
  list->add_flag("--json", *list_json, "JSON output");
  list->callback([&g, list_json] {
    auto store = open_store(g);
    auto all = itinerant::all(store->db());
    if (*list_json) {
      json j = json::array();
      for (auto& t : all) j.push_back(itinerant::to_json(t));
      std::cout << j.dump(1) << '\n';
      return;
    }
    for (auto& t : all) {
      auto p = store->get(t.place_id);
      double h = 0;
      for (double x : itinerant::weekly_hours(t, date::today(), 2)) h += x;
      std::cout << fmt::format("{}  {}  {} stops, {:.1f} h a week\n", t.place_id, p ? p->name : "?", t.stops.size(), h);
    }
  });

  struct ShowArgs {
    std::string id, from;
    int weeks = 2;
    bool json = false;
  };
  auto sa = std::make_shared<ShowArgs>();
  auto* show = it->add_subcommand("show", "one itinerant place's stops and passages");
  show->add_option("ID", sa->id, "place id")->required();
  show->add_option("--from", sa->from, "the period starts the Monday of this date's week (default: today)");
  show->add_option("--weeks", sa->weeks, "weeks shown (default 2)")->check(CLI::Range(1, 8));
  show->add_flag("--json", sa->json, "JSON output");
  show->callback([&g, sa] {
    auto store = open_store(g);
    auto from = sa->from.empty() ? date::today() : sa->from;
    if (!itinerant::get(store->db(), sa->id)) throw NotFound(fmt::format("no timetable for '{}'", sa->id));
    if (sa->json)
      std::cout << timetable_json(*store, sa->id, from, sa->weeks).dump(1) << '\n';
    else
      print_timetable(*store, sa->id, from, sa->weeks);
  });
}

// Exports of the stops, and the timetables a place had before.
void add_export_history(CLI::App* it, Globals& g) {
  struct ExportArgs {
    std::string id, format = "csv", from;
    int days = 56;
  };
  auto ea = std::make_shared<ExportArgs>();
  auto* exp = it->add_subcommand("export",
                                 "the stops as CSV or GeoJSON (all places, or --id), or one place's passages "
                                 "as iCalendar");
  exp->add_option("--id", ea->id, "one place");
  exp->add_option("--format", ea->format, "csv (default), geojson or ics")
      ->check(CLI::IsMember({"csv", "geojson", "ics"}));
  exp->add_option("--from", ea->from, "ics: first day (default: today)");
  exp->add_option("--days", ea->days, "ics: days covered (default 56)")->check(CLI::Range(1, 400));
  exp->callback([&g, ea] {
    auto store = open_store(g);
    std::vector<itinerant::Itinerant> all;
    if (ea->id.empty()) {
      all = itinerant::all(store->db());
    } else {
      auto t = itinerant::get(store->db(), ea->id);
      if (!t) throw NotFound(fmt::format("no timetable for '{}'", ea->id));
      all.push_back(*t);
    }
    auto& communes = territory::CommuneTable::bundled();
    if (ea->format == "csv")
      std::cout << itinerant::stops_csv(all, communes);
    else if (ea->format == "geojson")
      std::cout << itinerant::stops_geojson(all, communes).dump() << '\n';
    else {
      if (ea->id.empty()) throw Error("--format ics needs --id");
      auto p = store->get(ea->id);
      std::cout << itinerant::stops_ical(all[0], p->name, ea->from.empty() ? date::today() : ea->from, ea->days);
    }
  });

  auto hid = std::make_shared<std::string>();
  auto* hist = it->add_subcommand("history", "the timetables a place had before (append-only)");
  hist->add_option("ID", *hid, "place id")->required();
  hist->callback([&g, hid] {
    auto store = open_store(g);
    for (auto& h : itinerant::history(store->db(), *hid))
      std::cout << fmt::format(
          "revision {} {} ({}): {}\n", h.revision, h.at, h.origin,
          h.before.is_null() ? "first timetable" : fmt::format("replaced {} stops", h.before["stops"].size()));
  });
}

}  // namespace

void add_itinerant_commands(CLI::App& app, Globals& g) {
  auto* it = app.add_subcommand("itinerant",
                                "itinerant tiers-lieux (buses, trucks): their stops and timetables, in "
                                "the opening_hours syntax");
  it->require_subcommand(1);
  add_import(it, g);
  add_list_show(it, g);
  add_export_history(it, g);
}

}  // namespace maillage::cli

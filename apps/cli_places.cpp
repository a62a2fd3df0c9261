// `maillage places import|export|list|show|add|update|close|summary` (quality, confirm, remind: cli_quality.cpp): the
// directory of tiers-lieux from the command line. Every write goes through the registry's transactional import (all or
// nothing).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "places_options.hpp"
#include "registry/listing.hpp"
#include "registry/filter.hpp"
#include "registry/io_formats.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using namespace maillage::registry;
using nlohmann::json;

namespace {

void add_import(CLI::App* places, Globals& g) {
  struct Args {
    std::string file, format = "auto", rejects;
    bool skip = false, dry = false, json = false, only_tiers_lieux = false;
  };
  auto a = std::make_shared<Args>();
  auto* imp = places->add_subcommand(
      "import",
      "import places from a CSV (regional dictionary or Maillage), GeoJSON, a GoGoCarto export (CSV or "
      "JSON) or the national mednum schema (JSON or CSV); all or nothing unless --skip-invalid");
  imp->add_option("FILE", a->file, "file to import (.csv, .json, .geojson, optionally .gz)")->required();
  imp->add_option("--format", a->format,
                  "auto (default: told by the content), csv (regional dictionary), maillage, geojson, gogocarto, "
                  "mednum");
  imp->add_flag("--only-tiers-lieux", a->only_tiers_lieux,
                "mednum: keep only the rows whose typology is TIERS_LIEUX or FABLAB (or whose name says tiers-lieu, "
                "coworking, fablab); the others are counted, not imported");
  imp->add_flag("--skip-invalid", a->skip, "import the valid rows and write the rejected ones to a report");
  imp->add_option("--rejects", a->rejects,
                  "rejects report path (default: FILE-NAME.rejects.csv in the working directory)");
  imp->add_flag("--dry-run", a->dry, "check and match everything, write nothing");
  imp->add_flag("--json", a->json, "print the import report as JSON");
  imp->callback([&g, a] {
    auto store = open_store(g);
    ImportOptions o;
    o.format = parse_format(a->format);
    o.skip_invalid = a->skip;
    o.dry_run = a->dry;
    o.source.only_tiers_lieux = a->only_tiers_lieux;
    auto rep = import_file(*store, validator(), a->file, o);
    if (a->json) std::cout << report_json(rep).dump(2) << '\n';
    print_problems(rep);
    if (a->skip && rep.rejected > 0) {
      auto rejects =
          a->rejects.empty() ? std::filesystem::path(a->file).filename().string() + ".rejects.csv" : a->rejects;
      write_rejects(rep, rejects);
      std::cerr << fmt::format("maillage: {} rejected rows reported in {}\n", rep.rejected, rejects);
    }
    if (!rep.committed && !a->dry)
      throw Error(
          fmt::format("import refused: {} errors in {} of {} rows; nothing was written "
                      "(fix them, or use --skip-invalid to import the valid rows)",
                      rep.errors(), rep.rejected, rep.rows));
    if (!a->json)
      std::cout << fmt::format(
          "{}{}: {} rows ({}): {} inserted, {} updated, {} unchanged, {} rejected; registry revision {}\n",
          a->dry ? "dry run, nothing written: " : "", a->file, rep.rows, format_name(rep.format), rep.inserted,
          rep.updated, rep.unchanged, rep.rejected, rep.revision);
    if (!a->json && !rep.source.typologies.empty()) {
      std::cout << fmt::format("typologies in the source ({} rows{}):\n", rep.source.rows,
                               rep.source.filtered_out
                                   ? fmt::format(", {} left out by --only-tiers-lieux", rep.source.filtered_out)
                                   : std::string());
      for (auto& [t, n] : rep.source.typologies) std::cout << fmt::format("  {:<40} {}\n", pad(t, 40), n);
    }
  });
}

void add_export(CLI::App* places, Globals& g) {
  struct Args {
    std::string format = "csv", out;
    bool include_private = false, json = false, mednum_all = false;
    FilterArgs filter;
  };
  auto a = std::make_shared<Args>();
  auto* exp = places->add_subcommand("export", "export places: csv (regional dictionary), maillage, geojson, mednum");
  exp->add_option("--format", a->format,
                  "csv (regional dictionary, default), maillage (every field), geojson, "
                  "mednum (national 'lieux de médiation numérique' schema)");
  exp->add_option("-o,--output", a->out, "output file (default: standard output)");
  exp->add_flag("--include-private", a->include_private, "include the private contact person fields");
  exp->add_flag("--json", a->json,
                "print what was written and left out as JSON on standard error's place: "
                "standard output then needs -o");
  exp->add_flag("--mednum-all", a->mednum_all,
                "mednum: write the rows the schema refuses too, marked in an extra column a_completer (the file is "
                "then not valid against the schema)");
  a->filter.add_to(exp, false);
  exp->callback([&g, a] {
    auto store = open_store(g);
    auto format = parse_format(a->format);
    if (format == Format::Auto) throw Error("--format: choose csv, maillage, geojson or mednum");
    auto list = store->list(a->filter.build());
    if (a->json && a->out.empty()) throw Error("--json prints the report on standard output: give the file with -o");
    ExportReport rep;
    if (a->out.empty()) {
      export_places(list, format, a->include_private, territory::CommuneTable::bundled(), std::cout, &rep,
                    a->mednum_all);
    } else {
      std::ofstream out(a->out);
      if (!out) throw Error(a->out + ": cannot write");
      export_places(list, format, a->include_private, territory::CommuneTable::bundled(), out, &rep, a->mednum_all);
    }
    if (a->json) {
      nlohmann::json j{{"written", rep.written},
                       {"skipped_places", rep.skipped_places()},
                       {"skipped", nlohmann::json::array()},
                       {"dropped", nlohmann::json::array()}};
      for (auto& s : rep.skipped) j["skipped"].push_back({{"id", s.place_id}, {"field", s.field}, {"why", s.why}});
      for (auto& s : rep.dropped) j["dropped"].push_back({{"id", s.place_id}, {"field", s.field}, {"why", s.why}});
      std::cout << j.dump(2) << '\n';
      return;
    }
    // What the format refused, on standard error (the rows are not in the file unless --mednum-all).
    for (auto& s : rep.skipped)
      std::cerr << fmt::format("maillage: {} {}: {}: {}\n", a->mednum_all ? "incomplete" : "left out", s.place_id,
                               s.field, s.why);
    for (auto& s : rep.dropped) std::cerr << fmt::format("maillage: {}: {}: {}\n", s.place_id, s.field, s.why);
    if (!rep.skipped.empty())
      std::cerr << fmt::format("maillage: {} of {} places {} (the {} schema requires these fields)\n",
                               rep.skipped_places(), list.size(), a->mednum_all ? "marked incomplete" : "left out",
                               a->format);
    if (!a->out.empty()) std::cerr << fmt::format("maillage: {} places written to {}\n", rep.written, a->out);
  });
}

void add_list(CLI::App* places, Globals& g) {
  struct Args {
    FilterArgs filter;
    bool json = false, include_private = false;
  };
  auto a = std::make_shared<Args>();
  auto* lst = places->add_subcommand("list", "list places, filtered");
  a->filter.add_to(lst, true);
  lst->add_flag("--json", a->json, "JSON as GET /api/v1/places: {items, limit, offset, registry_revision, total}");
  lst->add_flag("--include-private", a->include_private, "include the private contact fields (JSON)");
  lst->callback([&g, a] {
    auto store = open_store(g);
    auto f = a->filter.build();
    if (a->json) {  // the same JSON as GET /api/v1/places with the same filter (registry::list_page)
      auto sel = store->select(f);
      std::vector<std::string> texts;
      for (auto n : sel.page)
        texts.push_back(
            list_item(sel.snapshot->places[n], a->include_private, sel.snapshot->day, sel.snapshot->charter).dump());
      std::vector<const std::string*> page;
      for (auto& t : texts) page.push_back(&t);
      std::cout << json::parse(list_page(page, f.limit, f.offset, sel.snapshot->revision, sel.total)).dump(2) << '\n';
      return;
    }
    auto list = store->list(f);
    std::cout << pad("ID", 34) << ' ' << pad("NAME", 38) << ' ' << pad("TYPES", 22) << ' ' << pad("STATUS", 8) << ' '
              << "COMMUNE (DEP)\n";
    for (auto& p : list)
      std::cout << pad(p.id, 34) << ' ' << pad(p.name, 38) << ' ' << pad(mask_to_keys(p.types, place_types()), 22)
                << ' ' << pad(std::string(status_key(p.status)), 8) << ' ' << commune_label(p.insee_code) << " ("
                << p.insee_code.substr(0, 2) << ")\n";
    std::cout << fmt::format("{} places\n", list.size());
  });
}

void add_show(CLI::App* places, Globals& g) {
  struct Args {
    std::string id;
    bool json = false, history = false, include_private = false;
  };
  auto a = std::make_shared<Args>();
  auto* show = places->add_subcommand("show", "show one place (and its change history)");
  show->add_option("ID", a->id, "place id")->required();
  show->add_flag("--json", a->json, "JSON output");
  show->add_flag("--history", a->history, "also show the recorded changes");
  show->add_flag("--include-private", a->include_private, "include the private contact fields");
  show->callback([&g, a] {
    auto store = open_store(g);
    auto p = require_place(*store, a->id);
    if (a->json) {
      json j = to_json(p, a->include_private, commune_label(p.insee_code));
      j["open_today"] = p.open_on(date::today());
      if (auto t = timetable_json(*store, p.id, date::today(), 2); !t.is_null()) j["itinerant"] = t;
      if (a->history) {
        json h = json::array();
        for (auto& e : store->history(a->id))
          h.push_back({{"revision", e.revision}, {"action", e.action}, {"at", e.at}, {"origin", e.origin}});
        j["history"] = h;
      }
      std::cout << j.dump(2) << '\n';
      return;
    }
    print_place(p, a->include_private);
    print_listing(*store, p);
    print_timetable(*store, p.id, date::today(), 2);
    if (a->history)
      for (auto& e : store->history(a->id))
        std::cout << fmt::format("history: revision {} {} {} ({})\n", e.revision, e.at, e.action, e.origin);
  });
}

void add_add_update(CLI::App* places, Globals& g) {
  struct Args {
    PlaceArgs place;
    std::string id;
    bool json = false;
  };
  auto add_args = std::make_shared<Args>();
  auto* add = places->add_subcommand("add", "add a place");
  add_args->place.add_to(add);
  add->add_flag("--json", add_args->json, "print the report as JSON");
  add->callback([&g, a = add_args] {
    auto store = open_store(g);
    std::vector<Problem> problems;
    Record r = a->place.build(problems);
    if (!r.present.test(static_cast<size_t>(Field::name))) throw Error("--name is required");
    auto rep = write_record(*store, r, problems, "add", ImportOptions::Mode::InsertOnly, a->json);
    if (!a->json) std::cout << fmt::format("added {} (registry revision {})\n", rep.written_ids.at(0), rep.revision);
  });

  auto upd_args = std::make_shared<Args>();
  auto* upd = places->add_subcommand("update", "change fields of a place");
  upd->add_option("ID", upd_args->id, "place id")->required();
  upd_args->place.add_to(upd);
  upd->add_flag("--json", upd_args->json, "print the report as JSON");
  upd->callback([&g, a = upd_args] {
    auto store = open_store(g);
    require_place(*store, a->id);
    std::vector<Problem> problems;
    Record r = a->place.build(problems);
    r.place.id = a->id;
    r.present.set(static_cast<size_t>(Field::id));
    auto rep = write_record(*store, r, problems, "update", ImportOptions::Mode::UpdateOnly, a->json);
    if (!a->json)
      std::cout << (rep.updated ? fmt::format("updated (registry revision {})\n", rep.revision) : "nothing changed\n");
  });
}

void add_close(CLI::App* places, Globals& g) {
  struct Args {
    std::string id, date, reason;
  };
  auto a = std::make_shared<Args>();
  auto* cls = places->add_subcommand("close", "record that a place closed (places are never deleted)");
  cls->add_option("ID", a->id, "place id")->required();
  cls->add_option("--date", a->date, "closing date (default: today)");
  cls->add_option("--reason", a->reason, "why (kept in the notes)");
  cls->callback([&g, a] {
    auto store = open_store(g);
    auto p = require_place(*store, a->id);
    std::vector<Problem> problems;
    auto r = closing_record(p, a->date.empty() ? date::today() : a->date, a->reason, "command line", problems);
    auto rep = write_record(*store, r, problems, "close", ImportOptions::Mode::UpdateOnly, false);
    std::cout << fmt::format("closed (registry revision {})\n", rep.revision);
  });
}

void add_summary(CLI::App* places, Globals& g) {
  struct Args {
    std::string date;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* sum = places->add_subcommand("summary", "counts by department, type and status, and places open at a date");
  sum->add_option("--date", a->date, "date for 'open' (default: today)");
  sum->add_flag("--json", a->json, "JSON output");
  sum->callback([&g, a] {
    auto store = open_store(g);
    std::string d = a->date.empty() ? date::today() : a->date;
    std::string why;
    if (!date::parse(d, why, false)) throw Error("--date: " + why);
    auto all = store->list({});
    std::map<std::string, std::map<std::string, int>> by_dep;
    std::map<std::string, int> by_type;
    int open = 0;
    for (auto& p : all) {
      auto dep = p.insee_code.substr(0, 2);
      by_dep[dep][std::string(status_key(p.status))]++;
      bool o = p.open_on(d);
      by_dep[dep]["open_at_date"] += o;
      open += o;
      for (auto& t : mask_to_list(p.types, place_types())) by_type[t]++;
    }
    // Data quality: what the national mednum schema requires and the data lacks (what the network should collect).
    ExportReport mednum;
    std::ostringstream sink;
    export_places(all, Format::Mednum, false, territory::CommuneTable::bundled(), sink, &mednum);
    std::map<std::string, int> missing;
    for (auto& s : mednum.skipped) missing[s.field]++;
    if (a->json) {
      std::cout << json{{"date", d},
                        {"revision", store->revision()},
                        {"places", all.size()},
                        {"open_at_date", open},
                        {"by_department", by_dep},
                        {"by_type", by_type},
                        {"mednum", {{"accepted", mednum.written}, {"missing", missing}}}}
                       .dump(2)
                << '\n';
      return;
    }
    std::cout << fmt::format("Registry {} (revision {}): {} places, {} open on {}\n\n", db_path(g), store->revision(),
                             all.size(), open, d);
    std::cout << fmt::format("{:<4}{:<24}{:>6}{:>9}{:>8}{:>12}\n", "DEP", "", "open", "project", "closed", "open@date");
    for (auto& [dep, m] : by_dep)
      std::cout << fmt::format("{:<4}{}{:>6}{:>9}{:>8}{:>12}\n", dep,
                               pad(std::string(territory::department_name(dep)), 24), m["open"], m["project"],
                               m["closed"], m["open_at_date"]);
    std::cout << "\nby type (a place may have several):\n";
    for (auto& [t, n] : by_type) std::cout << fmt::format("  {:<22}{:>5}\n", t, n);
    std::cout << fmt::format("\ndata to collect: the national mednum schema accepts {} of {} places;", mednum.written,
                             all.size());
    for (auto& [field, n] : missing) std::cout << fmt::format(" {} missing or refused: {};", field, n);
    std::cout << '\n';
  });
}

// The field table (registry::fields()): the one definition of a place's fields, their labels and rules. The web
// app's labels (web/src/lib/fields.json) are this command's output; a test keeps them in step.
void add_fields(CLI::App* places) {
  auto json_out = std::make_shared<bool>(false);
  auto* c = places->add_subcommand("fields", "the fields of a place: name, French label, private, input, help");
  c->add_flag("--json", *json_out, "JSON: an array of {name, label, private, input, stored, help}");
  c->callback([json_out] {
    if (!*json_out) {
      std::cout << fields_help();
      return;
    }
    json out = json::array();
    for (auto& d : fields())
      out.push_back({{"name", d.name},
                     {"label", d.label},
                     {"private", d.is_private},
                     {"input", d.is_input},
                     {"stored", d.sql != FieldDef::Sql::None},
                     {"help", d.help}});
    std::cout << out.dump(2) << '\n';
  });
}

}  // namespace

void add_places_commands(CLI::App& app, Globals& g) {
  auto* places =
      app.add_subcommand("places", "the directory of tiers-lieux (import, export, list, show, add, update, close)");
  places->require_subcommand(1);
  add_import(places, g);
  add_export(places, g);
  add_list(places, g);
  add_show(places, g);
  add_add_update(places, g);
  add_close(places, g);
  add_summary(places, g);
  add_fields(places);
  add_quality_commands(places, g);
}

}  // namespace maillage::cli

// `maillage charter list|adopt|sign`: the network's charter and the places' signatures. A place is listed
// ("référencé") when it is open, signed the charter in force and meets the Région's five criteria
// (`places list --listed true`, `places show`).
#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "places_options.hpp"
#include "registry/listing.hpp"

namespace maillage::cli {

void add_charter_commands(CLI::App& app, Globals& g) {
  auto* c = app.add_subcommand("charter", "the network's charter: its versions, the places' signatures");
  c->require_subcommand(1);
  struct Args {
    std::string version, adopted_on, text_file, place, signatory, date;
  };
  auto a = std::make_shared<Args>();
  auto* l = c->add_subcommand("list", "the versions, and the one in force today");
  l->callback([&g] {
    auto store = open_store(g);
    auto in_force = registry::current_charter(store->db(), date::today());
    for (auto& v : registry::charter_versions(store->db()))
      std::cout << fmt::format("{:<12} adopted {}{}  ({} characters)\n", v.version, v.adopted_on,
                               v.version == in_force ? "  in force" : "", v.text.size());
    if (in_force.empty()) std::cout << "no charter adopted yet: no place can be listed\n";
  });
  auto* ad = c->add_subcommand("adopt", "adopt a new version (never rewritten)");
  ad->add_option("--version", a->version, "its name (e.g. 2026)")->required();
  ad->add_option("--adopted-on", a->adopted_on, "the date it applies from (default today)");
  ad->add_option("--text-file", a->text_file, "the charter's text (UTF-8)")->required();
  ad->callback([&g, a] {
    auto store = open_store(g);
    registry::adopt_charter(*store, {a->version, a->adopted_on.empty() ? date::today() : a->adopted_on,
                                     io::read_file(a->text_file, size_t{1} << 20), "", cli_actor()});
    std::cout << fmt::format("charter {} adopted (registry revision {})\n", a->version, store->revision());
  });
  auto* s = c->add_subcommand("sign", "record that a place signed the charter");
  s->add_option("PLACE", a->place, "place id")->required();
  s->add_option("--signatory", a->signatory, "who signed for the place")->required();
  s->add_option("--version", a->version, "the version (default: the one in force on the date)");
  s->add_option("--date", a->date, "the day it signed (default today)");
  s->callback([&g, a] {
    auto store = open_store(g);
    auto on = a->date.empty() ? date::today() : a->date;
    auto version = a->version.empty() ? registry::current_charter(store->db(), on) : a->version;
    if (version.empty()) throw Error("no charter adopted yet: `maillage charter adopt` first");
    bool known = false;
    for (auto& v : registry::charter_versions(store->db())) known = known || v.version == version;
    if (!known) throw Error(fmt::format("--version: no charter has version '{}'", version));
    std::vector<std::string> sets = {"charter_version=" + version, "charter_signed_on=" + on,
                                     "charter_signatory=" + a->signatory};
    PlaceArgs args;
    args.sets = sets;
    std::vector<registry::Problem> problems;
    auto rec = args.build(problems);
    rec.place.id = a->place;
    rec.present.set(static_cast<size_t>(registry::Field::id));
    write_record(*store, std::move(rec), std::move(problems), "charter sign", registry::ImportOptions::Mode::UpdateOnly,
                 false);
    auto p = require_place(*store, a->place);
    auto listing = registry::listing(p, date::today(), store->charter_in_force());
    std::cout << fmt::format("{} signed charter {} on {}; listed today: {}\n", a->place, version, on,
                             listing.listed ? "yes" : "no");
    for (auto& f : listing.failures) std::cout << "  " << f.message << '\n';
    for (auto& f : listing.unknown) std::cout << "  " << f.message << '\n';
  });
}

}  // namespace maillage::cli

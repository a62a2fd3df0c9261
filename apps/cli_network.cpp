// `maillage contacts …` (the network's contacts and targets, GDPR access and erasure), `maillage resources …`,
// `maillage members …` and `maillage events …`
// (information days and other events, their registrations, invitations by drive time, the communes left without
// an event nearby). Writes are in the audit log as cli:<login>.
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "accounts/audit.hpp"
#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "core/text.hpp"
#include "network/invitations.hpp"
#include "network/members.hpp"
#include "network/network.hpp"
#include "network/resources.hpp"
#include "places_options.hpp"
#include "routing/snap.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using nlohmann::json;

namespace {

void audit(registry::PlaceStore& store, const std::string& action, const std::string& target) {
  accounts::audit(store.db(), {0, "", cli_actor(), "command line", action, target, 0, "", ""});
}

// The engine on the commune centres (invitations and gaps need only those).
struct CommuneEngine {
  roads::RoadGraph graph;
  std::unique_ptr<routing::Snapper> snapper;
  std::unique_ptr<coverage::Engine> engine;
  explicit CommuneEngine(const Globals& g) : graph(open_graph(g)) {
    snapper = std::make_unique<routing::Snapper>(graph, routing::SnapOptions::from(graph_profile(graph)));
    engine = std::make_unique<coverage::Engine>(graph, *snapper,
                                                territory::bundled_points(territory::PopulationSource::Communes),
                                                territory::CommuneTable::bundled());
  }
};

struct ContactsArgs {
  network::Contact contact;
  std::string organisation, organisation_kind = "autre", file, format = "csv", out, kind = "met", on, note;
  network::ContactFilter filter;
  int64_t id = 0;
  bool json = false;
};

// Adding a contact.
void add_contact_add(CLI::App* c, Globals& g, const std::shared_ptr<ContactsArgs>& a) {
  auto* add = c->add_subcommand("add", "add a contact");
  add->add_option("--first-name", a->contact.first_name);
  add->add_option("--last-name", a->contact.last_name)->required();
  add->add_option("--email", a->contact.email);
  add->add_option("--phone", a->contact.phone);
  add->add_option("--role", a->contact.role, "role in the organisation (maire, chargé de mission ...)");
  add->add_option("--commune", a->contact.insee_code, "INSEE code or name (else the organisation's)");
  add->add_option("--tags", a->contact.tags, "tags separated by ';' (the segments: élus, financeurs ...)");
  add->add_option("--organisation", a->organisation, "organisation name (made when new)");
  add->add_option("--organisation-kind", a->organisation_kind,
                  "commune, epci, departement, region, chambre, "
                  "entreprise, association, tiers_lieu, etat, autre");
  add->add_option("--lawful-basis", a->contact.lawful_basis,
                  "consent, legitimate_interest (default), contract, public_task");
  add->add_option("--consent-at", a->contact.consent_at, "when consent was given (YYYY-MM-DD)");
  add->callback([&g, a] {
    auto store = open_store(g);
    network::Contacts contacts(*store);
    db::Transaction t(store->db());
    if (!a->organisation.empty()) {
      for (auto& o : contacts.organisations())
        if (o.name == a->organisation) a->contact.organisation_id = o.id;
      if (!a->contact.organisation_id) {
        network::Organisation o;
        o.name = a->organisation, o.kind = a->organisation_kind, o.insee_code = a->contact.insee_code;
        a->contact.organisation_id = contacts.add_organisation(o);
      }
    }
    auto id = contacts.add(a->contact, cli_actor());
    audit(*store, "contacts add", fmt::format("contact:{}", id));
    t.commit();
    std::cout << fmt::format("contact {} added\n", id);
  });
}

// Listing, showing a contact, and logging an interaction.
void add_contact_browse(CLI::App* c, Globals& g, const std::shared_ptr<ContactsArgs>& a) {
  auto* list = c->add_subcommand("list", "the contacts (filters)");
  list->add_option("--text", a->filter.text, "words in the name, e-mail, organisation, role, tags");
  list->add_option("--tag", a->filter.tag);
  list->add_option("--kind", a->filter.kind, "the organisation's kind");
  list->add_option("--department", a->filter.department);
  list->add_option("--stale-years", a->filter.stale_years, "not touched for this many years (the retention rule)");
  list->add_flag("--json", a->json);
  list->callback([&g, a] {
    auto store = open_store(g);
    int64_t total = 0;
    auto items = network::Contacts(*store).list(a->filter, &total);
    if (a->json) {
      json out = json::array();
      for (auto& x : items) out.push_back(network::to_json(x));
      // The same members as GET /api/v1/contacts.
      std::cout
          << json{{"items", out}, {"total", total}, {"limit", a->filter.limit}, {"offset", a->filter.offset}}.dump(2)
          << '\n';
      return;
    }
    for (auto& x : items)
      std::cout << fmt::format("{:>5}  {} {} <{}>  {}  {}\n", x.id, pad(x.first_name, 14), pad(x.last_name, 18),
                               text::printable(x.email, 60), pad(x.organisation, 28), x.dep);
    std::cout << fmt::format("{} contacts\n", total);
  });
  auto* show = c->add_subcommand("show", "one contact and its interactions (JSON)");
  show->add_option("ID", a->id)->required();
  show->callback([&g, a] {
    auto store = open_store(g);
    network::Contacts contacts(*store);
    auto x = contacts.get(a->id);
    if (!x) throw NotFound(fmt::format("no contact {}", a->id));
    auto j = network::to_json(*x);
    j["interactions"] = json::array();
    for (auto& i : contacts.interactions(a->id)) j["interactions"].push_back(network::to_json(i));
    std::cout << j.dump(2) << '\n';
  });
  auto* log = c->add_subcommand("log", "log an interaction with a contact");
  log->add_option("ID", a->id)->required();
  log->add_option("--kind", a->kind, "met, called, emailed, event, other (default met)");
  log->add_option("--date", a->on, "YYYY-MM-DD (default today)");
  log->add_option("--note", a->note);
  log->callback([&g, a] {
    auto store = open_store(g);
    network::Interaction i;
    i.contact_id = a->id, i.kind = a->kind, i.on_date = a->on.empty() ? date::today() : a->on, i.note = a->note;
    i.author = cli_actor();
    auto id = network::Contacts(*store).log(i);
    std::cout << fmt::format("interaction {} logged\n", id);
  });
}

// Export and import; a person's data and their erasure (GDPR).
void add_contact_exchange(CLI::App* c, Globals& g, const std::shared_ptr<ContactsArgs>& a) {
  auto* ex = c->add_subcommand("export", "the contacts as CSV or vCard");
  ex->add_option("--format", a->format, "csv (default) or vcard")->check(CLI::IsMember({"csv", "vcard"}));
  ex->add_option("-o,--output", a->out, "file (default: standard output)");
  ex->callback([&g, a] {
    auto store = open_store(g);
    network::Contacts contacts(*store);
    auto all = contacts.list({});
    std::ofstream file;
    if (!a->out.empty()) file.open(a->out);
    std::ostream& out = a->out.empty() ? std::cout : file;
    if (a->format == "csv")
      contacts.export_csv(all, out);
    else
      out << contacts.export_vcard(all);
  });
  auto* im = c->add_subcommand("import", "import contacts from CSV or vCard (all or nothing; the same e-mail updates)");
  im->add_option("FILE", a->file)->required();
  im->add_option("--format", a->format, "csv (default) or vcard")->check(CLI::IsMember({"csv", "vcard"}));
  im->callback([&g, a] {
    auto store = open_store(g);
    network::Contacts contacts(*store);
    auto content = io::read_file(a->file, size_t{64} << 20);
    int n = a->format == "csv" ? contacts.import_csv(content, a->file, cli_actor())
                               : contacts.import_vcard(content, a->file, cli_actor());
    audit(*store, "contacts import", a->file);
    std::cout << fmt::format("{} contacts imported\n", n);
  });
  auto* pd = c->add_subcommand("personal-data", "everything held on a person, as JSON (GDPR access)");
  pd->add_option("ID", a->id)->required();
  pd->callback([&g, a] {
    auto store = open_store(g);
    std::cout << network::Contacts(*store).personal_data(a->id).dump(2) << '\n';
  });
  auto* er = c->add_subcommand("erase", "erase a person (GDPR): their data leave every table; the counts stay");
  er->add_option("ID", a->id)->required();
  er->callback([&g, a] {
    auto store = open_store(g);
    int n = network::Contacts(*store).erase(a->id, cli_actor());
    audit(*store, "contacts erase", fmt::format("contact:{}", a->id));
    std::cout << fmt::format("contact {} erased ({} rows changed)\n", a->id, n);
  });
}

void add_contacts(CLI::App& app, Globals& g) {
  auto* c = app.add_subcommand("contacts", "the network's contacts and targets (organisations, people, interactions)");
  c->require_subcommand(1);

  auto a = std::make_shared<ContactsArgs>();
  add_contact_add(c, g, a);
  add_contact_browse(c, g, a);
  add_contact_exchange(c, g, a);
}

struct EventsArgs {
  network::Event event;
  int64_t id = 0;
  double minutes = 30;
  int year = 0;
  std::string from, format = "json";
};

// Creating events, and listing them and their registrations.
void add_event_add_list(CLI::App* e, Globals& g, const std::shared_ptr<EventsArgs>& a) {
  auto* add = e->add_subcommand("add", "create an event");
  add->add_option("--title", a->event.title)->required();
  add->add_option("--kind", a->event.kind, "information_day (default), meeting, training, open_day, other");
  add->add_option("--starts", a->event.starts_at, "YYYY-MM-DDTHH:MM")->required();
  add->add_option("--ends", a->event.ends_at, "YYYY-MM-DDTHH:MM")->required();
  add->add_option("--place", a->event.place_id, "a place of the registry as venue");
  add->add_option("--commune", a->event.insee_code, "else the commune (INSEE code or name)");
  add->add_option("--venue", a->event.venue, "the address");
  add->add_option("--capacity", a->event.capacity)->required();
  add->add_option("--audience", a->event.audience);
  add->add_option("--description", a->event.description);
  add->callback([&g, a] {
    auto store = open_store(g);
    auto id = network::Events(*store).create(a->event, cli_actor());
    audit(*store, "events add", fmt::format("event:{}", id));
    std::cout << fmt::format("event {} created\n", id);
  });
  auto* list = e->add_subcommand("list", "the events from a date");
  list->add_option("--from", a->from, "YYYY-MM-DD (default today)");
  list->callback([&g, a] {
    auto store = open_store(g);
    for (auto& x : network::Events(*store).list(a->from.empty() ? date::today() : a->from))
      std::cout << fmt::format("{:>4}  {}  {}  {}/{} registered, {} waiting  {}\n", x.id, x.starts_at, pad(x.title, 40),
                               x.registered, x.capacity, x.waiting, text::printable(x.venue, 60));
  });
  auto* regs = e->add_subcommand("registrations", "the registrations of an event (JSON or CSV)");
  regs->add_option("ID", a->id)->required();
  regs->add_option("--format", a->format, "json (default) or csv")->check(CLI::IsMember({"json", "csv"}));
  regs->callback([&g, a] {
    auto store = open_store(g);
    network::Events events(*store);
    if (a->format == "csv") return events.export_registrations(a->id, std::cout);
    json out = json::array();
    for (auto& r : events.registrations(a->id)) out.push_back(network::to_json(r, true));
    std::cout << out.dump(2) << '\n';
  });
}

// Invitations and gaps by drive time.
void add_event_reach(CLI::App* e, Globals& g, const std::shared_ptr<EventsArgs>& a) {
  auto* inv = e->add_subcommand("invitations", "the contacts whose commune is within N minutes by car of the venue");
  inv->add_option("ID", a->id)->required();
  inv->add_option("--minutes", a->minutes, "default 30")->check(CLI::Range(1.0, 180.0));
  inv->callback([&g, a] {
    auto store = open_store(g);
    auto ev = network::Events(*store).get(a->id);
    if (!ev) throw NotFound(fmt::format("no event {}", a->id));
    CommuneEngine ce(g);
    network::Contacts contacts(*store);
    auto list = network::invitation_list(contacts, *ce.engine, *ev, a->minutes);
    for (auto& i : list)
      std::cout << fmt::format("{:>5.1f} min  {} {} <{}>  {} ({})\n", i.minutes, i.contact.first_name,
                               i.contact.last_name, i.contact.email, i.contact.organisation, i.commune);
    std::cout << fmt::format("{} contacts within {:g} minutes of {}\n", list.size(), a->minutes, ev->venue);
  });
  auto* gaps = e->add_subcommand("gaps", "the communes without any event within N minutes by car in a year");
  gaps->add_option("--year", a->year, "default: this year");
  gaps->add_option("--minutes", a->minutes, "default 30")->check(CLI::Range(1.0, 180.0));
  gaps->callback([&g, a] {
    auto store = open_store(g);
    int year = a->year ? a->year : std::stoi(date::today().substr(0, 4));
    auto from = fmt::format("{}-01-01", year), to = fmt::format("{}-01-01", year + 1);
    auto events = network::Events(*store).list(from, to);
    CommuneEngine ce(g);
    auto gap = network::territories_without_event(*ce.engine, events, a->minutes, from, to);
    std::cout << fmt::format(
        "{} events in {}; {:.0f} of {:.0f} inhabitants ({:.1f} %) live more than {:g} minutes from "
        "all of them, in {} communes\n",
        gap.events, year, gap.uncovered_population, gap.population,
        gap.population > 0 ? 100 * gap.uncovered_population / gap.population : 0.0, a->minutes, gap.communes.size());
    for (auto& [dep, pop] : gap.uncovered_by_dep)
      std::cout << fmt::format("  {} {}: {:.0f}\n", dep, territory::department_name(dep), pop);
  });
}

void add_events(CLI::App& app, Globals& g) {
  auto* e = app.add_subcommand("events", "the network's events: information days, meetings, trainings, open days");
  e->require_subcommand(1);

  auto a = std::make_shared<EventsArgs>();
  add_event_add_list(e, g, a);
  add_event_reach(e, g, a);
}

void add_resources(CLI::App& app, Globals& g) {
  auto* r =
      app.add_subcommand("resources", "the network's library of resources (guides, model statutes, business plans)");
  r->require_subcommand(1);
  struct Args {
    network::Resource resource;
    std::string file, query, theme;
    int64_t id = 0;
  };
  auto a = std::make_shared<Args>();
  auto storage = [&g] { return db::files_folder(db_path(g)); };
  auto* add = r->add_subcommand("add", "add a resource, with its file or its link");
  add->add_option("--title", a->resource.title)->required();
  add->add_option("--summary", a->resource.summary);
  add->add_option("--themes", a->resource.themes, "themes separated by ';'");
  add->add_option("--audience", a->resource.audience, "public (default) or members");
  add->add_option("--url", a->resource.url, "a link, for a resource that is a web page");
  add->add_option("--file", a->file, "the document (PDF, OpenDocument, Office, text, CSV, PNG, JPEG; at most 20 MiB)");
  add->callback([&g, a, storage] {
    auto store = open_store(g);
    network::Resources res(*store, storage());
    a->resource.created_by = cli_actor();
    auto id = res.add(a->resource);
    if (!a->file.empty()) {
      std::ifstream f(a->file, std::ios::binary);
      if (!f) throw Error(a->file + ": cannot open");
      std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      res.add_version(id, std::filesystem::path(a->file).filename().string(), bytes, cli_actor());
    }
    std::cout << fmt::format("resource {} added\n", id);
  });
  auto* search = r->add_subcommand("search", "search the resources (words in French, any form)");
  search->add_option("WORDS", a->query);
  search->add_option("--theme", a->theme);
  search->callback([&g, a, storage] {
    auto store = open_store(g);
    for (auto& x : network::Resources(*store, storage()).search(a->query, a->theme, true))
      std::cout << fmt::format("{:>4}  {}  [{}]  {} downloads\n", x.id, pad(x.title, 50), x.audience, x.downloads);
  });
}

void add_members(CLI::App& app, Globals& g) {
  auto* m = app.add_subcommand("members", "members of the network: record a membership, the census");
  m->require_subcommand(1);
  auto a = std::make_shared<network::Membership>();
  auto year = std::make_shared<int>(0);
  auto* rec = m->add_subcommand("record", "a place's or a person's membership for a year");
  rec->add_option("--place", a->place_id);
  rec->add_option("--contact", a->contact_id);
  rec->add_option("--year", a->year)->required();
  rec->add_flag("--fee-paid", a->fee_paid);
  rec->add_option("--amount", a->amount_eur, "euros");
  rec->callback([&g, a] {
    auto store = open_store(g);
    a->recorded_by = cli_actor();
    auto id = network::Members(*store).record(*a);
    std::cout << fmt::format("membership {} recorded\n", id);
  });
  auto* census = m->add_subcommand("census", "the members by department and type, as JSON");
  census->add_option("--year", *year, "default: this year");
  census->callback([&g, year] {
    auto store = open_store(g);
    int y = *year ? *year : std::stoi(date::today().substr(0, 4));
    std::cout << network::to_json(network::Members(*store).census(y)).dump(2) << '\n';
  });
}

}  // namespace

void add_network_commands(CLI::App& app, Globals& g) {
  add_contacts(app, g);
  add_events(app, g);
  add_resources(app, g);
  add_members(app, g);
}

}  // namespace maillage::cli

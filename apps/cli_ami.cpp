// `maillage ami ...`: funding-call rules (checks, batch) and applications.
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ami/applications.hpp"
#include "cli.hpp"
#include "core/csv.hpp"
#include "core/date.hpp"
#include "itinerant/sites.hpp"
#include "registry/listing.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using nlohmann::json;

namespace {
std::string check_date(const std::string& d) {
  std::string out = d.empty() ? date::today() : d, why;
  if (!date::parse(out, why, false)) throw Error("--date: " + why);
  return out;
}

// "lon,lat" or a commune (INSEE code or name): its centre.
geo::LonLat parse_at(const std::string& at, const std::string& commune, std::string* insee = nullptr) {
  auto& communes = territory::CommuneTable::bundled();
  if (!at.empty()) {
    auto p = parse_lonlat(at, "--at ");
    if (!p) throw Error(fmt::format("--at '{}': expected lon,lat in degrees (WGS84)", at));
    return *p;
  }
  auto code = communes.resolve(commune);
  if (code.empty())
    throw Error(fmt::format("--commune '{}' is not an INSEE code or a commune name of the region", commune));
  if (insee) *insee = code;
  return communes.find(code)->centre;
}

struct CheckerContext {
  std::unique_ptr<registry::PlaceStore> store;
  std::unique_ptr<roads::RoadGraph> graph;
  std::unique_ptr<routing::Snapper> snapper;
  std::unique_ptr<ami::CreationChecker> checker;
  ami::Call call;
};

CheckerContext make_checker(const Globals& g, const std::string& call_id, const std::string& d) {
  CheckerContext c;
  c.store = open_store(g);
  c.call = ami::get_call(c.store->db(), call_id);
  registry::PlaceFilter f;
  f.open_on = d;
  f.fixed_only = true;
  c.graph = std::make_unique<roads::RoadGraph>(open_graph(g));
  auto profile = graph_profile(*c.graph);
  c.snapper = std::make_unique<routing::Snapper>(*c.graph, routing::SnapOptions::from(profile));
  ami::DataUsed used{d, c.call.id, graph_path(g) + " (" + c.graph->source + ")", c.graph->checksum,
                     c.store->revision()};
  std::tie(used.margin_fraction, used.margin_basis) = ami::margin_of(c.call, profile.error_median, profile.error_p90);
  c.checker = std::make_unique<ami::CreationChecker>(*c.graph, *c.snapper, c.store->list(f), c.call, used,
                                                     itinerant::stop_sites(itinerant::active(*c.store, d)));
  return c;
}

void print_creation(const ami::CreationCheck& r) {
  std::cout << fmt::format("{}: {}\n", ami::verdict_name(r.verdict), r.reason);
  if (!r.nearby.empty()) {
    std::cout << fmt::format("Open places within {:g} min (1.5 x the threshold):\n", r.threshold_min * 1.5);
    for (auto& p : r.nearby)
      std::cout << fmt::format("  {:>6.1f} min  {} ({}) [{}]\n", p.minutes, p.name, p.commune, p.id);
  }
  if (!r.stops_nearby.empty()) {
    std::cout << fmt::format("Itinerant stops within {:g} min (the call {} them):\n", r.threshold_min * 1.5,
                             r.itinerant_rule == "block" ? "counts" : "does not count");
    for (auto& n : r.stops_nearby)
      std::cout << fmt::format("  {:>6.1f} min  {} — {} ({}) [{}]\n", n.minutes, n.stop.stop_name, n.stop.place_name,
                               n.stop.hours, n.stop.place_id);
  }
  if (!r.route.empty()) {
    std::cout << "Route to the nearest:";
    for (auto& l : r.route)
      std::cout << fmt::format(" {} {:.1f} km;", l.name.empty() ? l.road_class : l.name, l.distance_m / 1000);
    std::cout << '\n';
  }
  std::cout << fmt::format("Data used: {}\n", r.data.to_json().dump());
}
struct CreationArgs {
  std::string at, commune, csv, out, call = ami::kDefaultCall, date;
  bool json = false;
};

struct DevArgs {
  std::string place, call = ami::kDefaultCall, date;
  bool json = false;
};

struct AppArgs {
  std::string kind, applicant, project, at, commune, place, call = ami::kDefaultCall, by, date, reason, status,
                                                            decision;
  int64_t id = 0;
  bool json = false, csv = false;
};

using AppArgsPtr = std::shared_ptr<AppArgs>;

// The calls and their rule parameters.
void add_calls(CLI::App* ami_cmd, Globals& g) {
  auto calls_json = std::make_shared<bool>(false);
  auto* calls = ami_cmd->add_subcommand("calls", "list the calls and their rule parameters");
  calls->add_flag("--json", *calls_json, "JSON output");
  calls->callback([&g, calls_json] {
    auto store = open_store(g);
    auto all = ami::list_calls(store->db());
    if (*calls_json) {
      json a = json::array();
      for (auto& c : all) a.push_back(c.to_json());
      std::cout << a.dump(2) << '\n';
      return;
    }
    for (auto& c : all)
      std::cout << fmt::format(
          "{}  {}  {} to {}  creation: no place within {:g} min; development: open >= {:g} years, >= {:g} FTE\n", c.id,
          c.name, c.opens, c.closes, c.threshold_min, c.min_years_open, c.min_fte);
  });
  auto nc = std::make_shared<ami::Call>();
  auto* add_call = ami_cmd->add_subcommand("add-call", "record a new call with its parameters");
  add_call->add_option("--id", nc->id, "identifier")->required();
  add_call->add_option("--name", nc->name, "name")->required();
  add_call->add_option("--opens", nc->opens, "first day (YYYY-MM-DD)")->required();
  add_call->add_option("--closes", nc->closes, "last day (YYYY-MM-DD, included)")->required();
  add_call->add_option("--threshold", nc->threshold_min, "creation: minutes (default 20)");
  add_call->add_option("--min-years", nc->min_years_open, "development: years open (default 3)");
  add_call->add_option("--min-fte", nc->min_fte, "development: staff in FTE (default 0.5)");
  add_call
      ->add_option("--margin", nc->margin,
                   "creation: the drive-time error applied to verdicts: median (default), p90 or none "
                   "(a time within the margin of the threshold is 'to verify')")
      ->check(CLI::IsMember({"none", "median", "p90"}));
  add_call
      ->add_option("--itinerant-stops", nc->itinerant_stops,
                   "creation: whether an itinerant stop within the threshold makes an area ineligible: ignore "
                   "(default: a part-time stop is not a tiers-lieu open to all) or block")
      ->check(CLI::IsMember({"ignore", "block"}));
  add_call->callback([&g, nc] {
    auto store = open_store(g);
    ami::add_call(store->db(), *nc);
    std::cout << "call " << nc->id << " recorded\n";
  });
}

// Is a creation project at a point eligible, and why.
void add_check_creation(CLI::App* ami_cmd, Globals& g) {
  auto ca = std::make_shared<CreationArgs>();
  auto* cc = ami_cmd->add_subcommand("check-creation",
                                     "is a creation project eligible here (no open tiers-lieu within the threshold)?");
  auto* at_opt = cc->add_option("--at", ca->at, "lon,lat (WGS84)");
  auto* com_opt = cc->add_option("--commune", ca->commune, "INSEE code or commune name (its centre)");
  auto* csv_opt = cc->add_option("--csv", ca->csv, "batch: CSV with columns id (optional) and lon, lat or insee");
  at_opt->excludes(com_opt)->excludes(csv_opt);
  com_opt->excludes(csv_opt);
  cc->add_option("-o,--output", ca->out, "batch: result CSV (default: standard output)");
  cc->add_option("--call", ca->call, "call id (default ami-2022-2024)");
  cc->add_option("--date", ca->date, "date of the registry state (default: today)");
  cc->add_flag("--json", ca->json, "JSON output (single check)");
  cc->callback([&g, ca] {
    if (ca->at.empty() && ca->commune.empty() && ca->csv.empty()) throw Error("give --at lon,lat, --commune or --csv");
    auto d = check_date(ca->date);
    auto ctx = make_checker(g, ca->call, d);
    if (ca->csv.empty()) {
      auto r = ctx.checker->explain(parse_at(ca->at, ca->commune));
      if (ca->json)
        std::cout << r.to_json().dump(2) << '\n';
      else
        print_creation(r);
      return;
    }
    auto t = csv::read(ca->csv);
    int c_id = t.column("id"), c_lon = t.column("lon"), c_lat = t.column("lat"), c_insee = t.column("insee");
    if ((c_lon < 0 || c_lat < 0) && c_insee < 0)
      throw InputError(Location{ca->csv, 1, 0, {}}, "expected columns lon and lat, or insee (and optionally id)");
    std::vector<std::pair<std::string, geo::LonLat>> points;
    for (auto& row : t.rows) {
      std::string id = c_id >= 0 ? row.fields[c_id] : std::to_string(row.line);
      double lon = 0, lat = 0;
      if (c_lon >= 0 && !row.fields[c_lon].empty()) {
        if (!text::parse_double(row.fields[c_lon], lon) || lon < -180 || lon > 180)
          throw InputError(Location{ca->csv, row.line, c_lon + 1, "lon"},
                           fmt::format("'{}' is not a longitude", row.fields[c_lon]));
        if (!text::parse_double(row.fields[c_lat], lat) || lat < -90 || lat > 90)
          throw InputError(Location{ca->csv, row.line, c_lat + 1, "lat"},
                           fmt::format("'{}' is not a latitude", row.fields[c_lat]));
        points.push_back({id, {lon, lat}});
      } else if (c_insee >= 0) {
        auto& communes = territory::CommuneTable::bundled();
        auto code = communes.current_code(row.fields[c_insee]);
        if (code.empty())
          throw InputError(Location{ca->csv, row.line, c_insee + 1, "insee"},
                           fmt::format("'{}' is not a commune of the region", row.fields[c_insee]));
        points.push_back({id, communes.find(code)->centre});
      } else {
        throw InputError(Location{ca->csv, row.line, 0, {}}, "no position: give lon and lat, or insee");
      }
    }
    std::ofstream file;
    if (!ca->out.empty()) {
      file.open(ca->out);
      if (!file) throw Error(ca->out + ": cannot write");
    }
    std::ostream& out = ca->out.empty() ? std::cout : file;
    csv::Writer w(out);
    w.row({"id", "lon", "lat", "verdict", "reason", "nearest_place_id", "nearest_place", "nearest_commune", "minutes",
           "threshold_minutes", "date", "call", "graph_checksum", "registry_revision"});
    auto t0 = std::chrono::steady_clock::now();
    std::map<std::string, int> counts;
    for (auto& [id, p] : points) {
      auto r = ctx.checker->quick(p);
      ++counts[ami::verdict_name(r.verdict)];
      w.row({id, fmt::format("{}", p.lon), fmt::format("{}", p.lat), ami::verdict_name(r.verdict), r.reason,
             r.nearest ? r.nearest->id : "", r.nearest ? r.nearest->name : "", r.nearest ? r.nearest->commune : "",
             r.nearest ? fmt::format("{:.2f}", r.nearest->minutes) : "", fmt::format("{:g}", r.threshold_min), d,
             ctx.call.id, fmt::format("{:08x}", r.data.graph_checksum), std::to_string(r.data.registry_revision)});
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << fmt::format(
        "maillage: {} checks in {:.3f} s: {} eligible, {} not eligible, {} to verify, {} cannot "
        "decide\n",
        points.size(), s, counts["eligible"], counts["not_eligible"], counts["to_verify"], counts["cannot_decide"]);
  });
}

// Is a development project of a listed place eligible.
void add_check_development(CLI::App* ami_cmd, Globals& g) {
  auto da = std::make_shared<DevArgs>();
  auto* cd = ami_cmd->add_subcommand("check-development", "is a development project of this place eligible?");
  cd->add_option("PLACE_ID", da->place, "place id in the directory")->required();
  cd->add_option("--call", da->call, "call id (default ami-2022-2024)");
  cd->add_option("--date", da->date, "date (default: today)");
  cd->add_flag("--json", da->json, "JSON output");
  cd->callback([&g, da] {
    auto d = check_date(da->date);
    auto store = open_store(g);
    auto call = ami::get_call(store->db(), da->call);
    auto r = ami::check_development(store->get(da->place), da->place, d, call, store->revision(),
                                    registry::current_charter(store->db(), d));
    if (da->json) {
      std::cout << r.to_json().dump(2) << '\n';
      return;
    }
    std::cout << fmt::format("{}: {}\n", r.verdict, r.reason);
    for (auto& c : r.criteria)
      std::cout << fmt::format("  {:<14}{:<9} {} (rule: {})\n", c.name, c.verdict, c.value, c.rule);
    std::cout << fmt::format("Data used: call {}, date {}, registry revision {}\n", r.call_id, r.date,
                             r.registry_revision);
  });
}

// An application: created as a draft, then submitted with its eligibility.
void add_apply_submit(CLI::App* ami_cmd, Globals& g, const AppArgsPtr& aa) {
  auto* apply = ami_cmd->add_subcommand("apply", "create an application (a draft)");
  apply->add_option("--kind", aa->kind, "creation or development")
      ->required()
      ->check(CLI::IsMember({"creation", "development"}));
  apply->add_option("--applicant", aa->applicant, "who applies")->required();
  apply->add_option("--project", aa->project, "project name")->required();
  apply->add_option("--at", aa->at, "creation: lon,lat");
  apply->add_option("--commune", aa->commune, "creation: INSEE code or commune name");
  apply->add_option("--place", aa->place, "development: place id");
  apply->add_option("--call", aa->call, "call id (default ami-2022-2024)");
  apply->add_option("--by", aa->by, "who records it")->required();
  apply->callback([&g, aa] {
    auto store = open_store(g);
    ami::Application a;
    a.call_id = aa->call, a.kind = aa->kind, a.applicant = aa->applicant, a.project = aa->project,
    a.place_id = aa->place;
    if (aa->kind == "creation") {
      if (aa->at.empty() && aa->commune.empty()) throw Error("a creation project needs --at or --commune");
      auto p = parse_at(aa->at, aa->commune, &a.insee_code);
      a.lon = p.lon, a.lat = p.lat;
    }
    auto id = ami::Applications(store->db()).create(a, aa->by);
    std::cout << "application " << id << " created (draft)\n";
  });
  auto* submit =
      ami_cmd->add_subcommand("submit", "submit an application: eligibility computed now and stored for good");
  submit->add_option("ID", aa->id, "application id")->required();
  submit->add_option("--date", aa->date, "submission date (default: today); refused outside the call window");
  submit->add_option("--by", aa->by, "who submits")->required();
  submit->callback([&g, aa] {
    auto d = check_date(aa->date);
    auto store = open_store(g);
    ami::Applications apps(store->db());
    auto a = apps.get(aa->id);
    auto call = ami::get_call(store->db(), a.call_id);
    if (!call.open_on(d))  // checked before the (longer) eligibility computation; again inside the transaction
      throw ami::Conflict(fmt::format("the call '{}' is open from {} to {} (both included): submission on {} refused",
                                      call.id, call.opens, call.closes, d));
    json eligibility;
    if (a.kind == "creation") {
      auto ctx = make_checker(g, a.call_id, d);
      eligibility = ctx.checker->explain({*a.lon, *a.lat}).to_json();
    } else {
      eligibility = ami::check_development(store->get(a.place_id), a.place_id, d, call, store->revision(),
                                           registry::current_charter(store->db(), d))
                        .to_json();
    }
    apps.submit(aa->id, d, eligibility, aa->by);
    std::cout << fmt::format("application {} submitted on {}: {} ({})\n", aa->id, d,
                             eligibility["verdict"].get<std::string>(), eligibility["reason"].get<std::string>());
  });
}

// The steps after submission: review, decision, withdrawal, a verdict on a "to verify".
void add_decisions(CLI::App* ami_cmd, Globals& g, const AppArgsPtr& aa) {
  auto transition = [&g, aa](const std::string& to) {
    return [&g, aa, to] {
      auto store = open_store(g);
      std::string target = to.empty() ? (aa->decision == "accept" ? "accepted" : "rejected") : to;
      ami::Applications(store->db()).transition(aa->id, target, aa->by, aa->reason);
      std::cout << fmt::format("application {} is {}\n", aa->id, target);
    };
  };
  auto* review = ami_cmd->add_subcommand("review", "start the review of a submitted application");
  auto* decide = ami_cmd->add_subcommand("decide", "accept or reject an application under review");
  auto* withdraw = ami_cmd->add_subcommand("withdraw", "withdraw an application");
  for (auto* c : {review, decide, withdraw}) {
    c->add_option("ID", aa->id, "application id")->required();
    c->add_option("--by", aa->by, "who decides")->required();
    c->add_option("--reason", aa->reason, "why (required to reject or withdraw)");
  }
  decide->add_option("DECISION", aa->decision, "accept or reject")
      ->required()
      ->check(CLI::IsMember({"accept", "reject"}));
  review->callback(transition("under_review"));
  decide->callback(transition(""));
  withdraw->callback(transition("withdrawn"));
  auto* confirm = ami_cmd->add_subcommand("confirm",
                                          "record the verdict of a creation eligibility found 'to verify' "
                                          "(the route checked)");
  confirm->add_option("ID", aa->id, "application id")->required();
  confirm->add_option("VERDICT", aa->decision, "eligible or not_eligible")
      ->required()
      ->check(CLI::IsMember({"eligible", "not_eligible"}));
  confirm->add_option("--by", aa->by, "who checked")->required();
  confirm->add_option("--reason", aa->reason, "what was checked: the route, the time measured")->required();
  confirm->callback([&g, aa] {
    auto store = open_store(g);
    ami::Applications(store->db()).confirm_eligibility(aa->id, aa->decision, aa->by, aa->reason);
    std::cout << fmt::format("application {}: eligibility confirmed as {}\n", aa->id, aa->decision);
  });
}

// The applications, as a table, CSV or JSON.
void add_application_list(CLI::App* ami_cmd, Globals& g, const AppArgsPtr& aa) {
  auto* list = ami_cmd->add_subcommand("applications", "list applications (CSV export with --csv)");
  list->add_option("--call", aa->call, "only this call");
  list->add_option("--status", aa->status, "only this status");
  list->add_flag("--csv", aa->csv, "CSV export");
  list->add_flag("--json", aa->json, "JSON output");
  list->callback([&g, aa] {
    auto store = open_store(g);
    auto apps = ami::Applications(store->db()).list(aa->call, aa->status);
    if (aa->csv) {
      ami::export_applications_csv(apps, std::cout);
      return;
    }
    if (aa->json) {
      json a = json::array();
      for (auto& x : apps) a.push_back(x.to_json());
      std::cout << a.dump(2) << '\n';
      return;
    }
    for (auto& x : apps)
      std::cout << fmt::format("{:>5}  {:<12}{:<12}{:<30}{}\n", x.id, x.status, x.kind, x.project.substr(0, 29),
                               x.applicant);
    std::cout << apps.size() << " applications\n";
  });
  auto* show = ami_cmd->add_subcommand("show", "an application with its eligibility and its history");
  show->add_option("ID", aa->id, "application id")->required();
  show->callback([&g, aa] {
    auto store = open_store(g);
    std::cout << ami::Applications(store->db()).get(aa->id).to_json(true).dump(2) << '\n';
  });
}

}  // namespace

void add_ami_commands(CLI::App& app, Globals& g) {
  auto* ami_cmd = app.add_subcommand("ami", "funding call (AMI) rules: eligibility checks, applications, calls");
  ami_cmd->require_subcommand(1);
  add_calls(ami_cmd, g);
  add_check_creation(ami_cmd, g);
  add_check_development(ami_cmd, g);
  auto aa = std::make_shared<AppArgs>();
  add_apply_submit(ami_cmd, g, aa);
  add_decisions(ami_cmd, g, aa);
  add_application_list(ami_cmd, g, aa);
}

}  // namespace maillage::cli

#include "api/service.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "ami/ami.hpp"
#include "ami/applications.hpp"
#include "booking/booking.hpp"
#include "booking/search.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "coverage/serialize.hpp"
#include "planning/run.hpp"
#include "registry/filter.hpp"
#include "registry/io_formats.hpp"
#include "registry/validate.hpp"
#include "roads/profile.hpp"
#include "routing/search.hpp"
#include "routing/snap.hpp"
#include "territory/communes.hpp"
#include "territory/outline.hpp"

namespace maillage::api {

using nlohmann::json;

struct Service::State {
  std::mutex store_mu;  // the store's connection and prepared statements are used by one thread at a time
  std::unique_ptr<registry::PlaceStore> store;
  registry::Validator validator{territory::CommuneTable::bundled(), territory::Outline::bundled_region(), date::today()};
  roads::RoadGraph graph;
  std::string graph_label;
  std::unique_ptr<routing::Snapper> snapper;
  std::mutex engine_mu;  // the coverage engine holds the times of one set of places
  std::unique_ptr<coverage::Engine> engine;
  std::string engine_key;
  std::mutex cache_mu;
  std::map<std::string, std::shared_ptr<const std::string>> cache;  // computed bodies by (revision, parameters)
  std::map<std::string, std::shared_ptr<const std::string>> pages;  // cheap bodies (place pages), kept apart
  // Each place of a registry snapshot serialised once, without [0] and with [1] the private fields: a page of
  // the list is then a concatenation.
  struct PlacesJson {
    std::shared_ptr<const registry::PlaceStore::Snapshot> snapshot;
    std::vector<std::string> items[2];
  };
  std::mutex places_json_mu;
  std::shared_ptr<const PlacesJson> places_json;
  std::mutex checker_mu;  // free creation checkers by (revision, call, date): one request uses one at a time
  std::map<std::string, std::vector<std::unique_ptr<ami::CreationChecker>>> checkers;
  std::mutex search_mu;  // one Search for the booking network search
  std::unique_ptr<routing::Search> search;

  int64_t revision() {
    std::lock_guard l(store_mu);
    return store->revision();
  }
};

namespace {

using Params = std::vector<std::string>;
using State = Service::State;

Response json_response(const json& j, int status = 200) { return {status, "application/json", j.dump(), {}}; }

ApiError bad(const std::string& field, const std::string& message) { return ApiError(400, "bad_request", message, field); }

std::string q(const Request& r, const std::string& name, const std::string& fallback = {}) {
  auto it = r.query.find(name);
  return it == r.query.end() ? fallback : it->second;
}
double q_number(const Request& r, const std::string& name, double fallback, double lo, double hi) {
  auto s = q(r, name);
  if (s.empty()) return fallback;
  double v = 0;
  if (!text::parse_double(s, v) || v < lo || v > hi) throw bad(name, fmt::format("'{}' is not a number between {:g} and {:g}", s, lo, hi));
  return v;
}
bool q_bool(const Request& r, const std::string& name) {
  auto s = q(r, name);
  if (s.empty() || s == "false" || s == "0") return false;
  if (s == "true" || s == "1") return true;
  throw bad(name, fmt::format("'{}': expected true or false", s));
}
std::string q_date(const Request& r, const std::string& name = "date") {
  auto s = q(r, name);
  if (s.empty()) return date::today();
  std::string why;
  auto d = date::parse(s, why, false);
  if (!d) throw bad(name, why);
  return d->iso;
}
// Query parameters must be known: a misspelt filter silently ignored would give a wrong answer.
void only(const Request& r, std::initializer_list<const char*> known) {
  for (auto& [k, v] : r.query)
    if (std::none_of(known.begin(), known.end(), [&](const char* n) { return k == n; }))
      throw bad(k, fmt::format("unknown parameter '{}'", k));
}
json body_object(const Request& r) {
  json j;
  try {
    j = json::parse(r.body);
  } catch (const json::parse_error& e) {
    throw ApiError(400, "bad_json", std::string("the body is not JSON: ") + e.what());
  }
  if (!j.is_object()) throw ApiError(400, "bad_json", "the body must be a JSON object");
  return j;
}

// Bodies computed once per (revision, parameters). Cheap bodies (place pages: any client can ask for thousands
// of distinct ones) live in their own map, so that a flood of them never evicts a costly coverage body.
std::shared_ptr<const std::string> cached(State& s, const std::string& key, const std::function<std::string()>& make,
                                          bool cheap = false) {
  auto& map = cheap ? s.pages : s.cache;
  {
    std::lock_guard l(s.cache_mu);
    if (auto it = map.find(key); it != map.end()) return it->second;
  }
  auto body = std::make_shared<const std::string>(make());
  std::lock_guard l(s.cache_mu);
  if (map.size() >= (cheap ? 1024u : 256u)) map.clear();
  map[key] = body;
  return body;
}

// ---- places ----
registry::PlaceFilter filter_of(const Request& r, int max_page, bool paging) {
  registry::FilterText t;
  for (auto& x : text::split_list(q(r, "type"), ",")) t.types.push_back(x);
  t.status = q(r, "status"), t.department = q(r, "department"), t.commune = q(r, "commune"), t.text = q(r, "q");
  t.open_on = q(r, "open_on"), t.bbox = q(r, "bbox");
  if (paging) {
    t.limit = static_cast<int>(q_number(r, "limit", 50, 1, max_page));
    t.offset = static_cast<int>(q_number(r, "offset", 0, 0, 1e9));
  }
  try {
    return registry::parse_filter(t);
  } catch (const registry::FilterError& e) {
    throw bad(e.param == "text" ? "q" : e.param, e.what());
  }
}
// Private contact fields: registry tokens only (a member or a manager of one place does not see every contact).
bool may_see_private(const Token* who) { return who && (who->role == "admin" || who->role == "editor"); }

json place_json(const registry::Place& p, bool with_private) {
  auto* c = territory::CommuneTable::bundled().find(p.insee_code);
  return registry::to_json(p, with_private, c ? c->name : "");
}
json place_json(const registry::Place& p, const Token* who) { return place_json(p, may_see_private(who)); }

std::shared_ptr<const State::PlacesJson> places_json(State& s,
                                                     const std::shared_ptr<const registry::PlaceStore::Snapshot>& snap) {
  std::lock_guard l(s.places_json_mu);
  if (!s.places_json || s.places_json->snapshot != snap) {
    auto made = std::make_shared<State::PlacesJson>();
    made->snapshot = snap;
    for (auto& p : snap->places)
      for (bool priv : {false, true}) made->items[priv].push_back(place_json(p, priv).dump());
    s.places_json = std::move(made);
  }
  return s.places_json;
}

Response places_list(Service&, State& s, const Request& r, const Limits& lim, const Token* who) {
  only(r, {"type", "status", "department", "commune", "q", "open_on", "bbox", "limit", "offset"});
  auto f = filter_of(r, lim.max_page, true);
  bool priv = may_see_private(who);
  // A page depends only on the registry revision, the parameters and whether private fields are shown.
  std::string key = fmt::format("places|{}|{}", s.revision(), priv);
  for (auto& [k, v] : r.query) key += fmt::format("|{}={}", k, v);
  auto body = cached(
      s, key,
      [&] {
        registry::PlaceStore::Selection sel;
        {
          std::lock_guard l(s.store_mu);
          sel = s.store->select(f);
        }
        auto items = places_json(s, sel.snapshot);
        // The members in the order nlohmann::json writes them (sorted), as the other bodies.
        std::string out = R"({"items":[)";
        for (size_t n = 0; n < sel.page.size(); ++n) {
          if (n) out += ',';
          out += items->items[priv][sel.page[n]];
        }
        out += fmt::format(R"(],"limit":{},"offset":{},"registry_revision":{},"total":{}}})", f.limit, f.offset,
                           sel.snapshot->revision, sel.total);
        return out;
      },
      true);
  return {200, "application/json", *body, {}};
}

Response places_export(State& s, const Request& r, const Token* who, const std::string& fmt_name) {
  only(r, {"type", "status", "department", "commune", "q", "open_on", "bbox"});
  auto f = filter_of(r, 0, false);
  std::vector<registry::Place> items;
  {
    std::lock_guard l(s.store_mu);
    items = s.store->list(f);
  }
  std::ostringstream out;
  registry::export_places(items, registry::parse_format(fmt_name), may_see_private(who), territory::CommuneTable::bundled(), out);
  bool geo = fmt_name == "geojson";
  return {200, geo ? "application/json" : "text/csv; charset=utf-8", out.str(),
          geo ? "tiers-lieux.geojson" : "tiers-lieux.csv"};
}

registry::Place require_place(State& s, const std::string& id) {
  std::lock_guard l(s.store_mu);
  auto p = s.store->get(id);
  if (!p) throw ApiError(404, "not_found", fmt::format("no place with id '{}'", id));
  return *p;
}

// A place body: known fields only, values as in the CSV formats (lists as arrays or comma-separated).
registry::Record record_of(const json& body, std::vector<registry::Problem>& problems) {
  registry::Record rec;
  rec.file = "request body";
  for (auto& [key, value] : body.items()) {
    auto* def = registry::find_field(key);
    if (!def || def->field == registry::Field::id)
      throw bad(key, fmt::format("unknown field '{}' (the fields are those of the Maillage CSV: docs/data.md)", key));
    std::string v;
    if (value.is_string()) v = value.get<std::string>();
    else if (value.is_number()) v = value.dump();
    else if (value.is_null()) v = "";
    else if (value.is_array()) {
      std::vector<std::string> parts;
      for (auto& x : value) {
        if (!x.is_string()) throw bad(key, "expected an array of strings");
        parts.push_back(x.get<std::string>());
      }
      v = text::join(parts, ",");
    } else {
      throw bad(key, "expected a string, a number or an array of strings");
    }
    registry::set_record_value(rec, def->field, v, problems);
  }
  return rec;
}

Response write_place(State& s, registry::Record rec, std::vector<registry::Problem> problems,
                     registry::ImportOptions::Mode mode, const Token* who, int ok_status) {
  registry::ImportOptions o;
  o.mode = mode;
  o.origin = fmt::format("api token {} ({})", who->id, who->label);
  registry::ImportReport rep;
  {
    std::lock_guard l(s.store_mu);
    rep = registry::import_records(*s.store, s.validator, {std::move(rec)}, o, std::move(problems));
  }
  json warnings = json::array();
  for (auto& p : rep.problems) {
    if (p.is_error()) {
      int status = p.message.find("already") != std::string::npos ? 409 : 422;
      throw ApiError(status, status == 409 ? "conflict" : "invalid", p.message, p.where.field);
    }
    warnings.push_back({{"field", p.where.field}, {"message", p.message}});
  }
  if (!rep.committed) throw ApiError(422, "invalid", "refused: nothing was written");
  auto id = rep.written_ids.empty() ? std::string() : rep.written_ids[0];
  json out{{"registry_revision", rep.revision}, {"changed", rep.inserted + rep.updated > 0}, {"warnings", warnings}};
  if (!id.empty()) out["place"] = place_json(require_place(s, id), who);
  return json_response(out, ok_status);
}

// ---- coverage ----
std::vector<coverage::Place> open_places(State& s, const std::string& d) {
  registry::PlaceFilter f;
  f.open_on = d;
  std::vector<registry::Place> ps;
  {
    std::lock_guard l(s.store_mu);
    ps = s.store->list(f);
  }
  std::vector<coverage::Place> out;
  for (auto& p : ps) out.push_back({p.id, p.name, p.insee_code, {*p.lon, *p.lat}});
  return out;
}
// Runs `f` with the engine computed for the places open at `d` (under the engine lock).
template <class F>
auto with_engine(State& s, const std::string& d, int64_t rev, F f) {
  auto places = open_places(s, d);
  std::lock_guard l(s.engine_mu);
  auto key = fmt::format("{}|{}", rev, d);
  if (s.engine_key != key) s.engine->compute(places), s.engine_key = key;
  return f(*s.engine, places);
}

Response coverage_summary(State& s, const Request& r) {
  only(r, {"date", "threshold", "communes"});
  auto d = q_date(r);
  double t = q_number(r, "threshold", 20, 1, 600);
  bool communes = q_bool(r, "communes");
  auto rev = s.revision();
  auto body = cached(s, fmt::format("coverage|{}|{}|{}|{}", rev, d, t, communes), [&] {
    return with_engine(s, d, rev, [&](coverage::Engine& e, const std::vector<coverage::Place>& places) {
      auto rep = coverage::build_report(e, places, d, t);
      auto j = coverage::report_json(rep, places, communes);
      j["registry_revision"] = rev;
      return j.dump();
    });
  });
  return {200, "application/json", *body, {}};
}

Response coverage_geojson(State& s, const Request& r, bool zones) {
  only(r, {"date", "threshold"});
  auto d = q_date(r);
  double t = q_number(r, "threshold", 20, 1, 600);
  auto rev = s.revision();
  auto body = cached(s, fmt::format("{}|{}|{}|{}", zones ? "zones" : "cells", rev, d, t), [&] {
    return with_engine(s, d, rev, [&](coverage::Engine& e, const std::vector<coverage::Place>& places) {
      if (!zones) return coverage::cells_geojson(e, places, t).dump();
      return coverage::zones_geojson(e, coverage::build_report(e, places, d, t)).dump();
    });
  });
  return {200, "application/json", *body, {}};
}

Response indicators(State& s, const Request& r) {
  only(r, {"date", "threshold", "history"});
  auto d = q_date(r);
  double t = q_number(r, "threshold", 20, 1, 600);
  bool history = r.query.count("history") ? q_bool(r, "history") : true;
  auto rev = s.revision();
  auto body = cached(s, fmt::format("indicators|{}|{}|{}|{}", rev, d, t, history), [&] {
    std::vector<registry::Place> all;
    {
      std::lock_guard l(s.store_mu);
      all = s.store->list({});
    }
    std::lock_guard l(s.engine_mu);
    s.engine_key.clear();  // the history recomputes the engine for other dates
    auto ind = coverage::compute_indicators(all, d, history ? s.engine.get() : nullptr, t, history);
    return coverage::indicators_json(ind, rev).dump();
  });
  return {200, "application/json", *body, {}};
}

// ---- eligibility ----
ami::Call call_of(State& s, const Request& r) {
  std::lock_guard l(s.store_mu);
  try {
    return ami::get_call(s.store->db(), q(r, "call", ami::kDefaultCall));
  } catch (const NotFound& e) {
    throw bad("call", e.what());
  }
}

Response creation(State& s, const Request& r) {
  only(r, {"lon", "lat", "commune", "date", "call", "explain"});
  auto d = q_date(r);
  auto call = call_of(s, r);
  geo::LonLat at;
  if (!q(r, "commune").empty()) {
    size_t named = 0;
    auto code = territory::CommuneTable::bundled().resolve(q(r, "commune"), &named);
    if (code.empty()) throw bad("commune", named ? "names several communes: give the INSEE code" : "not a commune of the region");
    at = territory::CommuneTable::bundled().find(code)->centre;
  } else {
    if (q(r, "lon").empty()) throw bad("lon", "give lon and lat, or commune");
    if (q(r, "lat").empty()) throw bad("lat", "give lon and lat, or commune");
    at = {q_number(r, "lon", 0, -180, 180), q_number(r, "lat", 0, -90, 90)};
  }
  bool explain = q(r, "explain").empty() || q_bool(r, "explain");
  auto rev = s.revision();
  auto key = fmt::format("{}|{}|{}", rev, call.id, d);
  std::unique_ptr<ami::CreationChecker> checker;
  {
    std::lock_guard l(s.checker_mu);
    for (auto it = s.checkers.begin(); it != s.checkers.end();)  // drop checkers of older revisions
      it = it->first.starts_with(fmt::format("{}|", rev)) ? std::next(it) : s.checkers.erase(it);
    auto& free = s.checkers[key];
    if (!free.empty()) checker = std::move(free.back()), free.pop_back();
  }
  if (!checker) {
    registry::PlaceFilter f;
    f.open_on = d;
    std::vector<registry::Place> places;
    {
      std::lock_guard l(s.store_mu);
      places = s.store->list(f);
    }
    ami::DataUsed used{d, call.id, s.graph_label, s.graph.checksum, rev};
    checker = std::make_unique<ami::CreationChecker>(s.graph, *s.snapper, std::move(places), call, used);
  }
  auto res = explain ? checker->explain(at) : checker->quick(at);
  {
    std::lock_guard l(s.checker_mu);
    s.checkers[key].push_back(std::move(checker));
  }
  return json_response(res.to_json());
}

Response development(State& s, const Request& r) {
  only(r, {"place", "date", "call"});
  auto id = q(r, "place");
  if (id.empty()) throw bad("place", "the place id is required");
  auto d = q_date(r);
  auto call = call_of(s, r);
  std::lock_guard l(s.store_mu);
  return json_response(ami::check_development(s.store->get(id), id, d, call, s.store->revision()).to_json());
}

// ---- applications ----
Response applications_list(State& s, const Request& r) {
  only(r, {"call", "status"});
  std::lock_guard l(s.store_mu);
  ami::Applications apps(s.store->db());
  json arr = json::array();
  for (auto& a : apps.list(q(r, "call"), q(r, "status"))) arr.push_back(a.to_json());
  return json_response({{"items", arr}});
}

int64_t app_id(const std::string& text) {
  int64_t id = 0;
  double v = 0;
  if (!text::parse_double(text, v) || v < 1 || v != std::floor(v)) throw ApiError(404, "not_found", "no application " + text);
  id = static_cast<int64_t>(v);
  return id;
}

Response application_get(State& s, const std::string& id) {
  std::lock_guard l(s.store_mu);
  return json_response(ami::Applications(s.store->db()).get(app_id(id)).to_json(true));
}

Response application_create(State& s, const Request& r, const Token* who) {
  auto b = body_object(r);
  ami::Application a;
  for (auto& [k, v] : b.items()) {
    if (k == "lon" || k == "lat") {
      if (!v.is_number()) throw bad(k, "expected a number");
      (k == "lon" ? a.lon : a.lat) = v.get<double>();
      continue;
    }
    if (!v.is_string()) throw bad(k, "expected a string");
    auto x = v.get<std::string>();
    if (k == "call") a.call_id = x;
    else if (k == "kind") a.kind = x;
    else if (k == "applicant") a.applicant = x;
    else if (k == "project") a.project = x;
    else if (k == "place") a.place_id = x;
    else if (k == "commune") a.insee_code = x;
    else throw bad(k, fmt::format("unknown field '{}' (call, kind, applicant, project, place, commune, lon, lat)", k));
  }
  if (a.call_id.empty()) a.call_id = ami::kDefaultCall;
  std::lock_guard l(s.store_mu);
  ami::Applications apps(s.store->db());
  int64_t id = apps.create(a, fmt::format("token {}", who->id));
  return json_response(apps.get(id).to_json(true), 201);
}

Response application_transition(State& s, const Request& r, const std::string& id_text, const std::string& action,
                                 const Token* who) {
  auto b = r.body.empty() ? json::object() : body_object(r);
  std::string reason, d = date::today();
  for (auto& [k, v] : b.items()) {
    if (!v.is_string()) throw bad(k, "expected a string");
    if (k == "reason") reason = v.get<std::string>();
    else if (k == "date" && action == "submit") {
      std::string why;
      auto pd = date::parse(v.get<std::string>(), why, false);
      if (!pd) throw bad("date", why);
      d = pd->iso;
    } else throw bad(k, fmt::format("unknown field '{}'", k));
  }
  auto id = app_id(id_text);
  auto actor = fmt::format("token {} ({})", who->id, who->label);
  if (action == "submit") {
    ami::Application a;
    ami::Call call;
    {
      std::lock_guard l(s.store_mu);
      a = ami::Applications(s.store->db()).get(id);
      call = ami::get_call(s.store->db(), a.call_id);
    }
    json eligibility;
    if (a.kind == "development") {
      std::lock_guard l(s.store_mu);
      eligibility = ami::check_development(s.store->get(a.place_id), a.place_id, d, call, s.store->revision()).to_json();
    } else {
      Request er;
      er.query = {{"lon", fmt::format("{}", a.lon.value_or(0))}, {"lat", fmt::format("{}", a.lat.value_or(0))},
                  {"date", d}, {"call", call.id}};
      eligibility = json::parse(creation(s, er).body);
    }
    std::lock_guard l(s.store_mu);
    ami::Applications(s.store->db()).submit(id, d, eligibility, actor);
  } else {
    static const std::map<std::string, std::string> to{
        {"review", "under_review"}, {"accept", "accepted"}, {"reject", "rejected"}, {"withdraw", "withdrawn"}};
    if ((action == "accept" || action == "reject") && who->role != "admin")
      throw ApiError(403, "forbidden", "accepting or rejecting needs an admin token");
    std::lock_guard l(s.store_mu);
    ami::Applications(s.store->db()).transition(id, to.at(action), actor, reason);
  }
  return application_get(s, id_text);
}

// ---- planning ----
Response plan(State& s, const Request& r, const Limits& lim, const std::string& what) {
  if (what == "criticality") only(r, {"date", "threshold"});
  else only(r, {"date", "threshold", "k", "exact", "time_limit", "format"});
  auto d = q_date(r);
  double t = q_number(r, "threshold", 20, 1, 600);
  planning::PlanRequest pq;
  pq.threshold = coverage::threshold_ms(t);
  pq.cover = what == "cover";
  pq.k = static_cast<size_t>(q_number(r, "k", 10, 1, lim.max_k));
  pq.exact = what == "best" && q_bool(r, "exact");
  pq.time_limit_s = q_number(r, "time_limit", 20, 1, lim.max_time_limit_s);
  auto format = q(r, "format", "json");
  if (format != "json" && format != "geojson") throw bad("format", "expected json or geojson");
  auto rev = s.revision();
  auto key = fmt::format("plan|{}|{}|{}|{}|{}|{}|{}|{}", what, rev, d, t, pq.k, pq.exact, pq.time_limit_s, format);
  auto body = cached(s, key, [&] {
    static const auto candidates = planning::load_candidates("communes");
    return with_engine(s, d, rev, [&](coverage::Engine& e, const std::vector<coverage::Place>& places) {
      if (what == "criticality") {
        auto res = planning::criticality(e, places, pq.threshold);
        s.engine_key.clear();  // criticality recomputes the engine without each place
        std::sort(res.begin(), res.end(), [](auto& x, auto& y) { return x.sole_population > y.sole_population; });
        json arr = json::array();
        for (auto& c : res)
          arr.push_back({{"id", places[c.place].id}, {"name", places[c.place].name}, {"sole_population", c.sole_population},
                         {"users", c.users}, {"added_minutes", std::round(c.added_minutes * 100) / 100}, {"stranded", c.stranded}});
        return json{{"date", d}, {"threshold_minutes", t}, {"places", arr}}.dump();
      }
      auto rep = planning::plan(e, candidates, pq);
      if (format == "geojson") return planning::to_geojson(rep, candidates).dump();
      auto j = planning::to_json(rep, candidates);
      j["date"] = d, j["threshold_minutes"] = t, j["candidates"] = "communes", j["open_places"] = places.size();
      return j.dump();
    });
  });
  return {200, "application/json", *body, {}};
}

// ---- booking ----
// Who may act on a booking: an admin; the manager of its place; the member it belongs to.
bool may_manage(const Token* who, const std::string& place_id) {
  return who && (who->role == "admin" || (who->role == "manager" && who->subject == place_id));
}
int64_t number_param(const std::string& text, const std::string& what) {
  double v = 0;
  if (!text::parse_double(text, v) || v < 1 || v != std::floor(v)) throw ApiError(404, "not_found", fmt::format("no {} '{}'", what, text));
  return static_cast<int64_t>(v);
}
std::string actor_of(const Token* who) { return fmt::format("{}:{} (token {})", who->role, who->subject, who->id); }
// A booking the token may see, else 404 (not 403: whether it exists is not told).
booking::Booking visible_booking(booking::Bookings& b, const std::string& id_text, const Token* who) {
  auto bk = b.get(number_param(id_text, "booking"));
  bool own = who->role == "member" && who->subject == std::to_string(bk.member_id);
  if (!own && !may_manage(who, bk.place_id)) throw ApiError(404, "not_found", fmt::format("no booking {}", id_text));
  return bk;
}

Response booking_create(State& s, const Request& r, const Token* who) {
  auto body = body_object(r);
  booking::Request q;
  q.unit = "day";
  int64_t member = 0;
  for (auto& [k, v] : body.items()) {
    if (k == "resource" || k == "member" || k == "hours" || k == "weeks") {
      if (!v.is_number_integer()) throw bad(k, "expected an integer");
      if (k == "resource") q.resource_id = v.get<int64_t>();
      else if (k == "member") member = v.get<int64_t>();
      else if (k == "weeks") q.weeks = v.get<int>();
      else q.hours = v.get<int>();
      continue;
    }
    if (!v.is_string()) throw bad(k, "expected a string");
    auto x = v.get<std::string>();
    if (k == "unit") q.unit = x;
    else if (k == "date") q.date = x;
    else if (k == "start") q.start = x;
    else if (k == "half") q.half = x;
    else if (k == "month") q.month = x;
    else if (k == "channel") q.channel = x;
    else throw bad(k, fmt::format("unknown field '{}' (resource, member, unit, date, start, hours, half, month, weeks, channel)", k));
  }
  if (q.resource_id == 0) throw bad("resource", "the resource id is required");
  std::lock_guard l(s.store_mu);
  booking::Bookings b(s.store->db());
  auto res = b.resource(q.resource_id);
  if (who->role == "member") {
    if (member != 0 && std::to_string(member) != who->subject) throw ApiError(403, "forbidden", "a member books for themself");
    q.member_id = std::stoll(who->subject);
    q.actor = actor_of(who);
  } else {
    if (!may_manage(who, res.place_id)) throw ApiError(403, "forbidden", "only this place's manager (or an admin) books for others");
    if (member == 0) throw bad("member", "the member booked for is required");
    q.member_id = member, q.actor = actor_of(who), q.on_behalf = true;
    if (q.channel == "self") q.channel = "phone";
  }
  auto made = b.book_series(q);
  if (q.weeks == 1) return json_response(made.front().to_json(), 201);
  return json_response({{"series_id", made.front().series_id}, {"bookings", booking::to_json(made)}}, 201);
}

Response booking_list(State& s, const Request& r, const Token* who) {
  only(r, {"place", "member", "from", "to"});
  std::lock_guard l(s.store_mu);
  booking::Bookings b(s.store->db());
  int64_t member = 0;
  std::string place = q(r, "place");
  if (who->role == "member") {
    member = std::stoll(who->subject);  // a member sees only their own bookings
  } else if (who->role == "manager") {
    if (!place.empty() && place != who->subject) throw ApiError(403, "forbidden", "a manager sees their own place's bookings");
    place = who->subject;
  } else if (who->role != "admin") {
    throw ApiError(403, "forbidden", "bookings are seen by their members, their place's manager and admins");
  }
  if (member == 0 && !q(r, "member").empty()) member = number_param(q(r, "member"), "member");
  auto day = [&](const std::string& name) {
    auto v = q(r, name);
    if (v.empty()) return v;
    std::string why;
    if (!date::parse(v, why, false) || v.size() != 10) throw bad(name, "expected YYYY-MM-DD");
    return v + "T00:00";
  };
  return json_response({{"items", booking::to_json(b.list(member, place, day("from"), day("to")))},
                        {"role", who->role}, {"subject", who->subject}});
}

Response booking_action(State& s, const Request& r, const std::string& id, const std::string& action, const Token* who) {
  auto body = r.body.empty() ? json::object() : body_object(r);
  std::string reason;
  bool series = false;
  for (auto& [k, v] : body.items()) {
    if (k == "reason" && v.is_string()) reason = v.get<std::string>();
    else if (k == "series" && v.is_boolean() && action == "cancel") series = v.get<bool>();
    else throw bad(k, action == "cancel" ? "a reason (string) and series (boolean) may be given" : "only a reason (string) may be given");
  }
  std::lock_guard l(s.store_mu);
  booking::Bookings b(s.store->db());
  auto bk = visible_booking(b, id, who);
  bool manager = may_manage(who, bk.place_id);
  if (action == "cancel" && series) {
    auto cancelled = b.cancel_series(bk.id, actor_of(who), manager, booking::local_now(), reason);
    return json_response({{"series_id", bk.series_id}, {"bookings", booking::to_json(cancelled)}});
  }
  if (action == "cancel") b.cancel(bk.id, actor_of(who), manager, booking::local_now(), reason);
  else if (!manager) throw ApiError(403, "forbidden", fmt::format("only the place's manager may {} a booking", action == "no_show" ? "record a no-show for" : action));
  else if (action == "confirm") b.confirm(bk.id, actor_of(who));
  else b.no_show(bk.id, actor_of(who), booking::local_now());
  return json_response(b.get(bk.id).to_json());
}

Response booking_search(State& s, const Request& r) {
  only(r, {"lon", "lat", "commune", "desk_kind", "unit", "date", "start", "hours", "half", "minutes"});
  booking::DeskQuery dq;
  if (!q(r, "commune").empty()) {
    auto code = territory::CommuneTable::bundled().resolve(q(r, "commune"));
    if (code.empty()) throw bad("commune", "not a commune of the region");
    dq.at = territory::CommuneTable::bundled().find(code)->centre;
  } else {
    if (q(r, "lon").empty() || q(r, "lat").empty()) throw bad("lon", "give lon and lat, or commune");
    dq.at = {q_number(r, "lon", 0, -180, 180), q_number(r, "lat", 0, -90, 90)};
  }
  dq.desk_kind = q(r, "desk_kind", "dropin"), dq.unit = q(r, "unit", "day"), dq.date = q_date(r);
  if (dq.unit == "month") throw bad("unit", "hour, half_day or day");
  dq.start = q(r, "start"), dq.half = q(r, "half");
  dq.hours = static_cast<int>(q_number(r, "hours", 1, 1, 24));
  dq.max_minutes = q_number(r, "minutes", 20, 1, 180);
  std::vector<registry::Place> places;
  std::lock_guard l(s.store_mu);  // the store first, then the search: always in this order
  places = s.store->list({});
  booking::Bookings b(s.store->db());
  std::lock_guard l2(s.search_mu);
  auto found = booking::find_free_desks(b, places, s.graph, *s.snapper, *s.search, dq);
  json arr = json::array();
  for (auto& f : found) arr.push_back(f.to_json());
  return json_response({{"items", arr}});
}

}  // namespace

std::string error_body(const ApiError& e) {
  json j{{"code", e.code}, {"message", e.what()}};
  if (!e.field.empty()) j["field"] = e.field;
  return j.dump();
}

Service::Service(const std::string& db_path, roads::RoadGraph graph, const roads::Profile& profile,
                 std::string graph_label, Limits limits)
    : s_(std::make_unique<State>()), limits_(limits) {
  s_->store = std::make_unique<registry::PlaceStore>(db_path, &territory::CommuneTable::bundled());
  s_->graph = std::move(graph);
  s_->graph_label = std::move(graph_label);
  s_->snapper = std::make_unique<routing::Snapper>(s_->graph, routing::SnapOptions::from(profile));
  s_->search = std::make_unique<routing::Search>(s_->graph);
  s_->engine = std::make_unique<coverage::Engine>(s_->graph, *s_->snapper,
                                                  territory::bundled_points(territory::PopulationSource::Grid),
                                                  territory::CommuneTable::bundled());
}
Service::~Service() = default;

const std::vector<Route>& Service::routes() {
  using A = Access;
  static const std::vector<Route> r = {
      {"GET", "/health", A::Public, "liveness, data versions",
       [](Service& sv, const Request&, const Params&, const Token*) {
         auto& s = *sv.s_;
         int64_t n = 0, rev = 0;
         {
           std::lock_guard l(s.store_mu);
           n = s.store->count_all();
           rev = s.store->revision();
         }
         return json_response({{"status", "ok"}, {"places", n}, {"registry_revision", rev}, {"graph", s.graph_label},
                               {"graph_checksum", s.graph.checksum}, {"graph_nodes", s.graph.node_count()}});
       }},
      {"GET", "/openapi.json", A::Public, "this API's OpenAPI 3 document",
       [](Service&, const Request&, const Params&, const Token*) {
         static const std::string doc = io::read_file(paths::data_file("api/openapi.json"));
         return Response{200, "application/json", doc, {}};
       }},
      {"GET", "/territory/departments.geojson", A::Public, "outlines of the region's departments (IGN 2018, see data/ATTRIBUTION.md)",
       [](Service&, const Request& r, const Params&, const Token*) {
         only(r, {});
         static const std::string doc = io::read_file(paths::data_file("communes/departements-nouvelle-aquitaine_2018.geojson.gz"));
         return Response{200, "application/json", doc, {}};
       }},
      {"GET", "/territory/communes.geojson", A::Public, "outlines of the region's communes (IGN 2018; 8 MB, load on demand)",
       [](Service&, const Request& r, const Params&, const Token*) {
         only(r, {});
         static const std::string doc = io::read_file(paths::data_file("communes/communes_na_contours_2018.geojson.gz"));
         return Response{200, "application/json", doc, {}};
       }},
      {"GET", "/territory/communes", A::Public, "communes of the region: INSEE code, name, department, centre (for search)",
       [](Service&, const Request& r, const Params&, const Token*) {
         only(r, {});
         static const std::string doc = [] {
           json arr = json::array();
           for (auto& c : territory::CommuneTable::bundled().all())
             arr.push_back({c.code, c.name, c.dep, std::round(c.centre.lon * 1e5) / 1e5, std::round(c.centre.lat * 1e5) / 1e5});
           return json{{"columns", {"insee", "name", "dep", "lon", "lat"}}, {"items", arr}}.dump();
         }();
         return Response{200, "application/json", doc, {}};
       }},
      {"GET", "/places", A::Public, "list places (filters, pagination)",
       [](Service& sv, const Request& r, const Params&, const Token* w) { return places_list(sv, *sv.s_, r, sv.limits_, w); }},
      {"GET", "/places.geojson", A::Public, "places as GeoJSON (same filters)",
       [](Service& sv, const Request& r, const Params&, const Token* w) { return places_export(*sv.s_, r, w, "geojson"); }},
      {"GET", "/places.csv", A::Public, "places as CSV of the regional data dictionary (same filters)",
       [](Service& sv, const Request& r, const Params&, const Token* w) { return places_export(*sv.s_, r, w, "csv"); }},
      {"GET", "/places/{id}", A::Public, "one place, with its history",
       [](Service& sv, const Request& r, const Params& p, const Token* w) {
         only(r, {});
         auto place = require_place(*sv.s_, p[0]);
         auto j = place_json(place, w);
         json hist = json::array();
         {
           std::lock_guard l(sv.s_->store_mu);
           for (auto& h : sv.s_->store->history(p[0]))
             hist.push_back({{"revision", h.revision}, {"action", h.action}, {"at", h.at}, {"origin", h.origin}});
         }
         j["history"] = hist;
         return json_response(j);
       }},
      {"POST", "/places", A::Editor, "create a place",
       [](Service& sv, const Request& r, const Params&, const Token* w) {
         std::vector<registry::Problem> problems;
         auto rec = record_of(body_object(r), problems);
         if (!rec.present.test(static_cast<size_t>(registry::Field::name))) throw bad("name", "name is required");
         return write_place(*sv.s_, std::move(rec), std::move(problems), registry::ImportOptions::Mode::InsertOnly, w, 201);
       }},
      {"PATCH", "/places/{id}", A::Editor, "change fields of a place",
       [](Service& sv, const Request& r, const Params& p, const Token* w) {
         require_place(*sv.s_, p[0]);
         std::vector<registry::Problem> problems;
         auto rec = record_of(body_object(r), problems);
         rec.place.id = p[0];
         rec.present.set(static_cast<size_t>(registry::Field::id));
         return write_place(*sv.s_, std::move(rec), std::move(problems), registry::ImportOptions::Mode::UpdateOnly, w, 200);
       }},
      {"POST", "/places/{id}/close", A::Editor, "record that a place closed (body: date, reason)",
       [](Service& sv, const Request& r, const Params& p, const Token* w) {
         auto place = require_place(*sv.s_, p[0]);
         auto b = r.body.empty() ? json::object() : body_object(r);
         std::string d = date::today(), reason;
         for (auto& [k, v] : b.items()) {
           if (!v.is_string()) throw bad(k, "expected a string");
           if (k == "date") d = v.get<std::string>();
           else if (k == "reason") reason = v.get<std::string>();
           else throw bad(k, fmt::format("unknown field '{}' (date, reason)", k));
         }
         std::vector<registry::Problem> problems;
         registry::Record rec;
         rec.file = "request body";
         rec.place.id = p[0];
         rec.present.set(static_cast<size_t>(registry::Field::id));
         registry::set_record_value(rec, registry::Field::status, "closed", problems);
         registry::set_record_value(rec, registry::Field::closing_date, d, problems);
         if (!reason.empty())
           registry::set_record_value(rec, registry::Field::notes, (place.notes.empty() ? "" : place.notes + "; ") + "fermeture: " + reason, problems);
         return write_place(*sv.s_, std::move(rec), std::move(problems), registry::ImportOptions::Mode::UpdateOnly, w, 200);
       }},
      {"GET", "/coverage", A::Public, "coverage summary (date, threshold, communes=true for the per-commune table)",
       [](Service& sv, const Request& r, const Params&, const Token*) { return coverage_summary(*sv.s_, r); }},
      {"GET", "/coverage/cells.geojson", A::Public, "population cells with their drive time",
       [](Service& sv, const Request& r, const Params&, const Token*) { return coverage_geojson(*sv.s_, r, false); }},
      {"GET", "/coverage/zones.geojson", A::Public, "zones blanches as outlines",
       [](Service& sv, const Request& r, const Params&, const Token*) { return coverage_geojson(*sv.s_, r, true); }},
      {"GET", "/indicators", A::Public, "indicators and their history",
       [](Service& sv, const Request& r, const Params&, const Token*) { return indicators(*sv.s_, r); }},
      {"GET", "/calls", A::Public, "funding calls",
       [](Service& sv, const Request& r, const Params&, const Token*) {
         only(r, {});
         std::lock_guard l(sv.s_->store_mu);
         json arr = json::array();
         for (auto& c : ami::list_calls(sv.s_->store->db())) arr.push_back(c.to_json());
         return json_response({{"items", arr}});
       }},
      {"GET", "/eligibility/creation", A::Public, "creation eligibility at a point or commune, explained",
       [](Service& sv, const Request& r, const Params&, const Token*) { return creation(*sv.s_, r); }},
      {"GET", "/eligibility/development", A::Public, "development eligibility of a listed place",
       [](Service& sv, const Request& r, const Params&, const Token*) { return development(*sv.s_, r); }},
      {"GET", "/applications", A::Editor, "applications (call, status)",
       [](Service& sv, const Request& r, const Params&, const Token*) { return applications_list(*sv.s_, r); }},
      {"POST", "/applications", A::Editor, "create a draft application",
       [](Service& sv, const Request& r, const Params&, const Token* w) { return application_create(*sv.s_, r, w); }},
      {"GET", "/applications/{id}", A::Editor, "one application with its events",
       [](Service& sv, const Request& r, const Params& p, const Token*) {
         only(r, {});
         return application_get(*sv.s_, p[0]);
       }},
      {"POST", "/applications/{id}/{action}", A::Editor, "submit, review, accept, reject (admin) or withdraw",
       [](Service& sv, const Request& r, const Params& p, const Token* w) {
         static const std::vector<std::string> actions{"submit", "review", "accept", "reject", "withdraw"};
         if (std::find(actions.begin(), actions.end(), p[1]) == actions.end())
           throw ApiError(404, "not_found", fmt::format("no action '{}' (submit, review, accept, reject, withdraw)", p[1]));
         return application_transition(*sv.s_, r, p[0], p[1], w);
       }},
      {"GET", "/places/{id}/resources", A::Public, "bookable desks, rooms and machines of a place, with prices and opening hours",
       [](Service& sv, const Request& r, const Params& p, const Token*) {
         only(r, {});
         require_place(*sv.s_, p[0]);
         std::lock_guard l(sv.s_->store_mu);
         booking::Bookings b(sv.s_->store->db());
         json res = json::array(), hours = json::array();
         for (auto& x : b.resources(p[0])) res.push_back(x.to_json());
         for (auto& day : b.hours(p[0])) {
           json d = json::array();
           for (auto& iv : day) d.push_back({iv.opens, iv.closes});
           hours.push_back(d);
         }
         return json_response({{"place_id", p[0]}, {"resources", res}, {"opening_hours_monday_first", hours}});
       }},
      {"GET", "/booking/search", A::Public, "free desks of a kind at a time within N minutes' drive, nearest first",
       [](Service& sv, const Request& r, const Params&, const Token*) { return booking_search(*sv.s_, r); }},
      {"GET", "/booking/occupancy", A::Public, "anonymised regional occupancy for a month (totals by department)",
       [](Service& sv, const Request& r, const Params&, const Token*) {
         only(r, {"month"});
         auto m = q(r, "month");
         std::string why;
         if (m.size() != 7 || !date::parse(m, why, true)) throw bad("month", "expected YYYY-MM");
         std::lock_guard l(sv.s_->store_mu);
         return json_response(booking::regional_occupancy(sv.s_->store->db(), m));
       }},
      {"GET", "/bookings", A::Token, "bookings: a member's own, a manager's place's, or (admin) any",
       [](Service& sv, const Request& r, const Params&, const Token* w) { return booking_list(*sv.s_, r, w); }},
      {"POST", "/bookings", A::Token, "book (a member for themself; a manager for a member, on their behalf)",
       [](Service& sv, const Request& r, const Params&, const Token* w) { return booking_create(*sv.s_, r, w); }},
      {"GET", "/bookings/{id}", A::Token, "one booking (its member, its place's manager, admins)",
       [](Service& sv, const Request& r, const Params& p, const Token* w) {
         only(r, {});
         std::lock_guard l(sv.s_->store_mu);
         booking::Bookings b(sv.s_->store->db());
         return json_response(visible_booking(b, p[0], w).to_json());
       }},
      {"POST", "/bookings/{id}/{action}", A::Token, "cancel (member: until the resource's limit), confirm or no_show (manager)",
       [](Service& sv, const Request& r, const Params& p, const Token* w) {
         if (p[1] != "cancel" && p[1] != "confirm" && p[1] != "no_show")
           throw ApiError(404, "not_found", fmt::format("no action '{}' (cancel, confirm, no_show)", p[1]));
         return booking_action(*sv.s_, r, p[0], p[1], w);
       }},
      {"GET", "/bookings.ics", A::Token, "iCalendar of the member's own bookings",
       [](Service& sv, const Request& r, const Params&, const Token* w) {
         only(r, {});
         if (w->role != "member") throw ApiError(403, "forbidden", "a member token: the calendar of its member");
         std::lock_guard l(sv.s_->store_mu);
         return Response{200, "text/calendar", booking::Bookings(sv.s_->store->db()).icalendar_member(std::stoll(w->subject)), "bookings.ics"};
       }},
      {"GET", "/resources/{id}/calendar.ics", A::Token, "iCalendar of a resource's bookings (its place's manager, admins)",
       [](Service& sv, const Request& r, const Params& p, const Token* w) {
         only(r, {});
         std::lock_guard l(sv.s_->store_mu);
         booking::Bookings b(sv.s_->store->db());
         auto res = b.resource(number_param(p[0], "resource"));
         if (!may_manage(w, res.place_id)) throw ApiError(403, "forbidden", "the calendar of a resource is its place's manager's");
         return Response{200, "text/calendar", b.icalendar_resource(res.id), "resource.ics"};
       }},
      {"GET", "/plan/best", A::Public, "best k new sites (k, exact, time_limit, format=json|geojson)",
       [](Service& sv, const Request& r, const Params&, const Token*) { return plan(*sv.s_, r, sv.limits_, "best"); }},
      {"GET", "/plan/cover", A::Public, "fewest new sites covering every coverable inhabitant",
       [](Service& sv, const Request& r, const Params&, const Token*) { return plan(*sv.s_, r, sv.limits_, "cover"); }},
      {"GET", "/plan/criticality", A::Public, "what each open place is worth to coverage",
       [](Service& sv, const Request& r, const Params&, const Token*) { return plan(*sv.s_, r, sv.limits_, "criticality"); }},
  };
  return r;
}

namespace {
std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= path.size(); ++i)
    if (i == path.size() || path[i] == '/') out.push_back(path.substr(start, i - start)), start = i + 1;
  return out;
}
bool match(const std::string& pattern, const std::string& path, Params& params) {
  auto ps = segments(pattern), xs = segments(path);
  if (ps.size() != xs.size()) return false;
  Params out;
  for (size_t i = 0; i < ps.size(); ++i) {
    if (ps[i].size() > 2 && ps[i].front() == '{') {
      if (xs[i].empty()) return false;
      out.push_back(xs[i]);
    } else if (ps[i] != xs[i]) {
      return false;
    }
  }
  params = std::move(out);
  return true;
}
}  // namespace

Response Service::handle(const Request& r) {
  try {
    if (r.body.size() > limits_.max_body_bytes)
      throw ApiError(413, "too_large", fmt::format("the body is over {} bytes", limits_.max_body_bytes));
    const Route* found = nullptr;
    bool path_known = false;
    Params params;
    for (auto& route : routes()) {
      Params p;
      if (!match(route.pattern, r.path, p)) continue;
      path_known = true;
      if (route.method == r.method) {
        found = &route, params = std::move(p);
        break;
      }
    }
    if (!found) {
      if (path_known) throw ApiError(405, "method_not_allowed", fmt::format("{} is not allowed on {}", r.method, r.path));
      throw ApiError(404, "not_found", fmt::format("no route {} (see /api/v1/openapi.json)", r.path));
    }
    std::optional<Token> who;
    if (!r.authorization.empty()) {
      if (!r.authorization.starts_with("Bearer ")) throw ApiError(401, "unauthorized", "expected 'Authorization: Bearer <token>'");
      std::lock_guard l(s_->store_mu);
      who = verify_token(s_->store->db(), r.authorization.substr(7));
      if (!who) throw ApiError(401, "unauthorized", "unknown or revoked token");
    }
    if (found->access != Access::Public) {
      if (!who) throw ApiError(401, "unauthorized", "this request needs a bearer token (maillage tokens create)");
      if (found->access == Access::Admin && who->role != "admin") throw ApiError(403, "forbidden", "this request needs an admin token");
      if (found->access == Access::Editor && who->role != "admin" && who->role != "editor")
        throw ApiError(403, "forbidden", "this request needs an editor or admin token");
    }
    return found->handler(*this, r, params, who ? &*who : nullptr);
  } catch (const ApiError& e) {
    return {e.status, "application/json", error_body(e), {}};
  } catch (const booking::Conflict& e) {
    return {409, "application/json", error_body(ApiError(409, "conflict", e.what())), {}};
  } catch (const ami::Conflict& e) {
    return {409, "application/json", error_body(ApiError(409, "conflict", e.what())), {}};
  } catch (const NotFound& e) {
    return {404, "application/json", error_body(ApiError(404, "not_found", e.what())), {}};
  } catch (const InputError& e) {
    if (e.where().file == "request")  // a request parameter the library refused (booking): 400 naming it
      return {400, "application/json", error_body(ApiError(400, "bad_request", e.reason(), e.where().field)), {}};
    return {422, "application/json", error_body(ApiError(422, "invalid", e.what())), {}};
  } catch (const Error& e) {
    return {400, "application/json", error_body(ApiError(400, "bad_request", e.what())), {}};
  }
}

}  // namespace maillage::api

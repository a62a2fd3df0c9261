// What-if scenarios over HTTP (issue #19): a scenario is the registry at a date plus hypothetical, closed and moved
// places; each change is answered with the new coverage and its difference, computed incrementally
// (scenario::WhatIf). Saved scenarios (their changes) are shared by a key and replayed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "accounts/secrets.hpp"
#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/text.hpp"
#include "db/db.hpp"
#include "territory/population.hpp"

namespace maillage::api {

struct State::LiveScenario {
  std::mutex mu;
  std::unique_ptr<scenario::WhatIf> w;
  scenario::Figures start;
  std::string date, name, key;
  nlohmann::json changes = nlohmann::json::array();
  std::chrono::steady_clock::time_point used;
  int hypothetical = 0;  // numbering of the added places
};

namespace scenarios_api {

using nlohmann::json;
using Live = State::LiveScenario;

namespace {

constexpr double kThresholdMin = 20, kCapMin = 60;  // the policy's threshold; times kept up to an hour

std::shared_ptr<const scenario::WhatIf> base_for(State& s, const std::string& d) {
  auto key = fmt::format("{}|{}", s.revision(), d);
  {
    std::lock_guard l(s.scenarios_mu);
    if (s.scenario_base_key == key) return s.scenario_base;
  }
  auto places = open_places(s, d);
  auto& points = territory::bundled_points(territory::PopulationSource::Grid);
  std::vector<scenario::Site> sites;
  for (auto& p : places) sites.push_back({p.id, p.name, p.insee, p.at, false});
  auto w =
      std::make_shared<scenario::WhatIf>(s.graph, *s.snapper, points, s.engine->point_snaps(),
                                         coverage::threshold_ms(kThresholdMin), coverage::threshold_ms(kCapMin), sites);
  std::lock_guard l(s.scenarios_mu);
  s.scenario_base_key = key, s.scenario_base = w;
  return w;
}

std::shared_ptr<Live> make_live(State& s, const std::string& d, int64_t& id) {
  auto base = base_for(s, d);
  auto live = std::make_shared<Live>();
  live->w = std::make_unique<scenario::WhatIf>(*base);
  live->start = live->w->figures();
  live->date = d;
  live->used = std::chrono::steady_clock::now();
  std::lock_guard l(s.scenarios_mu);
  if (s.scenarios.size() >= State::kMaxScenarios) {  // the least recently used goes
    auto oldest = std::min_element(s.scenarios.begin(), s.scenarios.end(),
                                   [](auto& a, auto& b) { return a.second->used < b.second->used; });
    s.scenarios.erase(oldest);
  }
  id = s.next_scenario++;
  s.scenarios[id] = live;
  return live;
}

std::shared_ptr<Live> find_live(State& s, const std::string& id_text) {
  int64_t id = 0;
  try {
    id = std::stoll(id_text);
  } catch (const std::exception&) {
    throw bad("id", "a scenario number is expected");
  }
  std::lock_guard l(s.scenarios_mu);
  auto it = s.scenarios.find(id);
  if (it == s.scenarios.end())
    throw Error(Errc::scenario_not_found,
                fmt::format("no live scenario {} (scenarios live in memory: reopen a saved one by its link)", id));
  it->second->used = std::chrono::steady_clock::now();
  return it->second;
}

json sites_json(const scenario::WhatIf& w) {
  json out = json::array();
  for (auto& st : w.sites())
    out.push_back(
        {{"id", st.id}, {"name", st.name}, {"lon", st.at.lon}, {"lat", st.at.lat}, {"hypothetical", st.hypothetical}});
  return out;
}

json state_json(int64_t id, const Live& l) {
  return {{"id", id},
          {"date", l.date},
          {"name", l.name},
          {"key", l.key},
          {"threshold_minutes", kThresholdMin},
          {"figures", scenario::figures_json(l.w->figures(), l.start)},
          {"changes", l.changes},
          {"sites", sites_json(*l.w)}};
}

double number_of(const json& b, const char* k) {
  if (!b.contains(k) || !b[k].is_number()) throw bad(k, "a number is expected");
  double v = b[k].get<double>();
  if (!std::isfinite(v)) throw bad(k, "a finite number is expected");
  return v;
}

// One change, validated, applied; the change as recorded (with the id given to an added place).
std::pair<json, scenario::Delta> apply_change(Live& l, const json& b) {
  if (!b.is_object()) throw bad("body", "an object {op, id, name, lon, lat} is expected");
  for (auto& [k, v] : b.items()) {
    (void)v;
    if (k != "op" && k != "id" && k != "name" && k != "lon" && k != "lat")
      throw bad(k, fmt::format("unknown field '{}' (op, id, name, lon, lat)", k));
  }
  if (!b.contains("op") || !b["op"].is_string()) throw bad("op", "add, close or move");
  auto op = b["op"].get<std::string>();
  if (op != "add" && op != "close" && op != "move") throw bad("op", fmt::format("'{}': add, close or move", op));
  auto text_of = [&](const char* k, size_t max) {
    if (!b.contains(k)) return std::string();
    if (!b[k].is_string()) throw bad(k, "a string is expected");
    auto v = b[k].get<std::string>();
    if (v.size() > max) throw bad(k, fmt::format("at most {} bytes", max));
    if (auto why = text::text_problem(v); !why.empty()) throw bad(k, why);
    return v;
  };
  auto point = [&] {
    geo::LonLat at{number_of(b, "lon"), number_of(b, "lat")};
    if (at.lon < -5.5 || at.lon > 10 || at.lat < 41 || at.lat > 51.5)
      throw bad("lon", "a position in France is expected");
    return at;
  };
  if (op == "add") {
    auto at = point();
    std::string id = fmt::format("hypothese-{}", ++l.hypothetical);
    auto name = text_of("name", 200);
    if (name.empty()) name = fmt::format("Site hypothétique {}", l.hypothetical);
    auto d = l.w->add({id, name, "", at, true});
    return {{{"op", "add"}, {"id", id}, {"name", name}, {"lon", at.lon}, {"lat", at.lat}}, d};
  }
  auto id = text_of("id", 200);
  if (id.empty()) throw bad("id", "the place to " + op);
  if (op == "close") return {{{"op", "close"}, {"id", id}}, l.w->close(id)};
  if (op == "move") {
    auto at = point();
    return {{{"op", "move"}, {"id", id}, {"lon", at.lon}, {"lat", at.lat}}, l.w->move(id, at)};
  }
  throw bad("op", fmt::format("'{}': add, close or move", op));
}

constexpr size_t kMaxChanges = 2000;

}  // namespace

Response create(const Call& c) {
  auto b = c.r.body.empty() ? json::object() : body_object(c.r);
  std::string d = date::today();
  for (auto& [k, v] : b.items()) {
    if (k != "date") throw bad(k, fmt::format("unknown field '{}' (date)", k));
    if (!v.is_string()) throw bad("date", "YYYY-MM-DD");
    std::string why;
    if (!date::parse(v.get<std::string>(), why, false)) throw bad("date", why);
    d = v.get<std::string>();
  }
  int64_t id = 0;
  auto live = make_live(c.s, d, id);
  std::lock_guard l(live->mu);
  return json_response(state_json(id, *live), 201);
}

Response get(const Call& c) {
  auto live = find_live(c.s, c.params[0]);
  std::lock_guard l(live->mu);
  return json_response(state_json(std::stoll(c.params[0]), *live));
}

Response change(const Call& c) {
  auto live = find_live(c.s, c.params[0]);
  auto b = body_object(c.r);
  std::lock_guard l(live->mu);
  if (live->changes.size() >= kMaxChanges)
    throw bad("op", fmt::format("a scenario holds at most {} changes", kMaxChanges));
  auto [recorded, delta] = apply_change(*live, b);
  live->changes.push_back(recorded);
  auto j = scenario::delta_json(*live->w, delta, live->start, 2000);
  j["applied"] = recorded;
  return json_response(j);
}

Response sites_csv(const Call& c) {
  auto live = find_live(c.s, c.params[0]);
  std::lock_guard l(live->mu);
  std::ostringstream out;
  csv::Writer w(out);
  w.row({"id", "name", "lon", "lat"});
  for (auto& st : live->w->sites())
    if (st.hypothetical) w.row({st.id, st.name, fmt::format("{:.6f}", st.at.lon), fmt::format("{:.6f}", st.at.lat)});
  return {200, "text/csv; charset=utf-8", out.str(), {}};
}

Response save(const Call& c) {
  auto live = find_live(c.s, c.params[0]);
  auto b = body_object(c.r);
  std::string name;
  for (auto& [k, v] : b.items()) {
    if (k != "name") throw bad(k, fmt::format("unknown field '{}' (name)", k));
    if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 200)
      throw bad("name", "a name of 1 to 200 bytes");
    name = v.get<std::string>();
    if (auto why = text::text_problem(name); !why.empty()) throw bad("name", why);
  }
  if (name.empty()) throw bad("name", "required");
  std::lock_guard l(live->mu);
  if (live->key.empty()) live->key = accounts::random_key();
  live->name = name;
  {
    StoreLease sl(c.s);
    auto st = c.s.store->db().prepare(
        "INSERT INTO scenarios (key, name, date, changes_json, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET name = excluded.name, changes_json = excluded.changes_json");
    st.bind(1, live->key).bind(2, name).bind(3, live->date).bind(4, live->changes.dump());
    st.bind(5, c.who->actor()).bind(6, date::now_utc());
    st.step();
  }
  return json_response({{"key", live->key},
                        {"name", name},
                        {"link", page_link(c.s, "scenario/" + live->key)},
                        {"changes", live->changes.size()}});
}

Response saved(const Call& c) {
  StoreLease sl(c.s);
  auto st = c.s.store->db().prepare(
      "SELECT key, name, date, changes_json, created_by, created_at FROM scenarios ORDER BY id DESC LIMIT 200");
  json items = json::array();
  while (st.step())
    items.push_back({{"key", st.text(0)},
                     {"name", st.text(1)},
                     {"date", st.text(2)},
                     {"changes", json::parse(st.text(3), nullptr, false).size()},
                     {"created_by", st.text(4)},
                     {"created_at", st.text(5)}});
  return json_response({{"items", items}});
}

// A saved scenario, replayed into a new live one.
Response open_saved(const Call& c) {
  std::string name, d;
  json changes;
  {
    StoreLease sl(c.s);
    auto st = c.s.store->db().prepare("SELECT name, date, changes_json FROM scenarios WHERE key = ?");
    st.bind(1, c.params[0]);
    if (!st.step()) throw Error(Errc::scenario_not_found, "no saved scenario with that key");
    name = st.text(0), d = st.text(1), changes = json::parse(st.text(2));
  }
  int64_t id = 0;
  auto live = make_live(c.s, d, id);
  std::lock_guard l(live->mu);
  live->name = name, live->key = c.params[0];
  for (auto& ch : changes) {
    try {
      json replay = ch;
      if (replay["op"] == "add") replay.erase("id");
      auto [recorded, delta] = apply_change(*live, replay);
      live->changes.push_back(recorded);
    } catch (const std::exception&) {
      // a place closed in the scenario that the registry no longer has open: the change no longer applies
    }
  }
  return json_response(state_json(id, *live));
}

}  // namespace scenarios_api
}  // namespace maillage::api

// The network's resources over HTTP (search in French, download, upload by editors) and its members (record,
// list, the census). Members-only resources are for anyone signed in (a member, a manager, the network's staff).
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/date.hpp"
#include "core/text.hpp"
#include "network/members.hpp"
#include "network/resources.hpp"

namespace maillage::api::resources_api {

using nlohmann::json;

namespace {
network::Resources resources(State& s) { return network::Resources(*s.store, db::files_folder(s.store->db().path())); }
std::string by(const Call& c) { return fmt::format("{} ({})", c.who->actor(), c.who->name); }
std::string date_year() { return date::today().substr(0, 4); }
}  // namespace

Response search(const Call& c) {
  StoreLease l(c.s);
  json items = json::array();
  for (auto& r : resources(c.s).search(q(c.r, "q"), q(c.r, "theme"), c.who != nullptr))
    items.push_back(network::to_json(r));
  return json_response({{"items", items}, {"members", c.who != nullptr}});
}

Response get(const Call& c) {
  auto id = path_id(c.params[0], Errc::resource_not_found, "no such resource");
  StoreLease l(c.s);
  auto res = resources(c.s);
  auto r = res.get(id, c.who != nullptr);
  if (!r) throw Error(Errc::resource_not_found, "no such resource");
  auto j = network::to_json(*r);
  j["versions"] = json::array();
  for (auto& v : res.versions(id)) j["versions"].push_back(network::to_json(v));
  return json_response(j);
}

Response file(const Call& c) {
  auto id = path_id(c.params[0], Errc::resource_not_found, "no such resource");
  int version = static_cast<int>(q_number(c.r, "version", 0, 0, 100000));
  StoreLease l(c.s);
  auto f = resources(c.s).download(id, version, c.who != nullptr);
  // Text says its encoding: UTF-8 when it is, else the bytes are served as bytes.
  auto type = f.content_type;
  if (type.rfind("text/", 0) == 0)
    type = text::is_valid_utf8(f.bytes) ? type + "; charset=utf-8" : "application/octet-stream";
  Response r{200, type, std::move(f.bytes), f.filename};
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

Response create(const Call& c) {
  network::Resource r;
  auto b = body_object(c.r);
  for (auto& [k, v] : b.items()) {
    if (k == "title")
      r.title = body_text(v, k, false, 300);
    else if (k == "summary")
      r.summary = body_text(v, k, true, 5000);
    else if (k == "themes")
      r.themes = body_text(v, k, false, 500);
    else if (k == "audience")
      r.audience = body_text(v, k, false, 20);
    else if (k == "url")
      r.url = body_text(v, k, false, 2000);
    else
      throw bad(k, fmt::format("unknown field '{}' (title, summary, themes, audience, url)", k));
  }
  r.created_by = by(c);
  StoreLease l(c.s);
  auto res = resources(c.s);
  auto id = res.add(r);
  return json_response(network::to_json(*res.get(id, true)), 201);
}

Response upload(const Call& c) {
  auto id = path_id(c.params[0], Errc::resource_not_found, "no such resource");
  auto name = q(c.r, "filename", "document");
  StoreLease l(c.s);
  auto v = resources(c.s).add_version(id, name, c.r.body, by(c));
  return json_response(network::to_json(v), 201);
}

Response members(const Call& c) {
  int year = static_cast<int>(q_number(c.r, "year", std::stoi(date_year()), 2000, 2100));
  StoreLease l(c.s);
  json items = json::array();
  for (auto& m : network::Members(*c.s.store).list(year)) items.push_back(network::to_json(m));
  return json_response({{"year", year}, {"items", items}});
}

Response member_record(const Call& c) {
  network::Membership m;
  m.year = std::stoi(date_year());
  auto b = body_object(c.r);
  for (auto& [k, v] : b.items()) {
    if (k == "place_id")
      m.place_id = body_text(v, k, false, 200);
    else if (k == "contact_id")
      m.contact_id = body_int(v, k, 1, INT64_MAX / 2);
    else if (k == "year")
      m.year = static_cast<int>(body_int(v, k, 2000, 2100));
    else if (k == "fee_paid") {
      if (!v.is_boolean()) throw bad(k, "expected true or false");
      m.fee_paid = v.get<bool>();
    } else if (k == "amount_eur")
      m.amount_eur = body_number(v, k, 0, 1e6);
    else
      throw bad(k, fmt::format("unknown field '{}' (place_id, contact_id, year, fee_paid, amount_eur)", k));
  }
  m.recorded_by = by(c);
  StoreLease l(c.s);
  auto id = network::Members(*c.s.store).record(m);
  return json_response({{"id", id}}, 201);
}

Response census(const Call& c) {
  int year = static_cast<int>(q_number(c.r, "year", std::stoi(date_year()), 2000, 2100));
  StoreLease l(c.s);
  return json_response(network::to_json(network::Members(*c.s.store).census(year)));
}

}  // namespace maillage::api::resources_api

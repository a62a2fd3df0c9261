// The network's contacts and targets over HTTP (editors and admins only: the route table says so): organisations,
// people, their interactions, CSV and vCard, and the GDPR access and erasure.
#include <sstream>

#include <fmt/format.h>

#include "accounts/audit.hpp"
#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/date.hpp"
#include "core/text.hpp"
#include "network/network.hpp"

namespace maillage::api::contacts_api {

using nlohmann::json;

namespace {

std::string by(const Call& c) { return fmt::format("{} ({})", c.who->actor(), c.who->name); }

network::Contact contact_of(const json& b, network::Contact c) {
  for (auto& [k, v] : b.items()) {
    if (k == "first_name")
      c.first_name = body_text(v, k, false, 100);
    else if (k == "last_name")
      c.last_name = body_text(v, k, false, 100);
    else if (k == "email")
      c.email = body_text(v, k, false, 254);
    else if (k == "phone")
      c.phone = body_text(v, k, false, 40);
    else if (k == "role")
      c.role = body_text(v, k, false, 200);
    else if (k == "insee_code")
      c.insee_code = body_text(v, k, false, 100);
    else if (k == "tags") {
      std::vector<std::string> tags;
      if (v.is_array())
        for (auto& t : v) tags.push_back(body_text(t, k, false, 60));
      else
        tags.push_back(body_text(v, k, false, 500));
      c.tags = text::join(tags, ";");
    } else if (k == "organisation_id")
      c.organisation_id = v.is_null() ? 0 : body_int(v, k, 1, INT64_MAX / 2);
    else if (k == "lawful_basis")
      c.lawful_basis = body_text(v, k, false, 40);
    else if (k == "consent_at")
      c.consent_at = body_text(v, k, false, 30);
    else
      throw bad(k, fmt::format("unknown field '{}' (first_name, last_name, email, phone, role, insee_code, tags, "
                               "organisation_id, lawful_basis, consent_at)",
                               k));
  }
  return c;
}

network::ContactFilter filter_of(const Request& r) {
  network::ContactFilter f;
  f.text = q(r, "q"), f.tag = q(r, "tag"), f.kind = q(r, "kind"), f.department = q(r, "department");
  f.insee_code = q(r, "commune");
  f.stale_years = static_cast<int>(q_number(r, "stale_years", 0, 0, 100));
  f.limit = static_cast<int>(q_number(r, "limit", 100, 1, 1000));
  f.offset = static_cast<int>(q_number(r, "offset", 0, 0, 1e9));
  return f;
}

}  // namespace

Response list(const Call& c) {
  auto f = filter_of(c.r);
  StoreLease l(c.s);
  int64_t total = 0;
  json items = json::array();
  for (auto& x : network::Contacts(*c.s.store).list(f, &total)) items.push_back(network::to_json(x));
  return json_response({{"items", items}, {"total", total}, {"limit", f.limit}, {"offset", f.offset}});
}

Response export_csv(const Call& c) {
  auto f = filter_of(c.r);
  f.limit = 0;
  StoreLease l(c.s);
  network::Contacts contacts(*c.s.store);
  std::ostringstream out;
  contacts.export_csv(contacts.list(f), out);
  return {200, "text/csv; charset=utf-8", out.str(), "contacts.csv"};
}

Response export_vcard(const Call& c) {
  auto f = filter_of(c.r);
  f.limit = 0;
  StoreLease l(c.s);
  network::Contacts contacts(*c.s.store);
  return {200, "text/vcard; charset=utf-8", contacts.export_vcard(contacts.list(f)), "contacts.vcf"};
}

Response import(const Call& c) {
  auto format = q(c.r, "format", "csv");
  if (format != "csv" && format != "vcard") throw bad("format", "csv or vcard");
  StoreLease l(c.s);
  network::Contacts contacts(*c.s.store);
  int n = format == "csv" ? contacts.import_csv(c.r.body, "request body", by(c))
                          : contacts.import_vcard(c.r.body, "request body", by(c));
  return json_response({{"imported", n}});
}

Response get(const Call& c) {
  auto id = path_id(c.params[0], Errc::contact_not_found, "no such contact");
  StoreLease l(c.s);
  network::Contacts contacts(*c.s.store);
  auto x = contacts.get(id);
  if (!x) throw Error(Errc::contact_not_found, "no such contact");
  auto j = network::to_json(*x);
  j["interactions"] = json::array();
  for (auto& i : contacts.interactions(id)) j["interactions"].push_back(network::to_json(i));
  return json_response(j);
}

Response create(const Call& c) {
  auto x = contact_of(body_object(c.r), {});
  StoreLease l(c.s);
  network::Contacts contacts(*c.s.store);
  auto id = contacts.add(x, by(c));
  return json_response(network::to_json(*contacts.get(id)), 201);
}

Response update(const Call& c) {
  auto id = path_id(c.params[0], Errc::contact_not_found, "no such contact");
  StoreLease l(c.s);
  network::Contacts contacts(*c.s.store);
  auto x = contacts.get(id);
  if (!x) throw Error(Errc::contact_not_found, "no such contact");
  auto changed = contact_of(body_object(c.r), *x);
  contacts.update(changed, by(c));
  return json_response(network::to_json(*contacts.get(id)));
}

Response log(const Call& c) {
  auto id = path_id(c.params[0], Errc::contact_not_found, "no such contact");
  auto b = body_object(c.r);
  network::Interaction i;
  i.contact_id = id, i.on_date = date::today(), i.author = by(c);
  for (auto& [k, v] : b.items()) {
    if (k == "kind")
      i.kind = body_text(v, k, false, 20);
    else if (k == "on_date")
      i.on_date = body_text(v, k, false, 10);
    else if (k == "note")
      i.note = body_text(v, k, true, 4000);
    else
      throw bad(k, fmt::format("unknown field '{}' (kind, on_date, note)", k));
  }
  StoreLease l(c.s);
  auto n = network::Contacts(*c.s.store).log(i);
  return json_response({{"id", n}}, 201);
}

Response personal_data(const Call& c) {
  auto id = path_id(c.params[0], Errc::contact_not_found, "no such contact");
  StoreLease l(c.s);
  auto j = network::Contacts(*c.s.store).personal_data(id);
  Response r = json_response(j);
  r.filename = fmt::format("contact-{}.json", id);
  return r;
}

Response erase(const Call& c) {
  auto id = path_id(c.params[0], Errc::contact_not_found, "no such contact");
  StoreLease l(c.s);
  int n = network::Contacts(*c.s.store).erase(id, by(c));
  return json_response({{"id", id}, {"rows_changed", n}, {"erased", true}});
}

Response organisations(const Call& c) {
  StoreLease l(c.s);
  json items = json::array();
  for (auto& o : network::Contacts(*c.s.store).organisations(q(c.r, "q"))) items.push_back(network::to_json(o));
  return json_response({{"items", items}});
}

Response organisation_create(const Call& c) {
  network::Organisation o;
  auto b = body_object(c.r);  // bound first: items() of a temporary would dangle
  for (auto& [k, v] : b.items()) {
    if (k == "name")
      o.name = body_text(v, k, false, 200);
    else if (k == "kind")
      o.kind = body_text(v, k, false, 20);
    else if (k == "insee_code")
      o.insee_code = body_text(v, k, false, 100);
    else if (k == "epci")
      o.epci = body_text(v, k, false, 200);
    else if (k == "place_id")
      o.place_id = body_text(v, k, false, 200);
    else if (k == "tags")
      o.tags = body_text(v, k, false, 500);
    else
      throw bad(k, fmt::format("unknown field '{}' (name, kind, insee_code, epci, place_id, tags)", k));
  }
  StoreLease l(c.s);
  network::Contacts contacts(*c.s.store);
  auto id = contacts.add_organisation(o);
  return json_response(network::to_json(*contacts.organisation(id)), 201);
}

}  // namespace maillage::api::contacts_api

// The network's events over HTTP: the public list and calendar, public registration (a waiting list past the
// capacity, a private cancellation link, mails), and for editors the creation, the registrations (JSON, CSV),
// attendance, the invitation list by drive time and the communes left without an event nearby.
#include <sstream>

#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/date.hpp"
#include "network/invitations.hpp"
#include "network/network.hpp"

namespace maillage::api::events_api {

using nlohmann::json;

namespace {

std::string by(const Call& c) { return fmt::format("{} ({})", c.who->actor(), c.who->name); }

std::string when(const network::Event& e) {
  return fmt::format("le {} de {} à {}", e.starts_at.substr(0, 10), e.starts_at.substr(11, 5), e.ends_at.substr(11, 5));
}

network::Event require_event(State& s, const std::string& id_text) {
  auto id = path_id(id_text, Errc::event_not_found, "no such event");
  StoreLease l(s);
  auto e = network::Events(*s.store).get(id);
  if (!e) throw Error(Errc::event_not_found, "no such event");
  return *e;
}

// Tells a person what became of their registration (the caller holds a StoreLease).
void tell(State& s, const network::Event& e, const network::Registration& r, const std::string& key) {
  if (r.email.empty() || !allow(s, *s.mail_by_recipient, r.email)) return;
  auto link = page_link(s, "inscription/" + key);
  if (r.status == "registered")
    send_mail(s, "event_registration", r.email,
              {{"name", r.name}, {"event", e.title}, {"when", when(e)}, {"where", e.venue}, {"link", link}});
  else
    send_mail(s, "event_waitlist", r.email,
              {{"name", r.name},
               {"event", e.title},
               {"when", when(e)},
               {"position", std::to_string(r.position)},
               {"link", link}});
}

// The private key of a registration, from the body (never from the URL: it would reach the logs).
std::string key_of(const Request& r) {
  auto b = body_object(r);
  for (auto& [k, v] : b.items())
    if (k != "key") throw bad(k, fmt::format("unknown field '{}' (key)", k));
  if (!b.contains("key")) throw bad("key", "the key of your registration link is required");
  return body_text(b["key"], "key", false, 100);
}

}  // namespace

Response list(const Call& c) {
  auto from = q(c.r, "from", date::today()), to = q(c.r, "to");
  std::string why;
  if (!date::parse(from, why, false)) throw bad("from", why);
  if (!to.empty() && !date::parse(to, why, false)) throw bad("to", why);
  StoreLease l(c.s);
  json items = json::array();
  for (auto& e : network::Events(*c.s.store).list(from, to)) items.push_back(network::to_json(e));
  return json_response({{"items", items}, {"from", from}});
}

Response calendar(const Call& c) {
  StoreLease l(c.s);
  network::Events events(*c.s.store);
  auto from = date::utc_after(-90LL * 24 * 3600).substr(0, 10);
  return {200, "text/calendar", events.icalendar(events.list(from), c.s.auth.mail.public_url),
          "evenements-tiers-lieux.ics"};
}

Response get(const Call& c) {
  StoreLease l(c.s);
  return json_response(network::to_json(require_event(c.s, c.params[0])));
}

Response create(const Call& c) {
  network::Event e;
  auto b = body_object(c.r);  // bound first: items() of a temporary would dangle
  for (auto& [k, v] : b.items()) {
    if (k == "title")
      e.title = body_text(v, k, false, 200);
    else if (k == "kind")
      e.kind = body_text(v, k, false, 20);
    else if (k == "starts_at")
      e.starts_at = body_text(v, k, false, 20);
    else if (k == "ends_at")
      e.ends_at = body_text(v, k, false, 20);
    else if (k == "place_id")
      e.place_id = body_text(v, k, false, 200);
    else if (k == "venue")
      e.venue = body_text(v, k, false, 300);
    else if (k == "insee_code")
      e.insee_code = body_text(v, k, false, 100);
    else if (k == "capacity")
      e.capacity = static_cast<int>(body_int(v, k, 1, 100000));
    else if (k == "audience")
      e.audience = body_text(v, k, false, 300);
    else if (k == "description")
      e.description = body_text(v, k, true, 5000);
    else
      throw bad(k, fmt::format("unknown field '{}' (title, kind, starts_at, ends_at, place_id, venue, insee_code, "
                               "capacity, audience, description)",
                               k));
  }
  StoreLease l(c.s);
  network::Events events(*c.s.store);
  auto id = events.create(e, by(c));
  return json_response(network::to_json(*events.get(id)), 201);
}

Response register_person(const Call& c) {
  auto& s = c.s;
  if (!allow(s, *s.registrations_by_address, c.r.address)) {
    Error e(Errc::too_many_requests, "trop d'inscriptions depuis cette adresse ; réessayez dans une heure");
    e.retry_after = 3600;
    throw e;
  }
  std::string name, email, org;
  bool consent = false;
  auto b = body_object(c.r);  // bound first: items() of a temporary would dangle
  for (auto& [k, v] : b.items()) {
    if (k == "name")
      name = body_text(v, k, false, 100);
    else if (k == "email")
      email = body_text(v, k, false, 254);
    else if (k == "organisation")
      org = body_text(v, k, false, 200);
    else if (k == "consent") {
      if (!v.is_boolean()) throw bad(k, "expected true or false");
      consent = v.get<bool>();
    } else
      throw bad(k, fmt::format("unknown field '{}' (name, email, organisation, consent)", k));
  }
  StoreLease l(s);
  db::Transaction t(s.store->db());
  auto e = require_event(s, c.params[0]);
  auto done = network::Events(*s.store).register_person(e.id, name, email, org, consent);
  tell(s, e, done.registration, done.key);
  t.commit();
  auto j = network::to_json(done.registration, false);
  j["key"] = done.key;
  j["cancel_url"] = page_link(s, "inscription/" + done.key);
  j["message"] = done.registration.status == "registered"
                     ? "Votre inscription est confirmée."
                     : fmt::format("L'événement est complet : vous êtes en position {} sur la liste d'attente.",
                                   done.registration.position);
  return json_response(j, 201);
}

Response registration(const Call& c) {
  auto key = key_of(c.r);
  StoreLease l(c.s);
  network::Events events(*c.s.store);
  auto r = events.by_key(key);
  if (!r) throw Error(Errc::registration_not_found, "ce lien ne correspond à aucune inscription");
  auto j = network::to_json(*r, false);
  j["event"] = network::to_json(*events.get(r->event_id));
  return json_response(j);
}

Response cancel(const Call& c) {
  auto key = key_of(c.r);
  StoreLease l(c.s);
  db::Transaction t(c.s.store->db());
  network::Events events(*c.s.store);
  auto done = events.cancel(key);
  auto e = *events.get(done.cancelled.event_id);
  if (done.promoted && !done.promoted->email.empty() && allow(c.s, *c.s.mail_by_recipient, done.promoted->email))
    send_mail(c.s, "event_promoted", done.promoted->email,
              {{"name", done.promoted->name}, {"event", e.title}, {"when", when(e)}, {"where", e.venue}});
  t.commit();
  json out{{"cancelled", network::to_json(done.cancelled, false)}, {"promoted", done.promoted.has_value()}};
  return json_response(out);
}

Response registrations(const Call& c) {
  StoreLease l(c.s);
  auto e = require_event(c.s, c.params[0]);
  network::Events events(*c.s.store);
  if (q(c.r, "format") == "csv") {
    std::ostringstream out;
    events.export_registrations(e.id, out);
    return {200, "text/csv; charset=utf-8", out.str(), fmt::format("inscriptions-{}.csv", e.id)};
  }
  json items = json::array();
  for (auto& r : events.registrations(e.id)) items.push_back(network::to_json(r, true));
  return json_response({{"event", network::to_json(e)}, {"items", items}});
}

Response attendance(const Call& c) {
  auto id = path_id(c.params[0], Errc::registration_not_found, "no such registration");
  auto b = body_object(c.r);
  if (!b.contains("attended") || !b["attended"].is_boolean()) throw bad("attended", "expected true or false");
  for (auto& [k, v] : b.items())
    if (k != "attended") throw bad(k, "unknown field (attended)");
  StoreLease l(c.s);
  network::Events(*c.s.store).set_attendance(id, b["attended"].get<bool>(), by(c));
  return json_response({{"id", id}, {"attended", b["attended"]}});
}

Response invitations(const Call& c) {
  double minutes = q_number(c.r, "minutes", 30, 1, 180);
  network::Event e;
  {
    StoreLease l(c.s);
    e = require_event(c.s, c.params[0]);
  }
  std::lock_guard eng(c.s.engine_mu);
  c.s.engine_key.clear();  // the engine is computed for the venue here
  StoreLease l(c.s);
  network::Contacts contacts(*c.s.store);
  json items = json::array();
  for (auto& i : network::invitation_list(contacts, *c.s.engine, e, minutes)) items.push_back(network::to_json(i));
  return json_response({{"event", network::to_json(e)}, {"minutes", minutes}, {"items", items}});
}

Response gaps(const Call& c) {
  auto year = static_cast<int>(q_number(c.r, "year", std::stoi(date::today().substr(0, 4)), 2000, 2100));
  double minutes = q_number(c.r, "minutes", 30, 1, 180);
  auto from = fmt::format("{}-01-01", year), to = fmt::format("{}-01-01", year + 1);
  std::vector<network::Event> events;
  {
    StoreLease l(c.s);
    events = network::Events(*c.s.store).list(from, to);
  }
  std::lock_guard eng(c.s.engine_mu);
  c.s.engine_key.clear();
  auto g = network::territories_without_event(*c.s.engine, events, minutes, from, to);
  auto j = network::to_json(g);
  j["minutes"] = minutes;
  return json_response(j);
}

}  // namespace maillage::api::events_api

#include <algorithm>

#include <fmt/format.h>

#include "accounts/secrets.hpp"
#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/ical.hpp"
#include "core/text.hpp"
#include "network/checks.hpp"
#include "network/network.hpp"
#include "territory/communes.hpp"

namespace maillage::network {

using nlohmann::json;

namespace {

using detail::clean;
using detail::refuse;

// "YYYY-MM-DDTHH:MM" (a space for the T is accepted).
std::string local_time(const std::string& field, std::string v) {
  if (v.size() == 16 && v[10] == ' ') v[10] = 'T';
  std::string why;
  if (v.size() != 16 || v[10] != 'T' || !date::parse(v.substr(0, 10), why, false) || v[13] != ':' ||
      !text::all_digits(v.substr(11, 2)) || !text::all_digits(v.substr(14, 2)) || std::stoi(v.substr(11, 2)) > 23 ||
      std::stoi(v.substr(14, 2)) > 59)
    refuse(field, fmt::format("'{}' is not a local time YYYY-MM-DDTHH:MM{}", text::printable(v, 40),
                              why.empty() ? "" : " (" + why + ")"));
  return v;
}

constexpr const char* kEventColumns =
    "e.id, e.title, e.kind, e.starts_at, e.ends_at, coalesce(e.place_id, ''), e.venue, coalesce(e.insee_code, ''), "
    "e.lon, e.lat, e.capacity, e.audience, e.description, e.status, e.created_at, e.created_by, "
    "(SELECT count(*) FROM registrations r WHERE r.event_id = e.id AND r.status = 'registered'), "
    "(SELECT count(*) FROM registrations r WHERE r.event_id = e.id AND r.status = 'waiting')";

Event read_event(db::Statement& st) {
  Event e;
  e.id = st.int64(0);
  e.title = st.text(1), e.kind = st.text(2), e.starts_at = st.text(3), e.ends_at = st.text(4);
  e.place_id = st.text(5), e.venue = st.text(6), e.insee_code = st.text(7);
  e.lon = st.opt_real(8), e.lat = st.opt_real(9);
  e.capacity = static_cast<int>(st.int64(10));
  e.audience = st.text(11), e.description = st.text(12), e.status = st.text(13);
  e.created_at = st.text(14), e.created_by = st.text(15);
  e.registered = static_cast<int>(st.int64(16)), e.waiting = static_cast<int>(st.int64(17));
  return e;
}

// The place on the waiting list is counted in the same statement (the index on event, status, id answers it).
constexpr const char* kRegistrationColumns =
    "id, event_id, name, email, organisation, status, created_at, coalesce(cancelled_at, ''), "
    "coalesce(promoted_at, ''), attended, CASE WHEN status = 'waiting' THEN (SELECT count(*) FROM registrations w "
    "WHERE w.event_id = registrations.event_id AND w.status = 'waiting' AND w.id <= registrations.id) ELSE 0 END";

Registration read_registration(db::Statement& st) {
  Registration r;
  r.id = st.int64(0), r.event_id = st.int64(1);
  r.name = st.text(2), r.email = st.text(3), r.organisation = st.text(4), r.status = st.text(5);
  r.created_at = st.text(6), r.cancelled_at = st.text(7), r.promoted_at = st.text(8);
  if (!st.is_null(9)) r.attended = st.int64(9) == 1;
  r.position = static_cast<int>(st.int64(10));
  return r;
}

}  // namespace

int64_t Events::create(Event e, const std::string& by) {
  e.title = clean("title", e.title, 200);
  if (e.title.empty()) refuse("title", "an event needs a title");
  if (std::find_if(std::begin(kEventKinds), std::end(kEventKinds), [&](const char* k) { return e.kind == k; }) ==
      std::end(kEventKinds))
    refuse("kind", "expected information_day, meeting, training, open_day or other");
  e.starts_at = local_time("starts_at", e.starts_at);
  e.ends_at = local_time("ends_at", e.ends_at);
  if (e.ends_at <= e.starts_at) refuse("ends_at", "an event ends after it starts");
  if (e.capacity < 1 || e.capacity > 100000) refuse("capacity", "a capacity from 1 to 100,000");
  e.venue = clean("venue", e.venue, 300);
  e.audience = clean("audience", e.audience, 300);
  e.description = clean("description", e.description, 5000, true);
  // Where it is: a place of the registry, else a commune (its centre unless a position is given).
  if (!e.place_id.empty()) {
    auto p = store_.get(e.place_id);
    if (!p) refuse("place_id", fmt::format("no place '{}'", text::printable(e.place_id, 80)));
    if (!e.lon) e.lon = p->lon, e.lat = p->lat;
    if (e.insee_code.empty()) e.insee_code = p->insee_code;
    if (e.venue.empty()) e.venue = p->name + (p->address.empty() ? "" : ", " + p->address);
  } else if (!e.insee_code.empty()) {
    auto code = territory::CommuneTable::bundled().resolve(e.insee_code);
    if (code.empty()) refuse("insee_code", "not a commune of the region (INSEE code or name)");
    e.insee_code = code;
    auto* c = territory::CommuneTable::bundled().find(code);
    if (!e.lon) e.lon = c->centre.lon, e.lat = c->centre.lat;
    if (e.venue.empty()) e.venue = c->name;
  } else {
    refuse("place_id", "where the event is: a place (place_id) or a commune (insee_code)");
  }
  if (e.lon && (!std::isfinite(*e.lon) || !std::isfinite(*e.lat) || std::abs(*e.lon) > 180 || std::abs(*e.lat) > 90))
    refuse("lon", "not a position");
  auto st = store_.db().prepare(
      "INSERT INTO events (title, kind, starts_at, ends_at, place_id, venue, insee_code, lon, lat, capacity, audience, "
      "description, status, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?) "
      "RETURNING id");
  st.bind(1, e.title).bind(2, e.kind).bind(3, e.starts_at).bind(4, e.ends_at).bind(5, e.place_id);
  st.bind(6, e.venue, false).bind(7, e.insee_code).bind(8, e.lon).bind(9, e.lat).bind(10, int64_t{e.capacity});
  st.bind(11, e.audience, false).bind(12, e.description, false).bind(13, date::now_utc()).bind(14, by);
  st.step();
  return st.int64(0);
}

void Events::cancel_event(int64_t id, const std::string& by) {
  auto st = store_.db().prepare("UPDATE events SET status = 'cancelled' WHERE id = ? AND status = 'scheduled'");
  st.bind(1, id);
  st.run();
  if (store_.db().changes() != 1) throw NotFound(fmt::format("no scheduled event {}", id), Errc::event_not_found);
  (void)by;
}

std::optional<Event> Events::get(int64_t id) {
  auto st = store_.db().prepare(fmt::format("SELECT {} FROM events e WHERE e.id = ?", kEventColumns));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_event(st);
}

std::vector<Event> Events::list(const std::string& from, const std::string& to) {
  auto st = store_.db().prepare(fmt::format(
      "SELECT {} FROM events e WHERE e.ends_at >= ? AND (? = '' OR e.starts_at < ?) ORDER BY e.starts_at, e.id",
      kEventColumns));
  st.bind(1, from, false).bind(2, to, false).bind(3, to, false);
  std::vector<Event> out;
  while (st.step()) out.push_back(read_event(st));
  return out;
}

Events::Registered Events::register_person(int64_t event_id, const std::string& raw_name, const std::string& raw_email,
                                           const std::string& raw_org, bool consent) {
  auto name = clean("name", raw_name, 100);
  if (name.empty()) refuse("name", "votre nom est obligatoire");
  std::string email;
  try {
    email = accounts::normalise_email(raw_email, "email");
  } catch (const InputError&) {
    refuse("email", "adresse électronique invalide");
  }
  auto org = clean("organisation", raw_org, 200);
  if (!consent)
    refuse("consent", "merci d'accepter que le réseau conserve ces informations pour organiser l'événement");
  // One write transaction: the count and the insert are one step for every writer (threads and processes alike).
  db::Transaction t(store_.db());
  auto e = get(event_id);
  if (!e) throw NotFound(fmt::format("no event {}", event_id), Errc::event_not_found);
  if (e->status != "scheduled") throw Conflict("cet événement est annulé", Errc::event_closed);
  if (e->starts_at.substr(0, 10) < date::today()) throw Conflict("cet événement est passé", Errc::event_closed);
  auto dup =
      store_.db().prepare("SELECT 1 FROM registrations WHERE event_id = ? AND email = ? AND status <> 'cancelled'");
  dup.bind(1, event_id).bind(2, email);
  if (dup.step()) throw Conflict("cette adresse est déjà inscrite à cet événement", Errc::already_registered);
  bool seat = e->registered < e->capacity;
  Registered out;
  out.key = accounts::random_key();
  auto st = store_.db().prepare(
      "INSERT INTO registrations (event_id, name, email, organisation, status, consent_at, cancel_key_hash, "
      "created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  auto now = date::now_utc();
  st.bind(1, event_id).bind(2, name).bind(3, email).bind(4, org, false).bind(5, seat ? "registered" : "waiting");
  st.bind(6, now).bind(7, accounts::key_hash(out.key)).bind(8, now);
  st.step();
  auto r = store_.db().prepare(fmt::format("SELECT {} FROM registrations WHERE id = ?", kRegistrationColumns));
  r.bind(1, st.int64(0));
  r.step();
  out.registration = read_registration(r);
  t.commit();
  return out;
}

std::optional<Registration> Events::by_key(const std::string& key) {
  if (key.empty() || key.size() > 100) return std::nullopt;
  auto st =
      store_.db().prepare(fmt::format("SELECT {} FROM registrations WHERE cancel_key_hash = ?", kRegistrationColumns));
  st.bind(1, accounts::key_hash(key));
  if (!st.step()) return std::nullopt;
  return read_registration(st);
}

Events::Cancelled Events::cancel(const std::string& key) {
  db::Transaction t(store_.db());
  auto r = by_key(key);
  if (!r) throw NotFound("ce lien d'annulation ne correspond à aucune inscription", Errc::registration_not_found);
  if (r->status == "cancelled") throw Conflict("cette inscription est déjà annulée");
  auto now = date::now_utc();
  auto st = store_.db().prepare("UPDATE registrations SET status = 'cancelled', cancelled_at = ? WHERE id = ?");
  st.bind(1, now).bind(2, r->id);
  st.run();
  Cancelled out;
  out.cancelled = *r;
  out.cancelled.status = "cancelled";
  // A seat freed goes to the first on the waiting list.
  if (r->status == "registered") {
    auto next = store_.db().prepare(
        fmt::format("SELECT {} FROM registrations WHERE event_id = ? AND status = 'waiting' ORDER BY id LIMIT 1",
                    kRegistrationColumns));
    next.bind(1, r->event_id);
    if (next.step()) {
      auto w = read_registration(next);
      auto up = store_.db().prepare("UPDATE registrations SET status = 'registered', promoted_at = ? WHERE id = ?");
      up.bind(1, now).bind(2, w.id);
      up.run();
      w.status = "registered", w.promoted_at = now, w.position = 0;
      out.promoted = w;
    }
  }
  t.commit();
  return out;
}

std::vector<Registration> Events::registrations(int64_t event_id) {
  auto st = store_.db().prepare(
      fmt::format("SELECT {} FROM registrations WHERE event_id = ? ORDER BY id", kRegistrationColumns));
  st.bind(1, event_id);
  std::vector<Registration> out;
  while (st.step()) out.push_back(read_registration(st));
  return out;
}

void Events::set_attendance(int64_t registration_id, bool attended, const std::string& by) {
  auto st = store_.db().prepare(
      "SELECT r.status, e.starts_at FROM registrations r JOIN events e ON e.id = r.event_id WHERE r.id = ?");
  st.bind(1, registration_id);
  if (!st.step()) throw NotFound(fmt::format("no registration {}", registration_id), Errc::registration_not_found);
  if (st.text(0) != "registered") throw Conflict("only a registered person's attendance is recorded");
  if (st.text(1).substr(0, 10) > date::today()) throw Conflict("attendance is recorded once the event has started");
  auto up = store_.db().prepare("UPDATE registrations SET attended = ? WHERE id = ?");
  up.bind(1, int64_t{attended ? 1 : 0}).bind(2, registration_id);
  up.run();
  (void)by;
}

std::string Events::icalendar(const std::vector<Event>& events, const std::string& public_url) {
  ical::Calendar cal("Événements du réseau des tiers-lieux");
  for (auto& e : events)
    cal.add({fmt::format("event-{}@maillage", e.id), e.starts_at, e.ends_at, e.title, e.venue, e.description,
             fmt::format("{}/#evenements/{}", public_url, e.id), e.status == "cancelled" ? "CANCELLED" : "CONFIRMED"});
  return cal.finish();
}

void Events::export_registrations(int64_t event_id, std::ostream& out) {
  csv::Writer w(out);
  w.row({"registration_id", "created_at", "name", "email", "organisation", "status", "waiting_position", "promoted_at",
         "cancelled_at", "attended"});
  for (auto& r : registrations(event_id))
    w.row({std::to_string(r.id), r.created_at, r.name, r.email, r.organisation, r.status,
           r.position ? std::to_string(r.position) : "", r.promoted_at, r.cancelled_at,
           r.attended ? (*r.attended ? "yes" : "no") : ""});
}

json to_json(const Event& e) {
  return {{"id", e.id},
          {"title", e.title},
          {"kind", e.kind},
          {"starts_at", e.starts_at},
          {"ends_at", e.ends_at},
          {"place_id", e.place_id.empty() ? json() : json(e.place_id)},
          {"venue", e.venue},
          {"insee_code", e.insee_code.empty() ? json() : json(e.insee_code)},
          {"lon", e.lon ? json(*e.lon) : json()},
          {"lat", e.lat ? json(*e.lat) : json()},
          {"capacity", e.capacity},
          {"registered", e.registered},
          {"waiting", e.waiting},
          {"seats_left", std::max(0, e.capacity - e.registered)},
          {"audience", e.audience},
          {"description", e.description},
          {"status", e.status}};
}

json to_json(const Registration& r, bool with_person) {
  json j{{"id", r.id},
         {"event_id", r.event_id},
         {"status", r.status},
         {"created_at", r.created_at},
         {"waiting_position", r.position ? json(r.position) : json()},
         {"promoted_at", r.promoted_at.empty() ? json() : json(r.promoted_at)},
         {"attended", r.attended ? json(*r.attended) : json()}};
  if (with_person) j["name"] = r.name, j["email"] = r.email, j["organisation"] = r.organisation;
  return j;
}

}  // namespace maillage::network

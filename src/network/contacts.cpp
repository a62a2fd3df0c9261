#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "accounts/secrets.hpp"
#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "network/checks.hpp"
#include "network/network.hpp"
#include "territory/communes.hpp"

namespace maillage::network {

using nlohmann::json;

namespace {

constexpr const char* kContactColumns =
    "c.id, c.first_name, c.last_name, c.email, c.phone, c.role, c.insee_code, c.tags, c.organisation_id, "
    "c.lawful_basis, "
    "c.consent_at, c.created_at, c.updated_at, c.last_touched_at, c.erased_at, o.name, "
    "coalesce(c.insee_code, o.insee_code)";

using detail::clean;
using detail::refuse;

template <size_t N>
void one_of(const std::string& field, const std::string& v, const char* const (&items)[N]) {
  if (std::find_if(std::begin(items), std::end(items), [&](const char* x) { return v == x; }) == std::end(items)) {
    std::vector<std::string> all(std::begin(items), std::end(items));
    refuse(field, fmt::format("'{}' is not one of {}", text::printable(v, 40), text::join(all, ", ")));
  }
}

std::string commune(const std::string& field, const std::string& v) {
  if (v.empty()) return {};
  auto code = territory::CommuneTable::bundled().resolve(v);
  if (code.empty())
    refuse(field, fmt::format("'{}' is not a commune of the region (INSEE code or name)", text::printable(v, 60)));
  return code;
}

using detail::dep_of;

constexpr const char* kOrganisationColumns =
    "id, name, kind, coalesce(insee_code, ''), epci, coalesce(place_id, ''), tags, created_at, updated_at";

Organisation read_organisation(db::Statement& st) {
  Organisation o{st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4),
                 st.text(5),  st.text(6), st.text(7), st.text(8)};
  o.dep = dep_of(o.insee_code);
  return o;
}

Contact read_contact(db::Statement& st) {
  Contact c;
  int i = 0;
  c.id = st.int64(i++);
  for (auto* s : {&c.first_name, &c.last_name, &c.email, &c.phone, &c.role, &c.insee_code, &c.tags}) *s = st.text(i++);
  c.organisation_id = st.is_null(i) ? 0 : st.int64(i);
  ++i;
  for (auto* s : {&c.lawful_basis, &c.consent_at, &c.created_at, &c.updated_at, &c.last_touched_at, &c.erased_at,
                  &c.organisation})
    *s = st.text(i++);
  c.dep = dep_of(st.text(i++));
  return c;
}

// The checked values of a contact; the e-mail normalised (empty allowed: a phone-only contact).
Contact checked(Contact c, registry::PlaceStore& store) {
  c.first_name = clean("first_name", c.first_name, 100);
  c.last_name = clean("last_name", c.last_name, 100);
  if (c.first_name.empty() && c.last_name.empty()) refuse("last_name", "a contact needs a name");
  if (!text::trim(c.email).empty()) {
    try {
      c.email = accounts::normalise_email(c.email, "email");
    } catch (const InputError&) {
      refuse("email", "not an e-mail address");
    }
  } else {
    c.email.clear();
  }
  c.phone = clean("phone", c.phone, 40);
  c.role = clean("role", c.role, 200);
  c.tags = text::join(text::split_list(clean("tags", c.tags, 500), ";,"), ";");
  c.insee_code = commune("insee_code", c.insee_code);
  one_of("lawful_basis", c.lawful_basis, kLawfulBases);
  if (c.lawful_basis == "consent" && c.consent_at.empty())
    refuse("consent_at", "a contact kept on the basis of consent needs the date of the consent");
  if (!c.consent_at.empty()) {
    std::string why;
    if (!date::parse(c.consent_at, why, false, true)) refuse("consent_at", why);
  }
  if (c.organisation_id) {
    auto st = store.db().prepare("SELECT 1 FROM organisations WHERE id = ?");
    st.bind(1, c.organisation_id);
    if (!st.step()) refuse("organisation_id", fmt::format("no organisation {}", c.organisation_id));
  }
  return c;
}

Organisation checked(Organisation o, registry::PlaceStore& store) {
  o.name = clean("name", o.name, 200);
  if (o.name.empty()) refuse("name", "an organisation needs a name");
  one_of("kind", o.kind, kOrganisationKinds);
  o.insee_code = commune("insee_code", o.insee_code);
  o.epci = clean("epci", o.epci, 200);
  o.tags = text::join(text::split_list(clean("tags", o.tags, 500), ";,"), ";");
  if (!o.place_id.empty() && !store.get(o.place_id))
    refuse("place_id", fmt::format("no place '{}'", text::printable(o.place_id, 80)));
  return o;
}

// Parameters 1 to 10 of the INSERT and the UPDATE (first_name ... consent_at, in that order).
void bind_contact(db::Statement& st, const Contact& c) {
  st.bind(1, c.first_name, false).bind(2, c.last_name, false).bind(3, c.email, false).bind(4, c.phone, false);
  if (c.organisation_id)
    st.bind(5, c.organisation_id);
  else
    st.bind_null(5);
  st.bind(6, c.role, false).bind(7, c.insee_code).bind(8, c.tags, false).bind(9, c.lawful_basis);
  st.bind(10, c.consent_at);
}

}  // namespace

int64_t Contacts::add_organisation(Organisation o) {
  o = checked(std::move(o), store_);
  auto now = date::now_utc();
  auto st = store_.db().prepare(
      "INSERT INTO organisations (name, kind, insee_code, epci, place_id, tags, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  st.bind(1, o.name).bind(2, o.kind).bind(3, o.insee_code).bind(4, o.epci, false).bind(5, o.place_id);
  st.bind(6, o.tags, false).bind(7, now).bind(8, now);
  st.step();
  return st.int64(0);
}

void Contacts::update_organisation(const Organisation& raw) {
  auto o = checked(raw, store_);
  auto st = store_.db().prepare(
      "UPDATE organisations SET name = ?, kind = ?, insee_code = ?, epci = ?, place_id = ?, tags = ?, updated_at = ? "
      "WHERE id = ?");
  st.bind(1, o.name).bind(2, o.kind).bind(3, o.insee_code).bind(4, o.epci, false).bind(5, o.place_id);
  st.bind(6, o.tags, false).bind(7, date::now_utc()).bind(8, o.id);
  st.run();
  if (store_.db().changes() != 1) throw NotFound(fmt::format("no organisation {}", o.id), Errc::contact_not_found);
}

std::optional<Organisation> Contacts::organisation(int64_t id) {
  auto st = store_.db().prepare(fmt::format("SELECT {} FROM organisations WHERE id = ?", kOrganisationColumns));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_organisation(st);
}

std::vector<Organisation> Contacts::organisations(const std::string& q) {
  auto st = store_.db().prepare(fmt::format("SELECT {} FROM organisations ORDER BY name, id", kOrganisationColumns));
  auto words = text::split_list(text::fold(q), " ");
  std::vector<Organisation> out;
  while (st.step()) {
    auto o = read_organisation(st);
    auto hay = text::fold(o.name + " " + o.tags + " " + o.epci);
    if (std::all_of(words.begin(), words.end(), [&](auto& w) { return hay.find(w) != std::string::npos; }))
      out.push_back(std::move(o));
  }
  return out;
}

int64_t Contacts::add(Contact raw, const std::string& by) {
  auto c = checked(std::move(raw), store_);
  auto now = date::now_utc();
  auto st = store_.db().prepare(
      "INSERT INTO contacts (first_name, last_name, email, phone, organisation_id, role, insee_code, tags, "
      "lawful_basis, consent_at, created_at, updated_at, last_touched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?) RETURNING id");
  bind_contact(st, c);
  st.bind(11, now).bind(12, now).bind(13, now);
  st.step();
  (void)by;
  return st.int64(0);
}

void Contacts::update(const Contact& raw, const std::string& by) {
  auto existing = get(raw.id);
  if (!existing) throw NotFound(fmt::format("no contact {}", raw.id), Errc::contact_not_found);
  if (!existing->erased_at.empty()) throw Conflict("this contact was erased", Errc::erased);
  auto c = checked(raw, store_);
  auto now = date::now_utc();
  auto st = store_.db().prepare(
      "UPDATE contacts SET first_name = ?, last_name = ?, email = ?, phone = ?, organisation_id = ?, role = ?, "
      "insee_code = ?, tags = ?, lawful_basis = ?, consent_at = ?, updated_at = ?, last_touched_at = ? WHERE id = ?");
  bind_contact(st, c);
  st.bind(11, now).bind(12, now).bind(13, c.id);
  st.run();
  (void)by;
}

std::optional<Contact> Contacts::get(int64_t id) {
  auto st = store_.db().prepare(
      fmt::format("SELECT {} FROM contacts c LEFT JOIN organisations o ON o.id = c.organisation_id WHERE c.id = ?",
                  kContactColumns));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_contact(st);
}

std::optional<int64_t> Contacts::find_email(const std::string& email) {
  auto st = store_.db().prepare("SELECT id FROM contacts WHERE email = ? AND erased_at IS NULL ORDER BY id LIMIT 1");
  st.bind(1, email);
  if (!st.step()) return std::nullopt;
  return st.int64(0);
}

std::vector<Contact> Contacts::list(const ContactFilter& f, int64_t* total) {
  auto st = store_.db().prepare(fmt::format(
      "SELECT {}, coalesce(o.kind, '') FROM contacts c LEFT JOIN organisations o ON o.id = c.organisation_id "
      "ORDER BY c.last_name, c.first_name, c.id",
      kContactColumns));
  auto words = text::split_list(text::fold(f.text), " ");
  std::string stale_before;
  if (f.stale_years > 0) stale_before = date::utc_after(-int64_t{f.stale_years} * 365 * 24 * 3600);
  std::vector<Contact> out;
  int64_t n = 0;
  while (st.step()) {
    auto c = read_contact(st);
    auto kind = st.text(17);
    if (!c.erased_at.empty() && !f.with_erased) continue;
    if (!f.tag.empty()) {
      auto tags = text::split_list(c.tags, ";");
      if (std::find(tags.begin(), tags.end(), f.tag) == tags.end()) continue;
    }
    if (!f.kind.empty() && kind != f.kind) continue;
    if (!f.department.empty() && c.dep != f.department) continue;
    if (!f.insee_code.empty() && c.insee_code != f.insee_code) continue;
    if (!stale_before.empty() && !(c.last_touched_at < stale_before)) continue;
    auto hay = text::fold(c.first_name + " " + c.last_name + " " + c.email + " " + c.organisation + " " + c.role + " " +
                          c.tags);
    if (!std::all_of(words.begin(), words.end(), [&](auto& w) { return hay.find(w) != std::string::npos; })) continue;
    if (n++ < f.offset) continue;
    if (f.limit > 0 && static_cast<int>(out.size()) >= f.limit) continue;
    out.push_back(std::move(c));
  }
  if (total) *total = n;
  return out;
}

int64_t Contacts::log(const Interaction& i) {
  one_of("kind", i.kind, kInteractionKinds);
  std::string why;
  auto d = date::parse(i.on_date, why, false);
  if (!d) refuse("on_date", why);
  auto note = clean("note", i.note, 4000, true);
  if (!i.contact_id && !i.organisation_id) refuse("contact_id", "an interaction is with a contact or an organisation");
  db::Transaction t(store_.db());
  if (i.contact_id) {
    auto c = get(i.contact_id);
    if (!c) throw NotFound(fmt::format("no contact {}", i.contact_id), Errc::contact_not_found);
    if (!c->erased_at.empty()) throw Conflict("this contact was erased", Errc::erased);
  }
  auto st = store_.db().prepare(
      "INSERT INTO interactions (contact_id, organisation_id, kind, on_date, note, author, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  if (i.contact_id)
    st.bind(1, i.contact_id);
  else
    st.bind_null(1);
  if (i.organisation_id)
    st.bind(2, i.organisation_id);
  else
    st.bind_null(2);
  st.bind(3, i.kind).bind(4, d->iso).bind(5, note, false).bind(6, i.author).bind(7, date::now_utc());
  st.step();
  auto out = st.int64(0);
  if (i.contact_id) {
    auto touch = store_.db().prepare(
        "UPDATE contacts SET last_touched_at = CASE WHEN last_touched_at < ?1 THEN ?1 ELSE last_touched_at END "
        "WHERE id = ?2");
    touch.bind(1, d->iso + "T00:00:00Z").bind(2, i.contact_id);
    touch.run();
  }
  t.commit();
  return out;
}

std::vector<Interaction> Contacts::interactions(int64_t contact_id) {
  auto st = store_.db().prepare(
      "SELECT id, coalesce(contact_id, 0), coalesce(organisation_id, 0), kind, on_date, note, author, created_at "
      "FROM interactions WHERE contact_id = ? ORDER BY on_date, id");
  st.bind(1, contact_id);
  std::vector<Interaction> out;
  while (st.step())
    out.push_back({st.int64(0), st.int64(1), st.int64(2), st.text(3), st.text(4), st.text(5), st.text(6), st.text(7)});
  return out;
}

json Contacts::personal_data(int64_t contact_id) {
  auto c = get(contact_id);
  if (!c) throw NotFound(fmt::format("no contact {}", contact_id), Errc::contact_not_found);
  json inter = json::array(), regs = json::array(), mails = json::array();
  for (auto& i : interactions(contact_id)) inter.push_back(to_json(i));
  if (!c->email.empty()) {
    auto st = store_.db().prepare(
        "SELECT r.id, r.event_id, e.title, r.name, r.organisation, r.status, r.created_at, r.attended FROM "
        "registrations r "
        "JOIN events e ON e.id = r.event_id WHERE r.email = ? ORDER BY r.id");
    st.bind(1, c->email);
    while (st.step())
      regs.push_back({{"id", st.int64(0)},
                      {"event_id", st.int64(1)},
                      {"event", st.text(2)},
                      {"name", st.text(3)},
                      {"organisation", st.text(4)},
                      {"status", st.text(5)},
                      {"created_at", st.text(6)},
                      {"attended", st.is_null(7) ? json() : json(st.int64(7) == 1)}});
    auto m = store_.db().prepare(
        "SELECT id, event, subject, created_at, status FROM mail_outbox WHERE recipient = ? ORDER BY id");
    m.bind(1, c->email);
    while (m.step())
      mails.push_back({{"id", m.int64(0)},
                       {"event", m.text(1)},
                       {"subject", m.text(2)},
                       {"created_at", m.text(3)},
                       {"status", m.text(4)}});
  }
  return {{"contact", to_json(*c)},
          {"interactions", inter},
          {"event_registrations", regs},
          {"mail", mails},
          {"exported_at", date::now_utc()}};
}

int Contacts::erase(int64_t contact_id, const std::string& by) {
  auto c = get(contact_id);
  if (!c) throw NotFound(fmt::format("no contact {}", contact_id), Errc::contact_not_found);
  auto& db = store_.db();
  db::Erasure erasure(db);  // no trace left in the files (db.hpp)
  int changed = 0;
  {
    db::Transaction t(db);
    auto st = db.prepare(
        "UPDATE contacts SET first_name = '', last_name = '', email = '', phone = '', role = '', tags = '', "
        "consent_at = NULL, erased_at = ?, updated_at = ? WHERE id = ?");
    auto now = date::now_utc();
    st.bind(1, now).bind(2, now).bind(3, contact_id);
    st.run();
    changed += static_cast<int>(db.changes());
    auto in = db.prepare("UPDATE interactions SET note = '' WHERE contact_id = ? AND note <> ''");
    in.bind(1, contact_id);
    in.run();
    changed += static_cast<int>(db.changes());
    if (!c->email.empty()) {
      auto r = db.prepare("UPDATE registrations SET name = '', email = '', organisation = '' WHERE email = ?");
      r.bind(1, c->email);
      r.run();
      changed += static_cast<int>(db.changes());
      auto m = db.prepare(
          "UPDATE mail_outbox SET recipient = '', subject = '', body_text = '', body_html = '' WHERE recipient = ?");
      m.bind(1, c->email);
      m.run();
      changed += static_cast<int>(db.changes());
    }
    (void)by;
    t.commit();
  }
  erasure.finish({"contacts", "interactions", "registrations", "mail_outbox"});
  return changed;
}

json to_json(const Organisation& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"kind", o.kind},
          {"insee_code", o.insee_code.empty() ? json() : json(o.insee_code)},
          {"department", o.dep},
          {"epci", o.epci},
          {"place_id", o.place_id.empty() ? json() : json(o.place_id)},
          {"tags", text::split_list(o.tags, ";")},
          {"created_at", o.created_at},
          {"updated_at", o.updated_at}};
}

json to_json(const Contact& c) {
  return {{"id", c.id},
          {"first_name", c.first_name},
          {"last_name", c.last_name},
          {"email", c.email},
          {"phone", c.phone},
          {"role", c.role},
          {"organisation_id", c.organisation_id ? json(c.organisation_id) : json()},
          {"organisation", c.organisation},
          {"insee_code", c.insee_code.empty() ? json() : json(c.insee_code)},
          {"department", c.dep},
          {"tags", text::split_list(c.tags, ";")},
          {"lawful_basis", c.lawful_basis},
          {"consent_at", c.consent_at.empty() ? json() : json(c.consent_at)},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at},
          {"last_touched_at", c.last_touched_at},
          {"erased", !c.erased_at.empty()}};
}

json to_json(const Interaction& i) {
  return {{"id", i.id},
          {"contact_id", i.contact_id ? json(i.contact_id) : json()},
          {"organisation_id", i.organisation_id ? json(i.organisation_id) : json()},
          {"kind", i.kind},
          {"on_date", i.on_date},
          {"note", i.note},
          {"author", i.author},
          {"created_at", i.created_at}};
}

}  // namespace maillage::network

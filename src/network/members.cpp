#include "network/members.hpp"

#include "network/checks.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/date.hpp"
#include "core/error.hpp"
#include "territory/communes.hpp"

namespace maillage::network {

using nlohmann::json;

namespace {
using detail::dep_of;
using detail::refuse;
}  // namespace

int64_t Members::record(Membership m) {
  if (m.place_id.empty() == (m.contact_id == 0)) refuse("place_id", "a membership is of one place or one person");
  if (m.year < 2000 || m.year > 2100) refuse("year", "a year from 2000 to 2100");
  if (m.amount_eur && (!std::isfinite(*m.amount_eur) || *m.amount_eur < 0 || *m.amount_eur > 1e6))
    refuse("amount_eur", "an amount from 0 to 1,000,000 euros");
  db::Transaction t(store_.db());
  if (!m.place_id.empty() && !store_.get(m.place_id)) refuse("place_id", "no such place");
  if (m.contact_id) {
    auto st = store_.db().prepare("SELECT erased_at IS NULL FROM contacts WHERE id = ?");
    st.bind(1, m.contact_id);
    if (!st.step()) refuse("contact_id", "no such contact");
  }
  auto st = store_.db().prepare(
      m.place_id.empty()
          ? "INSERT INTO network_memberships (contact_id, year, fee_paid, amount_eur, recorded_at, recorded_by) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (contact_id, year) WHERE contact_id IS NOT NULL DO UPDATE SET "
            "fee_paid = excluded.fee_paid, amount_eur = excluded.amount_eur, recorded_at = excluded.recorded_at, "
            "recorded_by = excluded.recorded_by"
          : "INSERT INTO network_memberships (place_id, year, fee_paid, amount_eur, recorded_at, recorded_by) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (place_id, year) WHERE place_id IS NOT NULL DO UPDATE SET "
            "fee_paid = excluded.fee_paid, amount_eur = excluded.amount_eur, recorded_at = excluded.recorded_at, "
            "recorded_by = excluded.recorded_by");
  if (m.place_id.empty())
    st.bind(1, m.contact_id);
  else
    st.bind(1, m.place_id);
  st.bind(2, int64_t{m.year}).bind(3, int64_t{m.fee_paid ? 1 : 0}).bind(4, m.amount_eur).bind(5, date::now_utc());
  st.bind(6, m.recorded_by, false);
  st.run();
  auto id =
      store_.db().prepare("SELECT id FROM network_memberships WHERE year = ? AND (place_id = ? OR contact_id = ?)");
  id.bind(1, int64_t{m.year}).bind(2, m.place_id, false).bind(3, m.contact_id);
  id.step();
  auto out = id.int64(0);
  t.commit();
  return out;
}

std::vector<Membership> Members::list(int year) {
  auto st = store_.db().prepare(
      "SELECT m.id, coalesce(m.place_id, ''), coalesce(m.contact_id, 0), m.year, m.fee_paid, m.amount_eur, "
      "m.recorded_at, "
      "m.recorded_by, coalesce(p.name, trim(c.first_name || ' ' || c.last_name)), "
      "coalesce(p.insee_code, c.insee_code, o.insee_code, '') FROM network_memberships m "
      "LEFT JOIN places p ON p.id = m.place_id LEFT JOIN contacts c ON c.id = m.contact_id "
      "LEFT JOIN organisations o ON o.id = c.organisation_id WHERE m.year = ? ORDER BY m.id");
  st.bind(1, int64_t{year});
  std::vector<Membership> out;
  while (st.step()) {
    Membership m;
    m.id = st.int64(0), m.place_id = st.text(1), m.contact_id = st.int64(2), m.year = static_cast<int>(st.int64(3));
    m.fee_paid = st.int64(4) == 1, m.amount_eur = st.opt_real(5), m.recorded_at = st.text(6),
    m.recorded_by = st.text(7);
    m.name = st.text(8), m.dep = dep_of(st.text(9));
    out.push_back(std::move(m));
  }
  return out;
}

Census Members::census(int year) {
  Census c;
  c.year = year;
  for (auto& m : list(year)) {
    c.fee_paid += m.fee_paid;
    if (!m.dep.empty()) ++c.by_department[m.dep];
    if (m.place_id.empty()) {
      ++c.people;
      ++c.by_type["personne"];
      continue;
    }
    ++c.places;
    if (auto p = store_.get(m.place_id))
      for (auto& t : registry::mask_to_list(p->types, registry::place_types())) ++c.by_type[t];
  }
  return c;
}

json to_json(const Membership& m) {
  return {{"id", m.id},
          {"place_id", m.place_id.empty() ? json() : json(m.place_id)},
          {"contact_id", m.contact_id ? json(m.contact_id) : json()},
          {"name", m.name},
          {"department", m.dep},
          {"year", m.year},
          {"fee_paid", m.fee_paid},
          {"amount_eur", m.amount_eur ? json(*m.amount_eur) : json()},
          {"recorded_at", m.recorded_at}};
}

json to_json(const Census& c) {
  return {{"year", c.year},         {"members", c.places + c.people},   {"places", c.places},  {"people", c.people},
          {"fee_paid", c.fee_paid}, {"by_department", c.by_department}, {"by_type", c.by_type}};
}

}  // namespace maillage::network

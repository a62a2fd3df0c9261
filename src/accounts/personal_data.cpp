// What the database holds about one person, for their GDPR access request (article 15): the account and its
// roles, the sessions, the booking member with memberships and bookings, the mails sent to them, and the audit
// entries of what they did.
#include <functional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "accounts/accounts.hpp"
#include "accounts/audit.hpp"
#include "core/date.hpp"

namespace maillage::accounts {

using nlohmann::json;

namespace {
// Every row of a query as objects keyed by column name.
json rows(db::Database& db, const std::string& sql, const std::function<void(db::Statement&)>& bind) {
  auto st = db.prepare(sql);
  bind(st);
  json out = json::array();
  while (st.step()) {
    json row = json::object();
    for (int i = 0; i < st.column_count(); ++i) row[st.column_name(i)] = st.is_null(i) ? json() : json(st.text(i));
    out.push_back(row);
  }
  return out;
}
}  // namespace

json personal_data(db::Database& db, int64_t user) {
  auto u = Accounts(db).get(user);
  json roles = json::array();
  for (auto& g : u.roles) roles.push_back(g.place_id.empty() ? g.role : g.role + ":" + g.place_id);
  auto id = [&](db::Statement& st) { st.bind(1, user); };
  json out{{"exported_at", date::now_utc()},
           {"account",
            {{"id", u.id},
             {"email", u.email},
             {"display_name", u.display_name},
             {"status", u.status},
             {"email_verified_at", u.email_verified_at},
             {"created_at", u.created_at},
             {"roles", roles}}},
           {"sessions", rows(db,
                             "SELECT id, created_at, last_seen_at, expires_at, revoked_at, address, user_agent "
                             "FROM sessions WHERE user_id = ? ORDER BY id",
                             id)},
           {"actions", rows(db, "SELECT at, action, target, status, address FROM audit_log WHERE actor = ? ORDER BY id",
                            [&](db::Statement& st) { st.bind(1, fmt::format("user:{}", user)); })},
           {"mails", rows(db,
                          "SELECT created_at, event, subject, status, sent_at FROM mail_outbox WHERE recipient = ? "
                          "ORDER BY id",
                          [&](db::Statement& st) { st.bind(1, u.email); })}};
  if (u.member_id) {
    auto m = [&](db::Statement& st) { st.bind(1, u.member_id); };
    out["member"] = {
        {"record", rows(db, "SELECT id, name, email, created_at FROM members WHERE id = ?", m)},
        {"memberships", rows(db, "SELECT place_id, plan, discount_pct FROM memberships WHERE member_id = ?", m)},
        {"bookings", rows(db,
                          "SELECT b.id, r.place_id, r.name AS resource, b.unit, b.starts, b.ends, b.status, "
                          "b.amount, b.channel, b.created_at FROM bookings b JOIN resources r ON r.id = b.resource_id "
                          "WHERE b.member_id = ? ORDER BY b.starts",
                          m)}};
  }
  return out;
}

}  // namespace maillage::accounts

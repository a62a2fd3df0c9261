// Sessions behind the sign-in cookie (accounts.hpp): the cookie holds 256 random bits, the database their hash,
// the CSRF token, the expiry and what the person sees in their list (when, from where, which browser).

#include <fmt/format.h>

#include "accounts/accounts.hpp"
#include "accounts/secrets.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

namespace maillage::accounts {

namespace {
constexpr const char* kColumns = "id, user_id, csrf, created_at, last_seen_at, expires_at, address, user_agent";
Session read(db::Statement& st) {
  return {st.int64(0), st.int64(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6), st.text(7)};
}
}  // namespace

Sessions::Opened Sessions::open(int64_t user, const std::string& address, const std::string& user_agent) {
  Opened o;
  o.secret = random_key();
  auto now = date::now_utc();
  o.session = {0,
               user,
               random_key(),
               now,
               now,
               date::utc_after(p_.lifetime_s),
               text::printable(address, 60),
               text::printable(user_agent, 200)};
  auto st = db_.prepare(
      "INSERT INTO sessions (hash, user_id, csrf, created_at, last_seen_at, expires_at, address, user_agent) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  st.bind(1, key_hash(o.secret))
      .bind(2, user)
      .bind(3, o.session.csrf)
      .bind(4, now)
      .bind(5, now)
      .bind(6, o.session.expires_at)
      .bind(7, o.session.address, false)
      .bind(8, o.session.user_agent, false)
      .step();
  o.session.id = st.int64(0);
  return o;
}

std::optional<Session> Sessions::find(const std::string& secret) {
  if (secret.size() < 20 || secret.size() > 100) return std::nullopt;
  auto now = date::now_utc();
  auto st = db_.prepare(fmt::format(
      "SELECT {} FROM sessions s WHERE hash = ? AND revoked_at IS NULL AND expires_at > ? AND last_seen_at > ? "
      "AND (SELECT status FROM users WHERE id = s.user_id) = 'active'",
      kColumns));
  st.bind(1, key_hash(secret)).bind(2, now).bind(3, date::utc_after(-p_.idle_s));
  if (!st.step()) return std::nullopt;
  auto s = read(st);
  if (s.last_seen_at < date::utc_after(-p_.touch_s)) {
    db_.prepare("UPDATE sessions SET last_seen_at = ? WHERE id = ?").bind(1, now).bind(2, s.id).run();
    s.last_seen_at = now;
  }
  return s;
}

std::vector<Session> Sessions::of_user(int64_t user) {
  std::vector<Session> out;
  auto st =
      db_.prepare(fmt::format("SELECT {} FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND "
                              "expires_at > ? AND last_seen_at > ? ORDER BY last_seen_at DESC, id DESC",
                              kColumns));
  st.bind(1, user).bind(2, date::now_utc()).bind(3, date::utc_after(-p_.idle_s));
  while (st.step()) out.push_back(read(st));
  return out;
}

void Sessions::revoke(int64_t user, int64_t session_id) {
  db_.prepare("UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL")
      .bind(1, date::now_utc())
      .bind(2, session_id)
      .bind(3, user)
      .run();
  if (db_.changes() == 0) throw NotFound(fmt::format("no active session {}", session_id), Errc::session_not_found);
}

int Sessions::revoke_all(int64_t user) {
  db_.prepare("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
      .bind(1, date::now_utc())
      .bind(2, user)
      .run();
  return static_cast<int>(db_.changes());
}

}  // namespace maillage::accounts

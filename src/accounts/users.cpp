// Accounts, their roles and one-time keys (accounts.hpp).

#include <algorithm>

#include <fmt/format.h>

#include "accounts/accounts.hpp"
#include "accounts/throttle.hpp"
#include "accounts/secrets.hpp"
#include "core/date.hpp"
#include "core/error.hpp"

namespace maillage::accounts {

namespace {
constexpr const char* kUserColumns =
    "id, email, display_name, status, COALESCE(email_verified_at, ''), created_at, COALESCE(member_id, 0), "
    "password_hash IS NOT NULL";
User read_user(db::Statement& st) {
  User u;
  u.id = st.int64(0);
  u.email = st.text(1);
  u.display_name = st.text(2);
  u.status = st.text(3);
  u.email_verified_at = st.text(4);
  u.created_at = st.text(5);
  u.member_id = st.int64(6);
  u.has_password = st.int64(7) != 0;
  return u;
}
void require_place(db::Database& db, const std::string& id) {
  auto st = db.prepare("SELECT 1 FROM places WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) throw NotFound(fmt::format("no place with id '{}'", id), Errc::place_not_found);
}
}  // namespace

bool User::has_role(const std::string& r) const {
  return std::any_of(roles.begin(), roles.end(), [&](auto& g) { return g.role == r; });
}
bool User::manages(const std::string& place_id) const {
  return std::any_of(roles.begin(), roles.end(),
                     [&](auto& g) { return g.role == "manager" && g.place_id == place_id; });
}

RoleGrant parse_role(const std::string& text, const std::string& field) {
  auto colon = text.find(':');
  RoleGrant g{text.substr(0, colon), colon == std::string::npos ? "" : text.substr(colon + 1)};
  if (std::find(std::begin(kRoles), std::end(kRoles), g.role) == std::end(kRoles))
    throw InputError(field,
                     fmt::format("unknown role '{}' (admin, editor, manager:PLACE, member)", g.role.substr(0, 40)));
  if ((g.role == "manager") == g.place_id.empty())
    throw InputError(field, g.role == "manager" ? "a manager role names its place (manager:PLACE)"
                                                : "only the manager role names a place");
  if (g.place_id.size() > 100) throw InputError(field, "a place id has at most 100 bytes");
  return g;
}

User Accounts::add(const std::string& email, const std::string& display_name, const std::string& status,
                   const std::vector<RoleGrant>& roles, const std::string& by) {
  auto e = normalise_email(email);
  auto name = clean_name(display_name);
  if (find_email(e)) throw InputError("email", "an account already has this address");
  auto now = date::now_utc();
  db::Transaction t(db_);
  auto insert = db_.prepare(
      "INSERT INTO users (email, display_name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id");
  insert.bind(1, e).bind(2, name).bind(3, status).bind(4, now).bind(5, now).step();
  auto id = insert.int64(0);
  set_roles(id, roles, by);
  t.commit();
  return get(id);
}

std::optional<User> Accounts::find(int64_t id) {
  auto st = db_.prepare(fmt::format("SELECT {} FROM users WHERE id = ?", kUserColumns));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  auto u = read_user(st);
  auto r = db_.prepare("SELECT role, place_id FROM user_roles WHERE user_id = ? ORDER BY role, place_id");
  r.bind(1, id);
  while (r.step()) u.roles.push_back({r.text(0), r.text(1)});
  return u;
}

std::optional<User> Accounts::find_email(const std::string& email) {
  auto st = db_.prepare("SELECT id FROM users WHERE email = ?");
  st.bind(1, email);
  if (!st.step()) return std::nullopt;
  return find(st.int64(0));
}

User Accounts::get(int64_t id) {
  auto u = find(id);
  if (!u) throw NotFound(fmt::format("no account {}", id), Errc::account_not_found);
  return *u;
}

std::vector<User> Accounts::list() {
  std::vector<int64_t> ids;
  auto st = db_.prepare("SELECT id FROM users ORDER BY id");
  while (st.step()) ids.push_back(st.int64(0));
  std::vector<User> out;
  for (auto id : ids) out.push_back(get(id));
  return out;
}

void Accounts::set_roles(int64_t user, const std::vector<RoleGrant>& roles, const std::string& by) {
  for (auto& g : roles) parse_role(g.place_id.empty() ? g.role : g.role + ":" + g.place_id);
  db::Transaction t(db_);
  get(user);
  for (auto& g : roles)
    if (g.role == "manager") require_place(db_, g.place_id);
  db_.prepare("DELETE FROM user_roles WHERE user_id = ?").bind(1, user).run();
  auto now = date::now_utc();
  for (auto& g : roles)
    db_.prepare(
           "INSERT INTO user_roles (user_id, role, place_id, granted_at, granted_by) VALUES (?, ?, ?, ?, ?) "
           "ON CONFLICT DO NOTHING")
        .bind(1, user)
        .bind(2, g.role)
        .bind(3, g.place_id, false)
        .bind(4, now)
        .bind(5, by)
        .run();
  if (std::any_of(roles.begin(), roles.end(), [](auto& g) { return g.role == "member"; })) ensure_member(user);
  t.commit();
}

void Accounts::set_status(int64_t user, const std::string& status) {
  if (status != "active" && status != "disabled") throw InputError("status", "expected active or disabled");
  db::Transaction t(db_);
  auto u = get(user);
  if (status == "active" && !u.has_password)
    throw InputError("status", "the account has no password yet (invitation pending)");
  db_.prepare("UPDATE users SET status = ?, updated_at = ? WHERE id = ?")
      .bind(1, status)
      .bind(2, date::now_utc())
      .bind(3, user)
      .run();
  if (status == "disabled") Sessions(db_).revoke_all(user);
  t.commit();
}

void Accounts::set_name(int64_t user, const std::string& name) {
  auto n = clean_name(name);
  db_.prepare("UPDATE users SET display_name = ?, updated_at = ? WHERE id = ?")
      .bind(1, n)
      .bind(2, date::now_utc())
      .bind(3, user)
      .run();
  if (db_.changes() == 0) throw NotFound(fmt::format("no account {}", user), Errc::account_not_found);
}

void Accounts::verify_email(int64_t user) {
  auto now = date::now_utc();
  db_.prepare(
         "UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?), updated_at = ?, "
         "status = CASE WHEN status = 'unverified' AND password_hash IS NOT NULL THEN 'active' ELSE status END "
         "WHERE id = ?")
      .bind(1, now)
      .bind(2, now)
      .bind(3, user)
      .run();
  if (db_.changes() == 0) throw NotFound(fmt::format("no account {}", user), Errc::account_not_found);
}

void Accounts::set_password_hash(int64_t user, const std::string& hash, bool verified) {
  db::Transaction t(db_);
  auto u = get(user);
  auto now = date::now_utc();
  std::string status = u.status;
  if (verified && (status == "invited" || status == "unverified")) status = "active";
  db_.prepare(
         "UPDATE users SET password_hash = ?, status = ?, updated_at = ?, "
         "email_verified_at = CASE WHEN ? THEN COALESCE(email_verified_at, ?) ELSE email_verified_at END "
         "WHERE id = ?")
      .bind(1, hash)
      .bind(2, status)
      .bind(3, now)
      .bind(4, int64_t{verified})
      .bind(5, now)
      .bind(6, user)
      .run();
  Sessions(db_).revoke_all(user);
  t.commit();
}

std::pair<std::string, std::string> Accounts::credentials(int64_t user) {
  auto st = db_.prepare("SELECT COALESCE(password_hash, ''), status FROM users WHERE id = ?");
  st.bind(1, user);
  if (!st.step()) return {};
  return {st.text(0), st.text(1)};
}

int64_t Accounts::ensure_member(int64_t user) {
  auto u = get(user);
  if (u.member_id) return u.member_id;
  auto st = db_.prepare("SELECT id FROM members WHERE email = ?");
  st.bind(1, u.email);
  int64_t member = 0;
  if (st.step()) {
    member = st.int64(0);
  } else {
    auto insert = db_.prepare("INSERT INTO members (name, email, created_at) VALUES (?, ?, ?) RETURNING id");
    insert.bind(1, u.display_name).bind(2, u.email).bind(3, date::now_utc()).step();
    member = insert.int64(0);
  }
  db_.prepare("UPDATE users SET member_id = ? WHERE id = ?").bind(1, member).bind(2, user).run();
  return member;
}

std::string Accounts::issue_key(int64_t user, const std::string& purpose, int64_t ttl_seconds) {
  auto secret = random_key();
  db_.prepare("INSERT INTO one_time_keys (hash, purpose, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
      .bind(1, key_hash(secret))
      .bind(2, purpose)
      .bind(3, user)
      .bind(4, date::now_utc())
      .bind(5, date::utc_after(ttl_seconds))
      .run();
  return secret;
}

std::optional<int64_t> Accounts::peek_key(const std::string& secret, const std::string& purpose) {
  if (secret.size() < 20 || secret.size() > 100) return std::nullopt;
  auto st = db_.prepare(
      "SELECT user_id FROM one_time_keys WHERE hash = ? AND purpose = ? AND used_at IS NULL "
      "AND expires_at > ?");
  st.bind(1, key_hash(secret)).bind(2, purpose).bind(3, date::now_utc());
  if (!st.step()) return std::nullopt;
  return st.int64(0);
}

std::optional<int64_t> Accounts::use_key(const std::string& secret, const std::string& purpose) {
  auto user = peek_key(secret, purpose);
  if (!user) return std::nullopt;
  // The UPDATE is the test: of two requests racing with one key, one changes the row and the other nothing.
  db_.prepare("UPDATE one_time_keys SET used_at = ? WHERE hash = ? AND used_at IS NULL")
      .bind(1, date::now_utc())
      .bind(2, key_hash(secret))
      .run();
  if (db_.changes() == 0) return std::nullopt;
  // Other keys of the same purpose die with it (an older reset link cannot be used after a newer one).
  db_.prepare("UPDATE one_time_keys SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL")
      .bind(1, date::now_utc())
      .bind(2, *user)
      .bind(3, purpose)
      .run();
  return user;
}

void Accounts::erase(int64_t user) {
  db::Erasure erasure(db_);  // no trace left in the database's files (db.hpp)
  db::Transaction t(db_);
  auto u = get(user);
  auto now = date::now_utc();
  db_.prepare(
         "UPDATE users SET email = ?, display_name = '(compte effacé)', password_hash = NULL, status = 'disabled', "
         "email_verified_at = NULL, updated_at = ? WHERE id = ?")
      .bind(1, fmt::format("effacé-{}@invalid", user))
      .bind(2, now)
      .bind(3, user)
      .run();
  Sessions(db_).revoke_all(user);
  db_.prepare("DELETE FROM one_time_keys WHERE user_id = ?").bind(1, user).run();
  if (u.member_id)
    db_.prepare("UPDATE members SET name = '(effacé)', email = ? WHERE id = ?")
        .bind(1, fmt::format("effacé-membre-{}@invalid", u.member_id))
        .bind(2, u.member_id)
        .run();
  db_.prepare(
         "UPDATE mail_outbox SET recipient = 'effacé@invalid', subject = '', body_text = '', body_html = '', "
         "status = CASE WHEN status = 'pending' THEN 'failed' ELSE status END, "
         "last_error = COALESCE(last_error, 'erased') WHERE recipient = ?")
      .bind(1, u.email)
      .run();
  forget_rate_key(db_, u.email);
  t.commit();
  erasure.finish({"users", "sessions", "one_time_keys", "members", "mail_outbox", "rate_windows"});
}

void Accounts::set_self_registration(const std::string& place_id, bool allowed) {
  require_place(db_, place_id);
  db_.prepare(
         "INSERT INTO place_settings (place_id, self_registration) VALUES (?, ?) "
         "ON CONFLICT (place_id) DO UPDATE SET self_registration = excluded.self_registration")
      .bind(1, place_id)
      .bind(2, int64_t{allowed})
      .run();
}

std::vector<std::string> Accounts::self_registration_places() {
  std::vector<std::string> out;
  auto st = db_.prepare("SELECT place_id FROM place_settings WHERE self_registration = 1 ORDER BY place_id");
  while (st.step()) out.push_back(st.text(0));
  return out;
}

void Accounts::add_membership(int64_t user, const std::string& place_id) {
  auto member = ensure_member(user);
  db_.prepare("INSERT INTO memberships (member_id, place_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .bind(1, member)
      .bind(2, place_id)
      .run();
}

}  // namespace maillage::accounts

#include "api/tokens.hpp"

#include <fmt/format.h>

#include "accounts/secrets.hpp"
#include "core/date.hpp"
#include "core/text.hpp"
#include "core/error.hpp"

namespace maillage::api {

namespace {
// Tokens are stored as accounts' keys are: only their BLAKE2b hash.
std::string hash_of(const std::string& secret) { return accounts::key_hash(secret); }
constexpr const char* kColumns =
    "id, role, label, created_at, COALESCE(revoked_at, ''), COALESCE(subject, ''), "
    "COALESCE(expires_at, ''), created_by";
Token read(db::Statement& st) {
  return {st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6), st.text(7)};
}
}  // namespace

std::string create_token(db::Database& db, const std::string& role, const std::string& label, Token* created,
                         const std::string& subject, const std::string& expires_at, const std::string& created_by) {
  std::string expires;
  if (!expires_at.empty()) {
    std::string why;
    if (expires_at.size() != 10 || !date::parse(expires_at, why, false))
      throw InputError("expires", "expected a date YYYY-MM-DD");
    if (expires_at < date::today()) throw InputError("expires", "the expiry date is past");
    expires = expires_at + "T23:59:59Z";
  }
  text::require_clean(label, "label", false, 200);
  if (role != "admin" && role != "editor" && role != "manager" && role != "member")
    throw Error(fmt::format("role '{}': expected admin, editor, manager or member", role));
  if ((role == "manager" || role == "member") == subject.empty())
    throw Error(role == "manager"  ? "a manager token names its place (--place)"
                : role == "member" ? "a member token names its member (--member)"
                                   : "only manager and member tokens name a place or a member");
  if (role == "manager") {
    auto st = db.prepare("SELECT 1 FROM places WHERE id = ?");
    st.bind(1, subject);
    if (!st.step()) throw NotFound(fmt::format("no place with id '{}'", subject), Errc::place_not_found);
  }
  if (role == "member") {
    auto st = db.prepare("SELECT 1 FROM members WHERE id = ?");
    st.bind(1, subject);
    if (!st.step()) throw NotFound(fmt::format("no member with id '{}'", subject));
  }
  std::string secret = "mlg_" + accounts::random_key();
  auto now = date::now_utc();
  auto st = db.prepare(
      "INSERT INTO api_tokens (hash, role, label, created_at, subject, expires_at, created_by) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  st.bind(1, hash_of(secret))
      .bind(2, role)
      .bind(3, label, false)
      .bind(4, now)
      .bind(5, subject)
      .bind(6, expires)
      .bind(7, created_by, false)
      .step();
  if (created) *created = {st.int64(0), role, label, now, "", subject, expires, created_by};
  return secret;
}

std::optional<Token> verify_token(db::Database& db, const std::string& secret) {
  if (secret.size() < 10 || secret.size() > 100) return std::nullopt;
  auto st =
      db.prepare(fmt::format("SELECT {} FROM api_tokens WHERE hash = ? AND revoked_at IS NULL AND "
                             "(expires_at IS NULL OR expires_at > ?)",
                             kColumns));
  st.bind(1, hash_of(secret)).bind(2, date::now_utc());
  if (!st.step()) return std::nullopt;
  return read(st);
}

void revoke_token(db::Database& db, int64_t id) {
  db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .bind(1, date::now_utc())
      .bind(2, id)
      .step();
  if (db.changes() == 0) throw NotFound(fmt::format("no active token with id {}", id), Errc::token_not_found);
}

std::vector<Token> list_tokens(db::Database& db) {
  std::vector<Token> out;
  auto st = db.prepare(fmt::format("SELECT {} FROM api_tokens ORDER BY id", kColumns));
  while (st.step()) out.push_back(read(st));
  return out;
}

}  // namespace maillage::api

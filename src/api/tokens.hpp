#pragma once
// API bearer tokens: 256 random bits (libsodium), shown once at creation and stored only as their BLAKE2b hash,
// with a role (admin, editor) and a label; revocable. Tokens are random keys, not passwords chosen by people, so a
// fast keyed-free hash is enough (a slow password hash like Argon2 would cost tens of milliseconds per request
// and protect nothing more against a 256-bit secret).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.hpp"

namespace maillage::api {

struct Token {
  int64_t id = 0;
  std::string role, label, created_at, revoked_at;
  std::string subject;                 // manager: the place id; member: the member id
  std::string expires_at, created_by;  // expires_at: empty for no expiry; created_by: user:ID, cli:NAME
};

// Returns the token's secret (to give to its holder; it cannot be read back).
// Roles: admin, editor (the registry), manager (one place's bookings; subject = place id), member (one's own
// bookings; subject = member id).
// `expires_at`: a date (YYYY-MM-DD, the token works until that day's end, UTC) or empty for no expiry.
std::string create_token(db::Database& db, const std::string& role, const std::string& label, Token* created = nullptr,
                         const std::string& subject = "", const std::string& expires_at = "",
                         const std::string& created_by = "");
// None when unknown, revoked or expired.
std::optional<Token> verify_token(db::Database& db, const std::string& secret);
void revoke_token(db::Database& db, int64_t id);  // NotFound
std::vector<Token> list_tokens(db::Database& db);

}  // namespace maillage::api

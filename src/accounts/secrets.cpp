#include "accounts/secrets.hpp"

#include <sodium.h>

#include <semaphore>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace maillage::accounts {

namespace {
void init() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw Error("libsodium could not be initialised");
}
std::counting_semaphore<kConcurrentHashes>& hashing_slots() {
  static std::counting_semaphore<kConcurrentHashes> s(kConcurrentHashes);
  return s;
}
struct Slot {
  Slot() { hashing_slots().acquire(); }
  ~Slot() { hashing_slots().release(); }
};
}  // namespace

std::string hash_password(std::string_view password) {
  init();
  char out[crypto_pwhash_STRBYTES];
  Slot slot;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kPasswordOps, kPasswordMemory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw Error("password hashing failed (out of memory)");
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  init();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  Slot slot;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& hash) {
  init();
  return crypto_pwhash_str_needs_rehash(hash.c_str(), kPasswordOps, kPasswordMemory) != 0;
}

void verify_dummy(std::string_view password) {
  static const std::string dummy = hash_password("maillage: no such account");
  verify_password(dummy, password);
}

std::string random_key() {
  init();
  unsigned char key[32];
  randombytes_buf(key, sizeof key);
  char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, key, sizeof key, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return b64;
}

std::string key_hash(std::string_view key) {
  init();
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

bool same_secret(std::string_view a, std::string_view b) {
  init();
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string normalise_email(std::string_view raw, const std::string& field) {
  auto e = text::to_lower_ascii(text::trim(raw));
  if (auto why = text::text_problem(e); !why.empty()) throw InputError(field, why);
  if (e.empty()) throw InputError(field, "the e-mail address is required");
  if (e.size() > 254) throw InputError(field, "an e-mail address has at most 254 bytes");
  auto at = e.find('@');
  if (at == std::string::npos || at == 0 || e.find('@', at + 1) != std::string::npos)
    throw InputError(field, "expected one address of the form name@domain.fr");
  auto domain = e.substr(at + 1);
  if (domain.find('.') == std::string::npos || domain.front() == '.' || domain.back() == '.')
    throw InputError(field, "the domain of the address has no dot (name@domain.fr)");
  for (char c : e)
    if (c == ' ' || c == ',' || c == ';' || c == '<' || c == '>' || c == '"' || c == '(' || c == ')' || c == '\\')
      throw InputError(field, fmt::format("'{}' is not allowed in an e-mail address here", c));
  return e;
}

void check_password(std::string_view password, std::string_view email, const std::string& field) {
  if (auto why = text::text_problem(password); !why.empty()) throw InputError(field, why);
  if (password.size() < 10) throw InputError(field, "a password has at least 10 characters");
  if (password.size() > 256) throw InputError(field, "a password has at most 256 bytes");
  if (text::to_lower_ascii(password) == text::to_lower_ascii(email))
    throw InputError(field, "the password may not be the e-mail");
}

std::string clean_name(std::string_view raw, const std::string& field) {
  auto n = std::string(text::trim(raw));
  text::require_clean(n, field, false, 100);
  if (n.empty()) throw InputError(field, "a name is required");
  return n;
}

}  // namespace maillage::accounts

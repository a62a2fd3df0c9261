#pragma once
// The secrets of accounts: passwords (Argon2id, libsodium's crypto_pwhash_str), random keys (cookies, one-time
// links, CSRF tokens) and their stored hashes, and the checks of what people type (e-mail, password, name).
#include <cstdint>
#include <string>
#include <string_view>

namespace maillage::accounts {

// Argon2id parameters, stored inside every hash (so they can be raised later: `needs_rehash`). 3 passes over
// 64 MiB: about 0.1 s on one core of the development machine (docs/accounts.md), above OWASP's minimum
// (19 MiB, 2 passes). At most `kConcurrentHashes` hashes run at once (the others wait): memory stays bounded
// (4 × 64 MiB) whatever the number of sign-ins arriving together.
inline constexpr unsigned long long kPasswordOps = 3;
inline constexpr size_t kPasswordMemory = size_t{64} << 20;
inline constexpr int kConcurrentHashes = 4;

std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);
bool needs_rehash(const std::string& hash);
// Spends the time of one verification against a fixed hash (an unknown e-mail answers as slowly as a known one).
void verify_dummy(std::string_view password);

// 256 random bits as URL-safe base64 without padding (43 characters).
std::string random_key();
// BLAKE2b-256 in hex: how keys are stored (a key is random, so a fast hash is enough).
std::string key_hash(std::string_view key);
// Constant-time comparison.
bool same_secret(std::string_view a, std::string_view b);

// What people type, checked in one place; Error field_invalid (the field named) when refused.
// An e-mail: trimmed, lower-cased, at most 254 bytes, one '@', a dot in the domain, no space or control.
std::string normalise_email(std::string_view raw, const std::string& field = "email");
// A password: 10 to 256 bytes of valid UTF-8 without control characters, not the e-mail itself.
void check_password(std::string_view password, std::string_view email, const std::string& field = "password");
// A display name: 1 to 100 bytes, one line, trimmed.
std::string clean_name(std::string_view raw, const std::string& field = "display_name");

}  // namespace maillage::accounts

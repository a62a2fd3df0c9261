#pragma once
// Brakes on guessing. `FailureThrottle`: failed sign-ins per key (an account's e-mail, a client's address),
// stored in the database so that a restart does not forgive them; after `free_failures`, each attempt waits
// 2, 4, 8 ... seconds (at most `max_delay_s`) after the last failure, and the count is forgotten after a day
// without failure. `RateLimiter`: requests per key in a fixed window, counted in the database so that every server
// counts against one allowance (anonymous requests that send mail: reset, registration, contributions).
#include <cstdint>
#include <string>

#include "db/db.hpp"

namespace maillage::accounts {

struct ThrottlePolicy {
  int free_failures = 5;
  int64_t max_delay_s = 900;
  int64_t forget_after_s = 24 * 3600;
};

class FailureThrottle {
 public:
  FailureThrottle(db::Database& db, ThrottlePolicy p) : db_(db), p_(p) {}
  // Seconds to wait before an attempt on `key` is heard (0: now).
  int64_t wait_s(const std::string& key, int64_t now);
  void fail(const std::string& key, int64_t now);
  void clear(const std::string& key);
  int failures(const std::string& key, int64_t now);

 private:
  db::Database& db_;
  ThrottlePolicy p_;
};

class RateLimiter {
 public:
  // `scope` names the limit in the table (one row per scope and key).
  RateLimiter(std::string scope, int max_per_window, int64_t window_s)
      : scope_(std::move(scope)), max_(max_per_window), window_(window_s) {}
  // True when the request is allowed (and counts it); false when the key used its share of the window. One
  // statement (an upsert returning the count): atomic on both backends, so servers racing on one key never allow
  // more than the share between them. Deletes the scope's windows that ended first (the table stays the size of
  // one window's keys).
  bool allow(db::Database& db, const std::string& key, int64_t now);
  // Gives back the last count of `key` (a request allowed, then refused for its content: it does not count).
  void refund(db::Database& db, const std::string& key);
  int64_t keys(db::Database& db) const;  // rows of this scope
  const std::string& scope() const { return scope_; }

 private:
  std::string scope_;
  int max_;
  int64_t window_;
};

// Forgets a key in every scope (an account erased: its e-mail address).
void forget_rate_key(db::Database& db, const std::string& key);

}  // namespace maillage::accounts

#pragma once
// Brakes on guessing. `FailureThrottle`: failed sign-ins per key (an account's e-mail, a client's address),
// stored in the database so that a restart does not forgive them; after `free_failures`, each attempt waits
// 2, 4, 8 ... seconds (at most `max_delay_s`) after the last failure, and the count is forgotten after a day
// without failure. `RateLimiter`: requests per key in a fixed window, in memory, with a bounded number of keys
// (anonymous requests that send mail: reset, registration).
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

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
  RateLimiter(int max_per_window, int64_t window_s, size_t max_keys = 100000)
      : max_(max_per_window), window_(window_s), max_keys_(max_keys) {}
  // True when the request is allowed (and counts it); false when the key used its share of the window.
  bool allow(const std::string& key, int64_t now);
  // Gives back the last count of `key` (a request allowed, then refused for its content: it does not count).
  void refund(const std::string& key);
  size_t keys() const;

 private:
  struct Window {
    int64_t start = 0;
    int count = 0;
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, Window> w_;
  int max_;
  int64_t window_;
  size_t max_keys_;
};

}  // namespace maillage::accounts

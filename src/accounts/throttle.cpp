#include "accounts/throttle.hpp"

#include <algorithm>

namespace maillage::accounts {

int FailureThrottle::failures(const std::string& key, int64_t now) {
  auto st = db_.prepare("SELECT failures, last_at FROM auth_failures WHERE key = ?");
  st.bind(1, key);
  if (!st.step()) return 0;
  if (now - st.int64(1) > p_.forget_after_s) return 0;
  return static_cast<int>(st.int64(0));
}

int64_t FailureThrottle::wait_s(const std::string& key, int64_t now) {
  auto st = db_.prepare("SELECT failures, last_at FROM auth_failures WHERE key = ?");
  st.bind(1, key);
  if (!st.step()) return 0;
  int64_t n = st.int64(0), last = st.int64(1);
  if (now - last > p_.forget_after_s || n < p_.free_failures) return 0;
  int64_t shift = std::min<int64_t>(n - p_.free_failures + 1, 20);
  int64_t delay = std::min<int64_t>(int64_t{1} << shift, p_.max_delay_s);
  return std::max<int64_t>(0, last + delay - now);
}

void FailureThrottle::fail(const std::string& key, int64_t now) {
  int n = failures(key, now) + 1;
  db_.prepare(
         "INSERT INTO auth_failures (key, failures, last_at) VALUES (?, ?, ?) "
         "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at")
      .bind(1, key)
      .bind(2, n)
      .bind(3, now)
      .run();
}

void FailureThrottle::clear(const std::string& key) {
  db_.prepare("DELETE FROM auth_failures WHERE key = ?").bind(1, key).run();
}

bool RateLimiter::allow(db::Database& db, const std::string& key, int64_t now) {
  db.prepare("DELETE FROM rate_windows WHERE scope = ? AND window_start <= ?")
      .bind(1, scope_)
      .bind(2, now - window_)
      .run();
  auto st = db.prepare(
      "INSERT INTO rate_windows (scope, key, window_start, hits) VALUES (?, ?, ?, 1) "
      "ON CONFLICT (scope, key) DO UPDATE SET "
      "hits = CASE WHEN excluded.window_start - rate_windows.window_start >= ? THEN 1 ELSE rate_windows.hits + 1 END, "
      "window_start = CASE WHEN excluded.window_start - rate_windows.window_start >= ? "
      "THEN excluded.window_start ELSE rate_windows.window_start END "
      "RETURNING hits");
  st.bind(1, scope_).bind(2, key, false).bind(3, now).bind(4, window_).bind(5, window_);
  if (!st.step()) return false;
  return st.int64(0) <= max_;
}

void RateLimiter::refund(db::Database& db, const std::string& key) {
  db.prepare("UPDATE rate_windows SET hits = hits - 1 WHERE scope = ? AND key = ? AND hits > 0")
      .bind(1, scope_)
      .bind(2, key, false)
      .run();
}

int64_t RateLimiter::keys(db::Database& db) const {
  auto st = db.prepare("SELECT COUNT(*) FROM rate_windows WHERE scope = ?");
  st.bind(1, scope_);
  st.step();
  return st.int64(0);
}

void forget_rate_key(db::Database& db, const std::string& key) {
  db.prepare("DELETE FROM rate_windows WHERE key = ?").bind(1, key, false).run();
}

}  // namespace maillage::accounts

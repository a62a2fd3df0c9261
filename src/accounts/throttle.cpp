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

bool RateLimiter::allow(const std::string& key, int64_t now) {
  std::lock_guard l(mu_);
  if (w_.size() >= max_keys_ && !w_.count(key)) {
    // Full: forget the windows that ended; if none did, forget all (a flood of addresses resets the limiter
    // rather than growing it).
    std::erase_if(w_, [&](auto& kv) { return now - kv.second.start >= window_; });
    if (w_.size() >= max_keys_) w_.clear();
  }
  auto& w = w_[key];
  if (now - w.start >= window_) w = {now, 0};
  if (w.count >= max_) return false;
  ++w.count;
  return true;
}

void RateLimiter::refund(const std::string& key) {
  std::lock_guard l(mu_);
  if (auto it = w_.find(key); it != w_.end() && it->second.count > 0) --it->second.count;
}

size_t RateLimiter::keys() const {
  std::lock_guard l(mu_);
  return w_.size();
}

}  // namespace maillage::accounts

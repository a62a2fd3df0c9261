#pragma once
// The server's mail thread: every `interval` (or at once when woken after a request queued mail) it sends the
// outbox's due messages over its own database connection, so that a slow or absent SMTP server never holds up
// a request. Failures stay in the outbox with their next attempt (RetryPolicy).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "mail/mail.hpp"

namespace maillage::mail {

class Deliverer {
 public:
  Deliverer(std::string db_path, Config config, RetryPolicy policy, std::chrono::milliseconds interval,
            std::function<void(const std::string&)> log);
  ~Deliverer();  // stops and joins
  void wake();
  void stop();

 private:
  void run();
  std::string db_path_;
  Config config_;
  RetryPolicy policy_;
  std::chrono::milliseconds interval_;
  std::function<void(const std::string&)> log_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false, stopping_ = false;
  std::thread thread_;
};

}  // namespace maillage::mail

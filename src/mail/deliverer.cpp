#include "mail/deliverer.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace maillage::mail {

Deliverer::Deliverer(std::string db_path, Config config, RetryPolicy policy, std::chrono::milliseconds interval,
                     std::function<void(const std::string&)> log)
    : db_path_(std::move(db_path)),
      config_(std::move(config)),
      policy_(policy),
      interval_(interval),
      log_(std::move(log)) {
  thread_ = std::thread([this] { run(); });
}

Deliverer::~Deliverer() { stop(); }

void Deliverer::wake() {
  {
    std::lock_guard l(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void Deliverer::stop() {
  {
    std::lock_guard l(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Deliverer::run() {
  std::unique_ptr<db::Database> db;
  std::string last_error;
  while (true) {
    {
      std::unique_lock l(mu_);
      cv_.wait_for(l, interval_, [this] { return woken_ || stopping_; });
      if (stopping_) return;
      woken_ = false;
    }
    if (config_.smtp_url.empty()) continue;  // no server configured: mail waits in the outbox
    try {
      if (!db) db = std::make_unique<db::Database>(db_path_, db::Database::Mode::ReadWrite);
      Outbox box(*db);
      auto r = deliver_due(box, config_, policy_);
      if (r.sent || r.failed)
        log_(fmt::format("mail: {} sent, {} failed{}", r.sent, r.failed, r.failed ? " (" + r.last_error + ")" : ""));
    } catch (const std::exception& e) {
      if (e.what() != last_error) log_(fmt::format("mail: {}", e.what()));
      last_error = e.what();
    }
  }
}

}  // namespace maillage::mail

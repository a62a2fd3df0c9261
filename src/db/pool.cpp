#include "db/pool.hpp"

#include "core/error.hpp"

namespace maillage::db {

Pool::Pool(std::string name, int size, std::function<void(Database&)> setup, std::chrono::milliseconds wait)
    : name_(std::move(name)), size_(std::max(1, size)), setup_(std::move(setup)), wait_(wait) {}

Pool::~Pool() = default;

Pool::Lease::~Lease() {
  if (db_) pool_->give_back(std::move(db_));
}

Pool::Lease Pool::acquire() {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, wait_, [&] { return !free_.empty() || open_ < size_; }))
    throw Error(Errc::busy, "every connection to the database is in use");
  if (!free_.empty()) {
    auto db = std::move(free_.back());
    free_.pop_back();
    return Lease(*this, std::move(db));
  }
  ++open_;
  lock.unlock();
  try {
    auto db = std::make_unique<Database>(name_, Database::Mode::ReadWrite);
    if (setup_) setup_(*db);
    return Lease(*this, std::move(db));
  } catch (...) {
    std::lock_guard again(mu_);
    --open_;
    cv_.notify_one();
    throw;
  }
}

void Pool::give_back(std::unique_ptr<Database> db) {
  // A connection left inside a transaction (an exception between BEGIN and the Transaction's rollback cannot
  // happen, but a lost server can leave one unknown) is not reused.
  bool reusable = !db->in_transaction();
  std::lock_guard lock(mu_);
  if (reusable)
    free_.push_back(std::move(db));
  else
    --open_;
  cv_.notify_one();
}

int Pool::open_connections() const {
  std::lock_guard lock(mu_);
  return open_;
}

}  // namespace maillage::db

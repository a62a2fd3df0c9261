#pragma once
// A bounded pool of objects that cost to make and must not be shared by two threads at once: database connections
// (db::Pool), the API's stores (api::Stores), road-graph searches (8 bytes a node each: 40 MB on a national graph,
// too much to allocate per request). A thread takes one for the time of a request and gives it back. Objects are
// made on demand, at most `size` alive; a caller finding none free waits (at most `wait`, then Errc::busy). An
// object found unfit when given back (`reusable` false: a connection left inside a transaction by a lost server)
// is dropped, and another is made when next needed.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace maillage {

template <class T>
class Pool {
 public:
  using Make = std::function<std::unique_ptr<T>()>;
  using Check = std::function<bool(T&)>;
  Pool(int size, Make make, Check reusable = {}, std::chrono::milliseconds wait = std::chrono::seconds(30),
       std::string what = "object")
      : size_(std::max(1, size)),
        make_(std::move(make)),
        reusable_(std::move(reusable)),
        wait_(wait),
        what_(std::move(what)) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease() = default;
    Lease(Pool* pool, std::unique_ptr<T> item) : pool_(pool), item_(std::move(item)) {}
    Lease(Lease&& o) noexcept = default;
    Lease& operator=(Lease&& o) noexcept {
      reset();
      pool_ = o.pool_, item_ = std::move(o.item_);
      return *this;
    }
    ~Lease() { reset(); }
    T& operator*() const { return *item_; }
    T* operator->() const { return item_.get(); }
    T* get() const { return item_.get(); }
    explicit operator bool() const { return item_ != nullptr; }
    void reset() {
      if (item_) pool_->give_back(std::move(item_));
    }

   private:
    Pool* pool_ = nullptr;
    std::unique_ptr<T> item_;
  };

  Lease acquire() {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, wait_, [&] { return !free_.empty() || alive_ < size_; }))
      throw Error(Errc::busy, "every " + what_ + " is in use");
    if (!free_.empty()) {
      auto item = std::move(free_.back());
      free_.pop_back();
      return Lease(this, std::move(item));
    }
    ++alive_;  // the place is taken while the object is made, outside the lock
    lock.unlock();
    try {
      return Lease(this, make_());
    } catch (...) {
      std::lock_guard again(mu_);
      --alive_;
      cv_.notify_one();
      throw;
    }
  }
  // Puts in an object made elsewhere (it counts towards the size).
  void add(std::unique_ptr<T> item) {
    std::lock_guard lock(mu_);
    ++alive_;
    free_.push_back(std::move(item));
    cv_.notify_one();
  }
  int alive() const {
    std::lock_guard lock(mu_);
    return alive_;
  }
  int size() const { return size_; }

 private:
  void give_back(std::unique_ptr<T> item) {
    bool keep = !reusable_ || reusable_(*item);
    if (!keep) item.reset();  // dropped outside the lock (closing a connection may take time)
    std::lock_guard lock(mu_);
    if (keep)
      free_.push_back(std::move(item));
    else
      --alive_;
    cv_.notify_one();
  }
  int size_;
  Make make_;
  Check reusable_;
  std::chrono::milliseconds wait_;
  std::string what_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<T>> free_;
  int alive_ = 0;
};

}  // namespace maillage

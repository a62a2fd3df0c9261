#pragma once
// A bounded pool of connections to one database: a thread takes one for the time of a request and gives it back.
// SQLite in WAL mode reads in parallel on separate connections (one writer at a time, the others wait for its
// lock); PostgreSQL serves each connection with its own process. Connections opened on demand up to `size`; a
// caller finding none free waits (at most `wait`, then Errc::busy). A connection whose server went away is
// dropped when returned, and a new one is opened when next needed.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/db.hpp"

namespace maillage::db {

class Pool {
 public:
  // `setup` runs once on each new connection (pragmas, prepared state).
  Pool(std::string name, int size, std::function<void(Database&)> setup = {},
       std::chrono::milliseconds wait = std::chrono::seconds(30));
  ~Pool();

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Database> db) : pool_(&pool), db_(std::move(db)) {}
    Lease(Lease&& o) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Database& operator*() { return *db_; }
    Database* operator->() { return db_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Database> db_;
  };
  Lease acquire();
  const std::string& name() const { return name_; }
  int open_connections() const;

 private:
  void give_back(std::unique_ptr<Database> db);
  std::string name_;
  int size_;
  std::function<void(Database&)> setup_;
  std::chrono::milliseconds wait_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Database>> free_;
  int open_ = 0;
};

}  // namespace maillage::db

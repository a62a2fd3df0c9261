#pragma once
// A bounded pool of connections to one database (maillage::Pool of Database): a thread takes one for the time of a
// request and gives it back. SQLite in WAL mode reads in parallel on separate connections (one writer at a time,
// the others wait for its lock); PostgreSQL serves each connection with its own process. A connection left inside
// a transaction (its server went away mid-way) is dropped when given back, and a new one opened when next needed.
#include <chrono>
#include <functional>
#include <string>

#include "core/pool.hpp"
#include "db/db.hpp"

namespace maillage::db {

class Pool {
 public:
  // `setup` runs once on each new connection (pragmas, prepared state).
  Pool(std::string name, int size, std::function<void(Database&)> setup = {},
       std::chrono::milliseconds wait = std::chrono::seconds(30));
  using Lease = maillage::Pool<Database>::Lease;
  Lease acquire() { return pool_.acquire(); }
  const std::string& name() const { return name_; }
  int open_connections() const { return pool_.alive(); }

 private:
  std::string name_;
  maillage::Pool<Database> pool_;
};

}  // namespace maillage::db

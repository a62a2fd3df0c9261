#include "db/pool.hpp"

namespace maillage::db {

Pool::Pool(std::string name, int size, std::function<void(Database&)> setup, std::chrono::milliseconds wait)
    : name_(std::move(name)),
      pool_(
          size,
          [this, setup = std::move(setup)] {
            auto db = std::make_unique<Database>(name_, Database::Mode::ReadWrite);
            if (setup) setup(*db);
            return db;
          },
          [](Database& db) { return !db.in_transaction(); }, wait, "connection to the database") {}

}  // namespace maillage::db

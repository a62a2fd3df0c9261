#pragma once
// The schema's migrations: each stage keeps its SQL files beside its code (src/booking/migrations/...), and
// src/db/migrations.txt gives the one order they run in (compiled into the binary). A database records each file
// it applied in `schema_migrations`; every opening applies what is missing, each file in its own write
// transaction (on PostgreSQL under the advisory write lock: several servers starting at once migrate once).
// The files are written for SQLite; PostgreSQL runs their translation (dialect.hpp).
#include <string_view>
#include <vector>

#include "db/db.hpp"

namespace maillage::db {

struct Migration {
  int version;  // the order: files of one version run in the list's order
  std::string_view stage, file, sql;
};
// In the recorded order.
const std::vector<Migration>& migrations();
// The highest version of the migrations a database has applied (0 when empty).
int schema_version(Database& db);
// Applies the missing migrations; returns how many. Throws (and changes nothing) when the database has applied a
// migration this program does not know: it was made by a newer Maillage.
int migrate(Database& db);

}  // namespace maillage::db

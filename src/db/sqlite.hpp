#pragma once
// What only the SQLite backend does (internal to src/db: db::Database's backup_to and restore_from).
#include <string>

#include "db/db.hpp"

namespace maillage::db {
int sqlite_backup(Database& db, const std::string& to);
int sqlite_restore(Database& db, const std::string& from);
}  // namespace maillage::db

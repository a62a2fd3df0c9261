#pragma once
// `maillage db port`: everything of one database copied into another, SQLite to PostgreSQL or back (issue #30).
#include <cstdint>
#include <string>
#include <vector>

#include "db/db.hpp"

namespace maillage::db {

struct TableCopy {
  std::string table;
  int64_t rows = 0;
  uint64_t checksum = 0;  // of the source's rows; the target's was found equal
};

struct PortOptions {
  // Left behind: live sessions (a move signs everyone out: their cookies were for the old servers).
  std::vector<std::string> skip = {"sessions"};
};

// Copies every table of `from` into `to` in one transaction, in an order that satisfies the foreign keys, with
// every value of its type (a double stays the same double); then counts and checksums (an order-independent
// sum of each row's FNV-1a over its typed values) compared table by table: any difference, and nothing is kept.
// Both must be at this program's schema (`from` is never written: open it with this maillage first when it is
// older). Refuses a target that holds anything more than a new database does (Errc::conflict).
std::vector<TableCopy> port(Database& from, Database& to, const PortOptions& options = {});

// The rows and checksum of a table, as port() compares them.
TableCopy table_summary(Database& db, const std::string& table);

}  // namespace maillage::db

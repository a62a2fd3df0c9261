#include "db/migrate.hpp"

#include <algorithm>
#include <set>
#include <string>

#include <fmt/format.h>

#include "core/date.hpp"
#include "core/error.hpp"
#include "db/dialect.hpp"

namespace maillage::db {

namespace {

bool has_table(Database& db, const char* name) {
  auto st = db.backend() == Backend::SQLite
                ? db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
                : db.prepare(
                      "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND "
                      "table_name = ?");
  st.bind(1, name);
  return st.step();
}

int sqlite_user_version(Database& db) {
  auto st = db.prepare("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.int64(0));
}

std::set<std::string, std::less<>> applied(Database& db) {
  std::set<std::string, std::less<>> out;
  if (!has_table(db, "schema_migrations")) return out;
  auto st = db.prepare("SELECT file FROM schema_migrations");
  while (st.step()) out.insert(st.text(0));
  return out;
}

int latest_version() {
  int v = 0;
  for (auto& m : migrations()) v = std::max(v, m.version);
  return v;
}

// The bookkeeping table, and on SQLite the files a database at user_version N (before issue #30) had applied.
void start_record(Database& db) {
  Transaction tx(db);
  if (db.backend() == Backend::PostgreSQL) db.exec(dialect::kPostgresqlRefuse);
  if (!has_table(db, "schema_migrations")) {
    db.exec(
        "CREATE TABLE schema_migrations (file TEXT PRIMARY KEY, version INTEGER NOT NULL, stage TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)");
    int legacy = db.backend() == Backend::SQLite ? sqlite_user_version(db) : 0;
    auto ins = db.prepare("INSERT INTO schema_migrations (file, version, stage, applied_at) VALUES (?, ?, ?, ?)");
    for (auto& m : migrations())
      if (m.version <= legacy) {
        ins.bind(1, m.file).bind(2, m.version).bind(3, m.stage).bind(4, "before issue #30");
        ins.run();
      }
  }
  tx.commit();
}

}  // namespace

int schema_version(Database& db) {
  if (!has_table(db, "schema_migrations")) return db.backend() == Backend::SQLite ? sqlite_user_version(db) : 0;
  auto st = db.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  st.step();
  return static_cast<int>(st.int64(0));
}

int migrate(Database& db) {
  auto done = applied(db);
  std::set<std::string_view> known;
  for (auto& m : migrations()) known.insert(m.file);
  auto newer = [&](const std::set<std::string, std::less<>>& files) {
    for (auto& f : files)
      if (!known.contains(f))
        throw Error(
            fmt::format("{}: the database has applied the migration {}, which this maillage does not know "
                        "(it was written by a newer version)",
                        db.path(), f));
    if (db.backend() == Backend::SQLite && sqlite_user_version(db) > latest_version())
      throw Error(fmt::format("{}: database schema version {} is newer than this maillage understands ({})", db.path(),
                              sqlite_user_version(db), latest_version()));
  };
  newer(done);
  if (done.size() == migrations().size()) return 0;  // nothing to write: opening a current database changes no byte
  if (db.backend() == Backend::SQLite) db.exec("PRAGMA journal_mode = WAL");
  start_record(db);
  int count = 0;
  for (auto& m : migrations()) {
    if (done.contains(m.file)) continue;
    Transaction tx(db);
    // Another process may have migrated while this one waited for the write lock.
    auto now_done = applied(db);
    newer(now_done);
    if (now_done.contains(m.file)) continue;
    db.exec_schema(m.sql);
    db.prepare("INSERT INTO schema_migrations (file, version, stage, applied_at) VALUES (?, ?, ?, ?)")
        .bind(1, m.file)
        .bind(2, m.version)
        .bind(3, m.stage)
        .bind(4, date::now_utc())
        .run();
    if (db.backend() == Backend::SQLite) db.exec(fmt::format("PRAGMA user_version = {}", m.version));
    tx.commit();
    ++count;
  }
  return count;
}

}  // namespace maillage::db

// The SQLite backend of db::Database (db.hpp): one connection to one file.
#include <sqlite3.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "db/backend.hpp"
#include "db/sqlite.hpp"

namespace maillage::db {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw Error("sqlite: " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
        SQLITE_OK)
      fail(db, std::string("prepare `") + std::string(sql.substr(0, 200)) + "`");
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  void bind_text(int i, std::string_view v) override {
    check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  void bind_int(int i, int64_t v) override { check(sqlite3_bind_int64(stmt_, i, v)); }
  void bind_real(int i, double v) override { check(sqlite3_bind_double(stmt_, i, v)); }
  void bind_null(int i) override { check(sqlite3_bind_null(stmt_, i)); }
  bool step() override {
    if (buffered_) return ++row_ < rows_.size();
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW && !sqlite3_stmt_readonly(stmt_)) return buffer();
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail_step();
  }
  void reset() override {
    buffered_ = false;
    rows_.clear();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  bool is_null(int c) const override { return buffered_ ? !cell(c) : sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
  Statement::Type type(int c) const override {
    if (buffered_) return cell(c) ? Statement::Type::Text : Statement::Type::Null;
    switch (sqlite3_column_type(stmt_, c)) {
      case SQLITE_NULL: return Statement::Type::Null;
      case SQLITE_INTEGER: return Statement::Type::Integer;
      case SQLITE_FLOAT: return Statement::Type::Real;
      default: return Statement::Type::Text;
    }
  }
  int column_count() const override { return sqlite3_column_count(stmt_); }
  std::string column_name(int c) const override { return sqlite3_column_name(stmt_, c); }
  std::string text(int c) const override {
    if (buffered_) return cell(c) ? *cell(c) : std::string();
    auto* p = sqlite3_column_text(stmt_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, c)))
             : std::string();
  }
  int64_t int64(int c) const override {
    return buffered_ ? (cell(c) ? std::strtoll(cell(c)->c_str(), nullptr, 10) : 0) : sqlite3_column_int64(stmt_, c);
  }
  double real(int c) const override {
    return buffered_ ? (cell(c) ? std::strtod(cell(c)->c_str(), nullptr) : 0) : sqlite3_column_double(stmt_, c);
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) fail(db_, "bind");
  }
  // A step that failed: SQLite's message and the statement, the statement reset (its bindings kept).
  [[noreturn]] void fail_step() {
    std::string msg = sqlite3_errmsg(db_);
    sqlite3_reset(stmt_);
    throw Error("sqlite: " + msg + " (in `" + std::string(sqlite3_sql(stmt_)).substr(0, 120) + "`)");
  }
  // A write returning rows (INSERT ... RETURNING id) made all its changes at its first step; its rows are read
  // then and the statement reset, so that it holds no transaction open (as on PostgreSQL, where results come
  // whole). Values as text: a REAL's text reads back the same double (SQLite prints 17 significant digits).
  bool buffer() {
    int n = sqlite3_column_count(stmt_), rc = SQLITE_ROW;
    for (; rc == SQLITE_ROW; rc = sqlite3_step(stmt_)) {
      auto& row = rows_.emplace_back(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c)
        if (sqlite3_column_type(stmt_, c) != SQLITE_NULL)
          row[static_cast<size_t>(c)] = std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c)),
                                                    static_cast<size_t>(sqlite3_column_bytes(stmt_, c)));
    }
    if (rc != SQLITE_DONE) {
      rows_.clear();
      fail_step();
    }
    sqlite3_reset(stmt_);
    buffered_ = true;
    row_ = 0;
    return true;
  }
  const std::optional<std::string>& cell(int c) const {
    static const std::optional<std::string> none;
    if (row_ >= rows_.size() || c < 0 || static_cast<size_t>(c) >= rows_[row_].size()) return none;
    return rows_[row_][static_cast<size_t>(c)];
  }
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool buffered_ = false;
  std::vector<std::vector<std::optional<std::string>>> rows_;
  size_t row_ = 0;
};

class SqliteDatabase final : public DatabaseImpl {
 public:
  SqliteDatabase(const std::string& path, Database::Mode mode) : path_(path) {
    int flags = mode == Database::Mode::ReadOnly    ? SQLITE_OPEN_READONLY
                : mode == Database::Mode::ReadWrite ? SQLITE_OPEN_READWRITE
                                                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw Error(path + ": cannot open database: " + msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 30000);  // concurrent writers wait for each other instead of failing
  }
  ~SqliteDatabase() override { sqlite3_close_v2(db_); }
  Backend backend() const override { return Backend::SQLite; }
  void exec(std::string_view sql) override {
    char* err = nullptr;
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw Error(path_ + ": sqlite: " + msg);
    }
  }
  std::unique_ptr<StatementImpl> prepare(std::string_view sql) override {
    return std::make_unique<SqliteStatement>(db_, sql);
  }
  int64_t changes() const override { return sqlite3_changes64(db_); }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  void begin(bool immediate) override { exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN"); }
  std::string integrity_check() override {
    std::string out;
    auto st = prepare("PRAGMA integrity_check");
    while (st->step()) out += (out.empty() ? "" : "; ") + st->text(0);
    return out;
  }
  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

SqliteDatabase& sqlite_of(Database& db) {
  if (db.backend() != Backend::SQLite)
    throw Error(Errc::input_refused,
                "a file copy of the whole database is for SQLite; on PostgreSQL use pg_dump or a base backup "
                "(docs/deploy.md), or `maillage db port` to a SQLite file");
  return static_cast<SqliteDatabase&>(db.impl());
}

}  // namespace

std::unique_ptr<DatabaseImpl> open_sqlite(const std::string& path, Database::Mode mode) {
  return std::make_unique<SqliteDatabase>(path, mode);
}

int sqlite_backup(Database& db, const std::string& to) {
  auto& src = sqlite_of(db);
  std::string tmp = to + ".tmp";
  std::remove(tmp.c_str());
  int pages = 0;
  {
    Database dst_db(tmp);
    auto& dst = static_cast<SqliteDatabase&>(dst_db.impl());
    sqlite3_backup* b = sqlite3_backup_init(dst.handle(), "main", src.handle(), "main");
    if (!b) throw Error(to + ": cannot start the backup: " + sqlite3_errmsg(dst.handle()));
    int rc = SQLITE_OK;
    // 256 pages at a time: writers of the source are held only for one step at a time; a write between two
    // steps makes SQLite restart the copy, so the result is always one consistent state.
    while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
      if (rc != SQLITE_OK) sqlite3_sleep(20);
    pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) throw Error(to + ": backup failed: " + sqlite3_errstr(rc));
    auto check = dst.integrity_check();
    if (check != "ok") throw Error(to + ": the copy fails its integrity check: " + check);
    dst.exec("PRAGMA journal_mode = DELETE");  // one self-contained file, no -wal beside it
  }
  if (std::rename(tmp.c_str(), to.c_str()) != 0) throw Error(to + ": cannot write: " + std::strerror(errno));
  return pages;
}

int sqlite_restore(Database& db, const std::string& from) {
  auto& dst = sqlite_of(db);
  Database src_db(from, Database::Mode::ReadOnly);
  auto& src = static_cast<SqliteDatabase&>(src_db.impl());
  auto check = src.integrity_check();
  if (check != "ok") throw Error(from + ": not restored, the file fails its integrity check: " + check);
  sqlite3_backup* b = sqlite3_backup_init(dst.handle(), "main", src.handle(), "main");
  if (!b) throw Error(dst.path() + ": cannot start the restore: " + sqlite3_errmsg(dst.handle()));
  int rc = SQLITE_OK;
  while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  int pages = sqlite3_backup_pagecount(b);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) throw Error(dst.path() + ": restore failed: " + sqlite3_errstr(rc));
  return pages;
}

}  // namespace maillage::db

#include "registry/sqlite.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"

namespace maillage::sqlite {

namespace {
[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw Error("sqlite: " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}
}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
      SQLITE_OK)
    fail(db, std::string("prepare `") + std::string(sql.substr(0, 200)) + "`");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = o.db_;
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Statement& Statement::bind(int i, std::string_view v, bool empty_is_null) {
  int rc = (empty_is_null && v.empty())
               ? sqlite3_bind_null(stmt_, i)
               : sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& Statement::bind(int i, int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& Statement::bind(int i, double v) {
  if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& Statement::bind_null(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string msg = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  throw Error("sqlite: " + msg + " (in `" + std::string(sqlite3_sql(stmt_)).substr(0, 120) + "`)");
}

void Statement::run() {
  while (step()) {}
  reset();
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }
std::string Statement::column_name(int col) const { return sqlite3_column_name(stmt_, col); }

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }

std::string Statement::text(int c) const {
  auto* p = sqlite3_column_text(stmt_, c);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, c)))
           : std::string();
}

int64_t Statement::int64(int c) const { return sqlite3_column_int64(stmt_, c); }
double Statement::real(int c) const { return sqlite3_column_double(stmt_, c); }

std::optional<double> Statement::opt_real(int c) const {
  return is_null(c) ? std::nullopt : std::optional<double>(real(c));
}
std::optional<int> Statement::opt_int(int c) const {
  return is_null(c) ? std::nullopt : std::optional<int>(static_cast<int>(int64(c)));
}

Database::Database(const std::string& path, Mode mode) : path_(path) {
  int flags = mode == Mode::ReadOnly    ? SQLITE_OPEN_READONLY
              : mode == Mode::ReadWrite ? SQLITE_OPEN_READWRITE
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

Database::~Database() { sqlite3_close_v2(db_); }

int Database::backup_to(const std::string& to) {
  std::string tmp = to + ".tmp";
  std::remove(tmp.c_str());
  int pages = 0;
  {
    Database dst(tmp);
    sqlite3_backup* b = sqlite3_backup_init(dst.db_, "main", db_, "main");
    if (!b) throw Error(to + ": cannot start the backup: " + sqlite3_errmsg(dst.db_));
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

int Database::restore_from(const std::string& from) {
  Database src(from, Mode::ReadOnly);
  auto check = src.integrity_check();
  if (check != "ok") throw Error(from + ": not restored, the file fails its integrity check: " + check);
  sqlite3_backup* b = sqlite3_backup_init(db_, "main", src.db_, "main");
  if (!b) throw Error(path_ + ": cannot start the restore: " + sqlite3_errmsg(db_));
  int rc = SQLITE_OK;
  while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  int pages = sqlite3_backup_pagecount(b);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) throw Error(path_ + ": restore failed: " + sqlite3_errstr(rc));
  return pages;
}

std::string Database::integrity_check() {
  std::string out;
  auto st = prepare("PRAGMA integrity_check");
  while (st.step()) out += (out.empty() ? "" : "; ") + st.text(0);
  return out;
}

void Database::exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw Error(path_ + ": sqlite: " + msg);
  }
}

int64_t Database::changes() const { return sqlite3_changes64(db_); }

Transaction::Transaction(Database& db, bool immediate) : db_(db) {
  // Inside another transaction, a savepoint: a library function that writes in one transaction can be called
  // from a caller's larger one (all or nothing together).
  nested_ = sqlite3_get_autocommit(db_.handle()) == 0;
  db_.exec(nested_ ? "SAVEPOINT maillage_nested" : immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      rollback();
    } catch (...) {}
  }
}

void Transaction::rollback() {
  if (done_) return;
  done_ = true;
  db_.exec(nested_ ? "ROLLBACK TO maillage_nested; RELEASE maillage_nested" : "ROLLBACK");
}

void Transaction::commit() {
  db_.exec(nested_ ? "RELEASE maillage_nested" : "COMMIT");
  done_ = true;
}

}  // namespace maillage::sqlite

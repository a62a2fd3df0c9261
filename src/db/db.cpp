#include "db/db.hpp"

#include <chrono>
#include <cstdlib>
#include <thread>
#include <regex>

#include "core/error.hpp"
#include "db/backend.hpp"
#include "db/dialect.hpp"
#include "db/sqlite.hpp"

namespace maillage::db {

bool is_postgresql(std::string_view name) {
  return name.starts_with("postgresql://") || name.starts_with("postgres://");
}

std::string redact(std::string_view name) {
  static const std::regex password(R"((://[^:/@]*:)[^@]*@)"), param(R"((password=)[^&]*)");
  std::string s = std::regex_replace(std::string(name), password, "$1***@");
  return std::regex_replace(s, param, "$1***");
}

std::string files_folder(std::string_view name) {
  if (!is_postgresql(name)) return std::string(name) + ".files";
  if (const char* e = std::getenv("MAILLAGE_FILES"); e && *e) return e;
  return "maillage.files";
}

Statement::Statement() = default;
Statement::Statement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}
Statement::~Statement() = default;
Statement::Statement(Statement&& o) noexcept = default;
Statement& Statement::operator=(Statement&& o) noexcept = default;

Statement& Statement::bind(int i, std::string_view v, bool empty_is_null) {
  if (empty_is_null && v.empty())
    impl_->bind_null(i);
  else
    impl_->bind_text(i, v);
  return *this;
}
Statement& Statement::bind(int i, int64_t v) {
  impl_->bind_int(i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  impl_->bind_real(i, v);
  return *this;
}
Statement& Statement::bind_null(int i) {
  impl_->bind_null(i);
  return *this;
}
bool Statement::step() { return impl_->step(); }
void Statement::run() {
  while (step()) {}
  reset();
}
void Statement::reset() { impl_->reset(); }
bool Statement::is_null(int c) const { return impl_->is_null(c); }
Statement::Type Statement::type(int c) const { return impl_->type(c); }
int Statement::column_count() const { return impl_->column_count(); }
std::string Statement::column_name(int c) const { return impl_->column_name(c); }
std::string Statement::text(int c) const { return impl_->text(c); }
int64_t Statement::int64(int c) const { return impl_->int64(c); }
double Statement::real(int c) const { return impl_->real(c); }
std::optional<double> Statement::opt_real(int c) const {
  return is_null(c) ? std::nullopt : std::optional<double>(real(c));
}
std::optional<int> Statement::opt_int(int c) const {
  return is_null(c) ? std::nullopt : std::optional<int>(static_cast<int>(int64(c)));
}

Database::Database(const std::string& name, Mode mode) : path_(redact(name)) {
  impl_ = is_postgresql(name) ? open_postgresql(name, path_) : open_sqlite(name, mode);
}
Database::~Database() = default;
Backend Database::backend() const { return impl_->backend(); }
void Database::exec(std::string_view sql) { impl_->exec(sql); }
void Database::exec_schema(std::string_view sql) {
  if (backend() == Backend::SQLite)
    exec(sql);
  else
    exec(dialect::postgresql_schema(sql));
}
Statement Database::prepare(std::string_view sql) { return Statement(impl_->prepare(sql)); }
int64_t Database::changes() const { return impl_->changes(); }
bool Database::in_transaction() const { return impl_->in_transaction(); }
int Database::backup_to(const std::string& to) { return sqlite_backup(*this, to); }
int Database::restore_from(const std::string& from) { return sqlite_restore(*this, from); }
std::string Database::integrity_check() { return impl_->integrity_check(); }

// Inside another transaction, a savepoint: a library function that writes in one transaction can be called from a
// caller's larger one (all or nothing together).
Transaction::Transaction(Database& db, bool immediate) : db_(db) {
  if (db_.in_transaction()) {
    depth_ = 1;
    db_.exec("SAVEPOINT maillage_nested");
  } else {
    db_.impl().begin(immediate);
  }
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
  db_.exec(depth_ ? "ROLLBACK TO maillage_nested; RELEASE maillage_nested" : "ROLLBACK");
}
void Transaction::commit() {
  db_.exec(depth_ ? "RELEASE maillage_nested" : "COMMIT");
  done_ = true;
}

ReadTransaction::ReadTransaction(Database& db) {
  if (db.in_transaction()) return;
  db.exec(db.backend() == Backend::SQLite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  db_ = &db;
}

ReadTransaction::~ReadTransaction() {
  if (!db_) return;
  try {
    db_->exec("ROLLBACK");
  } catch (...) {}
}

Erasure::Erasure(Database& db) : db_(db) {
  if (db_.backend() == Backend::SQLite) db_.exec("PRAGMA secure_delete = ON");
}

Erasure::~Erasure() {
  if (!finished_ && db_.backend() == Backend::SQLite) {
    try {
      db_.exec("PRAGMA secure_delete = OFF");
    } catch (...) {}
  }
}

void Erasure::finish(std::initializer_list<std::string_view> tables) {
  // Inside a caller's transaction nothing can be scrubbed yet (a checkpoint or a VACUUM waits for its end): the
  // caller's own Erasure does it after its commit.
  if (db_.in_transaction()) return;
  finished_ = true;
  if (db_.backend() == Backend::SQLite) {
    db_.exec("PRAGMA secure_delete = OFF");
    // The journal holds the pages as they were: write them back and empty it.
    db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return;
  }
  // VACUUM keeps a dead row that some open snapshot may still see (a transaction begun before the erasure, in this
  // database, or a connection still starting, which could be in any): wait, at most 30 s, until every snapshot is
  // younger than a transaction begun after the erasure's commit.
  auto xid = db_.prepare("SELECT CAST(xid(pg_current_xact_id()) AS TEXT)");
  xid.step();
  auto older = db_.prepare(
      "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_xmin IS NOT NULL "
      "AND age(backend_xmin) > age(CAST(? AS xid))");
  for (int i = 0; i < 600; ++i) {
    older.bind(1, xid.text(0));
    older.step();
    bool clear = older.int64(0) == 0;
    older.reset();
    if (clear) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto t : tables) db_.exec("VACUUM FULL " + std::string(t));
}

}  // namespace maillage::db

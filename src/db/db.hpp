#pragma once
// The storage layer (issue #30): one API over two backends, chosen by the database's name.
//   - a file path ("maillage.db"): SQLite, embedded, one machine (WAL: readers in parallel, one writer at a time);
//   - "postgresql://..." or "postgres://...": PostgreSQL (libpq), shared by several servers.
// Statements are written once, in the SQL both understand, with `?` parameters (the PostgreSQL backend numbers
// them $1, $2...; parameters travel as text and the server infers their types from the context, as SQLite's
// affinity does). Generated ids come back with `INSERT ... RETURNING id` (SQLite 3.35+). What differs between
// the two is written here and in dialect.cpp only: placeholders, the schema's types and triggers (migrations),
// the write lock, savepoints, and the errors when the server goes away (Errc::unavailable, 503).
//
// A Database is one connection: use it from one thread at a time (db::Pool hands one to each thread).
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace maillage::db {

enum class Backend { SQLite, PostgreSQL };
// A "postgresql://" or "postgres://" URL (libpq's connection URI); anything else is a SQLite file.
bool is_postgresql(std::string_view name);
// The name with any password replaced by "***" (for messages and logs).
std::string redact(std::string_view name);

// Where the resources' files are kept: beside a SQLite file ("NAME.files"); with PostgreSQL, $MAILLAGE_FILES (a
// folder every server mounts), else "maillage.files" in the working directory.
std::string files_folder(std::string_view name);

class StatementImpl;
class DatabaseImpl;

class Statement {
 public:
  Statement();
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based. An empty string binds NULL when empty_is_null.
  Statement& bind(int i, std::string_view v, bool empty_is_null = true);
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind_null(int i);
  template <class T>
  Statement& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }
  // Steps once: true when a row is available.
  bool step();
  // Runs to completion (for statements without rows), then resets.
  void run();
  // Ready to run again; the bindings are cleared.
  void reset();

  bool is_null(int col) const;
  // What a column of the current row holds (on PostgreSQL: its declared type; NULL when null).
  enum class Type { Null, Integer, Real, Text };
  Type type(int col) const;
  int column_count() const;
  std::string column_name(int col) const;
  std::string text(int col) const;
  int64_t int64(int col) const;  // a boolean result reads 1 or 0 on both backends
  double real(int col) const;
  std::optional<double> opt_real(int col) const;
  std::optional<int> opt_int(int col) const;

 private:
  friend class Database;
  explicit Statement(std::unique_ptr<StatementImpl> impl);
  std::unique_ptr<StatementImpl> impl_;
};

class Database {
 public:
  enum class Mode { ReadWriteCreate, ReadWrite, ReadOnly };
  // Opens a SQLite file or connects to a PostgreSQL server (Errc::unavailable when it does not answer).
  explicit Database(const std::string& name, Mode mode = Mode::ReadWriteCreate);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Backend backend() const;
  // Statements without parameters, one or several separated by ';'.
  void exec(std::string_view sql);
  // Schema statements written for SQLite (CREATE TABLE, triggers...), translated on PostgreSQL (dialect.hpp).
  void exec_schema(std::string_view sqlite_sql);
  Statement prepare(std::string_view sql);
  // Rows changed by the last INSERT, UPDATE or DELETE run on this connection.
  int64_t changes() const;
  bool in_transaction() const;
  // The file, or the URL with its password hidden.
  const std::string& path() const { return path_; }

  // SQLite only (Errc::input_refused on PostgreSQL, whose tools are pg_dump and base backups: docs/deploy.md).
  // A consistent copy of the whole database into `to` through SQLite's online backup API, while other
  // connections go on reading and writing: written to `to`.tmp, checked (integrity_check), then renamed.
  // Returns the pages copied.
  int backup_to(const std::string& to);
  // Replaces this database's content with the file `from` (checked first), in one step under SQLite's locks.
  int restore_from(const std::string& from);
  // "ok", or what the backend's check found (SQLite: PRAGMA integrity_check; PostgreSQL, which enforces its
  // constraints itself: every table of the schema read through, which finds a damaged page or index).
  std::string integrity_check();

  DatabaseImpl& impl() { return *impl_; }

 private:
  std::unique_ptr<DatabaseImpl> impl_;
  std::string path_;
};

// BEGIN ... COMMIT; rolls back when destroyed without commit(). `immediate` takes the write lock first, so two
// writers queue instead of both reading a state one of them is about to change (SQLite: BEGIN IMMEDIATE;
// PostgreSQL: a transaction-scoped advisory lock, the same one for every writer of the database, on every server:
// exactly SQLite's one writer at a time, readers never wait). Inside a transaction already open, a savepoint.
class Transaction {
 public:
  explicit Transaction(Database& db, bool immediate = true);
  ~Transaction();
  void commit();
  void rollback();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

 private:
  Database& db_;
  bool done_ = false;
  int depth_ = 0;  // 0: the outer transaction; n: the n-th nested savepoint
};

// One consistent view for several reads (SQLite: a deferred transaction, which reads one state of the file;
// PostgreSQL: REPEATABLE READ, READ ONLY — READ COMMITTED would give each statement its own). Ended (rolled back:
// it wrote nothing) when destroyed. Inside a transaction already open, nothing: the reads see that one.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Database* db_ = nullptr;
};

// The erasure of a person leaves no trace in the database's files (issue #30). Made before the transaction that
// blanks the person's fields, finish() after its commit with the tables it touched:
//   SQLite: secure_delete while the erasure writes (freed and rewritten space overwritten with zeros), then the
//   WAL written back into the file and emptied (checkpoint TRUNCATE), where the old pages were;
//   PostgreSQL: VACUUM FULL of those tables, which rewrites each into new files without its dead rows and their
//   index entries (the old files are unlinked); the write-ahead log keeps them until its segments are recycled
//   (docs/deploy.md says how long, and what a backup holds).
class Erasure {
 public:
  explicit Erasure(Database& db);
  ~Erasure();
  void finish(std::initializer_list<std::string_view> tables);
  Erasure(const Erasure&) = delete;
  Erasure& operator=(const Erasure&) = delete;

 private:
  Database& db_;
  bool finished_ = false;
};

}  // namespace maillage::db

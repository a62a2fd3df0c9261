#pragma once
// One RAII wrapper over SQLite: a connection, prepared statements and transactions. Errors throw
// maillage::Error with SQLite's message and the SQL that failed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace maillage::sqlite {

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
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
  // Runs to completion (for statements without rows).
  void run();
  void reset();

  bool is_null(int col) const;
  int column_count() const;
  std::string column_name(int col) const;
  std::string text(int col) const;
  int64_t int64(int col) const;
  double real(int col) const;
  std::optional<double> opt_real(int col) const;
  std::optional<int> opt_int(int col) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  enum class Mode { ReadWriteCreate, ReadWrite, ReadOnly };
  Database(const std::string& path, Mode mode = Mode::ReadWriteCreate);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  int64_t changes() const;
  // A consistent copy of the whole database into `to` through SQLite's online backup API, while other
  // connections go on reading and writing: written to `to`.tmp, checked (integrity_check), then renamed.
  // Returns the pages copied.
  int backup_to(const std::string& to);
  // Replaces this database's content with the file `from` (checked first), through the same API: in one
  // step, under SQLite's locks, WAL included. Returns the pages copied.
  int restore_from(const std::string& from);
  // "ok", or what PRAGMA integrity_check found.
  std::string integrity_check();
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE (takes the write lock at once, so two writers queue instead of deadlocking) ... COMMIT;
// rolls back when destroyed without commit(). Inside a transaction already open, a savepoint instead.
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
  bool done_ = false, nested_ = false;
};

}  // namespace maillage::sqlite

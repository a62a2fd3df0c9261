#pragma once
// The two backends behind db::Database and db::Statement (db.hpp): internal to src/db.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "db/db.hpp"

namespace maillage::db {

class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind_text(int i, std::string_view v) = 0;
  virtual void bind_int(int i, int64_t v) = 0;
  virtual void bind_real(int i, double v) = 0;
  virtual void bind_null(int i) = 0;
  virtual bool step() = 0;
  virtual void reset() = 0;
  virtual bool is_null(int col) const = 0;
  virtual Statement::Type type(int col) const = 0;
  virtual int column_count() const = 0;
  virtual std::string column_name(int col) const = 0;
  virtual std::string text(int col) const = 0;
  virtual int64_t int64(int col) const = 0;
  virtual double real(int col) const = 0;
};

class DatabaseImpl {
 public:
  virtual ~DatabaseImpl() = default;
  virtual Backend backend() const = 0;
  virtual void exec(std::string_view sql) = 0;
  virtual std::unique_ptr<StatementImpl> prepare(std::string_view sql) = 0;
  virtual int64_t changes() const = 0;
  virtual bool in_transaction() const = 0;
  // BEGIN (taking the write lock when immediate), COMMIT, ROLLBACK.
  virtual void begin(bool immediate) = 0;
  virtual std::string integrity_check() = 0;
};

std::unique_ptr<DatabaseImpl> open_sqlite(const std::string& path, Database::Mode mode);
std::unique_ptr<DatabaseImpl> open_postgresql(const std::string& url, const std::string& shown);

}  // namespace maillage::db

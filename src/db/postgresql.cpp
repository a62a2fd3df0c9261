// The PostgreSQL backend of db::Database (db.hpp), over libpq. Parameters travel as text with no declared type,
// so the server infers each one's type from where it stands (as SQLite's affinity converts), and results come
// back as text (a boolean as 1 or 0, as SQLite has no other). A connection lost (server restarted, network cut)
// throws Errc::unavailable (503) and is re-established by the next statement outside a transaction.
#include <libpq-fe.h>

#include <cmath>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "db/backend.hpp"
#include "db/dialect.hpp"

namespace maillage::db {

namespace {

constexpr Oid kBoolOid = 16;
// The key of the one write lock (pg_advisory_xact_lock): "mail" in ASCII.
constexpr const char* kWriteLock = "SELECT pg_advisory_xact_lock(1835100524)";

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

class PgDatabase;

class PgStatement final : public StatementImpl {
 public:
  PgStatement(PgDatabase& db, std::string_view sql) : db_(db), sql_(dialect::postgresql_parameters(sql)) {}
  void bind_text(int i, std::string_view v) override { slot(i) = std::string(v); }
  void bind_int(int i, int64_t v) override { slot(i) = std::to_string(v); }
  void bind_real(int i, double v) override {
    if (std::isnan(v))
      slot(i).reset();  // SQLite stores a NaN as NULL
    else
      slot(i) = fmt::format("{}", v);  // shortest text that reads back the same double
  }
  void bind_null(int i) override { slot(i).reset(); }
  bool step() override;
  void reset() override {
    res_.reset();
    row_ = -1;
    done_ = false;
    params_.clear();
  }
  bool is_null(int c) const override { return !res_ || PQgetisnull(res_.get(), row_, c); }
  Statement::Type type(int c) const override {
    if (is_null(c)) return Statement::Type::Null;
    switch (PQftype(res_.get(), c)) {
      case 16:
      case 20:
      case 21:
      case 23: return Statement::Type::Integer;  // bool, int8, int2, int4
      case 700:
      case 701:
      case 1700: return Statement::Type::Real;  // float4, float8, numeric
      default: return Statement::Type::Text;
    }
  }
  int column_count() const override { return res_ ? PQnfields(res_.get()) : 0; }
  std::string column_name(int c) const override { return res_ ? PQfname(res_.get(), c) : ""; }
  std::string text(int c) const override {
    if (is_null(c)) return {};
    const char* v = PQgetvalue(res_.get(), row_, c);
    if (PQftype(res_.get(), c) == kBoolOid) return v[0] == 't' ? "1" : "0";
    return std::string(v, static_cast<size_t>(PQgetlength(res_.get(), row_, c)));
  }
  int64_t int64(int c) const override {
    if (is_null(c)) return 0;
    const char* v = PQgetvalue(res_.get(), row_, c);
    if (v[0] == 't') return 1;
    if (v[0] == 'f') return 0;
    return std::strtoll(v, nullptr, 10);
  }
  double real(int c) const override {
    if (is_null(c)) return 0;
    const char* v = PQgetvalue(res_.get(), row_, c);
    if (v[0] == 't') return 1;
    if (v[0] == 'f') return 0;
    return std::strtod(v, nullptr);
  }

 private:
  std::optional<std::string>& slot(int i) {
    if (i < 1 || i > 32767) throw Error(fmt::format("postgresql: parameter {} out of range", i));
    if (params_.size() < static_cast<size_t>(i)) params_.resize(static_cast<size_t>(i));
    return params_[static_cast<size_t>(i - 1)];
  }
  PgDatabase& db_;
  std::string sql_;
  std::vector<std::optional<std::string>> params_;
  Result res_;
  int row_ = -1;
  bool done_ = false;
};

class PgDatabase final : public DatabaseImpl {
 public:
  PgDatabase(const std::string& url, const std::string& shown) : url_(url), shown_(shown) { connect(); }
  ~PgDatabase() override {
    if (conn_) PQfinish(conn_);
  }
  Backend backend() const override { return Backend::PostgreSQL; }
  void exec(std::string_view sql) override {
    ready();
    Result r(PQexec(conn_, std::string(sql).c_str()));
    check(r.get(), sql);
  }
  std::unique_ptr<StatementImpl> prepare(std::string_view sql) override {
    return std::make_unique<PgStatement>(*this, sql);
  }
  int64_t changes() const override { return changes_; }
  bool in_transaction() const override {
    auto s = conn_ ? PQtransactionStatus(conn_) : PQTRANS_UNKNOWN;
    return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
  }
  void begin(bool immediate) override { exec(immediate ? std::string("BEGIN; ") + kWriteLock : "BEGIN"); }
  std::string integrity_check() override;

  // Runs one statement with its parameters; throws on failure.
  Result run(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
    ready();
    std::vector<const char*> values(params.size());
    for (size_t i = 0; i < params.size(); ++i) values[i] = params[i] ? params[i]->c_str() : nullptr;
    Result r(
        PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
    check(r.get(), sql);
    return r;
  }

 private:
  void connect() {
    if (conn_) PQfinish(conn_);
    conn_ = PQconnectdb(url_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string why = PQerrorMessage(conn_);
      while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
      PQfinish(conn_);
      conn_ = nullptr;
      throw Error(Errc::unavailable, fmt::format("the database {} does not answer: {}", shown_, why));
    }
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);  // NOTICEs are not errors: not printed
    Result r(PQexec(conn_, "SET client_min_messages = warning; SET lock_timeout = '30s'"));
    check(r.get(), "SET");
  }
  // A lost connection is re-established before a statement, unless a transaction was open on it (its work is
  // gone: the caller's transaction fails, and the next one starts on a new connection).
  void ready() {
    if (!conn_ || PQstatus(conn_) == CONNECTION_BAD) connect();
  }
  void check(PGresult* r, std::string_view sql) {
    auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      const char* n = PQcmdTuples(r);
      if (n && *n) changes_ = std::strtoll(n, nullptr, 10);
      return;
    }
    std::string state = r && PQresultErrorField(r, PG_DIAG_SQLSTATE) ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : "";
    std::string msg = r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    // Connection lost, server shutting down or starting: the service is unavailable, not the request wrong.
    if (PQstatus(conn_) == CONNECTION_BAD || state.starts_with("08") || state == "57P01" || state == "57P02" ||
        state == "57P03")
      throw Error(Errc::unavailable, fmt::format("the database {} does not answer ({})", shown_, msg));
    throw Error(fmt::format("postgresql: {} (in `{}`)", msg, sql.substr(0, 160)));
  }
  PGconn* conn_ = nullptr;
  std::string url_, shown_;
  int64_t changes_ = 0;
};

bool PgStatement::step() {
  // A statement stepped past its last row runs again, as SQLite's does.
  if (!res_ || done_) {
    res_.reset();
    res_ = db_.run(sql_, params_);
    row_ = 0;
    done_ = false;
  } else {
    ++row_;
  }
  bool row = PQresultStatus(res_.get()) == PGRES_TUPLES_OK && row_ < PQntuples(res_.get());
  done_ = !row;
  return row;
}

std::string PgDatabase::integrity_check() {
  // Reading every row of every table (and so every page) finds a damaged page; the constraints are the server's.
  std::string out;
  PgStatement tables(*this,
                     "SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = "
                     "current_schema() AND table_type = 'BASE TABLE' ORDER BY 1");
  std::vector<std::string> names;
  while (tables.step()) names.push_back(tables.text(0));
  for (auto& t : names) {
    try {
      PgStatement all(*this, "SELECT count(*) FROM (SELECT * FROM " + t + ") AS everything");
      all.step();
    } catch (const Error& e) {
      out += (out.empty() ? "" : "; ") + t + ": " + e.what();
    }
  }
  return out.empty() ? "ok" : out;
}

}  // namespace

std::unique_ptr<DatabaseImpl> open_postgresql(const std::string& url, const std::string& shown) {
  return std::make_unique<PgDatabase>(url, shown);
}

}  // namespace maillage::db

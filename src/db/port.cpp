#include "db/port.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "db/migrate.hpp"

namespace maillage::db {

namespace {

// The tables a database holds (the schema's own bookkeeping and SQLite's full-text internals left out), in an order
// where every table comes after those its foreign keys point to.
std::vector<std::string> tables_in_order(Database& db) {
  std::vector<std::string> names;
  std::map<std::string, std::set<std::string>> needs;
  if (db.backend() == Backend::SQLite) {
    auto st = db.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE "
        "'library_fts_%' AND name <> 'schema_migrations' ORDER BY name");
    while (st.step()) names.push_back(st.text(0));
    for (auto& t : names) {
      auto fk = db.prepare("SELECT \"table\" FROM pragma_foreign_key_list(?)");
      fk.bind(1, t);
      while (fk.step())
        if (fk.text(0) != t) needs[t].insert(fk.text(0));
    }
  } else {
    auto st = db.prepare(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = "
        "'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY 1");
    while (st.step()) names.push_back(st.text(0));
    auto fk = db.prepare(
        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c JOIN pg_namespace n ON "
        "n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema()");
    while (fk.step())
      if (fk.text(0) != fk.text(1)) needs[fk.text(0)].insert(fk.text(1));
  }
  std::vector<std::string> out;
  std::set<std::string> placed;
  while (out.size() < names.size()) {
    size_t before = out.size();
    for (auto& t : names)
      if (!placed.contains(t) && std::all_of(needs[t].begin(), needs[t].end(), [&](auto& n) {
            return placed.contains(n) || std::find(names.begin(), names.end(), n) == names.end();
          })) {
        out.push_back(t);
        placed.insert(t);
      }
    if (out.size() == before) throw Error("db port: the foreign keys between the tables make a cycle");
  }
  return out;
}

// The columns a copy writes: every stored column (not PostgreSQL's generated ones; SQLite's FTS5 rowid named).
std::vector<std::string> columns_of(Database& db, const std::string& table) {
  std::vector<std::string> cols;
  if (db.backend() == Backend::SQLite) {
    auto st = db.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
    st.bind(1, table);
    while (st.step()) cols.push_back(st.text(0));
    if (table == "library_fts") cols.insert(cols.begin(), "rowid");
  } else {
    auto st = db.prepare(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? "
        "AND is_generated = 'NEVER' ORDER BY ordinal_position");
    st.bind(1, table);
    while (st.step()) cols.push_back(st.text(0));
  }
  return cols;
}

uint64_t fnv(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// One value as the checksum reads it: its kind and its canonical text (a double by its shortest exact text).
std::string canonical(Statement& st, int c) {
  switch (st.type(c)) {
    case Statement::Type::Null: return "N";
    case Statement::Type::Integer: return "I" + std::to_string(st.int64(c));
    case Statement::Type::Real: {
      double v = st.real(c);
      if (v == static_cast<double>(static_cast<int64_t>(v)) && std::abs(v) < 9e15)
        return "I" + std::to_string(static_cast<int64_t>(v));  // SQLite stores 2.0 in a REAL column as 2.0, reads 2
      return "R" + fmt::format("{}", v);
    }
    case Statement::Type::Text: return "T" + st.text(c);
  }
  return "";
}

std::string column_list(const std::vector<std::string>& cols) {
  std::string out;
  for (auto& c : cols) out += (out.empty() ? "" : ", ") + ("\"" + c + "\"");
  return out;
}

// Counts the current row of `st` (its `n` columns) into `t`.
void add_row(TableCopy& t, Statement& st, int n) {
  uint64_t h = 14695981039346656037ULL;
  for (int c = 0; c < n; ++c) h = fnv(fnv(h, canonical(st, c)), std::string_view("\0", 1));
  t.checksum += h;  // order-independent
  ++t.rows;
}

TableCopy summary(Database& db, const std::string& table, const std::vector<std::string>& cols) {
  TableCopy t{table, 0, 0};
  auto st = db.prepare(fmt::format("SELECT {} FROM \"{}\"", column_list(cols), table));
  while (st.step()) add_row(t, st, static_cast<int>(cols.size()));
  return t;
}

void refuse_unless_new(Database& to) {
  // A new database holds only what the migrations seed: the revision 0 and the first funding call.
  for (auto& t : tables_in_order(to)) {
    if (t == "meta" || t == "calls") continue;
    auto st = to.prepare(fmt::format("SELECT count(*) FROM \"{}\"", t));
    st.step();
    if (st.int64(0) > 0)
      throw Error(Errc::conflict, fmt::format("{}: not empty (table {} has {} rows): db port writes only into a new "
                                              "database",
                                              to.path(), t, st.int64(0)));
  }
  auto rev = to.prepare("SELECT value FROM meta WHERE key = 'revision'");
  if (rev.step() && rev.text(0) != "0")
    throw Error(Errc::conflict, fmt::format("{}: not empty (registry revision {})", to.path(), rev.text(0)));
}

}  // namespace

TableCopy table_summary(Database& db, const std::string& table) { return summary(db, table, columns_of(db, table)); }

std::vector<TableCopy> port(Database& from, Database& to, const PortOptions& options) {
  auto latest = migrations().size();
  auto count_applied = [](Database& d) {
    auto st = d.prepare("SELECT count(*) FROM schema_migrations");
    st.step();
    return static_cast<size_t>(st.int64(0));
  };
  if (schema_version(from) == 0 || count_applied(from) != latest)
    throw Error(Errc::input_refused, fmt::format("{}: not at this maillage's schema: open it once with this version "
                                                 "(it migrates), then port it",
                                                 from.path()));
  migrate(to);
  refuse_unless_new(to);
  ReadTransaction view(from);  // one state of the source
  std::vector<TableCopy> out;
  Transaction tx(to);
  if (to.backend() == Backend::SQLite) to.exec("PRAGMA defer_foreign_keys = ON");
  to.exec("DELETE FROM meta; DELETE FROM calls");  // the seeds of the new database: the source has its own
  for (auto& table : tables_in_order(from)) {
    if (std::find(options.skip.begin(), options.skip.end(), table) != options.skip.end()) continue;
    auto cols = columns_of(to, table);
    auto read = from.prepare(fmt::format("SELECT {} FROM \"{}\"", column_list(cols), table));
    std::string marks;
    for (size_t i = 0; i < cols.size(); ++i) marks += i ? ", ?" : "?";
    auto write = to.prepare(fmt::format("INSERT INTO \"{}\" ({}) VALUES ({})", table, column_list(cols), marks));
    TableCopy copied{table, 0, 0};  // the source's rows counted as they are copied: the source is read once
    while (read.step()) {
      add_row(copied, read, static_cast<int>(cols.size()));
      for (int c = 0; c < static_cast<int>(cols.size()); ++c) {
        switch (read.type(c)) {
          case Statement::Type::Null: write.bind_null(c + 1); break;
          case Statement::Type::Integer: write.bind(c + 1, read.int64(c)); break;
          case Statement::Type::Real: write.bind(c + 1, read.real(c)); break;
          case Statement::Type::Text: write.bind(c + 1, read.text(c), false); break;
        }
      }
      write.run();
    }
    out.push_back(copied);
    // Identity columns continue after the copied ids.
    if (to.backend() == Backend::PostgreSQL && std::find(cols.begin(), cols.end(), "id") != cols.end()) {
      auto seq = to.prepare("SELECT pg_get_serial_sequence(?, 'id')");
      seq.bind(1, "\"" + table + "\"");
      if (seq.step() && !seq.is_null(0))
        to.exec(fmt::format("SELECT setval('{}', coalesce(max(id), 0) + 1, false) FROM \"{}\"", seq.text(0), table));
    }
  }
  for (auto& t : out) {
    auto got = summary(to, t.table, columns_of(to, t.table));
    if (got.rows != t.rows || got.checksum != t.checksum)
      throw Error(
          fmt::format("db port: table {} differs after the copy ({} rows, checksum {:016x}; the source has {} "
                      "rows, {:016x}): nothing kept",
                      t.table, got.rows, got.checksum, t.rows, t.checksum));
  }
  tx.commit();
  return out;
}

}  // namespace maillage::db

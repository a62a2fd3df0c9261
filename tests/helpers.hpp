#pragma once
// Test helpers: temporary folders and files, running the real maillage binary.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "db/db.hpp"

// The statement throws an Error of this code of the catalogue (core/error.hpp): tests read codes, not messages.
#define EXPECT_CODE(statement, errc)                                                             \
  do {                                                                                           \
    try {                                                                                        \
      statement;                                                                                 \
      ADD_FAILURE() << #statement " threw nothing";                                              \
    } catch (const maillage::Error& error_) {                                                    \
      EXPECT_EQ(maillage::info(error_.code()).code, maillage::info(errc).code) << error_.what(); \
    }                                                                                            \
  } while (0)

namespace maillage::test {

// The PostgreSQL server the tests of the `postgresql` label run on (issue #30): its URL, read from the file
// $MAILLAGE_TEST_POSTGRESQL_FILE that scripts/postgresql.sh wrote (the CTest fixture `postgresql`); "" otherwise
// (SQLite).
inline std::string postgresql_server() {
  static const std::string url = [] {
    const char* f = std::getenv("MAILLAGE_TEST_POSTGRESQL_FILE");
    if (!f || !*f) return std::string();
    std::ifstream in(f);
    std::string u;
    std::getline(in, u);
    if (u.empty()) throw std::runtime_error(std::string(f) + ": no PostgreSQL URL (did the postgresql fixture run?)");
    return u;
  }();
  return url;
}
inline bool on_postgresql() { return !postgresql_server().empty(); }
// Skips a test that reads or writes the SQLite file itself.
#define SKIP_ON_POSTGRESQL(why) \
  if (maillage::test::on_postgresql()) GTEST_SKIP() << "SQLite only: " << why

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every byte a database keeps on disk, to look for what an erasure must have removed: a SQLite file with its WAL
// (written back first), or a PostgreSQL database's folder in the test cluster (base/OID: tables and indexes,
// after a checkpoint has written them and unlinked the files of rewritten tables).
inline std::string stored_bytes(const std::string& name) {
  auto read = [](const std::filesystem::path& f) { return slurp(f.string()); };
  std::string all;
  if (!db::is_postgresql(name)) {
    db::Database(name).exec("PRAGMA wal_checkpoint(TRUNCATE)");
    all = read(name);
    if (std::filesystem::exists(name + "-wal")) all += read(name + "-wal");
    return all;
  }
  db::Database d(name);
  d.exec("CHECKPOINT");
  auto st = d.prepare("SELECT oid FROM pg_database WHERE datname = current_database()");
  st.step();
  std::ifstream state(std::filesystem::path(std::getenv("MAILLAGE_TEST_POSTGRESQL_FILE")).parent_path() / "dir");
  std::string cluster;
  std::getline(state, cluster);
  for (auto& f : std::filesystem::directory_iterator(std::filesystem::path(cluster) / "data" / "base" / st.text(0)))
    if (f.is_regular_file()) all += read(f.path());
  return all;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "maillage-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::filesystem::remove_all(path_);
    if (!databases_.empty()) {
      try {
        db::Database admin(postgresql_server() + "/postgres");
        for (auto& d : databases_) admin.exec("DROP DATABASE IF EXISTS " + d + " WITH (FORCE)");
      } catch (...) {}
    }
  }
  // A new empty database for this test: a SQLite file in this folder, or on the PostgreSQL server of the
  // `postgresql` label a new database, dropped with the folder.
  // The same name gives the same database.
  std::string database(const std::string& name = "m.db") const {
    if (!on_postgresql()) return file(name);
    if (auto it = named_.find(name); it != named_.end()) return it->second;
    static int counter = 0;
    std::string db = "t" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    db::Database admin(postgresql_server() + "/postgres");
    admin.exec("CREATE DATABASE " + db);
    databases_.push_back(db);
    return named_[name] = postgresql_server() + "/" + db;
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& content) const {
    std::ofstream(file(name), std::ios::binary) << content;
    return file(name);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  mutable std::vector<std::string> databases_;
  mutable std::map<std::string, std::string> named_;
};

struct RunResult {
  int exit_code;
  std::string out;  // stdout and stderr together
};

// Runs the real CLI binary through the shell; stderr is merged into the output.
inline RunResult run_cli(const std::string& args) {
  std::string cmd = std::string(MAILLAGE_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// A shell command's standard output and error together (for the reference tools: pdfinfo, python3 ...).
inline std::string run_shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n;
  while (p && (n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  if (p) pclose(p);
  return out;
}

// The JSON document in a command's output (stderr is merged: progress lines may come first).
inline nlohmann::json json_in(const std::string& out) { return nlohmann::json::parse(out.substr(out.find('{'))); }
inline nlohmann::json json_of(const std::string& args) { return json_in(run_cli(args).out); }

}  // namespace maillage::test

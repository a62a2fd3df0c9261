// Backups and replicas of a PostgreSQL deployment, done as docs/deploy.md says (issue #30): a pg_dump restored
// into a new database, and a base backup (pg_basebackup) run as a streaming replica that follows the primary, then
// promoted (a failover). Each time Maillage opens the copy, finds it whole (db check) and lists the same places;
// on the replica a write on the primary is read within seconds, and after the promotion the copy takes writes.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "helpers.hpp"

using namespace maillage::test;

namespace {
std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}
}  // namespace

TEST(PostgresqlBackup, DumpBaseBackupReplicaAndFailoverKeepEverything) {
  if (!on_postgresql()) GTEST_SKIP() << "PostgreSQL only";
  TempDir dir;
  auto db = dir.database("m.db");
  auto graph = dir.file("g.graph");
  auto cli = [&](const std::string& url, const std::string& args) {
    return run_cli("--db " + url + " --graph " + graph + " " + args);
  };
  auto listing = [&](const std::string& url) { return json_in(cli(url, "places list --json --limit 500").out); };
  ASSERT_EQ(cli(db, "places list --limit 1").exit_code, 0);
  auto id = listing(db)["items"][0]["id"].get<std::string>();
  ASSERT_EQ(cli(db, "places update " + id + " --name 'Avant la sauvegarde'").exit_code, 0);
  auto before = listing(db);

  // pg_dump (custom format) restored with pg_restore into a new database.
  auto restored = dir.database("restored.db");
  ASSERT_EQ(std::system(("pg_dump --dbname=" + db + " -Fc -f " + dir.file("m.dump")).c_str()), 0);
  ASSERT_EQ(std::system(("pg_restore --no-owner --dbname=" + restored + " " + dir.file("m.dump")).c_str()), 0);
  EXPECT_NE(cli(restored, "db check").out.find("integrity ok"), std::string::npos);
  EXPECT_EQ(listing(restored), before);

  // A base backup of the cluster started as its streaming replica.
  std::string script = std::string(MAILLAGE_TEST_DATA) + "/../../scripts/postgresql.sh";
  std::string state = std::filesystem::path(std::getenv("MAILLAGE_TEST_POSTGRESQL_FILE")).parent_path().string();
  auto replica_state = dir.file("replica");
  ASSERT_EQ(std::system(("bash " + script + " replica " + state + " " + replica_state + " >/dev/null").c_str()), 0);
  struct Stop {
    std::string cmd;
    ~Stop() { std::system(cmd.c_str()); }
  } stop{"bash " + script + " stop " + replica_state + " >/dev/null 2>&1"};
  auto replica = trimmed(slurp(replica_state + "/url")) + db.substr(db.rfind('/'));
  EXPECT_EQ(listing(replica), before);
  EXPECT_NE(cli(replica, "places update " + id + " --name 'Sur le replica'").exit_code, 0);  // read-only
  ASSERT_EQ(cli(db, "places update " + id + " --name 'Après la sauvegarde'").exit_code, 0);
  std::string seen;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (seen != "Après la sauvegarde" && std::chrono::steady_clock::now() < until) {
    auto r = cli(replica, "places show " + id + " --json");
    if (r.exit_code == 0) seen = json_in(r.out)["name"].get<std::string>();
    if (seen != "Après la sauvegarde") std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(seen, "Après la sauvegarde");

  // Failover: the replica promoted takes writes, and holds everything.
  ASSERT_EQ(std::system(("bash " + script + " promote " + replica_state).c_str()), 0);
  auto promoted = cli(replica, "places update " + id + " --name 'Après la bascule'");
  EXPECT_EQ(promoted.exit_code, 0) << promoted.out;
  EXPECT_NE(cli(replica, "db check").out.find("integrity ok"), std::string::npos);
  EXPECT_EQ(listing(replica)["total"], before["total"]);
}

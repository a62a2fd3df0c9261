// The storage layer on the backend of the run (SQLite, or PostgreSQL on the postgresql label): the same calls give
// the same answers.
#include <gtest/gtest.h>

#include <thread>

#include "db/db.hpp"
#include "db/migrate.hpp"
#include "db/pool.hpp"
#include "helpers.hpp"

using namespace maillage;
using maillage::test::TempDir;

namespace {
void make_table(db::Database& d) {
  db::migrate(d);
  d.exec_schema("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INTEGER, x REAL)");
}
}  // namespace

TEST(Db, StatementsBindReadAndReturnIds) {
  TempDir dir;
  db::Database d(dir.database());
  make_table(d);
  auto ins = d.prepare("INSERT INTO t (name, n, x) VALUES (?, ?, ?) RETURNING id");
  ins.bind(1, "Café <b>").bind(2, int64_t{1} << 40).bind(3, 0.1);
  ASSERT_TRUE(ins.step());
  EXPECT_EQ(ins.int64(0), 1);
  ins.reset();
  ins.bind(1, "deux").bind_null(2).bind(3, -2.5);
  ASSERT_TRUE(ins.step());
  EXPECT_EQ(ins.int64(0), 2);
  auto sel = d.prepare("SELECT name, n, x, n IS NULL, x < 0 FROM t WHERE id = ?");
  sel.bind(1, 1);
  ASSERT_TRUE(sel.step());
  EXPECT_EQ(sel.text(0), "Café <b>");
  EXPECT_EQ(sel.int64(1), int64_t{1} << 40);
  EXPECT_EQ(sel.real(2), 0.1);  // the same double back
  EXPECT_EQ(sel.int64(3), 0);   // booleans read 1 or 0 on both
  EXPECT_EQ(sel.text(4), "0");
  EXPECT_FALSE(sel.step());
  sel.reset();
  sel.bind(1, 2);
  ASSERT_TRUE(sel.step());
  EXPECT_TRUE(sel.is_null(1));
  EXPECT_EQ(sel.opt_int(1), std::nullopt);
  EXPECT_EQ(sel.int64(4), 1);
  d.prepare("UPDATE t SET n = 7 WHERE id >= ?").bind(1, 1).run();
  EXPECT_EQ(d.changes(), 2);
}

TEST(Db, NestedTransactionsRollBackTheirOwnPart) {
  TempDir dir;
  db::Database d(dir.database());
  make_table(d);
  {
    db::Transaction outer(d);
    d.exec("INSERT INTO t (name) VALUES ('kept')");
    {
      db::Transaction inner(d);
      d.exec("INSERT INTO t (name) VALUES ('dropped')");
    }  // rolled back: a savepoint
    {
      db::Transaction inner(d);
      d.exec("INSERT INTO t (name) VALUES ('also kept')");
      inner.commit();
    }
    outer.commit();
  }
  {
    db::Transaction never(d);
    d.exec("INSERT INTO t (name) VALUES ('never')");
  }
  auto st = d.prepare("SELECT name FROM t ORDER BY id");
  std::vector<std::string> names;
  while (st.step()) names.push_back(st.text(0));
  EXPECT_EQ(names, (std::vector<std::string>{"kept", "also kept"}));
  EXPECT_FALSE(d.in_transaction());
}

TEST(Db, ConstraintsAndTriggersRefuseOnBoth) {
  TempDir dir;
  db::Database d(dir.database());
  db::migrate(d);
  d.exec("INSERT INTO place_history (revision, place_id, action, at) VALUES (1, 'x', 'insert', '2026')");
  try {
    d.exec("DELETE FROM place_history");
    FAIL() << "an append-only table accepted a DELETE";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("place_history is append-only"), std::string::npos) << e.what();
  }
  EXPECT_THROW(d.exec("INSERT INTO meta (key, value) VALUES ('revision', '9')"), Error);  // primary key
  auto st = d.prepare("SELECT count(*) FROM place_history");
  st.step();
  EXPECT_EQ(st.int64(0), 1);
}

TEST(Migrations, RunOnceAndRecordEachFile) {
  TempDir dir;
  db::Database d(dir.database());
  EXPECT_EQ(db::schema_version(d), 0);
  EXPECT_EQ(db::migrate(d), static_cast<int>(db::migrations().size()));
  EXPECT_EQ(db::migrate(d), 0);
  EXPECT_EQ(db::schema_version(d), 13);
  auto st = d.prepare("SELECT count(*), count(DISTINCT stage) FROM schema_migrations");
  st.step();
  EXPECT_EQ(st.int64(0), static_cast<int64_t>(db::migrations().size()));
  EXPECT_EQ(st.int64(1), 10);  // the stages that own tables
  // A file this program does not know: the database was migrated by a newer Maillage.
  d.exec("INSERT INTO schema_migrations (file, version, stage, applied_at) VALUES ('x/0099_new.sql', 99, 'x', 'now')");
  EXPECT_THROW(db::migrate(d), Error);
}

TEST(Migrations, ADatabaseOfBeforeTheRecordIsTakenAtItsVersion) {
  SKIP_ON_POSTGRESQL("user_version is SQLite's");
  TempDir dir;
  db::Database d(dir.database());
  // What a database at version 5 held before issue #30: the files of versions 1 to 5, and user_version 5.
  for (auto& m : db::migrations())
    if (m.version <= 5) d.exec(m.sql);
  d.exec("PRAGMA user_version = 5");
  EXPECT_EQ(db::schema_version(d), 5);
  int applied = db::migrate(d);
  int later = 0;
  for (auto& m : db::migrations()) later += m.version > 5;
  EXPECT_EQ(applied, later);
  EXPECT_EQ(db::schema_version(d), 13);
}

TEST(Pool, HandsOutBoundedConnectionsAcrossThreads) {
  TempDir dir;
  auto name = dir.database();
  {
    db::Database d(name);
    make_table(d);
  }
  db::Pool pool(name, 3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < 10; ++k) {
        auto c = pool.acquire();
        db::Transaction tx(*c);
        c->prepare("INSERT INTO t (name, n) VALUES (?, ?)").bind(1, "p").bind(2, i * 100 + k).run();
        tx.commit();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_LE(pool.open_connections(), 3);
  auto c = pool.acquire();
  auto st = c->prepare("SELECT count(*), count(DISTINCT n) FROM t");
  st.step();
  EXPECT_EQ(st.int64(0), 80);
  EXPECT_EQ(st.int64(1), 80);
}

TEST(Db, NamesHideTheirPassword) {
  EXPECT_EQ(db::redact("postgresql://me:secret@db.example:5432/maillage"),
            "postgresql://me:***@db.example:5432/maillage");
  EXPECT_EQ(db::redact("postgresql://db/maillage?user=me&password=secret"),
            "postgresql://db/maillage?user=me&password=***");
  EXPECT_EQ(db::redact("/var/lib/maillage/maillage.db"), "/var/lib/maillage/maillage.db");
  EXPECT_TRUE(db::is_postgresql("postgres://x/y"));
  EXPECT_FALSE(db::is_postgresql("postgresql.db"));
}

TEST(Db, AServerThatDoesNotAnswerIsUnavailable) {
  EXPECT_CODE(db::Database("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"), Errc::unavailable);
}

// PostgreSQL restarted under a running server (issue #30): while it is gone the API answers 503 with a clear
// message (code unavailable), and once it is back the server answers again by itself, nothing restarted by hand.
// Run alone (RUN_SERIAL): it stops the test cluster every other PostgreSQL test uses.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "api/server_process.hpp"

using namespace maillage::test;

TEST(PostgresqlRestart, ServersAnswer503WhileItIsGoneThenRecoverByThemselves) {
  if (!on_postgresql()) GTEST_SKIP() << "PostgreSQL only";
  Server s;
  auto ask = [&] { return s.http().Get("/api/v1/places?department=23&limit=1"); };
  ASSERT_EQ(ask()->status, 200);
  std::string script = std::string(MAILLAGE_TEST_DATA) + "/../../scripts/postgresql.sh";
  std::string state = std::filesystem::path(std::getenv("MAILLAGE_TEST_POSTGRESQL_FILE")).parent_path().string();
  ASSERT_EQ(std::system(("bash " + script + " down " + state).c_str()), 0);
  // The server hears the loss on its listening connection (it may serve a cached answer until then): 503 within
  // a generous deadline.
  auto gone = ask();
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       gone && gone->status == 200 && std::chrono::steady_clock::now() < until; gone = ask())
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 503) << gone->body;
  EXPECT_EQ(body(gone)["code"], "unavailable") << gone->body;
  EXPECT_NE(body(gone)["message"].get<std::string>().find("indisponible"), std::string::npos);
  ASSERT_EQ(std::system(("bash " + script + " up " + state).c_str()), 0);
  int status = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (status != 200 && std::chrono::steady_clock::now() < until) {
    auto r = ask();
    status = r ? r->status : -1;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 200) << "the server did not recover: " << s.log();
  // Writes too: a token made, then used.
  auto editor = s.token("--role editor --label after");
  EXPECT_EQ(s.http()
                .Patch("/api/v1/places/" + body(ask())["items"][0]["id"].get<std::string>(), bearer(editor),
                       R"({"staff_fte": 3})", "application/json")
                ->status,
            200);
}

// `maillage booking ...` on the real binary: set-up and bookings end to end, separate processes racing for the
// last desks (exactly the capacity succeeds, the others are told it is full), and a process killed in the middle
// of a booking (nothing half-written, the database still takes bookings).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

extern char** environ;
using maillage::test::json_of;
using maillage::test::run_cli;
using maillage::test::slurp;
using maillage::test::TempDir;

namespace {
nlohmann::json array_of(const std::string& args) {
  auto out = run_cli(args).out;
  return nlohmann::json::parse(out.substr(out.find('[')));
}
// `maillage db check`'s verdict on either backend.
bool integrity_ok(const std::string& db) {
  return run_cli("--db " + db + " db check").out.find("integrity ok, 0 broken foreign keys") != std::string::npos;
}
struct Desks {
  TempDir dir;
  std::string base = " --db " + dir.database("m.db") + " --graph " + dir.file("g.graph") + " ";
  std::string place;
  Desks(int units, int members) {
    place = json_of(base + "places list --department 23 --status open --json")["items"][0]["id"];
    for (int d = 1; d <= 5; ++d)
      run_cli(base + "booking hours --place " + place + " --weekday " + std::to_string(d) +
              " --hours-of-day 09:00-18:00");
    EXPECT_EQ(
        run_cli(base + "booking add-resource --place " + place +
                " --kind desk --desk-kind dropin --name Nomades --units " + std::to_string(units) + " --price-day 15")
            .exit_code,
        0);
    for (int i = 1; i <= members; ++i) {
      run_cli(base + "booking add-member --name M" + std::to_string(i) + " --email m" + std::to_string(i) +
              "@example.org");
      run_cli(base + "booking membership --member " + std::to_string(i) + " --place " + place);
    }
  }
  int64_t bookings() {
    auto j = array_of(base + "booking list --place " + place + " --json");
    int64_t n = 0;
    for (auto& b : j) n += b["status"] == "confirmed";
    return n;
  }
};
}  // namespace

TEST(CliBooking, EndToEnd) {
  Desks s(1, 2);
  auto b = json_of(s.base + "booking book --resource 1 --member 1 --date 2026-12-01 --json");
  EXPECT_EQ(b["status"], "confirmed");
  EXPECT_EQ(b["amount"], 15.0);
  auto r = run_cli(s.base + "booking book --resource 1 --member 2 --date 2026-12-01");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("full"), std::string::npos) << r.out;
  r = run_cli(s.base + "booking book --resource 1 --member 2 --date 2026-12-05");  // a Saturday
  EXPECT_NE(r.out.find("not open"), std::string::npos) << r.out;
  r = run_cli(s.base +
              "booking book --resource 1 --member 2 --unit hour --date 2026-12-02 --start 10:00 --hours 2 --by Claire "
              "--channel phone --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(maillage::test::json_in(r.out)["recorded_by"], "manager:Claire");
  r = run_cli(s.base + "booking cancel 1 --now 2026-11-29T10:00");
  EXPECT_EQ(r.exit_code, 0) << r.out;  // 47 h before the start: allowed (24 h rule)
  r = run_cli(s.base + "booking cancel 2 --now 2026-12-02T09:30");
  EXPECT_NE(r.out.find("too late"), std::string::npos) << r.out;
  auto csv = run_cli(s.base + "booking export --place " + s.place).out;
  EXPECT_NE(csv.find("amount_eur"), std::string::npos);
  EXPECT_NE(csv.find("manager:Claire,phone"), std::string::npos) << csv;
  auto ical = run_cli(s.base + "booking ical --member 2").out;
  EXPECT_NE(ical.find("DTSTART;TZID=Europe/Paris:20261202T100000"), std::string::npos) << ical;
  auto found = array_of(s.base + "booking search --commune Guéret --date 2026-12-01 --minutes 60 --json");
  ASSERT_EQ(found.size(), 1u);  // the desk is free again on the 1st (booking 1 cancelled)
  EXPECT_EQ(found[0]["place_id"], s.place);
  auto occ = json_of(s.base + "booking occupancy --month 2026-12 --json");
  EXPECT_DOUBLE_EQ(occ["booked_unit_hours"].get<double>(), 2.0);
}

TEST(CliBooking, ProcessesRacingForTheLastDesks) {
  const int units = 3, clients = 12;
  Desks s(units, clients);
  std::vector<std::future<maillage::test::RunResult>> runs;
  for (int i = 1; i <= clients; ++i)
    runs.push_back(std::async(std::launch::async, [&, i] {
      return run_cli(s.base + "booking book --resource 1 --member " + std::to_string(i) + " --date 2026-12-03");
    }));
  int ok = 0, full = 0;
  for (auto& f : runs) {
    auto r = f.get();
    if (r.exit_code == 0)
      ++ok;
    else if (r.out.find("is full") != std::string::npos)
      ++full;
    else
      ADD_FAILURE() << r.out;
  }
  EXPECT_EQ(ok, units);
  EXPECT_EQ(full, clients - units);
  EXPECT_EQ(s.bookings(), units);
}

TEST(CliBooking, KilledInTheMiddleLeavesNothingHalfWritten) {
  Desks s(2, 2);
  ASSERT_EQ(run_cli(s.base + "booking book --resource 1 --member 1 --date 2026-12-03").exit_code, 0);
  // A weekly series of three stops at the fault point inside its transaction (after writing its bookings and their
  // events: tests/cli/crash_writer.cpp, the booking library built with its fault points), then is killed.
  std::vector<std::string> args{CRASH_WRITER, s.dir.database("m.db"), "1", "2", "2026-12-03", "3"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, s.dir.file("err.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, CRASH_WRITER, &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  bool inside = false;
  for (int i = 0; i < 300 && !inside; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    inside = slurp(s.dir.file("err.log")).find("transaction open") != std::string::npos;
  }
  ASSERT_TRUE(inside) << slurp(s.dir.file("err.log"));
  kill(pid, SIGKILL);
  int st = 0;
  waitpid(pid, &st, 0);
  EXPECT_TRUE(WIFSIGNALED(st));
  // Nothing of the killed booking remains, the database is sound, and the seat can be booked.
  EXPECT_EQ(s.bookings(), 1);
  EXPECT_TRUE(integrity_ok(s.dir.database("m.db")));
  EXPECT_EQ(array_of(s.base + "booking list --member 2 --json").size(), 0u);
  // The same series now goes through; cancelling from its second week cancels the second and third.
  auto series = array_of(s.base + "booking book --resource 1 --member 2 --date 2026-12-03 --weeks 3 --json");
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[2]["starts"], "2026-12-17T09:00");
  EXPECT_EQ(series[2]["series_id"], series[0]["id"]);
  EXPECT_EQ(s.bookings(), 4);
  auto id = std::to_string(series[1]["id"].get<int64_t>());
  auto r = run_cli(s.base + "booking cancel " + id + " --series --manager --by accueil");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(s.bookings(), 2);
  EXPECT_NE(r.out.find("2026-12-17T09:00"), std::string::npos) << r.out;
  r = run_cli(s.base + "booking book --resource 1 --member 2 --date 2026-12-03 --weeks 60");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("--weeks"), std::string::npos) << r.out;
}

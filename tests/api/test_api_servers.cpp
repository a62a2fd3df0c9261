// Several `maillage serve` on one database (issue #30): on PostgreSQL (label postgresql) what a national
// deployment runs behind its load balancer; on SQLite (label sqlite) two processes on one file of one machine.
// Capacity stays exact across servers, and what one server writes the other serves at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "api/server_process.hpp"
#include "core/date.hpp"

using namespace maillage::test;
using nlohmann::json;

namespace {
struct Two {
  Server a{{"--behind-proxy", "--registrations-per-hour", "1000"}};
  Server b{a, {"--behind-proxy", "--registrations-per-hour", "1000"}};
  Server& by(int i) { return i % 2 ? b : a; }
};
// An event in 20 days at Guéret, made through `s` by an editor; its id.
int64_t make_event(Server& s, const std::string& title, const std::string& kind, int capacity) {
  auto editor = s.token("--role editor --label test");
  auto day = maillage::date::utc_after(20 * 24 * 3600).substr(0, 10);
  auto r = s.http().Post("/api/v1/events", bearer(editor),
                         json{{"title", title},
                              {"kind", kind},
                              {"starts_at", day + "T09:30"},
                              {"ends_at", day + "T12:30"},
                              {"insee_code", "23096"},
                              {"capacity", capacity}}
                             .dump(),
                         "application/json");
  EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
  return r && r->status == 201 ? body(r)["id"].get<int64_t>() : 0;
}
}  // namespace

TEST(TwoServers, RacingBookingsOfTheLastSeatThroughBothNeverOverbook) {
  Two t;
  auto place = body(t.a.http().Get("/api/v1/places?department=23&status=open&limit=1"))["items"][0]["id"];
  std::string p = place;
  for (int d = 1; d <= 5; ++d)
    t.a.cli("booking hours --place " + p + " --weekday " + std::to_string(d) + " --hours-of-day 09:00-18:00");
  t.a.cli("booking add-resource --place " + p + " --kind desk --desk-kind dropin --name Dernier --units 1");
  const int members = 20, days = 10;  // 200 requests: each day, one seat, twenty members at once
  std::vector<std::string> tokens;
  for (int i = 1; i <= members; ++i) {
    t.a.cli(fmt::format("booking add-member --name M{} --email m{}@example.org", i, i));
    t.b.cli(fmt::format("booking membership --member {} --place {}", i, p));
    tokens.push_back(t.a.token(fmt::format("--role member --member {}", i)));
  }
  std::vector<std::string> dates;
  for (int d = 1; dates.size() < static_cast<size_t>(days); ++d) {
    namespace chr = std::chrono;
    auto wd = chr::weekday(chr::sys_days(chr::year(2027) / chr::March / chr::day(static_cast<unsigned>(d))));
    if (wd.iso_encoding() <= 5) dates.push_back(fmt::format("2027-03-{:02d}", d));  // opening days only
  }
  std::vector<int> status(members * days, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < members; ++i)
    threads.emplace_back([&, i] {
      for (int d = 0; d < days; ++d) {
        httplib::Client c("127.0.0.1", t.by(i + d).port());
        auto r = c.Post("/api/v1/bookings", bearer(tokens[static_cast<size_t>(i)]),
                        json{{"resource", 1}, {"date", dates[static_cast<size_t>(d)]}}.dump(), "application/json");
        status[static_cast<size_t>(i * days + d)] = r ? r->status : -1;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(std::count(status.begin(), status.end(), 201), days);  // one a day: no overbooking, no lost seat
  EXPECT_EQ(std::count(status.begin(), status.end(), 409), members * days - days);
  auto listed = json::parse(t.b.cli("booking list --place " + p + " --json")
                                .substr(t.b.cli("booking list --place " + p + " --json").find('[')));
  EXPECT_EQ(listed.size(), static_cast<size_t>(days));
}

TEST(TwoServers, FortyRegistrationsForTenSeatsThroughBoth) {
  Two t;
  int64_t id = make_event(t.a, "Journée d'information", "information_day", 10);
  ASSERT_NE(id, 0);
  std::vector<std::string> answers(40);
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i)
    threads.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", t.by(i).port());
      auto x = c.Post(fmt::format("/api/v1/events/{}/registrations", id),
                      {{"X-Forwarded-For", fmt::format("203.0.113.{}", i)}},
                      json{{"name", fmt::format("Personne {}", i)},
                           {"email", fmt::format("p{}@maillage.test", i)},
                           {"consent", true}}
                          .dump(),
                      "application/json");
      answers[static_cast<size_t>(i)] = x && x->status == 201 ? json::parse(x->body)["status"] : "refused";
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(std::count(answers.begin(), answers.end(), "registered"), 10);
  EXPECT_EQ(std::count(answers.begin(), answers.end(), "waiting"), 30);
}

TEST(TwoServers, AWriteOnOneIsServedByTheOtherWithinASecond) {
  Two t;
  auto editor = t.a.token("--role editor --label test");
  auto id = body(t.b.http().Get("/api/v1/places?department=23&limit=1"))["items"][0]["id"].get<std::string>();
  ASSERT_FALSE(body(t.b.http().Get(("/api/v1/places/" + id).c_str())).is_null());  // B's caches are warm
  for (int round = 1; round <= 5; ++round) {
    auto start = std::chrono::steady_clock::now();
    auto w = t.a.http().Patch(("/api/v1/places/" + id).c_str(), bearer(editor), json{{"staff_fte", round}}.dump(),
                              "application/json");
    ASSERT_TRUE(w && w->status == 200) << (w ? w->body : "no answer");
    double seen_after = -1;
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
      auto got = body(t.b.http().Get(("/api/v1/places/" + id).c_str(), bearer(editor)));
      if (got["staff_fte"] == round) {
        seen_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        break;
      }
    }
    EXPECT_GE(seen_after, 0) << "round " << round << ": never seen on the other server";
    EXPECT_LT(seen_after, 1.0) << "round " << round;
  }
}

// The coverage follows every edit on every server (item 6): an edit the coverage does not read keeps the figures
// (only the revision moves); a place moved on one server changes them on both, to what a server started afresh
// on the database computes from scratch (B and C never saw the old position's coverage in C's case).
TEST(TwoServers, CoverageFollowsEachEditOnBothServersAsAFreshServerComputesIt) {
  Two t;
  auto editor = t.a.token("--role editor --label test");
  auto without_revision = [](json j) {
    j.erase("registry_revision");
    return j;
  };
  auto before = body(t.b.http().Get("/api/v1/coverage"));
  ASSERT_TRUE(before.contains("zones_blanches")) << before.dump().substr(0, 300);
  auto place = body(t.a.http().Get("/api/v1/places?department=23&status=open&limit=1"))["items"][0];
  std::string id = place["id"];
  auto path = "/api/v1/places/" + id;
  auto w = t.a.http().Patch(path.c_str(), bearer(editor), json{{"staff_fte", 3}}.dump(), "application/json");
  ASSERT_TRUE(w && w->status == 200) << (w ? w->body : "no answer");
  auto same = body(t.b.http().Get("/api/v1/coverage"));
  EXPECT_GT(same["registry_revision"].get<int64_t>(), before["registry_revision"].get<int64_t>());
  EXPECT_EQ(without_revision(same), without_revision(before));
  // Moved 20 km east: the Creuse's figures change.
  w = t.a.http().Patch(path.c_str(), bearer(editor),
                       json{{"lon", place["lon"].get<double>() + 0.25}, {"lat", place["lat"]}}.dump(),
                       "application/json");
  ASSERT_TRUE(w && w->status == 200) << (w ? w->body : "no answer");
  auto on_a = body(t.a.http().Get("/api/v1/coverage")), on_b = body(t.b.http().Get("/api/v1/coverage"));
  EXPECT_NE(without_revision(on_b), without_revision(before));
  Server fresh{t.a, {}};
  // Two places at one spot (a commune's centre) are equally near: which one a zone names may differ.
  auto figures = [](json j) {
    for (auto& z : j["zones_blanches"]) z.erase("nearest_place");
    return j;
  };
  auto from_scratch = figures(body(fresh.http().Get("/api/v1/coverage")));
  EXPECT_EQ(figures(on_a), from_scratch);
  EXPECT_EQ(figures(on_b), from_scratch);
  EXPECT_EQ(body(t.b.http().Get("/api/v1/coverage/zones.geojson")),
            body(fresh.http().Get("/api/v1/coverage/zones.geojson")));
}

// The anonymous-write brakes are shared (rows in the database): an address allowed 4 registrations an hour gets 4
// in all, whichever server its 12 racing requests reach.
TEST(TwoServers, AnAddressGetsItsShareOfRegistrationsAcrossBothServers) {
  Server a{{"--behind-proxy", "--registrations-per-hour", "4"}};
  Server b{a, {"--behind-proxy", "--registrations-per-hour", "4"}};
  int64_t id = make_event(a, "Atelier", "training", 100);
  ASSERT_NE(id, 0);
  std::vector<int> status(12, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i)
    threads.emplace_back([&, i] {
      httplib::Client c("127.0.0.1", (i % 2 ? b : a).port());
      auto x = c.Post(fmt::format("/api/v1/events/{}/registrations", id), {{"X-Forwarded-For", "198.51.100.7"}},
                      json{{"name", fmt::format("Personne {}", i)},
                           {"email", fmt::format("q{}@maillage.test", i)},
                           {"consent", true}}
                          .dump(),
                      "application/json");
      status[static_cast<size_t>(i)] = x ? x->status : -1;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(std::count(status.begin(), status.end(), 201), 4);
  EXPECT_EQ(std::count(status.begin(), status.end(), 429), 8);
}

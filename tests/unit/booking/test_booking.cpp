// Booking on a real SQLite file seeded with the bundled places: opening hours and intervals, capacity (against a
// brute-force count of units in use minute by minute), memberships, trainings, prices, cancellation rules, threads
// racing for the last desk on their own connections, iCalendar parsed by libical, occupancy checked by hand, and
// the network search against one route per place.
#include <gtest/gtest.h>
#include <libical/ical.h>

#include <atomic>
#include <random>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "booking/booking.hpp"
#include "booking/search.hpp"
#include "core/paths.hpp"
#include "helpers.hpp"
#include "seeded_db.hpp"
#include "registry/store.hpp"
#include "roads/importers.hpp"
#include "routing/engine.hpp"
#include "territory/communes.hpp"

using namespace maillage;
using namespace maillage::booking;
using maillage::test::run_cli;
using maillage::test::TempDir;

namespace {
struct Fixture : maillage::test::SeededDb {
  std::vector<registry::Place> places = store->list({});
  std::string place(size_t i = 0) { return places.at(i).id; }
  // Monday to Friday 09:00-12:30 and 14:00-18:00.
  void weekdays(Bookings& b, const std::string& p) {
    for (int d = 1; d <= 5; ++d) b.set_hours(p, d, {{"09:00", "12:30"}, {"14:00", "18:00"}});
  }
};
Request at(int64_t res, int64_t member, const std::string& unit, const std::string& date, const std::string& start = "",
           int hours = 1, const std::string& half = "") {
  Request r;
  r.resource_id = res, r.member_id = member, r.unit = unit_of(unit), r.date = date, r.start = start, r.hours = hours,
  r.half = half;
  r.actor = "member:" + std::to_string(member);
  if (unit == "month") r.month = date;
  return r;
}
Resource desks(const std::string& place, int units, const std::string& name = "Bureaux nomades") {
  Resource r;
  r.place_id = place, r.kind = "desk", r.desk_kind = "dropin", r.name = name, r.units = units;
  r.price_hour = 4, r.price_half_day = 10, r.price_day = 18, r.price_month = 250;
  return r;
}
}  // namespace

// 2026-03-02 is a Monday; 2026-03-07 a Saturday.
TEST(Booking, IntervalsFollowTheOpeningHours) {
  Fixture f;
  Bookings b(f.db());
  f.weekdays(b, f.place());
  auto res = b.add_resource(desks(f.place(), 2));
  EXPECT_CODE(b.add_resource(desks(f.place(), 2)), Errc::conflict);  // the same name at the same place
  EXPECT_EQ(b.interval(at(res, 0, "hour", "2026-03-02", "09:00", 3)),
            std::make_pair(std::string("2026-03-02T09:00"), std::string("2026-03-02T12:00")));
  EXPECT_THROW(b.interval(at(res, 0, "hour", "2026-03-02", "12:00", 2)), Conflict);          // across the lunch break
  EXPECT_CODE(b.interval(at(res, 0, "hour", "2026-03-07", "10:00", 1)), Errc::closed_then);  // Saturday
  EXPECT_THROW(b.interval(at(res, 0, "hour", "2026-03-02", "09:30", 1)), InputError);
  EXPECT_EQ(b.interval(at(res, 0, "half_day", "2026-03-02", "", 1, "am")).second, "2026-03-02T12:30");
  EXPECT_EQ(b.interval(at(res, 0, "half_day", "2026-03-02", "", 1, "pm")).first, "2026-03-02T14:00");
  EXPECT_EQ(b.interval(at(res, 0, "day", "2026-03-02")),
            std::make_pair(std::string("2026-03-02T09:00"), std::string("2026-03-02T18:00")));
  EXPECT_EQ(b.interval(at(res, 0, "month", "2026-02")),
            std::make_pair(std::string("2026-02-01T00:00"), std::string("2026-03-01T00:00")));
  b.add_closure(f.place(), "2026-03-03", "inventaire");
  try {
    b.interval(at(res, 0, "day", "2026-03-03"));
    FAIL();
  } catch (const Conflict& e) {
    EXPECT_NE(std::string(e.what()).find("inventaire"), std::string::npos);
  }
  EXPECT_THROW(b.set_hours(f.place(), 1, {{"09:00", "12:00"}, {"11:00", "13:00"}}), InputError);
}

TEST(Booking, CapacityMembershipTrainingPrices) {
  Fixture f;
  Bookings b(f.db());
  f.weekdays(b, f.place());
  auto res = b.add_resource(desks(f.place(), 2));
  auto m1 = b.add_member("Anne", "anne@example.org"), m2 = b.add_member("Bruno", "bruno@example.org"),
       m3 = b.add_member("Chloé", "chloe@example.org");
  EXPECT_CODE(b.book(at(res, m1, "day", "2026-03-02")), Errc::not_allowed_now);  // no membership yet
  b.add_membership(m1, f.place(), "résident", 20);
  b.add_membership(m2, f.place());
  b.add_membership(m3, f.place());
  auto bk = b.book(at(res, m1, "day", "2026-03-02"));
  EXPECT_EQ(bk.status, Status::Confirmed);
  EXPECT_EQ(bk.plan, "résident");
  EXPECT_DOUBLE_EQ(*bk.amount, 14.4);  // 18 EUR - 20 %
  b.book(at(res, m2, "hour", "2026-03-02", "10:00", 2));
  EXPECT_CODE(b.book(at(res, m3, "hour", "2026-03-02", "11:00", 1)), Errc::seat_taken);  // full at 11:00
  EXPECT_NO_THROW(b.book(at(res, m3, "hour", "2026-03-02", "09:00", 1)));                // 9-10: 2 in use at most
  EXPECT_EQ(b.free_units(res, "2026-03-02T14:00", "2026-03-02T18:00"), 1);               // only m1's day then
  EXPECT_EQ(b.free_units(res, "2026-03-02T09:00", "2026-03-02T12:00"), 0);               // m1 with m2 or m3 all morning
  // Machines need a valid training.
  Resource laser;
  laser.place_id = f.place(), laser.kind = "machine", laser.name = "Découpe laser", laser.units = 1,
  laser.training_required = true;
  auto lid = b.add_resource(laser);
  EXPECT_THROW(b.book(at(lid, m2, "hour", "2026-03-02", "14:00", 1)), Conflict);
  b.record_training(m2, lid, "2026-03-01", "manager");
  EXPECT_THROW(b.book(at(lid, m2, "hour", "2026-03-02", "14:00", 1)), Conflict);  // expired the day before
  b.record_training(m2, lid, "2027-03-01", "manager");
  EXPECT_NO_THROW(b.book(at(lid, m2, "hour", "2026-03-02", "14:00", 1)));
}

TEST(Booking, FreeUnitsIsTheBruteForceMaximum) {
  Fixture f;
  Bookings b(f.db());
  for (int d = 1; d <= 7; ++d) b.set_hours(f.place(), d, {{"08:00", "20:00"}});
  auto res = b.add_resource(desks(f.place(), 1000));
  auto m = b.add_member("M", "m@example.org");
  b.add_membership(m, f.place());
  std::mt19937 rng(3);
  std::vector<std::pair<int, int>> held;  // hours of 2026-03-02
  for (int i = 0; i < 60; ++i) {
    int s = 8 + static_cast<int>(rng() % 11), h = 1 + static_cast<int>(rng() % std::min(4, 20 - s));
    b.book(at(res, m, "hour", "2026-03-02", fmt::format("{:02}:00", s), h));
    held.push_back({s, s + h});
  }
  for (int s = 8; s < 20; ++s)
    for (int e = s + 1; e <= 20; ++e) {
      int most = 0;
      for (int t = s; t < e; ++t) {
        int n = 0;
        for (auto& [a, z] : held) n += a <= t && t < z;
        most = std::max(most, n);
      }
      EXPECT_EQ(b.free_units(res, fmt::format("2026-03-02T{:02}:00", s), fmt::format("2026-03-02T{:02}:00", e)),
                1000 - most)
          << s << "-" << e;
    }
}

TEST(Booking, CancellationRulesAndNoShow) {
  Fixture f;
  Bookings b(f.db());
  f.weekdays(b, f.place());
  auto res = b.add_resource(desks(f.place(), 1));
  auto m = b.add_member("M", "m@example.org");
  b.add_membership(m, f.place());
  auto x = b.book(at(res, m, "day", "2026-03-02"));
  EXPECT_THROW(b.cancel(x.id, "member", false, "2026-03-01T10:00", ""), Conflict);  // 23 h before: too late
  EXPECT_NO_THROW(b.cancel(x.id, "member", false, "2026-03-01T08:59", "malade"));
  EXPECT_CODE(b.cancel(x.id, "member", false, "2026-02-01T08:00", ""), Errc::wrong_state);  // already cancelled
  auto y = b.book(at(res, m, "day", "2026-03-02"));                                         // the seat is free again
  EXPECT_THROW(b.no_show(y.id, "manager", "2026-03-02T08:00"), Conflict);
  b.no_show(y.id, "manager", "2026-03-02T10:00");
  EXPECT_EQ(b.get(y.id).status, Status::NoShow);
  auto z = b.book(at(res, m, "day", "2026-03-03"));
  EXPECT_NO_THROW(b.cancel(z.id, "manager", true, "2026-03-03T09:30", "fermeture exceptionnelle"));
  EXPECT_THROW(f.db().exec("DELETE FROM booking_events"), Error);  // append-only
  EXPECT_THROW(f.db().exec("DELETE FROM bookings"), Error);        // never deleted
}

TEST(Booking, WeeklySeriesAreAllOrNothingAndCancelTogether) {
  Fixture f;
  Bookings b(f.db());
  f.weekdays(b, f.place());
  auto res = b.add_resource(desks(f.place(), 1));
  auto m = b.add_member("M", "m@example.org"), other = b.add_member("O", "o@example.org");
  b.add_membership(m, f.place());
  b.add_membership(other, f.place());
  auto count = [&] {
    auto st = f.db().prepare("SELECT COUNT(*) FROM bookings");
    st.step();
    return st.int64(0);
  };
  // Every Tuesday morning for 4 weeks; the third Tuesday (2026-03-17) is already taken: nothing is written, and
  // the refusal names that week.
  b.book(at(res, other, "half_day", "2026-03-17", "", 1, "am"));
  auto r = at(res, m, "half_day", "2026-03-03", "", 1, "am");
  r.weeks = 4;
  auto before = count();
  try {
    b.book_series(r);
    FAIL() << "the third week is full";
  } catch (const Conflict& e) {
    EXPECT_NE(std::string(e.what()).find("week 3 of 4 (2026-03-17)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count(), before);
  // A closure day refuses the series the same way.
  b.add_closure(f.place(), "2026-03-26", "inventaire");
  r.date = "2026-03-12";
  try {
    b.book_series(r);
    FAIL() << "closed on the 26th";
  } catch (const Conflict& e) {
    EXPECT_NE(std::string(e.what()).find("week 3 of 4 (2026-03-26)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count(), before);
  // Four free Wednesdays: four bookings a week apart sharing the first one's id as their series.
  r.date = "2026-03-04";
  auto made = b.book_series(r);
  ASSERT_EQ(made.size(), 4u);
  for (size_t i = 0; i < made.size(); ++i) {
    EXPECT_EQ(made[i].series_id, made[0].id);
    EXPECT_EQ(made[i].starts.substr(0, 10),
              std::vector<std::string>({"2026-03-04", "2026-03-11", "2026-03-18", "2026-03-25"})[i]);
    EXPECT_EQ(made[i].starts.substr(10), "T09:00");
  }
  EXPECT_EQ(b.free_units(res, "2026-03-18T09:00", "2026-03-18T12:30"), 0);
  EXPECT_EQ(b.book(at(res, m, "day", "2026-03-05")).series_id, 0);  // a booking alone has none
  r.weeks = 2;
  EXPECT_THROW(b.book(r), InputError);  // a series is booked with book_series
  r.weeks = 53;
  EXPECT_THROW(b.book_series(r), InputError);
  auto monthly = at(res, m, "month", "2026-06");
  monthly.weeks = 2;
  EXPECT_THROW(b.book_series(monthly), InputError);
  // Cancelling from the second occurrence cancels it and the later ones, not the first.
  EXPECT_THROW(b.cancel_series(made[1].id, "member:1", false, "2026-03-10T10:00", ""), Conflict);  // under 24 h
  std::vector<int64_t> gone;
  for (auto& x : b.cancel_series(made[1].id, "member:1", false, "2026-03-09T10:00", "déménagement"))
    gone.push_back(x.id);
  EXPECT_EQ(gone, (std::vector<int64_t>{made[1].id, made[2].id, made[3].id}));
  EXPECT_EQ(b.get(made[0].id).status, Status::Confirmed);
  for (int i = 1; i < 4; ++i) EXPECT_EQ(b.get(made[i].id).status, Status::Cancelled);
  EXPECT_THROW(b.cancel_series(b.book(at(res, m, "day", "2026-03-06")).id, "m", true, "2026-03-01T00:00", ""),
               InputError);
}

TEST(Booking, MigrationToSeriesKeepsEveryBooking) {
  SKIP_ON_POSTGRESQL("a SQLite file of release 4 (user_version)");
  Fixture f;
  {
    Bookings b(f.db());
    f.weekdays(b, f.place());
    auto res = b.add_resource(desks(f.place(), 2));
    auto m = b.add_member("M", "m@example.org");
    b.add_membership(m, f.place());
    b.book(at(res, m, "day", "2026-03-02"));
    b.book(at(res, m, "hour", "2026-03-03", "10:00", 2));
  }
  // Put the file back to schema 4 (before series, before accounts), as a database of that release.
  f.db().exec("DROP TABLE scenarios; DROP TABLE rate_windows;");
  f.db().exec(
      "DROP TABLE itinerant_history; DROP TABLE itinerant_stops; DROP TABLE itinerant_places; "
      "ALTER TABLE calls DROP COLUMN itinerant_stops;");
  f.db().exec(
      "DROP TABLE network_memberships; DROP TABLE library_fts; DROP TABLE library_versions; "
      "DROP TABLE library_resources; DROP TABLE registrations; DROP TABLE events; DROP TABLE interactions; "
      "DROP TABLE contacts; DROP TABLE organisations; DROP TABLE charter_versions;");
  for (auto* c : {"criterion_open_to_all", "criterion_flexible", "criterion_broadband", "criterion_human_welcome",
                  "criterion_collective_governance", "charter_version", "charter_signed_on", "charter_signatory"})
    f.db().exec(std::string("ALTER TABLE places DROP COLUMN ") + c);
  f.db().exec("DROP TABLE contributions; DROP TABLE place_confirmations;");
  f.db().exec(
      "DROP TRIGGER applications_confirmation_frozen; ALTER TABLE applications DROP COLUMN eligibility_confirmed; "
      "ALTER TABLE calls DROP COLUMN margin;");
  f.db().exec(
      "DROP TABLE users; DROP TABLE user_roles; DROP TABLE sessions; DROP TABLE one_time_keys; "
      "DROP TABLE auth_failures; DROP TABLE place_settings; DROP TABLE mail_outbox; DROP TABLE audit_log; "
      "ALTER TABLE api_tokens DROP COLUMN expires_at; ALTER TABLE api_tokens DROP COLUMN created_by;");
  f.db().exec(
      "DROP INDEX bookings_series; ALTER TABLE bookings DROP COLUMN series_id; DROP TABLE schema_migrations; "
      "PRAGMA user_version = 4");
  f.store.reset();
  registry::PlaceStore reopened(f.db_path, &territory::CommuneTable::bundled(), false);
  EXPECT_EQ(reopened.schema_version(), registry::PlaceStore::kSchemaVersion);
  Bookings b(reopened.db());
  auto all = b.list(0, f.place(), "", "");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].starts, "2026-03-02T09:00");
  EXPECT_EQ(all[1].ends, "2026-03-03T12:00");
  for (auto& x : all) EXPECT_EQ(x.series_id, 0);
}

TEST(Booking, ThreadsRacingForTheLastDesksNeverOverbook) {
  Fixture f;
  std::string place = f.place();
  int64_t res = 0;
  std::vector<int64_t> members;
  {
    Bookings b(f.db());
    f.weekdays(b, place);
    res = b.add_resource(desks(place, 3));
    for (int i = 0; i < 16; ++i) {
      members.push_back(b.add_member("M" + std::to_string(i), fmt::format("m{}@example.org", i)));
      b.add_membership(members.back(), place);
    }
  }
  std::atomic<int> ok{0}, full{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&, i] {
      db::Database db(f.db_path, db::Database::Mode::ReadWrite);  // each client its own connection
      Bookings b(db);
      try {
        b.book(at(res, members[static_cast<size_t>(i)], "day", "2026-03-04"));
        ++ok;
      } catch (const Conflict&) {
        ++full;
      } catch (...) {
        ++other;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(full, 13);
  EXPECT_EQ(other, 0);
  Bookings b(f.db());
  EXPECT_EQ(b.free_units(res, "2026-03-04T09:00", "2026-03-04T18:00"), 0);
}

TEST(Booking, ICalendarFeedsParseWithLibical) {
  Fixture f;
  Bookings b(f.db());
  f.weekdays(b, f.place());
  auto res = b.add_resource(desks(f.place(), 5, "Salle; \"la grande\", étage"));
  auto m = b.add_member("Zoé", "zoe@example.org");
  b.add_membership(m, f.place());
  b.book(at(res, m, "hour", "2026-03-02", "09:00", 2));
  b.book(at(res, m, "day", "2026-07-06"));  // summer time
  auto c = b.book(at(res, m, "day", "2026-03-05"));
  b.cancel(c.id, "m", true, "2026-03-01T00:00", "");
  for (auto& text : {b.icalendar_resource(res), b.icalendar_member(m)}) {
    icalcomponent* cal = icalparser_parse_string(text.c_str());
    ASSERT_NE(cal, nullptr) << text;
    EXPECT_EQ(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    EXPECT_EQ(icalcomponent_count_errors(cal), 0) << text;
    EXPECT_EQ(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 2);  // the cancelled one is left out
    icalcomponent* ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    auto start = icalcomponent_get_dtstart(ev), end = icalcomponent_get_dtend(ev);
    EXPECT_EQ(start.hour, 9);
    EXPECT_EQ(end.hour, 11);
    EXPECT_STREQ(icaltime_get_tzid(start), "Europe/Paris");
    EXPECT_NE(std::string(icalcomponent_get_summary(ev)).find("\"la grande\""), std::string::npos);
    icalcomponent_free(cal);
  }
}

TEST(Booking, OccupancyByHand) {
  Fixture f;
  Bookings b(f.db());
  for (int d = 1; d <= 5; ++d) b.set_hours(f.place(), d, {{"09:00", "17:00"}});  // 8 h
  auto res = b.add_resource(desks(f.place(), 2));
  auto m = b.add_member("M", "m@example.org");
  b.add_membership(m, f.place());
  b.add_closure(f.place(), "2026-03-02", "férié");
  b.book(at(res, m, "day", "2026-03-03"));               // 8 unit-hours
  b.book(at(res, m, "hour", "2026-03-04", "10:00", 3));  // 3
  auto c = b.book(at(res, m, "day", "2026-03-05"));
  b.cancel(c.id, "m", true, "2026-03-01T00:00", "");  // not counted
  // March 2026: 22 weekdays, one closed: 21 days x 8 h x 2 units = 336 unit-hours open.
  for (auto& o : occupancy(f.db(), "2026-03"))
    if (o.resource_id == res) {
      EXPECT_DOUBLE_EQ(o.open_unit_hours, 336);
      EXPECT_DOUBLE_EQ(o.booked_unit_hours, 11);
      EXPECT_DOUBLE_EQ(o.rate, 11.0 / 336);
    }
  auto region = regional_occupancy(f.db(), "2026-03");
  EXPECT_DOUBLE_EQ(region["booked_unit_hours"].get<double>(), 11);
  ASSERT_EQ(region["departments"].size(), 1u);
  EXPECT_EQ(region["departments"][0]["department"], "other");  // one place only: not shown on its own
}

TEST(Booking, NetworkSearchMatchesOneRoutePerPlace) {
  Fixture f;
  Bookings b(f.db());
  auto profile = roads::Profile::load(paths::data_file("profiles/car.json"));
  auto g = roads::build_from_skeleton({paths::data_file("roads/tm_fra_naq_waypoints.csv.gz"),
                                       paths::data_file("roads/tm_neighbours30km_waypoints.csv.gz")},
                                      profile, "{}");
  routing::Snapper snapper(g, routing::SnapOptions::from(profile));
  routing::Search search(g);
  std::vector<registry::Place> open;
  for (auto& p : f.places)
    if (p.status == registry::Status::Open && p.insee_code.starts_with("33")) open.push_back(p);
  ASSERT_GT(open.size(), 10u);
  auto m = b.add_member("M", "m@example.org");
  for (size_t i = 0; i < open.size(); ++i) {
    for (int d = 1; d <= 5; ++d) b.set_hours(open[i].id, d, {{"09:00", "18:00"}});
    auto r = b.add_resource(desks(open[i].id, 1));
    b.add_membership(m, open[i].id);
    if (i % 4 == 0) b.book(at(r, m, "day", "2026-03-02"));  // a quarter of them full that day
  }
  DeskQuery q;
  q.at = territory::CommuneTable::bundled().find("33063")->centre;  // Bordeaux
  q.date = "2026-03-02", q.max_minutes = 30;
  auto found = find_free_desks(b, f.places, g, snapper, search, q);
  auto at_sea = q;
  at_sea.at = {-4.5, 45.0};  // in the Atlantic, far from any road
  EXPECT_CODE(find_free_desks(b, f.places, g, snapper, search, at_sea), Errc::not_routable);
  std::vector<std::pair<double, std::string>> expected;
  routing::Search s2(g);
  for (size_t i = 0; i < open.size(); ++i) {
    if (i % 4 == 0) continue;
    auto r = routing::route(snapper, s2, q.at, {*open[i].lon, *open[i].lat});
    if (r.ok && r.ms <= 30 * 60000) expected.push_back({r.ms / 60000.0, open[i].id});
  }
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(found.size(), expected.size());
  ASSERT_GT(found.size(), 2u);
  for (size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ(found[i].place_id, expected[i].second);
    EXPECT_NEAR(found[i].minutes, expected[i].first, 1e-6);
  }
}

// A membership or a closure written without a plan or a reason takes the column's default, and writing it again
// replaces it (issue #30: the upserts that replaced SQLite's INSERT OR REPLACE; found by the api_request fuzz
// target's regression input).
TEST(Booking, MembershipsAndClosuresAreReplacedAndTakeTheirDefaults) {
  Fixture f;
  Bookings b(f.db());
  auto m = b.add_member("M", "m@example.org");
  b.add_membership(m, f.place(), "", 0);
  auto plan = [&] {
    auto st = f.db().prepare("SELECT plan, discount_pct FROM memberships WHERE member_id = ?");
    st.bind(1, m);
    EXPECT_TRUE(st.step());
    return st.text(0) + " " + std::to_string(static_cast<int>(st.real(1)));
  };
  EXPECT_EQ(plan(), "standard 0");
  b.add_membership(m, f.place(), "résident", 20);
  EXPECT_EQ(plan(), "résident 20");
  b.add_closure(f.place(), "2026-03-02", "");
  b.add_closure(f.place(), "2026-03-02", "férié");
  auto st = f.db().prepare("SELECT count(*), max(reason) FROM closure_days");
  st.step();
  EXPECT_EQ(st.int64(0), 1);
  EXPECT_EQ(st.text(1), "férié");
}

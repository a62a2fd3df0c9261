// Funding-call rules at their boundaries, and the application records the database keeps honest.
#include <gtest/gtest.h>

#include "ami/applications.hpp"
#include "helpers.hpp"
#include "roads/builder.hpp"
#include "territory/communes.hpp"

using namespace maillage;
using namespace maillage::ami;

namespace {
Call call2224() { return {"ami-2022-2024", "AMI", "2022-07-01", "2024-09-01", 20, 3, 0.5, "median"}; }

registry::Place place_at(const std::string& id, geo::LonLat at) {
  registry::Place p;
  p.id = id;
  p.name = id;
  p.insee_code = "33063";
  p.lon = at.lon;
  p.lat = at.lat;
  return p;
}

// Two nodes joined by a road of `seconds` each way; a place at the first node, the point at the second.
struct Line {
  roads::RoadGraph g;
  std::unique_ptr<routing::Snapper> snapper;
  explicit Line(double seconds) {
    roads::GraphBuilder b;
    auto a = b.add_node({-0.60, 44.80}), c = b.add_node({-0.50, 44.80});
    b.add_edge(a, c, {}, 8000, seconds, seconds, roads::RoadClass::departementale, "D1");
    g = b.finish();
    snapper = std::make_unique<routing::Snapper>(g, routing::SnapOptions{2000, 30, 1.3});
  }
};
}  // namespace

TEST(AmiCreation, ExactlyAtTheThresholdIsWithinSoNotEligible) {
  Line exact(1200.0), later(1200.001);
  CreationChecker a(exact.g, *exact.snapper, {place_at("p", {-0.60, 44.80})}, call2224(), {});
  auto r = a.quick({-0.50, 44.80});
  EXPECT_EQ(r.verdict, CreationCheck::Verdict::NotEligible) << r.reason;
  EXPECT_DOUBLE_EQ(r.nearest->minutes, 20.0);
  CreationChecker b(later.g, *later.snapper, {place_at("p", {-0.60, 44.80})}, call2224(), {});
  r = b.quick({-0.50, 44.80});
  EXPECT_EQ(r.verdict, CreationCheck::Verdict::Eligible) << r.reason;
  EXPECT_NE(r.reason.find("beyond the 20 minutes"), std::string::npos);
}

TEST(AmiCreation, WithinTheMarginOfTheThresholdIsToVerify) {
  // A margin of 7.4 %: 20.5 min is to verify (19.0 to 22.0 contains 20); 22 min is eligible whatever the error
  // (22 x 0.926 = 20.4 > 20); 18.5 min is not eligible whatever the error (18.5 x 1.074 = 19.9).
  DataUsed used{"2024-01-01", "ami-2022-2024", "g", 0, 0, 0.074, "the profile's median error"};
  auto verdict = [&](double minutes) {
    Line l(minutes * 60);
    CreationChecker c(l.g, *l.snapper, {place_at("p", {-0.60, 44.80})}, call2224(), used);
    return c.quick({-0.50, 44.80});
  };
  auto r = verdict(20.5);
  EXPECT_EQ(r.verdict, CreationCheck::Verdict::ToVerify) << r.reason;
  EXPECT_NEAR(r.margin_min, 20.5 * 0.074, 1e-6);
  EXPECT_EQ(r.to_json()["verdict"], "to_verify");
  EXPECT_NEAR(r.to_json()["margin_minutes"].get<double>(), 1.5, 1e-9);
  EXPECT_EQ(verdict(19.5).verdict, CreationCheck::Verdict::ToVerify);
  EXPECT_EQ(verdict(22).verdict, CreationCheck::Verdict::Eligible);
  EXPECT_EQ(verdict(18.5).verdict, CreationCheck::Verdict::NotEligible);
  // Brute force against the rule: to verify exactly when t (1 - e) <= T < t (1 + e).
  for (double t = 17; t <= 23; t += 0.05) {
    auto v = verdict(t).verdict;
    double lo = t * (1 - 0.074), hi = t * (1 + 0.074);
    auto expected = lo <= 20 && hi > 20 ? CreationCheck::Verdict::ToVerify
                    : t <= 20           ? CreationCheck::Verdict::NotEligible
                                        : CreationCheck::Verdict::Eligible;
    EXPECT_EQ(v, expected) << t;
  }
  // A call without margin: the time as computed.
  EXPECT_EQ(margin_of(Call{"x", "x", "2022-01-01", "2022-12-31", 20, 3, 0.5, "none"}, 0.074, 0.2).first, 0.0);
  EXPECT_DOUBLE_EQ(margin_of(call2224(), 0.074, 0.2).first, 0.074);
  EXPECT_DOUBLE_EQ(margin_of(Call{"x", "x", "2022-01-01", "2022-12-31", 20, 3, 0.5, "p90"}, 0.074, 0.2).first, 0.2);
}

TEST(AmiCreation, ExplanationListsPlacesWithinOneAndAHalfThresholdAndTheRoute) {
  Line l(1500);  // 25 minutes
  CreationChecker c(l.g, *l.snapper, {place_at("p", {-0.60, 44.80})}, call2224(),
                    {"2024-01-01", "ami-2022-2024", "g", 42, 7});
  auto r = c.explain({-0.50, 44.80});
  EXPECT_EQ(r.verdict, CreationCheck::Verdict::Eligible);
  ASSERT_EQ(r.nearby.size(), 1u);
  EXPECT_NEAR(r.nearby[0].minutes, 25, 1e-9);
  ASSERT_FALSE(r.route.empty());
  EXPECT_EQ(r.route[0].name, "D1");
  auto j = r.to_json();
  EXPECT_EQ(j["data_used"]["registry_revision"], 7);
  EXPECT_EQ(j["data_used"]["graph_checksum"], "0000002a");
}

TEST(AmiCreation, UnjoinablePointOrNearbyUnknownPlaceCannotDecide) {
  Line l(300);
  CreationChecker c(l.g, *l.snapper, {place_at("p", {-0.60, 44.80})}, call2224(), {});
  auto r = c.quick({-0.55, 44.90});  // 11 km from the road, snapping limit 2 km
  EXPECT_EQ(r.verdict, CreationCheck::Verdict::CannotDecide);
  EXPECT_NE(r.reason.find("cannot be joined to the road network"), std::string::npos);
  // An open place 5 km off the network and 10 km from the point: its time is unknown.
  CreationChecker d(l.g, *l.snapper, {place_at("p", {-0.60, 44.80}), place_at("offroad", {-0.48, 44.85})}, call2224(),
                    {});
  r = d.quick({-0.50, 44.80});
  EXPECT_EQ(r.verdict, CreationCheck::Verdict::CannotDecide);
  EXPECT_NE(r.reason.find("offroad"), std::string::npos);
  // No open place at all: eligible, and said so.
  CreationChecker e(l.g, *l.snapper, {}, call2224(), {"2024-01-01"});
  r = e.quick({-0.50, 44.80});
  EXPECT_EQ(r.verdict, CreationCheck::Verdict::Eligible);
  EXPECT_NE(r.reason.find("no tiers-lieu is open"), std::string::npos);
}

namespace {
// A place that signed the charter "2024" and meets the Région's five criteria.
registry::Place listed(registry::Place p) {
  p.criteria.fill(registry::Tri::Yes);
  p.charter_version = "2024";
  p.charter_signed_on = "2023-01-01";
  p.charter_signatory = "A. Martin";
  return p;
}
}  // namespace

TEST(AmiDevelopment, ThreeYearsToTheDay) {
  EXPECT_EQ(add_years("2021-06-15", 3), "2024-06-15");
  EXPECT_EQ(add_years("2020-02-29", 3), "2023-03-01");
  EXPECT_EQ(add_years("2020-02-29", 4), "2024-02-29");
  registry::Place p = listed(place_at("x", {-0.6, 44.8}));
  p.status = registry::Status::Open;
  p.opening_date = "2021-06-15";
  p.staff_fte = 1;
  auto v = check_development(p, "x", "2024-06-14", call2224(), 1, "2024");  // 2 years 364 days
  EXPECT_EQ(v.verdict, "not_eligible");
  EXPECT_EQ(v.criteria[3].name, "years_open");
  EXPECT_EQ(v.criteria[3].verdict, "not_met");
  EXPECT_EQ(check_development(p, "x", "2024-06-15", call2224(), 1, "2024").verdict, "eligible");
}

TEST(AmiDevelopment, StaffBoundaryMissingDataClosedAndUnlisted) {
  registry::Place p = listed(place_at("x", {-0.6, 44.8}));
  p.opening_date = "2015-01-01";
  p.staff_fte = 0.49;
  auto v = check_development(p, "x", "2024-01-01", call2224(), 1, "2024");
  EXPECT_EQ(v.verdict, "not_eligible");
  EXPECT_EQ(v.criteria[4].verdict, "not_met");
  p.staff_fte = 0.5;
  EXPECT_EQ(check_development(p, "x", "2024-01-01", call2224(), 1, "2024").verdict, "eligible");
  p.staff_fte.reset();
  v = check_development(p, "x", "2024-01-01", call2224(), 1, "2024");
  EXPECT_EQ(v.verdict, "incomplete");
  EXPECT_EQ(v.missing_fields, std::vector<std::string>{"staff_fte"});
  // Closed before the date.
  p.staff_fte = 2;
  p.status = registry::Status::Closed;
  p.closing_date = "2023-12-31";
  v = check_development(p, "x", "2024-01-01", call2224(), 1, "2024");
  EXPECT_EQ(v.verdict, "not_eligible");
  EXPECT_EQ(v.criteria[2].verdict, "not_met");
  // Not in the directory.
  v = check_development(std::nullopt, "ghost", "2024-01-01", call2224(), 1, "2024");
  EXPECT_EQ(v.verdict, "not_eligible");
  EXPECT_EQ(v.criteria[0].verdict, "not_met");
}

TEST(AmiDevelopment, YearOnlyOpeningDateDecidesOnlyWhenBothEndsAgree) {
  registry::Place p = listed(place_at("x", {-0.6, 44.8}));
  p.opening_date = "2021";
  p.staff_fte = 1;
  auto v = check_development(p, "x", "2024-06-01", call2224(), 1, "2024");  // 3 years between 2024-01-01 and 2024-12-31
  EXPECT_EQ(v.verdict, "incomplete");
  EXPECT_NE(v.criteria[3].value.find("between 2024-01-01 and 2024-12-31"), std::string::npos);
  EXPECT_EQ(check_development(p, "x", "2025-01-01", call2224(), 1, "2024").verdict, "eligible");
  EXPECT_EQ(check_development(p, "x", "2023-12-31", call2224(), 1, "2024").verdict, "not_eligible");
}

TEST(AmiDevelopment, OnlyAListedPlaceIsEligibleAndTheCheckSaysWhatFails) {
  registry::Place p = listed(place_at("x", {-0.6, 44.8}));
  p.opening_date = "2015-01-01";
  p.staff_fte = 1;
  EXPECT_EQ(check_development(p, "x", "2024-01-01", call2224(), 1, "2024").verdict, "eligible");
  // The charter not signed: not eligible, naming the charter.
  auto unsigned_place = p;
  unsigned_place.charter_version.clear();
  auto v = check_development(unsigned_place, "x", "2024-01-01", call2224(), 1, "2024");
  EXPECT_EQ(v.verdict, "not_eligible");
  EXPECT_EQ(v.criteria[1].name, "listed");
  EXPECT_NE(v.reason.find("charte"), std::string::npos) << v.reason;
  // An older version signed.
  v = check_development(p, "x", "2024-01-01", call2224(), 1, "2025");
  EXPECT_NE(v.reason.find("la version en vigueur est la 2025"), std::string::npos) << v.reason;
  // A criterion stated "no": not eligible, naming it; not stated: incomplete, the criterion to collect.
  auto no_fibre = p;
  no_fibre.criteria[2] = registry::Tri::No;
  v = check_development(no_fibre, "x", "2024-01-01", call2224(), 1, "2024");
  EXPECT_EQ(v.verdict, "not_eligible");
  EXPECT_NE(v.reason.find("Haut débit ou fibre"), std::string::npos) << v.reason;
  auto unknown = p;
  unknown.criteria[4] = registry::Tri::Unknown;
  v = check_development(unknown, "x", "2024-01-01", call2224(), 1, "2024");
  EXPECT_EQ(v.verdict, "incomplete");
  EXPECT_EQ(v.missing_fields, std::vector<std::string>{"criterion_collective_governance"});
  // No charter adopted at all: nobody is listed.
  EXPECT_EQ(check_development(p, "x", "2024-01-01", call2224(), 1, "").verdict, "not_eligible");
}

namespace {
struct AppsFixture : ::testing::Test {
  test::TempDir dir;
  registry::PlaceStore store{dir.database("a.db"), &territory::CommuneTable::bundled()};
  Applications apps{store.db()};
  int64_t draft() {
    Application a;
    a.call_id = "ami-2022-2024", a.kind = "creation", a.applicant = "Mairie", a.project = "Tiers-lieu";
    a.insee_code = "23008";
    return apps.create(a, "agent");
  }
};
}  // namespace

TEST_F(AppsFixture, CallWindowFirstAndLastDayIncluded) {
  auto a = draft(), b = draft(), c = draft(), d = draft();
  nlohmann::json e{{"verdict", "eligible"}};
  EXPECT_NO_THROW(apps.submit(a, "2022-07-01", e, "agent"));
  EXPECT_NO_THROW(apps.submit(b, "2024-09-01", e, "agent"));
  try {
    apps.submit(c, "2022-06-30", e, "agent");
    FAIL();
  } catch (const Conflict& x) {
    EXPECT_NE(std::string(x.what()).find("open from 2022-07-01 to 2024-09-01"), std::string::npos) << x.what();
  }
  EXPECT_THROW(apps.submit(d, "2024-09-02", e, "agent"), Conflict);
  EXPECT_EQ(apps.get(c).status, "draft");
}

TEST_F(AppsFixture, TransitionsAreCheckedAndRecorded) {
  auto id = draft();
  EXPECT_CODE(apps.transition(id, "accepted", "chef", ""), Errc::wrong_state);  // not under review
  apps.submit(id, "2023-03-01", {{"verdict", "not_eligible"}}, "agent");
  EXPECT_THROW(apps.submit(id, "2023-03-02", {{"verdict", "eligible"}}, "agent"), Conflict);  // once
  apps.transition(id, "under_review", "chef", "");
  EXPECT_THROW(apps.transition(id, "rejected", "chef", ""), Error);  // a rejection says why
  apps.transition(id, "rejected", "chef", "zone déjà couverte");
  EXPECT_THROW(apps.transition(id, "withdrawn", "x", "trop tard"), Conflict);
  auto a = apps.get(id);
  ASSERT_EQ(a.events.size(), 4u);  // draft, submitted, under_review, rejected
  EXPECT_EQ(a.events[3].actor, "chef");
  EXPECT_EQ(a.events[3].reason, "zone déjà couverte");
  EXPECT_EQ(a.events[1].to, "submitted");
  EXPECT_EQ(nlohmann::json::parse(a.eligibility_json)["verdict"], "not_eligible");
  std::ostringstream csv;
  export_applications_csv(apps.list(), csv);
  EXPECT_NE(csv.str().find("rejected,2023-03-01,not_eligible"), std::string::npos) << csv.str();
}

TEST_F(AppsFixture, TheDatabaseRefusesToRewriteHistory) {
  auto id = draft();
  apps.submit(id, "2023-03-01", {{"verdict", "eligible"}}, "agent");
  EXPECT_THROW(store.db().exec("UPDATE applications SET eligibility_json = '{\"verdict\":\"not_eligible\"}'"), Error);
  EXPECT_THROW(store.db().exec("UPDATE applications SET lon = 0"), Error);
  EXPECT_THROW(store.db().exec("UPDATE application_events SET actor = 'someone else'"), Error);
  EXPECT_THROW(store.db().exec("DELETE FROM application_events"), Error);
  EXPECT_THROW(store.db().exec("DELETE FROM applications"), Error);
  EXPECT_NO_THROW(store.db().exec("UPDATE applications SET status = 'under_review'"));  // the state may move on
  EXPECT_EQ(nlohmann::json::parse(apps.get(id).eligibility_json)["verdict"], "eligible");
}

TEST_F(AppsFixture, CallsAreRecordsWithParameters) {
  auto all = list_calls(store.db());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, "ami-2022-2024");
  EXPECT_EQ(all[0].threshold_min, 20);
  add_call(store.db(), {"ami-2025", "AMI 2025", "2025-01-01", "2025-12-31", 15, 2, 1});
  EXPECT_EQ(get_call(store.db(), "ami-2025").threshold_min, 15);
  EXPECT_THROW(add_call(store.db(), {"ami-2025", "x", "2025-01-01", "2025-12-31", 15, 2, 1}), Error);
  EXPECT_THROW(add_call(store.db(), {"bad", "x", "2025-12-31", "2025-01-01", 15, 2, 1}), Error);
  EXPECT_CODE(get_call(store.db(), "nope"), Errc::not_found);
}

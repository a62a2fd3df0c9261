// Itinerant places over HTTP on the real server: the Charente bus's timetable read by all and written by editors
// only (a bad stop is a 400 naming it), coverage in time, the nearest place open on Tuesday morning, the call's
// rule, a day's route and the tour planner.
#include <fmt/format.h>

#include "server_process.hpp"

using maillage::test::bearer;
using maillage::test::body;
using maillage::test::Server;
using nlohmann::json;

namespace {
const std::string kBus = std::string(MAILLAGE_TEST_DATA) + "/../../data/itinerant/bus-france-services-charente.json";
const std::string kId = "16292-bus-france-services-emmaus-ruffec";
}  // namespace

TEST(ApiItinerant, TimetablesCoverageRulesAndTours) {
  Server server;
  auto imported = server.cli("itinerant import " + kBus);
  ASSERT_NE(imported.find("with 12 stops"), std::string::npos) << imported;
  auto editor = server.token("--role editor --label test");
  auto& http = server.http();

  auto list = body(http.Get("/api/v1/itinerant?date=2026-06-01"));
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["stops"].size(), 12u);
  EXPECT_EQ(list["items"][0]["base"]["name"], "Ruffec");
  EXPECT_EQ(list["items"][0]["next_passage"]["date"], "2026-06-01");
  auto tt = body(http.Get(("/api/v1/places/" + kId + "/timetable?from=2026-06-01").c_str()));
  EXPECT_EQ(tt["passages"].size(), 16u);
  EXPECT_EQ(tt["stops"][3]["commune"], "Valence");
  auto ics = http.Get(("/api/v1/places/" + kId + "/timetable.ics?from=2026-06-01&days=14").c_str());
  ASSERT_TRUE(ics);
  EXPECT_NE(ics->body.find("BEGIN:VCALENDAR"), std::string::npos);
  EXPECT_EQ(body(http.Get("/api/v1/itinerant/stops.geojson"))["features"].size(), 12u);

  // Writing: anonymous refused; a bad hours string is a 400 naming the stop and field; nothing changes.
  auto stops = tt;
  json put = {{"operator", stops["operator"]}, {"base_insee", stops["base_insee"]}, {"stops", stops["stops"]}};
  for (auto& s : put["stops"]) s.erase("commune");
  auto path = "/api/v1/places/" + kId + "/timetable";
  auto anon = http.Put(path.c_str(), put.dump(), "application/json");
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->status, 401) << anon->body;
  auto bad = put;
  bad["stops"][2]["hours"] = "<script>alert(1)</script>";
  auto refused = http.Put(path.c_str(), bearer(editor), bad.dump(), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400) << refused->body;
  EXPECT_EQ(body(refused)["field"], "stops[3].hours") << refused->body;
  bad = put;
  bad["stops"][0]["lat"] = 1e308;
  EXPECT_EQ(http.Put(path.c_str(), bearer(editor), bad.dump(), "application/json")->status, 400);
  bad = put;
  bad["stops"][0]["colour"] = "red";
  EXPECT_EQ(http.Put(path.c_str(), bearer(editor), bad.dump(), "application/json")->status, 400);
  put["stops"].erase(put["stops"].size() - 1);
  put["stops"][0]["hours"] = "Mo 10:00-12:00";
  auto ok = http.Put(path.c_str(), bearer(editor), put.dump(), "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  tt = body(http.Get(("/api/v1/places/" + kId + "/timetable?from=2026-06-01").c_str()));
  EXPECT_EQ(tt["stops"].size(), 11u);
  EXPECT_EQ(tt["stops"][0]["hours"], "Mo 10:00-12:00");

  // Coverage in time, and the nearest place open on Tuesday morning.
  auto cov = body(http.Get("/api/v1/coverage?date=2026-06-01"));
  EXPECT_GT(cov["part_time"]["part_time"]["share"].get<double>(), 0);
  EXPECT_NEAR(cov["part_time"]["permanent"]["share"].get<double>(), cov["share"].get<double>(), 1e-9);
  auto plain = body(http.Get("/api/v1/coverage/cells.geojson?date=2026-06-01"));
  auto tue = body(http.Get("/api/v1/coverage/cells.geojson?date=2026-06-01&open_at=Tu%2009:00-12:00"));
  auto covered = [](const json& fc) {
    double n = 0;
    for (auto& f : fc["features"])
      if (f["properties"].contains("minutes") && f["properties"]["minutes"].is_number() &&
          f["properties"]["minutes"].get<double>() <= 20)
        n += f["properties"]["population"].get<double>();
    return n;
  };
  EXPECT_GT(covered(tue), covered(plain));
  auto wrong = http.Get("/api/v1/coverage/cells.geojson?open_at=mardi");
  EXPECT_EQ(wrong->status, 400);
  EXPECT_EQ(body(wrong)["field"], "open_at");

  // The call's rule: the stop is named next to Nanteuil-en-Vallée.
  auto elig = body(http.Get("/api/v1/eligibility/creation?commune=16242&date=2026-06-01"));
  EXPECT_EQ(elig["itinerant_stops_rule"], "ignore");
  EXPECT_FALSE(elig["nearest_itinerant_stop"].is_null());

  // A day's route, and the tour planner.
  auto route = body(http.Get(("/api/v1/places/" + kId + "/route.geojson?date=2026-06-02").c_str()));
  EXPECT_EQ(route["features"][0]["geometry"]["type"], "LineString");
  EXPECT_EQ(route["features"][0]["properties"]["stops"][0]["name"], "Tusson (Place de la poste)");
  auto tour = body(http.Get("/api/v1/plan/tour?base=Ruffec&days=2&max_candidates=10&exact=true&date=2026-06-01"));
  EXPECT_EQ(tour["population_served"], tour["exact"]["value"]);
  EXPECT_GT(tour["geojson"]["features"].size(), 3u);
  auto nobase = http.Get("/api/v1/plan/tour?base=Nulle-Part-sur-Mer");
  EXPECT_EQ(nobase->status, 400);
  EXPECT_EQ(body(nobase)["field"], "base");
  EXPECT_EQ(body(http.Get("/api/v1/plan/tour?base=Ruffec&stop_hours=9&day_hours=8"))["field"], "stop_hours");
}

// Itinerant places on the real binary: the Charente bus imported and shown, a bad timetable refused, coverage in
// time, the funding-call parameter, tours planned (heuristic = exact on a small case), exports read back.
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "seeded_db.hpp"

using maillage::test::json_of;
using maillage::test::run_cli;

namespace {
const std::string kBus = std::string(MAILLAGE_TEST_DATA) + "/../../data/itinerant/bus-france-services-charente.json";
const std::string kBusId = "16292-bus-france-services-emmaus-ruffec";
}  // namespace

TEST(CliItinerant, TheCharenteBusEndToEnd) {
  maillage::test::SeededDb s;
  auto db = " --db " + s.db_path + " --graph " + s.dir.file("g.graph") + " ";
  // A stop with a bad opening_hours string: refused with its name and the parser's reason, nothing written.
  auto bad_json = maillage::test::run_shell(
      "/usr/bin/python3 -c \"import json,sys; d=json.load(open(sys.argv[1])); "
      "d[2]['horaires']='le mercredi matin'; json.dump(d, open(sys.argv[2],'w'))\" " +
      kBus + " " + s.dir.file("bad.json"));
  auto refused = run_cli("itinerant import " + s.dir.file("bad.json") + db);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.out.find("stop 3 'Nanteuil-en-Vallée (Place du Champ de foire)': horaires"), std::string::npos)
      << refused.out;
  EXPECT_NE(refused.out.find("syntax error"), std::string::npos) << refused.out;
  EXPECT_EQ(run_cli("itinerant list" + db).out, "");

  // The real file: one itinerant place with 12 stops (Valence's position corrected, with a warning).
  auto imp = run_cli("itinerant import " + kBus + db);
  ASSERT_EQ(imp.exit_code, 0) << imp.out;
  EXPECT_NE(imp.out.find("with 12 stops"), std::string::npos) << imp.out;
  EXPECT_NE(imp.out.find("Valence"), std::string::npos) << imp.out;
  auto shown = run_cli("places show " + kBusId + db);
  EXPECT_NE(shown.out.find("itinerant: 12 stops, run by Emmaus Ruffec, base Ruffec"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("timetable, 2 weeks from"), std::string::npos);
  auto j = json_of("itinerant show " + kBusId + " --from 2026-06-01 --json" + db);
  EXPECT_EQ(j["stops"].size(), 12u);
  EXPECT_EQ(j["passages"].size(), 16u);  // a fortnight: 12 stops, four of them morning and afternoon
  EXPECT_EQ(j["passages"][0]["date"], "2026-06-01");

  // Coverage: permanent and part-time shares; the bus is not a fixed place.
  auto cov = json_of("coverage --json --date 2026-06-01" + db);
  double permanent = cov["part_time"]["permanent"]["share"], part = cov["part_time"]["part_time"]["share"];
  EXPECT_NEAR(permanent, cov["share"].get<double>(), 1e-9);
  EXPECT_GT(part, 0.001);
  EXPECT_EQ(cov["part_time"]["distinct_windows"], 12);
  EXPECT_EQ(cov["places_open"], json_of("coverage --json --date 2026-06-01 --weeks 1" + db)["places_open"]);
  // One week only (odd): the even week's stops do not count.
  auto odd = json_of("coverage --json --date 2026-06-01 --week 2026-W23" + db);
  EXPECT_LT(odd["part_time"]["part_time"]["population"].get<double>(),
            cov["part_time"]["part_time"]["population"].get<double>() + 1);
  // The nearest place open on Tuesday morning: the stops served then join the fixed places.
  auto tue = json_of("coverage --json --date 2026-06-01 --open-at 'Tu 09:00-12:00'" + db);
  EXPECT_GT(tue["covered"].get<double>(), cov["covered"].get<double>());
  EXPECT_NE(run_cli("coverage --open-at 'mardi matin'" + db).exit_code, 0);

  // The funding call: next to the Nanteuil-en-Vallée stop (22 min from the nearest fixed place). Default
  // (ignore): eligible, the stop named; a call that counts stops: not eligible.
  auto ignore = json_of("ami check-creation --commune 16242 --date 2026-06-01 --json" + db);
  ASSERT_FALSE(ignore["nearest_itinerant_stop"].is_null()) << ignore.dump(1);
  EXPECT_EQ(ignore["itinerant_stops_rule"], "ignore");
  EXPECT_EQ(ignore["verdict"], "eligible");
  EXPECT_NE(ignore["reason"].get<std::string>().find("Nanteuil-en-Vallée (Place du Champ de foire)"), std::string::npos)
      << ignore["reason"];
  EXPECT_NE(ignore["reason"].get<std::string>().find("does not count itinerant stops"), std::string::npos);
  ASSERT_EQ(run_cli("ami add-call --id ami-bus --name 'Appel avec arrêts' --opens 2026-01-01 --closes 2026-12-31 "
                    "--itinerant-stops block" +
                    db)
                .exit_code,
            0);
  auto block = json_of("ami check-creation --commune 16242 --date 2026-06-01 --call ami-bus --json" + db);
  EXPECT_EQ(block["itinerant_stops_rule"], "block");
  EXPECT_EQ(block["verdict"], "not_eligible");
  EXPECT_NE(block["reason"].get<std::string>().find("itinerant_stops = block"), std::string::npos);
  EXPECT_NE(run_cli("ami check-creation --commune 16242 --date 2026-06-01 --call ami-bus" + db)
                .out.find("Itinerant stops within"),
            std::string::npos);

  // Tours from Ruffec, small enough for the exact method: the heuristic finds the optimum; days fit.
  auto tour = json_of("plan tour --base Ruffec --days 2 --max-candidates 10 --exact --date 2026-06-01 --json" + db);
  EXPECT_EQ(tour["population_served"], tour["exact"]["value"]);
  EXPECT_TRUE(tour["exact"]["optimal"].get<bool>());
  for (auto& d : tour["days"]) EXPECT_LE(d["back"].get<std::string>(), "17:00") << d;
  auto cmp = json_of(
      "plan tour --base Ruffec --days 5 --weeks 2 --max-candidates 60 --time-limit 2 --date 2026-06-01 "
      "--department 16 --compare " +
      kBusId + " --json" + db);
  for (auto& st : cmp["stops"]) EXPECT_EQ(st["insee"].get<std::string>().substr(0, 2), "16") << st;
  EXPECT_GT(cmp["compare"]["part_time"]["part_time"]["population"].get<double>(), 0);
  EXPECT_EQ(cmp["stops"][0]["opening_hours"].get<std::string>().substr(0, 13), "week 01-53/2 ");
  auto gj = json_of("plan tour --base Ruffec --days 2 --max-candidates 10 --geojson" + db);
  int routes = 0;
  for (auto& f : gj["features"]) routes += f["properties"]["kind"] == "route";
  EXPECT_EQ(routes, 2);

  // Exports: CSV back in (same stops), iCalendar read by a reference reader (Python's vobject).
  auto csv = s.dir.file("stops.csv");
  maillage::test::run_shell(std::string(MAILLAGE_BIN) + " itinerant export --id " + kBusId + db + " > " + csv);
  auto again = run_cli("itinerant import " + csv + " --id " + kBusId + db);
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_NE(run_cli("itinerant history " + kBusId + db).out.find("replaced 12 stops"), std::string::npos);
  EXPECT_EQ(json_of("itinerant show " + kBusId + " --from 2026-06-01 --json" + db)["passages"], j["passages"]);
  auto ics = s.dir.file("bus.ics");
  maillage::test::run_shell(std::string(MAILLAGE_BIN) +
                            " itinerant export --format ics --from 2026-06-01 --days 14 --id " + kBusId + db + " > " +
                            ics);
  auto read = maillage::test::run_shell(
      "/usr/bin/python3 -c \"import vobject,sys; c=vobject.readOne(open(sys.argv[1])); "
      "print(len(c.vevent_list), c.vevent_list[0].dtstart.value.isoformat())\" " +
      ics);
  EXPECT_NE(read.find("16 2026-06-01T09:30:00"), std::string::npos) << read;
}

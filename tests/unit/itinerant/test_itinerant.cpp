#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/paths.hpp"
#include "helpers.hpp"
#include "itinerant/itinerant.hpp"
#include "db/db.hpp"
#include "registry/store.hpp"
#include "territory/communes.hpp"

using namespace maillage;
using namespace maillage::itinerant;

namespace {
std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string bus_file() { return read(paths::data_file("itinerant/bus-france-services-charente.json")); }
const territory::CommuneTable& communes() { return territory::CommuneTable::bundled(); }
}  // namespace

TEST(Hours, FrenchHolidaysComputed) {
  auto h = french_holidays(2026);
  ASSERT_EQ(h.size(), 11u);
  // Easter 2026 is 5 April: Monday 6 April, Ascension 14 May, Whit Monday 25 May.
  EXPECT_NE(std::find(h.begin(), h.end(), "2026-04-06"), h.end());
  EXPECT_NE(std::find(h.begin(), h.end(), "2026-05-14"), h.end());
  EXPECT_NE(std::find(h.begin(), h.end(), "2026-05-25"), h.end());
  auto h27 = french_holidays(2027);  // Easter 2027: 28 March
  EXPECT_NE(std::find(h27.begin(), h27.end(), "2027-03-29"), h27.end());
  EXPECT_NE(std::find(h27.begin(), h27.end(), "2027-05-17"), h27.end());
}

TEST(Hours, SlotsWithParityAndHolidays) {
  // Odd ISO weeks: 2026-04-06 is week 15 (odd) but Easter Monday; 2026-04-13 week 16 (even); 04-20 week 17.
  auto s = open_slots(with_week_parity("Mo 09:30-12:30,13:30-15:30; PH off", 1), "2026-04-01", 28);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].date, "2026-04-20");
  EXPECT_EQ(s[0].start, 9 * 60 + 30);
  EXPECT_EQ(s[1].end, 15 * 60 + 30);
  EXPECT_EQ(s[0].weekday, 0);
  // Whit Monday (25 May 2026, week 22 even) closed for even weeks; 8 June (week 24) open.
  auto e = open_slots(with_week_parity("Mo 09:30-12:30; PH off", 2), "2026-05-18", 28);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].date, "2026-06-08");
  // Without "PH off" the holiday is a day like another.
  EXPECT_EQ(open_slots("Mo 09:30-12:30", "2026-05-25", 1).size(), 1u);
  // A window over midnight is cut at midnight.
  auto n = open_slots("Fr 22:00-02:00", "2026-06-05", 2);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0].end, 24 * 60);
  EXPECT_EQ(n[1].start, 0);
}

TEST(Hours, ErrorsInWords) {
  EXPECT_EQ(hours_error("Mo 09:30-12:30; PH off"), "");
  EXPECT_NE(hours_error("Mo 09:30-12:30 tous les jours"), "");
  EXPECT_EQ(normalized_hours("Ve 08:45-12:15"), "Fr 08:45-12:15");  // the parser's French variants, normalised
  EXPECT_NE(hours_error(""), "");
  // Found by fuzzing: KOpeningHours 22.12 loops on empty intervals for this one; refused in words, at once.
  EXPECT_NE(hours_error("24:00-24:00").find("no progress"), std::string::npos) << hours_error("24:00-24:00");
  EXPECT_NE(hours_error(std::string(3000, 'M')), "");
  EXPECT_THROW(open_slots("lundi matin", "2026-04-01", 7), Error);
  EXPECT_EQ(week_parity("Semaine impaire"), 1);
  EXPECT_EQ(week_parity("Semaine paire"), 2);
  EXPECT_EQ(week_parity(""), 0);
  EXPECT_EQ(week_parity("un jour sur deux"), -1);
  EXPECT_EQ(with_week_parity("Mo 09:00-12:00; PH off", 2), "week 02-52/2 Mo 09:00-12:00; PH off");
}

TEST(Import, TheCharenteBus) {
  auto t = read_mednum_stops(bus_file(), "bus.json", communes());
  EXPECT_EQ(t.timetable.stops.size(), 12u);
  EXPECT_EQ(t.name, "Bus France Services");
  EXPECT_EQ(t.timetable.base_insee, "16292");  // Ruffec, from "Emmaus Ruffec"
  EXPECT_EQ(t.timetable.stops[0].name, "Saint-Fraigne (Face à la boulangerie)");
  EXPECT_EQ(t.timetable.stops[0].hours, "week 01-53/2 Mo 09:30-12:30,13:30-15:30; PH off");
  // Valence (16392) is geocoded in Provence in the source: placed at its commune's centre, with a warning.
  ASSERT_EQ(t.warnings.size(), 1u);
  EXPECT_NE(t.warnings[0].find("Valence"), std::string::npos) << t.warnings[0];
  EXPECT_GT(t.timetable.stops[3].lat, 45.5);
  EXPECT_NO_THROW(validate(t.timetable, communes()));
  // A fortnight from an odd week's Monday: 12 stops, each once; the bus is somewhere every weekday.
  Itinerant it = t.timetable;
  auto p = passages(it, "2026-06-01", 14);  // week 23 (odd), week 24
  std::set<size_t> seen;
  for (auto& x : p) seen.insert(x.stop);
  EXPECT_EQ(seen.size(), 12u);
  auto h = weekly_hours(it, "2026-06-01", 2);
  EXPECT_NEAR(h[0], 5.0 / 2, 1e-9);                     // 3 h + 2 h every other week
  auto next = next_passage(it, "2026-06-02", 13 * 60);  // Tuesday afternoon, odd week: Tusson's 13:30
  ASSERT_TRUE(next);
  EXPECT_EQ(it.stops[next->stop].insee_code, "16390");
  EXPECT_EQ(next->slot.start, 13 * 60 + 30);
}

TEST(Import, BadHoursNamedWithTheStop) {
  auto j = nlohmann::json::parse(bus_file());
  j[4]["horaires"] = "le vendredi matin";
  try {
    read_mednum_stops(j.dump(), "bus.json", communes());
    FAIL() << "accepted";
  } catch (const StopError& e) {
    EXPECT_EQ(e.index, 5u);
    EXPECT_EQ(e.field, "horaires");
    EXPECT_NE(std::string(e.what()).find("Val de Bonnieure"), std::string::npos) << e.what();
    EXPECT_NE(e.why.find("syntax"), std::string::npos) << e.why;
  }
  j = nlohmann::json::parse(bus_file());
  j[0]["ouverture"] = "Un mardi sur trois";
  EXPECT_THROW(read_mednum_stops(j.dump(), "bus.json", communes()), StopError);
}

TEST(Store, WritesWithHistoryAndRefusesBadStops) {
  test::TempDir dir;
  registry::PlaceStore store(dir.database("s.db"), &communes());
  registry::Place p;
  p.id = "bus", p.name = "Bus", p.insee_code = "16292", p.types = registry::type_bit("itinerant");
  p.lon = 0.196, p.lat = 46.03;
  {
    db::Transaction tx(store.db());
    store.insert(p, store.next_revision(), "test");
    tx.commit();
  }
  auto t = read_mednum_stops(bus_file(), "bus.json", communes());
  t.timetable.place_id = "bus";
  {
    db::Transaction tx(store.db());
    put(store, t.timetable, store.next_revision(), "test");
    tx.commit();
  }
  auto got = get(store.db(), "bus");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->stops.size(), 12u);
  EXPECT_EQ(got->stops[11].hours, t.timetable.stops[11].hours);
  // A second version keeps the first in the history.
  auto shorter = *got;
  shorter.stops.pop_back();
  auto rev = store.revision();
  {
    db::Transaction tx(store.db());
    put(store, shorter, store.next_revision(), "test 2");
    tx.commit();
  }
  EXPECT_GT(store.revision(), rev);
  auto h = history(store.db(), "bus");
  ASSERT_EQ(h.size(), 2u);
  EXPECT_TRUE(h[0].before.is_null());
  EXPECT_EQ(h[1].before["stops"].size(), 12u);
  EXPECT_THROW(store.db().exec("DELETE FROM itinerant_history"), std::exception);
  // Refused, nothing changed: a bad hours string, a position far from its commune, an unknown commune.
  auto bad = shorter;
  bad.stops[2].hours = "le mercredi matin";
  try {
    db::Transaction tx(store.db());
    put(store, bad, store.next_revision(), "test 3");
    FAIL();
  } catch (const StopError& e) {
    EXPECT_EQ(e.index, 3u);
    EXPECT_EQ(e.field, "hours");
  }
  bad = shorter;
  bad.stops[0].lat = 43.45;
  EXPECT_THROW(validate(bad, communes()), StopError);
  bad = shorter;
  bad.stops[0].insee_code = "99999";
  EXPECT_THROW(validate(bad, communes()), StopError);
  EXPECT_EQ(get(store.db(), "bus")->stops.size(), 11u);
  // Only an itinerant place takes a timetable.
  registry::Place fixed = p;
  fixed.id = "fixe", fixed.types = registry::type_bit("coworking");
  {
    db::Transaction tx(store.db());
    store.insert(fixed, store.next_revision(), "test");
    tx.commit();
  }
  shorter.place_id = "fixe";
  db::Transaction tx(store.db());
  EXPECT_THROW(put(store, shorter, store.next_revision(), "t"), StopError);
}

TEST(Exports, CsvRoundTripAndIcal) {
  auto t = read_mednum_stops(bus_file(), "bus.json", communes());
  t.timetable.place_id = "bus";
  auto csv = stops_csv({t.timetable}, communes());
  auto back = read_stops_csv(csv, "stops.csv", communes());
  ASSERT_EQ(back.timetable.stops.size(), 12u);
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(back.timetable.stops[i].hours, t.timetable.stops[i].hours);
    EXPECT_NEAR(back.timetable.stops[i].lon, t.timetable.stops[i].lon, 1e-6);
  }
  auto gj = stops_geojson({t.timetable}, communes());
  EXPECT_EQ(gj["features"].size(), 12u);
  auto ics = stops_ical(t.timetable, "Bus France Services", "2026-06-01", 14);
  size_t events = 0;
  for (size_t pos = 0; (pos = ics.find("BEGIN:VEVENT", pos)) != std::string::npos; ++pos) ++events;
  EXPECT_EQ(events, 16u);  // 12 stops, four of them open morning and afternoon
}

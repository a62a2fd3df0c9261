// `maillage plan tour`: the tours of an itinerant tiers-lieu; and the part-time coverage section of `coverage`.
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "itinerant/itinerant.hpp"
#include "itinerant/sites.hpp"
#include "planning/tour_run.hpp"
#include "db/db.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using nlohmann::json;

void add_part_time_options(CLI::App* c, PartTimeArgs& a) {
  c->add_option("--weeks", a.weeks,
                "itinerant stops: the period, whole weeks from the Monday of --date's week (default 2)")
      ->check(CLI::Range(1, 8));
  c->add_option("--week", a.week, "itinerant stops: one ISO week instead (2026-W49)");
  c->add_option("--min-hours", a.min_hours,
                "part-time coverage: hours a week at a stop within the threshold (default 1)")
      ->check(CLI::Range(0.0, 168.0));
  c->add_option("--open-at", a.open_at,
                "the nearest place open then, e.g. 'Tu 09:00-12:00': fixed places and the "
                "itinerant stops served that weekday and time in the period");
}

PartTime part_time_sites(registry::PlaceStore& store, const std::string& date, const PartTimeArgs& a,
                         std::vector<coverage::Place>& places) {
  auto period = a.week.empty() ? itinerant::period_of(date, a.weeks) : itinerant::period_of_week(a.week);
  PartTime pt{period.monday, period.days, itinerant::timed_sites(itinerant::active(store, date), period)};
  if (!a.open_at.empty()) {
    auto when = coverage::parse_day_time(a.open_at);
    for (auto i : coverage::open_during(pt.sites, when))
      places.push_back({pt.sites[i].id, pt.sites[i].name, pt.sites[i].insee, pt.sites[i].at});
  }
  return pt;
}

void print_part_time(const json& pt) {
  auto pct = [](const json& x) { return 100 * x["share"].get<double>(); };
  std::cout << fmt::format(
      "\nIn time ({} days from {}; {} itinerant stops, {} distinct window sets, one sweep each):\n",
      pt["period_days"].get<int>(), pt["period_from"].get<std::string>(), pt["stops"].get<size_t>(),
      pt["distinct_windows"].get<size_t>());
  std::cout << fmt::format("  permanently (a fixed place within the threshold): {:.0f} ({:.1f} %)\n",
                           pt["permanent"]["population"].get<double>(), pct(pt["permanent"]));
  std::cout << fmt::format("  part-time only (a stop within it, at least {:g} h a week): {:.0f} ({:.1f} %)\n",
                           pt["min_hours_week"].get<double>(), pt["part_time"]["population"].get<double>(),
                           pct(pt["part_time"]));
  std::cout << fmt::format("  a stop within it, but fewer hours: {:.0f}\n", pt["stop_below_min_hours"].get<double>());
  std::cout << "  by weekday (a fixed place, or a stop served that day):";
  for (auto* d : {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
    std::cout << fmt::format(" {} {:.1f} %;", std::string(d).substr(0, 3), pct(pt["by_weekday"][d]));
  std::cout << '\n';
}

namespace {

struct TourArgs {
  std::string base, date, from, ical, compare;
  planning::TourRequest q;
  std::string start = "09:00";
  bool json = false, geojson = false, opening_hours = false;
};

geo::LonLat resolve_base(registry::PlaceStore& store, const std::string& text, std::string& label) {
  if (auto ll = parse_lonlat(text, "--base")) return label = text, *ll;
  auto& communes = territory::CommuneTable::bundled();
  if (auto* c = communes.find(text)) return label = c->name, c->centre;
  auto named = communes.find_by_name(text);
  if (named.size() == 1) return label = named[0]->name, named[0]->centre;
  if (auto p = store.get(text); p && p->lon) return label = p->name, geo::LonLat{*p->lon, *p->lat};
  throw Error(fmt::format("--base: '{}' is not a commune (name or INSEE code), a place id or lon,lat{}", text,
                          named.size() > 1 ? " (several communes have that name: give the INSEE code)" : ""));
}

// The part-time coverage of an itinerant place's real timetable, beside which the plan is shown (--compare).
json compare_with(OpenPlaces& c, const TourArgs& a) {
  auto active = itinerant::active(*c.store, c.date);
  std::vector<itinerant::Active> one;
  for (auto& x : active)
    if (x.place.id == a.compare) one.push_back(x);
  if (one.empty())
    throw Error(fmt::format("--compare: '{}' is no itinerant place open on {} with a timetable", a.compare, c.date));
  auto period = itinerant::period_of(c.date, a.q.weeks);
  auto pt = coverage::part_time(*c.engine, itinerant::timed_sites(one, period),
                                {coverage::threshold_ms(a.q.threshold_min), period.days, a.q.min_hours_week});
  pt.period_from = period.monday;
  return json{{"place_id", a.compare},
              {"place", one[0].place.name},
              {"stops", one[0].timetable.stops.size()},
              {"part_time", coverage::to_json(pt)}};
}

// The plan as text: days, stops, what they bring, and the comparison.
void print_tour(const planning::TourReport& r, const TourArgs& a, const std::string& date, const json& compare) {
  std::cout << fmt::format(
      "Tours from {} ({} days a week, {}-week cycle, {:g} h a day, {:g} h a stop, threshold {:g} "
      "min), places open on {}\n",
      a.q.base_label, a.q.days_per_week, a.q.weeks, a.q.day_hours, a.q.stop_hours, a.q.threshold_min, date);
  std::cout << fmt::format(
      "{:.0f} inhabitants, {:.0f} not covered permanently; {} candidate stops (commune centres "
      "within a day's round trip that reach some of them)\n",
      r.population, r.not_permanent, r.candidates.size());
  std::cout << fmt::format("{:>3} {:>4} {:<3} {:<5} {:<5}  {:<32}{:>10}\n", "day", "week", "", "from", "to", "stop",
                           "gained");
  for (auto& d : r.days) {
    for (auto i : d.stops) {
      auto& s = r.stops[i];
      std::cout << fmt::format("{:>3} {:>4} {:<3} {:<5} {:<5}  {:<32}{:>10.0f}\n", d.day + 1, d.week + 1,
                               std::string(itinerant::day_code(d.weekday)), date::clock_text(s.arrive),
                               date::clock_text(s.depart), r.candidates[s.candidate].name, s.gain);
    }
    std::cout << fmt::format("    day {}: leaves {} , back {} , {:.0f} min driving\n", d.day + 1,
                             date::clock_text(d.leave), date::clock_text(d.back), d.drive_min);
  }
  std::cout << fmt::format(
      "\nPopulation brought within {:g} min of a stop: {:.0f} ({:.1f} % of those not covered "
      "permanently); heuristic {:.2f} s, time matrix {:.2f} s, coverage sets {:.2f} s\n",
      a.q.threshold_min, r.served, r.not_permanent > 0 ? 100 * r.served / r.not_permanent : 0.0, r.solution.seconds,
      r.matrix_seconds, r.sets_seconds);
  if (r.exact)
    std::cout << fmt::format("Exact method: {:.0f}{} ({} feasible days, {:.2f} s)\n", r.exact->value,
                             r.exact->optimal ? " (proven optimal)" : fmt::format(" (bound {:.0f})", r.exact->bound),
                             r.exact->routes, r.exact->seconds);
  if (!compare.is_null())
    std::cout << fmt::format(
        "Today '{}' ({} stops) serves {:.0f} of them part-time (at least {:g} h a week); the plan: "
        "{:.0f}\n",
        compare["place"].get<std::string>(), compare["stops"].get<size_t>(),
        compare["part_time"]["part_time"]["population"].get<double>(), a.q.min_hours_week, r.served);
  for (auto& w : r.warnings) std::cout << "warning: " << w << '\n';
}

}  // namespace

void add_tour_command(CLI::App* plan, Globals& g) {
  auto a = std::make_shared<TourArgs>();
  auto* t = plan->add_subcommand("tour",
                                 "the tours of an itinerant tiers-lieu: stops and days that bring the most "
                                 "people not covered permanently within the threshold of a stop");
  t->add_option("--base", a->base, "where the vehicle sleeps: a commune (name or INSEE code), a place id or lon,lat")
      ->required();
  t->add_option("--days", a->q.days_per_week, "days a week on the road (default 5: Monday to Friday)")
      ->check(CLI::Range(1, 7));
  t->add_option("--weeks", a->q.weeks, "the cycle in weeks (default 1; 2: odd and even weeks differ)")
      ->check(CLI::Range(1, 4));
  t->add_option("--day-hours", a->q.day_hours, "a day, base to base (default 8)");
  t->add_option("--stop-hours", a->q.stop_hours, "at each stop (default 3: a half-day)");
  t->add_option("--start", a->start, "leaving the base (default 09:00)");
  t->add_option("--threshold", a->q.threshold_min, "minutes (default 20)")->check(CLI::Range(1.0, 120.0));
  t->add_option("--min-hours", a->q.min_hours_week,
                "hours a week a stop needs to count as part-time coverage (default 1)");
  t->add_option("--date", a->date, "fixed places open at this date cover permanently (default: today)");
  t->add_flag("--exact", a->q.exact, "also solve exactly (every feasible day enumerated, then CBC): small instances");
  t->add_option("--time-limit", a->q.time_limit_s, "seconds for the heuristic (default 10; the exact method 6x)");
  t->add_option("--max-candidates", a->q.max_candidates, "commune centres considered, nearest first (default 400)");
  t->add_option("--department", a->q.departments, "stops only in these departments (repeat or comma-separated: 16,86)")
      ->delimiter(',');
  t->add_option("--compare", a->compare,
                "an itinerant place: the population its timetable serves today, beside the plan's");
  t->add_flag("--json", a->json, "JSON output");
  t->add_flag("--geojson", a->geojson, "GeoJSON: the base, the stops and each day's route on the road graph");
  t->add_flag("--opening-hours", a->opening_hours, "one line per stop: commune;opening_hours");
  t->add_option("--ical", a->ical, "write the timetable's passages (8 weeks from --from) as iCalendar to this file");
  t->add_option("--from", a->from, "--ical: first day (default: today)");
  t->callback([&g, a] {
    int h = 0, m = 0;
    char tail;
    if (std::sscanf(a->start.c_str(), "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
      throw Error("--start: HH:MM");
    a->q.start_minute = h * 60 + m;
    auto c = open_places_engine(g, a->date);
    a->q.base = resolve_base(*c.store, a->base, a->q.base_label);
    auto r = planning::plan_tour(*c.engine, a->q);
    json compare = a->compare.empty() ? json(nullptr) : compare_with(c, *a);
    if (!a->ical.empty()) {
      itinerant::Itinerant it;
      it.place_id = "plan";
      for (auto& s : r.stops) {
        auto& cand = r.candidates[s.candidate];
        it.stops.push_back({cand.name, cand.insee, "", s.hours, "", cand.at.lon, cand.at.lat});
      }
      std::ofstream out(a->ical, std::ios::binary);
      out << itinerant::stops_ical(it, "Tournée planifiée depuis " + a->q.base_label,
                                   a->from.empty() ? date::today() : a->from, 56);
      if (!out) throw Error("--ical: cannot write " + a->ical);
    }
    if (a->geojson) {
      std::cout << planning::to_geojson(r, *c.graph, *c.snapper).dump() << '\n';
      return;
    }
    if (a->opening_hours) {
      for (auto& s : r.stops) std::cout << r.candidates[s.candidate].name << ';' << s.hours << '\n';
      return;
    }
    auto j = planning::to_json(r);
    if (!compare.is_null()) j["compare"] = compare;
    if (a->json) {
      std::cout << j.dump(1) << '\n';
      return;
    }
    print_tour(r, *a, c.date, compare);
  });
}

}  // namespace maillage::cli

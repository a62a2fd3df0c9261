// Coverage and indicators over HTTP: the summary, the cells and zones blanches as GeoJSON, the indicators with
// their history. The coverage bodies are cached by (a fingerprint of the places and stops they read, parameters),
// the others by (registry revision, parameters): an edit the coverage does not read keeps its bodies, and one
// that moves a place costs the engine's repair and the report (docs/scale.md, issue #30).
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "coverage/service_areas.hpp"
#include "planning/run.hpp"
#include "coverage/part_time.hpp"
#include "coverage/serialize.hpp"
#include "itinerant/sites.hpp"

namespace maillage::api::coverage_api {

namespace {

// The itinerant stops of the places open at `d` over the period the request names (weeks, or one ISO week).
struct Timed {
  itinerant::Period period;
  std::vector<coverage::TimedSite> sites;
};
Timed timed_sites(const Call& c, const std::string& d) {
  auto week = q(c.r, "week");
  itinerant::Period period;
  try {
    period = week.empty() ? itinerant::period_of(d, static_cast<int>(q_number(c.r, "weeks", 2, 1, 8)))
                          : itinerant::period_of_week(week);
  } catch (const Error& e) {
    throw bad("week", e.what());
  }
  StoreLease l(c.s);
  return {period, itinerant::timed_sites(itinerant::active(*c.s.store, d), period)};
}

// The fixed places open at a date, and the fingerprint of what the coverage reads of them.
struct Inputs {
  std::vector<coverage::Place> places;
  std::string places_fp;
};
Inputs inputs(const Call& c, const std::string& d) {
  Inputs in{open_places(c.s, d), {}};
  in.places_fp = fingerprint(in.places);
  return in;
}
// The itinerant stops and their windows, as text for a fingerprint.
std::string timed_text(const Timed& t) {
  std::string out = fmt::format("{}+{}", t.period.monday, t.period.days);
  for (auto& site : t.sites) {
    fmt::format_to(std::back_inserter(out), "|{}:{}{}:{}{}:{}{:a},{:a}", site.id.size(), site.id, site.name.size(),
                   site.name, site.insee.size(), site.insee, site.at.lon, site.at.lat);
    for (auto& w : site.windows) fmt::format_to(std::back_inserter(out), ";{},{},{}", w.day, w.start, w.end);
  }
  return out;
}

Response geojson(const Call& c, bool zones) {
  auto& s = c.s;
  auto d = q_date(c.r);
  double t = q_number(c.r, "threshold", 20, 1, 600);
  auto rev = s.revision();
  auto open_at = q(c.r, "open_at");
  if (!open_at.empty()) {  // the nearest place open then: fixed places and the stops served that weekday and time
    if (zones) throw bad("open_at", "only for cells.geojson");
    coverage::DayTime when;
    try {
      when = coverage::parse_day_time(open_at);
    } catch (const Error& e) {
      throw bad("open_at", e.what());
    }
    auto key = fmt::format("cells-open|{}|{}|{}|{}|{}|{}", rev, d, coverage::threshold_ms(t), open_at, q(c.r, "weeks"),
                           q(c.r, "week"));
    auto body = cached(s, key, [&] {
      auto timed = timed_sites(c, d);
      auto places = open_places(s, d);
      for (auto i : coverage::open_during(timed.sites, when))
        places.push_back({timed.sites[i].id, timed.sites[i].name, timed.sites[i].insee, timed.sites[i].at});
      std::lock_guard l(s.engine_mu);
      s.engine->compute(places);
      s.engine_key = key;  // not the plain engine of the date: the next with_engine recomputes
      return coverage::cells_geojson(*s.engine, places, t).dump();
    });
    return {200, "application/json", *body, {}};
  }
  // part_time=true: each cell also says how it is covered (permanent, part_time, none) and the hours a week of
  // the stops within the threshold.
  bool in_time = !zones && q_bool(c.r, "part_time");
  double min_hours = q_number(c.r, "min_hours", 1, 0, 168);
  Timed timed;
  if (in_time) timed = timed_sites(c, d);
  auto in = inputs(c, d);
  auto key = fmt::format("{}|{}|{}|{}|{}|{}", zones ? "zones" : "cells", in.places_fp, d, coverage::threshold_ms(t),
                         min_hours, in_time ? fingerprint({}, timed_text(timed)) : "");
  auto body = cached(s, key, [&] {
    return with_engine_for(
        s, in.places, in.places_fp, [&](coverage::Engine& e, const std::vector<coverage::Place>& places) {
          if (in_time) {
            auto fc = coverage::cells_geojson(e, places, t);
            auto pt = coverage::part_time(e, timed.sites, {coverage::threshold_ms(t), timed.period.days, min_hours});
            static const char* kState[] = {"none", "part_time", "permanent"};
            auto& features = fc["features"];
            for (size_t i = 0; i < features.size() && i < pt.state.size(); ++i) {
              features[i]["properties"]["coverage"] = kState[pt.state[i]];
              features[i]["properties"]["hours_week"] = std::round(pt.hours_week[i] * 100) / 100;
            }
            return fc.dump();
          }
          if (!zones) return coverage::cells_geojson(e, places, t).dump();
          auto rep = coverage::build_report(e, places, d, t, s.error_median);
          if (!rep.zones.empty()) zone_suggester(s, coverage::threshold_ms(t))->suggest(rep);
          return coverage::zones_geojson(e, rep).dump();
        });
  });
  return {200, "application/json", *body, {}};
}

}  // namespace

Response isochrones(const Call& c) {
  auto& s = c.s;
  auto d = q_date(c.r);
  std::vector<double> breaks;
  try {
    breaks = coverage::parse_breaks(q(c.r, "breaks", "10,20,30"));
  } catch (const Error& e) {
    throw bad("breaks", e.what());
  }
  auto place = q(c.r, "place");
  if (place.size() > 100) throw bad("place", "a place id has at most 100 bytes");
  auto rev = s.revision();
  std::string key = fmt::format("isochrones|{}|{}|{}|{}", rev, d, q(c.r, "breaks", "10,20,30"), place);
  auto body = cached(s, key, [&] {
    return with_engine(s, d, [&](coverage::Engine& e, const std::vector<coverage::Place>& places) {
      return coverage::service_areas_geojson(coverage::service_areas(e, places, breaks, place)).dump();
    });
  });
  return {200, "application/json", *body, {}};
}

Response summary(const Call& c) {
  auto& s = c.s;
  auto d = q_date(c.r);
  double t = q_number(c.r, "threshold", 20, 1, 600);
  bool communes = q_bool(c.r, "communes");
  double min_hours = q_number(c.r, "min_hours", 1, 0, 168);
  auto rev = s.revision();
  auto timed = timed_sites(c, d);
  auto in = inputs(c, d);
  // Cached without the revision (the last field, added to each answer): the same places give the same body.
  auto key = fmt::format("coverage|{}|{}|{}|{}|{}|{}", in.places_fp, d, coverage::threshold_ms(t), communes, min_hours,
                         fingerprint({}, timed_text(timed)));
  auto body = cached(s, key, [&] {
    return with_engine_for(
        s, in.places, in.places_fp, [&](coverage::Engine& e, const std::vector<coverage::Place>& places) {
          auto rep = coverage::build_report(e, places, d, t, s.error_median);
          if (!rep.zones.empty()) zone_suggester(s, coverage::threshold_ms(t))->suggest(rep);
          auto pt = coverage::part_time(e, timed.sites, {coverage::threshold_ms(t), timed.period.days, min_hours});
          pt.period_from = timed.period.monday;
          auto text =
              coverage::report_text(rep, places, communes, s.zone_texts, {{"part_time", coverage::to_json(pt)}});
          text.pop_back();  // the closing brace
          return text;
        });
  });
  return {200, "application/json", fmt::format("{},\"registry_revision\":{}}}", *body, rev), {}};
}

Response cells(const Call& c) { return geojson(c, false); }
Response zones(const Call& c) { return geojson(c, true); }

Response indicators(const Call& c) {
  auto& s = c.s;
  auto d = q_date(c.r);
  double t = q_number(c.r, "threshold", 20, 1, 600);
  bool history = c.r.query.count("history") ? q_bool(c.r, "history") : true;
  auto rev = s.revision();
  auto body = cached(s, fmt::format("indicators|{}|{}|{}|{}", rev, d, coverage::threshold_ms(t), history), [&] {
    std::vector<registry::Place> all;
    {
      StoreLease l(s);
      all = s.store->list({});
    }
    std::lock_guard l(s.engine_mu);
    s.engine_key.clear();  // the history recomputes the engine for other dates
    auto ind = coverage::compute_indicators(all, d, history ? s.engine.get() : nullptr, t, history);
    return coverage::indicators_json(ind, rev).dump();
  });
  return {200, "application/json", *body, {}};
}

}  // namespace maillage::api::coverage_api

// Coverage and indicators over HTTP: the summary, the cells and zones blanches as GeoJSON, the indicators with
// their history. Bodies are cached by (registry revision, parameters).
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "coverage/service_areas.hpp"
#include "planning/run.hpp"
#include "coverage/serialize.hpp"

namespace maillage::api::coverage_api {

namespace {

Response geojson(const Call& c, bool zones) {
  auto& s = c.s;
  only(c.r, {"date", "threshold"});
  auto d = q_date(c.r);
  double t = q_number(c.r, "threshold", 20, 1, 600);
  auto rev = s.revision();
  auto body = cached(s, fmt::format("{}|{}|{}|{}", zones ? "zones" : "cells", rev, d, coverage::threshold_ms(t)), [&] {
    return with_engine(s, d, rev, [&](coverage::Engine& e, const std::vector<coverage::Place>& places) {
      if (!zones) return coverage::cells_geojson(e, places, t).dump();
      auto rep = coverage::build_report(e, places, d, t, s.error_median);
      planning::suggest_zone_sites(e, rep, coverage::threshold_ms(t));
      return coverage::zones_geojson(e, rep).dump();
    });
  });
  return {200, "application/json", *body, {}};
}

}  // namespace

Response isochrones(const Call& c) {
  auto& s = c.s;
  only(c.r, {"date", "breaks", "place"});
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
    return with_engine(s, d, rev, [&](coverage::Engine& e, const std::vector<coverage::Place>& places) {
      return coverage::service_areas_geojson(coverage::service_areas(e, places, breaks, place)).dump();
    });
  });
  return {200, "application/json", *body, {}};
}

Response summary(const Call& c) {
  auto& s = c.s;
  only(c.r, {"date", "threshold", "communes"});
  auto d = q_date(c.r);
  double t = q_number(c.r, "threshold", 20, 1, 600);
  bool communes = q_bool(c.r, "communes");
  auto rev = s.revision();
  auto body = cached(s, fmt::format("coverage|{}|{}|{}|{}", rev, d, coverage::threshold_ms(t), communes), [&] {
    return with_engine(s, d, rev, [&](coverage::Engine& e, const std::vector<coverage::Place>& places) {
      auto rep = coverage::build_report(e, places, d, t, s.error_median);
      planning::suggest_zone_sites(e, rep, coverage::threshold_ms(t));
      auto j = coverage::report_json(rep, places, communes);
      j["registry_revision"] = rev;
      return j.dump();
    });
  });
  return {200, "application/json", *body, {}};
}

Response cells(const Call& c) { return geojson(c, false); }
Response zones(const Call& c) { return geojson(c, true); }

Response indicators(const Call& c) {
  auto& s = c.s;
  only(c.r, {"date", "threshold", "history"});
  auto d = q_date(c.r);
  double t = q_number(c.r, "threshold", 20, 1, 600);
  bool history = c.r.query.count("history") ? q_bool(c.r, "history") : true;
  auto rev = s.revision();
  auto body = cached(s, fmt::format("indicators|{}|{}|{}|{}", rev, d, coverage::threshold_ms(t), history), [&] {
    std::vector<registry::Place> all;
    {
      std::lock_guard l(s.store_mu);
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

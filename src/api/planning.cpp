// Planning over HTTP: best k new sites, the cover, and the criticality of open places (cached by revision).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "planning/run.hpp"

namespace maillage::api::planning_api {

using nlohmann::json;

namespace {

json criticality_json(coverage::Engine& e, const std::vector<coverage::Place>& places, const std::string& d, double t,
                      State& s) {
  auto res = planning::criticality(e, places, coverage::threshold_ms(t));
  s.engine_key.clear();  // criticality recomputes the engine without each place
  std::sort(res.begin(), res.end(), [](auto& x, auto& y) { return x.sole_population > y.sole_population; });
  json arr = json::array();
  for (auto& c : res)
    arr.push_back({{"id", places[c.place].id},
                   {"name", places[c.place].name},
                   {"sole_population", c.sole_population},
                   {"users", c.users},
                   {"added_minutes", std::round(c.added_minutes * 100) / 100},
                   {"stranded", c.stranded}});
  return json{{"date", d}, {"threshold_minutes", t}, {"places", arr}};
}

Response plan(const Call& c, const std::string& what) {
  auto& s = c.s;
  auto d = q_date(c.r);
  double t = q_number(c.r, "threshold", 20, 1, 600);
  planning::PlanRequest pq;
  pq.threshold = coverage::threshold_ms(t);
  pq.cover = what == "cover";
  pq.k = static_cast<size_t>(q_number(c.r, "k", 10, 1, c.limits.max_k));
  pq.exact = what == "best" && q_bool(c.r, "exact");
  pq.time_limit_s = q_number(c.r, "time_limit", 20, 1, c.limits.max_time_limit_s);
  auto format = q(c.r, "format", "json");
  if (format != "json" && format != "geojson") throw bad("format", "expected json or geojson");
  auto rev = s.revision();
  auto key = fmt::format("plan|{}|{}|{}|{}|{}|{}|{}|{}", what, rev, d, pq.threshold, pq.k, pq.exact,
                         std::lround(pq.time_limit_s * 1000), format);
  auto body = cached(s, key, [&] {
    static const auto candidates = planning::load_candidates("communes");
    return with_engine(s, d, [&](coverage::Engine& e, const std::vector<coverage::Place>& places) {
      if (what == "criticality") return criticality_json(e, places, d, t, s).dump();
      auto rep = planning::plan(e, candidates, pq);
      if (format == "geojson") return planning::to_geojson(rep, candidates).dump();
      auto j = planning::to_json(rep, candidates);
      j["date"] = d, j["threshold_minutes"] = t, j["candidates"] = "communes", j["open_places"] = places.size();
      return j.dump();
    });
  });
  return {200, "application/json", *body, {}};
}

}  // namespace

Response best(const Call& c) { return plan(c, "best"); }
Response cover(const Call& c) { return plan(c, "cover"); }
Response criticality(const Call& c) { return plan(c, "criticality"); }

}  // namespace maillage::api::planning_api

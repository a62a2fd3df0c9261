#pragma once
// One planning run (best k, cover) from a coverage engine already computed for the open places: candidates,
// coverage sets, greedy (and the exact method on request), and its report in JSON and GeoJSON. Used by the CLI and
// the HTTP API alike.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "coverage/coverage.hpp"
#include "planning/exact.hpp"
#include "planning/planning.hpp"

namespace maillage::planning {

// "communes" (commune centres), "grid" (1 km cells) or the path of a CSV file (id, name, lon, lat).
std::vector<Candidate> load_candidates(const std::string& what);

struct PlanRequest {
  roads::Millis threshold = 0;
  size_t k = 10;       // best k (ignored by cover)
  bool cover = false;  // until every coverable inhabitant is covered
  bool exact = false;  // best k: the exact method
  double time_limit_s = 60;
};

struct PlanSite {
  uint32_t candidate = 0;
  double gain = 0, covered = 0, share = 0;
};

struct PlanReport {
  std::string method;
  double population = 0, covered_before = 0, uncoverable = 0;
  std::vector<PlanSite> sites;
  double sets_seconds = 0, seconds = 0;
  std::optional<ExactResult> exact;
  double greedy_covered = 0;  // with --exact: what the greedy choice covered
};

// `engine` must have been computed for the open places (their coverage is fixed).
PlanReport plan(const coverage::Engine& engine, const std::vector<Candidate>& candidates, const PlanRequest& request);

nlohmann::json to_json(const PlanReport& r, const std::vector<Candidate>& candidates);

// For each zone blanche of the report, the one candidate that would bring most of the zone's population within
// the threshold, with that population (the zone's own cells only: what the site would do for this zone).
// Candidates: the commune centres. Their coverage sets do not depend on the open places: a ZoneSuggester computes
// them once for a threshold (region, 4,293 communes: 0.12–0.15 s on 2 threads) and answers every later report
// from them (the server); suggest_zone_sites computes the sets for one report and makes one pass over them (the
// CLI's single report, and the reference the tests compare ZoneSuggester with). Returns the seconds the sets took.
double suggest_zone_sites(const coverage::Engine& engine, coverage::Report& report, roads::Millis threshold);

class ZoneSuggester {
 public:
  ZoneSuggester(const coverage::Engine& engine, roads::Millis threshold);
  // Fills each zone's `suggested`. Reads only the zones' points: each point lists the candidates reaching it (the
  // sets transposed), so a report costs the zones' size, not the sets' (2.6 M entries on the region). The gains
  // add the same populations in the same order as one pass over the sets would, so the choice is the same to the
  // last bit, the first candidate of equals kept.
  void suggest(coverage::Report& report) const;
  roads::Millis threshold() const { return threshold_; }
  double seconds() const { return seconds_; }           // what the sets took to compute
  size_t entries() const { return candidate_.size(); }  // (candidate, point) pairs: 4 bytes each

 private:
  roads::Millis threshold_;
  std::vector<Candidate> candidates_;
  std::vector<double> population_;           // by point
  std::vector<uint32_t> first_, candidate_;  // CSR: point -> candidates whose set holds it, in candidate order
  double seconds_ = 0;
};
// The chosen sites as points, with rank, gains and shares.
nlohmann::json to_geojson(const PlanReport& r, const std::vector<Candidate>& candidates);

}  // namespace maillage::planning

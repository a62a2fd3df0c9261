#include "planning/run.hpp"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include <fmt/format.h>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"

namespace maillage::planning {

using nlohmann::json;

std::vector<Candidate> load_candidates(const std::string& what) {
  std::vector<Candidate> out;
  auto& communes = territory::CommuneTable::bundled();
  if (what == "communes") {
    for (auto& c : communes.all()) out.push_back({c.code, c.name, c.code, c.centre});
  } else if (what == "grid") {
    for (auto& p : territory::bundled_points(territory::PopulationSource::Grid).points)
      out.push_back({p.id, p.insee.empty() ? p.id : communes.find(p.insee)->name, p.insee, p.at});
  } else {
    auto t = csv::read(what);
    int c_id = t.column("id"), c_name = t.column("name"), c_lon = t.column("lon"), c_lat = t.column("lat");
    if (c_lon < 0 || c_lat < 0)
      throw InputError(Location{what, 1, 0, {}}, "expected columns lon and lat (and id, name)");
    for (auto& r : t.rows) {
      double lon = 0, lat = 0;
      if (!text::parse_double(r.fields[c_lon], lon) || lon < -180 || lon > 180)
        throw InputError(Location{what, r.line, c_lon + 1, "lon"},
                         fmt::format("'{}' is not a longitude", r.fields[c_lon]));
      if (!text::parse_double(r.fields[c_lat], lat) || lat < -90 || lat > 90)
        throw InputError(Location{what, r.line, c_lat + 1, "lat"},
                         fmt::format("'{}' is not a latitude", r.fields[c_lat]));
      std::string id = c_id >= 0 ? r.fields[c_id] : std::to_string(r.line);
      out.push_back({id, c_name >= 0 ? r.fields[c_name] : id, "", {lon, lat}});
    }
  }
  return out;
}

PlanReport plan(const coverage::Engine& engine, const std::vector<Candidate>& cands, const PlanRequest& q) {
  auto t0 = std::chrono::steady_clock::now();
  auto& pts = engine.points().points;
  std::vector<double> pop;
  std::vector<uint8_t> covered;
  pop.reserve(pts.size()), covered.reserve(pts.size());
  for (size_t i = 0; i < pts.size(); ++i) {
    pop.push_back(pts[i].population);
    covered.push_back(engine.point_times()[i].within(q.threshold));
  }
  auto sets = coverage_sets(engine.graph(), engine.snapper(), engine.point_snaps(), cands, q.threshold);
  PlanReport out;
  out.sets_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto r = greedy(sets, pop, covered, q.cover ? 0 : q.k);
  out.population = r.population, out.covered_before = r.covered_before, out.uncoverable = r.uncoverable;
  out.method = "greedy with lazy gain updates (at least 1 - 1/e of the optimum)";
  out.greedy_covered = r.steps.empty() ? r.covered_before : r.steps.back().covered;
  if (q.exact && !q.cover) {
    out.method = "exact (Lagrangian bound and reduced-cost fixing, then COIN-OR CBC)";
    std::vector<uint32_t> warm;
    for (auto& s : r.steps) warm.push_back(s.candidate);
    auto x = best_k_exact(sets, pop, covered, q.k, q.time_limit_s, warm);
    // The chosen sites ordered by marginal gain (greedy among them).
    CoverageSets sub;
    sub.first.push_back(0);
    for (auto c : x.chosen) {
      sub.point.insert(sub.point.end(), sets.point.begin() + sets.first[c], sets.point.begin() + sets.first[c + 1]);
      sub.first.push_back(static_cast<uint32_t>(sub.point.size()));
    }
    auto ordered = greedy(sub, pop, covered, 0);
    r.steps.clear();
    for (auto& s : ordered.steps) r.steps.push_back({x.chosen[s.candidate], s.gain, s.covered});
    out.exact = std::move(x);
  }
  for (auto& s : r.steps)
    out.sites.push_back({s.candidate, s.gain, s.covered, r.population > 0 ? s.covered / r.population : 0});
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

namespace {
json site_json(const PlanSite& s, size_t rank, const Candidate& c) {
  return {{"rank", rank},
          {"id", c.id},
          {"name", c.name},
          {"insee", c.insee},
          {"lon", c.at.lon},
          {"lat", c.at.lat},
          {"added_population", s.gain},
          {"covered", s.covered},
          {"share", s.share}};
}
}  // namespace

double suggest_zone_sites(const coverage::Engine& engine, coverage::Report& report, roads::Millis threshold) {
  if (report.zones.empty()) return 0;
  auto t0 = std::chrono::steady_clock::now();
  auto cands = load_candidates("communes");
  auto sets = coverage_sets(engine.graph(), engine.snapper(), engine.point_snaps(), cands, threshold);
  auto& pts = engine.points().points;
  // Zone of each point (or none), then one pass over the sets: gain of each candidate for each zone it touches.
  std::vector<int32_t> zone_of(pts.size(), -1);
  for (size_t z = 0; z < report.zones.size(); ++z)
    for (auto i : report.zones[z].point_indices) zone_of[i] = static_cast<int32_t>(z);
  std::vector<double> best(report.zones.size(), 0);
  std::vector<uint32_t> best_c(report.zones.size(), roads::kInvalid);
  std::unordered_map<int32_t, double> gain;
  for (uint32_t c = 0; c < cands.size(); ++c) {
    gain.clear();
    for (uint32_t k = sets.first[c]; k < sets.first[c + 1]; ++k)
      if (auto z = zone_of[sets.point[k]]; z >= 0) gain[z] += pts[sets.point[k]].population;
    for (auto& [z, g] : gain)
      if (g > best[z]) best[z] = g, best_c[z] = c;  // candidates in id order: the first of equals is kept
  }
  for (size_t z = 0; z < report.zones.size(); ++z)
    if (best_c[z] != roads::kInvalid) {
      auto& c = cands[best_c[z]];
      report.zones[z].suggested = coverage::ZoneSite{c.id, c.name, c.insee, c.at, best[z]};
    }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

ZoneSuggester::ZoneSuggester(const coverage::Engine& engine, roads::Millis threshold)
    : threshold_(threshold), candidates_(load_candidates("communes")) {
  auto t0 = std::chrono::steady_clock::now();
  auto sets = coverage_sets(engine.graph(), engine.snapper(), engine.point_snaps(), candidates_, threshold);
  auto& pts = engine.points().points;
  population_.reserve(pts.size());
  for (auto& p : pts) population_.push_back(p.population);
  first_.assign(pts.size() + 1, 0);
  for (auto p : sets.point) ++first_[p + 1];
  for (size_t i = 1; i < first_.size(); ++i) first_[i] += first_[i - 1];
  candidate_.resize(sets.point.size());
  auto at = first_;
  for (uint32_t c = 0; c + 1 < sets.first.size(); ++c)  // candidates in order: each point's list comes sorted
    for (uint32_t k = sets.first[c]; k < sets.first[c + 1]; ++k) candidate_[at[sets.point[k]]++] = c;
  seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void ZoneSuggester::suggest(coverage::Report& report) const {
  std::vector<uint32_t> pts, touched;
  std::vector<double> gain(candidates_.size(), 0);
  for (auto& zone : report.zones) {
    // Points in increasing order: each candidate's gain adds them in the order of its set (sorted by point).
    pts = zone.point_indices;
    std::sort(pts.begin(), pts.end());
    touched.clear();
    for (auto p : pts)
      for (uint32_t k = first_[p]; k < first_[p + 1]; ++k) {
        auto c = candidate_[k];
        if (gain[c] == 0) touched.push_back(c);
        gain[c] += population_[p];
      }
    double best = 0;
    uint32_t best_c = roads::kInvalid;
    for (auto c : touched) {
      if (gain[c] > best || (gain[c] == best && best_c != roads::kInvalid && c < best_c)) best = gain[c], best_c = c;
      gain[c] = 0;
    }
    zone.suggested.reset();
    if (best_c != roads::kInvalid) {
      auto& c = candidates_[best_c];
      zone.suggested = coverage::ZoneSite{c.id, c.name, c.insee, c.at, best};
    }
  }
}

json to_json(const PlanReport& r, const std::vector<Candidate>& cands) {
  json sites = json::array();
  for (size_t i = 0; i < r.sites.size(); ++i)
    sites.push_back(site_json(r.sites[i], i + 1, cands[r.sites[i].candidate]));
  json out{{"method", r.method},
           {"population", r.population},
           {"covered_by_open_places", r.covered_before},
           {"share_before", r.population > 0 ? r.covered_before / r.population : 0},
           {"uncoverable", r.uncoverable},
           {"sites", sites},
           {"coverage_sets_seconds", r.sets_seconds},
           {"seconds", r.seconds}};
  if (r.exact) {
    auto& x = *r.exact;
    json e{{"optimal", x.optimal},
           {"covered", x.covered},
           {"greedy_covered", r.greedy_covered},
           {"seconds", x.seconds},
           {"candidates", x.candidates},
           {"undominated_candidates", x.undominated},
           {"merged_elements", x.elements},
           {"lagrangian_iterations", x.lagrangian_iterations},
           {"candidates_kept_for_cbc", x.kept},
           {"cbc_columns", x.variables}};
    if (x.has_bound) e["bound"] = x.bound, e["gap"] = x.gap;
    out["exact"] = e;
  }
  return out;
}

json to_geojson(const PlanReport& r, const std::vector<Candidate>& cands) {
  json features = json::array();
  for (size_t i = 0; i < r.sites.size(); ++i) {
    auto& c = cands[r.sites[i].candidate];
    json props = site_json(r.sites[i], i + 1, c);
    props.erase("lon"), props.erase("lat");
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "Point"}, {"coordinates", {c.at.lon, c.at.lat}}}},
                        {"properties", props}});
  }
  return {{"type", "FeatureCollection"}, {"features", features}};
}

}  // namespace maillage::planning

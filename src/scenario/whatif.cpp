#include "scenario/whatif.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "territory/communes.hpp"

namespace maillage::scenario {

using roads::kInfinity;
using roads::kInvalid;

namespace {
Millis plus(Millis a, Millis b) { return a == kInfinity || b == kInfinity ? kInfinity : a + b; }
}  // namespace

WhatIf::WhatIf(const roads::RoadGraph& g, const routing::Snapper& snapper, const territory::PopulationPoints& points,
               const std::vector<routing::Snap>& point_snaps, Millis threshold, Millis cap)
    : g_(g), snapper_(snapper), points_(points), snaps_(point_snaps), threshold_(threshold),
      cap_(std::max(cap, threshold)), search_(g) {
  const size_t n = points.points.size();
  points_of_node_.resize(g.node_count());
  for (uint32_t i = 0; i < n; ++i) {
    auto& s = snaps_[i];
    if (!s.ok) continue;
    auto a = g.edge_from[s.edge], b = g.edge_to[s.edge];
    points_of_node_[a].push_back(i);
    if (b != a) points_of_node_[b].push_back(i);
    points_on_edge_.emplace(s.edge, i);
  }
  at_point_.resize(n);
  best_.assign(n, kInfinity);
  best_slot_.assign(n, kInvalid);
  stamp_.assign(n, 0);
  before_.assign(n, kInfinity);
  for (auto& p : points.points) deps_.push_back(p.dep);
  std::sort(deps_.begin(), deps_.end());
  deps_.erase(std::unique(deps_.begin(), deps_.end()), deps_.end());
  dep_of_.resize(n);
  population_dep_.assign(deps_.size(), 0);
  covered_dep_.assign(deps_.size(), 0);
  for (uint32_t i = 0; i < n; ++i) {
    dep_of_[i] = static_cast<uint16_t>(std::lower_bound(deps_.begin(), deps_.end(), points.points[i].dep) - deps_.begin());
    population_dep_[dep_of_[i]] += points.points[i].population;
    population_ += points.points[i].population;
  }
}

void WhatIf::reach_of(Slot& slot) {
  slot.reach.clear();
  auto site = snapper_.snap(slot.site.at);
  if (!site.ok) return;
  std::vector<roads::NodeId> settled;
  search_.run_until(routing::snap_sources(g_, site, routing::Direction::Backward, 0), routing::Direction::Backward, cap_,
                    false, [&](roads::NodeId v, Millis) {
                      settled.push_back(v);
                      return true;
                    });
  ++epoch_;
  std::vector<uint32_t> candidates;
  auto consider = [&](uint32_t p) {
    if (stamp_[p] != epoch_) stamp_[p] = epoch_, candidates.push_back(p);
  };
  for (auto v : settled)
    for (auto p : points_of_node_[v]) consider(p);
  auto same = points_on_edge_.equal_range(site.edge);
  for (auto it = same.first; it != same.second; ++it) consider(it->second);
  for (auto p : candidates) {
    auto& s = snaps_[p];
    Millis t = kInfinity;
    auto to = g_.edge_to[s.edge], from = g_.edge_from[s.edge];
    // As NearestPlaces::from: via the edge's ends, or directly along a shared edge.
    if (search_.time(to) <= cap_) t = std::min(t, plus(s.to_to, search_.time(to)));
    if (search_.time(from) <= cap_) t = std::min(t, plus(s.to_from, search_.time(from)));
    if (s.edge == site.edge) t = std::min(t, plus(routing::along_edge(g_, s.edge, s.t, site.t), site.access_ms));
    t = plus(t, s.access_ms);
    if (t <= cap_) slot.reach.push_back({p, t});
  }
}

void WhatIf::begin() {
  ++epoch_;
  touched_.clear();
}

void WhatIf::record(uint32_t p) {
  if (stamp_[p] == epoch_) return;
  stamp_[p] = epoch_;
  before_[p] = best_[p];
  touched_.push_back(p);
}

void WhatIf::open_slot(uint32_t k) {
  auto& slot = slots_[k];
  reach_of(slot);  // uses its own epoch: begin() after it
  slot.open = true;
}

void WhatIf::close_slot(uint32_t k) {
  auto& slot = slots_[k];
  for (auto [p, t] : slot.reach) {
    auto& v = at_point_[p];
    v.erase(std::find_if(v.begin(), v.end(), [&](auto& e) { return e.second == k; }));
    if (best_slot_[p] != k) continue;
    record(p);
    best_[p] = kInfinity, best_slot_[p] = kInvalid;
    for (auto& [tt, kk] : v)
      if (tt < best_[p] || (tt == best_[p] && kk < best_slot_[p])) best_[p] = tt, best_slot_[p] = kk;
  }
  slot.reach.clear();
  slot.reach.shrink_to_fit();
  slot.open = false;
}

Delta WhatIf::finish(std::chrono::steady_clock::time_point t0) {
  Delta d;
  std::vector<double> dep_change(deps_.size(), 0);
  for (auto p : touched_) {
    Millis old = before_[p], now = best_[p];
    if (old == now) continue;
    d.changed.push_back(p);
    bool was = old <= threshold_, is = now <= threshold_;
    if (was == is) continue;
    double pop = points_.points[p].population * (is ? 1 : -1);
    covered_ += pop, covered_dep_[dep_of_[p]] += pop, dep_change[dep_of_[p]] += pop, d.covered_change += pop;
    (is ? d.gained : d.lost).push_back(p);
  }
  for (size_t k = 0; k < deps_.size(); ++k)
    if (dep_change[k] != 0) d.by_department.push_back({deps_[k], dep_change[k]});
  d.microseconds = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  return d;
}

Delta WhatIf::add(const Site& s) {
  auto t0 = std::chrono::steady_clock::now();
  if (index_.count(s.id)) throw Error(fmt::format("a place '{}' is already in the scenario", s.id));
  auto k = static_cast<uint32_t>(slots_.size());
  slots_.push_back({s, false, {}});
  open_slot(k);
  index_[s.id] = k;
  begin();
  for (auto [p, t] : slots_[k].reach) {
    at_point_[p].push_back({t, k});
    if (t < best_[p] || (t == best_[p] && k < best_slot_[p])) record(p), best_[p] = t, best_slot_[p] = k;
  }
  return finish(t0);
}

Delta WhatIf::close(const std::string& id) {
  auto t0 = std::chrono::steady_clock::now();
  auto it = index_.find(id);
  if (it == index_.end()) throw NotFound(fmt::format("no open place '{}' in the scenario", id));
  auto k = it->second;
  index_.erase(it);
  begin();
  close_slot(k);
  return finish(t0);
}

Delta WhatIf::move(const std::string& id, geo::LonLat at) {
  auto t0 = std::chrono::steady_clock::now();
  auto it = index_.find(id);
  if (it == index_.end()) throw NotFound(fmt::format("no open place '{}' in the scenario", id));
  auto old = it->second;
  Site site = slots_[old].site;
  site.at = at;
  auto k = static_cast<uint32_t>(slots_.size());
  slots_.push_back({site, false, {}});
  open_slot(k);  // the search first (its own epoch), then the bookkeeping of this change
  begin();
  close_slot(old);
  for (auto [p, t] : slots_[k].reach) {
    at_point_[p].push_back({t, k});
    if (t < best_[p] || (t == best_[p] && k < best_slot_[p])) record(p), best_[p] = t, best_slot_[p] = k;
  }
  index_[site.id] = k;
  return finish(t0);
}

Figures WhatIf::figures() const {
  Figures f;
  f.population = population_, f.covered = covered_;
  for (size_t k = 0; k < deps_.size(); ++k) f.by_department.push_back({deps_[k], covered_dep_[k]});
  return f;
}

const Site* WhatIf::nearest(uint32_t point) const {
  return best_slot_[point] == kInvalid ? nullptr : &slots_[best_slot_[point]].site;
}

std::vector<Site> WhatIf::sites() const {
  std::vector<Site> out;
  for (auto& s : slots_)
    if (s.open) out.push_back(s.site);
  return out;
}

nlohmann::json figures_json(const Figures& f, const Figures& start) {
  nlohmann::json deps = nlohmann::json::array();
  for (size_t k = 0; k < f.by_department.size(); ++k) {
    auto& [dep, covered] = f.by_department[k];
    double before = k < start.by_department.size() ? start.by_department[k].second : 0;
    deps.push_back({{"dep", dep}, {"name", std::string(territory::department_name(dep))}, {"covered", std::round(covered)},
                    {"change_from_start", std::round(covered - before)}});
  }
  return {{"population", std::round(f.population)},
          {"covered", std::round(f.covered)},
          {"share", f.population > 0 ? f.covered / f.population : 0},
          {"change_from_start", std::round(f.covered - start.covered)},
          {"departments", deps}};
}

nlohmann::json delta_json(const WhatIf& w, const Delta& d, const Figures& start, size_t max_cells) {
  auto j = figures_json(w.figures(), start);
  auto ids = [&](const std::vector<uint32_t>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (size_t i = 0; i < v.size() && i < max_cells; ++i) {
      auto& p = w.points().points[v[i]];
      a.push_back({{"id", p.id}, {"lon", p.at.lon}, {"lat", p.at.lat}, {"population", p.population}});
    }
    return a;
  };
  nlohmann::json deps = nlohmann::json::array();
  for (auto& [dep, change] : d.by_department) deps.push_back({{"dep", dep}, {"change", std::round(change)}});
  j["change"] = {{"covered", std::round(d.covered_change)}, {"departments", deps},
                 {"gained_cells", ids(d.gained)}, {"lost_cells", ids(d.lost)},
                 {"cells_with_new_times", d.changed.size()}, {"server_ms", d.microseconds / 1000}};
  return j;
}

}  // namespace maillage::scenario

#include "scenario/whatif.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/error.hpp"
#include "territory/communes.hpp"

namespace maillage::scenario {

using roads::kInfinity;
using roads::kInvalid;

namespace {
Millis plus(Millis a, Millis b) { return a == kInfinity || b == kInfinity ? kInfinity : a + b; }
}  // namespace

// A worker taken from the shared pool for one change, given back after.
struct WhatIf::Lease {
  const Index& ix;
  std::unique_ptr<Index::Worker> w;
  Lease(const Index& index, const roads::RoadGraph& g, const routing::Snapper& snapper) : ix(index) {
    std::lock_guard l(ix.mu);
    if (!ix.free.empty()) {
      w = std::move(ix.free.back());
      ix.free.pop_back();
    }
    if (!w) w.reset(new Index::Worker{routing::Search(g), routing::NearestPlaces(g, snapper)});
  }
  ~Lease() {
    std::lock_guard l(ix.mu);
    ix.free.push_back(std::move(w));
  }
};

WhatIf::WhatIf(const roads::RoadGraph& g, const routing::Snapper& snapper, const territory::PopulationPoints& points,
               const std::vector<routing::Snap>& point_snaps, Millis threshold, Millis cap,
               const std::vector<Site>& sites)
    : g_(g), snapper_(snapper), points_(points), snaps_(point_snaps), threshold_(threshold),
      cap_(std::max(cap, threshold)) {
  const size_t n = points.points.size();
  auto ix = std::make_shared<Index>();
  // Points by the nodes of their snapped edge (CSR), and by edge.
  ix->first.assign(g.node_count() + 1, 0);
  for (uint32_t i = 0; i < n; ++i)
    if (snaps_[i].ok) {
      ++ix->first[g.edge_from[snaps_[i].edge] + 1];
      if (g.edge_to[snaps_[i].edge] != g.edge_from[snaps_[i].edge]) ++ix->first[g.edge_to[snaps_[i].edge] + 1];
    }
  for (size_t v = 0; v < g.node_count(); ++v) ix->first[v + 1] += ix->first[v];
  ix->point.resize(ix->first.back());
  std::vector<uint32_t> fill(ix->first.begin(), ix->first.end() - 1);
  for (uint32_t i = 0; i < n; ++i) {
    if (!snaps_[i].ok) continue;
    auto a = g.edge_from[snaps_[i].edge], b = g.edge_to[snaps_[i].edge];
    ix->point[fill[a]++] = i;
    if (b != a) ix->point[fill[b]++] = i;
    ix->on_edge.emplace(snaps_[i].edge, i);
  }
  for (auto& p : points.points) ix->deps.push_back(p.dep);
  std::sort(ix->deps.begin(), ix->deps.end());
  ix->deps.erase(std::unique(ix->deps.begin(), ix->deps.end()), ix->deps.end());
  ix->dep_of.resize(n);
  ix->population_dep.assign(ix->deps.size(), 0);
  for (uint32_t i = 0; i < n; ++i) {
    ix->dep_of[i] = static_cast<uint16_t>(std::lower_bound(ix->deps.begin(), ix->deps.end(), points.points[i].dep) -
                                          ix->deps.begin());
    ix->population_dep[ix->dep_of[i]] += points.points[i].population;
    ix->population += points.points[i].population;
  }
  for (size_t e = 0; e < g.edge_count(); ++e) {
    Millis t = std::min(g.edge_time_fwd[e], g.edge_time_bwd[e]);
    if (t != kInfinity && t > 0) ix->vmax_mps = std::max(ix->vmax_mps, g.edge_length_m[e] / (t / 1000.0));
  }
  ix->vmax_mps = std::max(ix->vmax_mps * 1.05, 1.0);  // a margin for rounding
  ix_ = ix;
  best_.assign(n, kInfinity);
  best_slot_.assign(n, kInvalid);
  stamp_.assign(n, 0);
  before_.assign(n, kInfinity);
  seen_.assign(n, 0);
  covered_dep_.assign(ix_->deps.size(), 0);
  // The start: one multi-source sweep over the open places.
  std::vector<routing::Snap> site_snaps;
  for (auto& s : sites) {
    if (index_.count(s.id)) throw Error(fmt::format("place '{}' given twice", s.id));
    index_[s.id] = static_cast<uint32_t>(slots_.size());
    slots_.push_back({s, snapper_.snap(s.at), true, {}});
    site_snaps.push_back(slots_.back().snap);
  }
  Lease lease(*ix_, g_, snapper_);
  lease.w->nearest.compute_snapped(site_snaps, cap_);
  for (uint32_t p = 0; p < n; ++p) {
    auto r = lease.w->nearest.from(snaps_[p]);
    if (!r.reachable) continue;
    best_[p] = r.ms, best_slot_[p] = r.place;
    slots_[r.place].served.push_back(p);
    if (r.ms <= threshold_) covered_ += points.points[p].population, covered_dep_[ix_->dep_of[p]] += points.points[p].population;
  }
}

void WhatIf::begin() {
  ++epoch_;
  touched_.clear();
}

void WhatIf::set(uint32_t p, Millis t, uint32_t slot) {
  if (stamp_[p] != epoch_) stamp_[p] = epoch_, before_[p] = best_[p], touched_.push_back(p);
  best_[p] = t, best_slot_[p] = slot;
  if (slot != kInvalid) slots_[slot].served.push_back(p);
}

uint32_t WhatIf::open_new(const Site& s) {
  auto k = static_cast<uint32_t>(slots_.size());
  slots_.push_back({s, snapper_.snap(s.at), true, {}});
  index_[s.id] = k;
  auto site = slots_[k].snap;
  if (!site.ok) return k;
  Lease lease(*ix_, g_, snapper_);
  auto& search = lease.w->search;
  std::vector<roads::NodeId> settled;
  search.run_until(routing::snap_sources(g_, site, routing::Direction::Backward, 0), routing::Direction::Backward, cap_,
                   false, [&](roads::NodeId v, Millis) {
                     settled.push_back(v);
                     return true;
                   });
  std::vector<uint32_t> candidates;
  const uint32_t mark = ++seen_epoch_;  // candidates deduplicated (not the change's own stamps)
  auto consider = [&](uint32_t p) {
    if (seen_[p] != mark) seen_[p] = mark, candidates.push_back(p);
  };
  for (auto v : settled)
    for (uint32_t i = ix_->first[v]; i < ix_->first[v + 1]; ++i) consider(ix_->point[i]);
  auto same = ix_->on_edge.equal_range(site.edge);
  for (auto it = same.first; it != same.second; ++it) consider(it->second);
  for (auto p : candidates) {
    auto& sp = snaps_[p];
    Millis t = kInfinity;
    auto to = g_.edge_to[sp.edge], from = g_.edge_from[sp.edge];
    // As NearestPlaces::from: via the edge's ends, or directly along a shared edge.
    if (search.time(to) <= cap_) t = std::min(t, plus(sp.to_to, search.time(to)));
    if (search.time(from) <= cap_) t = std::min(t, plus(sp.to_from, search.time(from)));
    if (sp.edge == site.edge) t = std::min(t, plus(routing::along_edge(g_, sp.edge, sp.t, site.t), site.access_ms));
    t = plus(t, sp.access_ms);
    if (t <= cap_ && (t < best_[p] || (t == best_[p] && k < best_slot_[p]))) set(p, t, k);
  }
  return k;
}

void WhatIf::repair(uint32_t closed) {
  auto& slot = slots_[closed];
  slot.open = false;
  std::vector<uint32_t> lost;
  for (auto p : slot.served)
    if (best_slot_[p] == closed) lost.push_back(p);
  std::sort(lost.begin(), lost.end());
  lost.erase(std::unique(lost.begin(), lost.end()), lost.end());
  slot.served.clear();
  slot.served.shrink_to_fit();
  for (auto p : lost) set(p, kInfinity, kInvalid);
  if (lost.empty()) return;
  // Open places by straight distance from the closed one.
  std::vector<std::pair<double, uint32_t>> near;
  for (uint32_t k = 0; k < slots_.size(); ++k)
    if (slots_[k].open && slots_[k].snap.ok) near.push_back({geo::haversine_m(slot.site.at, slots_[k].site.at), k});
  std::sort(near.begin(), near.end());
  double dmax = 0;
  for (auto p : lost) dmax = std::max(dmax, geo::haversine_m(points_.points[p].at, slot.site.at));
  // The searches stop once the ends of every lost point's edge are settled: nothing farther changes an answer.
  std::vector<roads::NodeId> targets;
  for (auto p : lost)
    if (snaps_[p].ok) targets.push_back(g_.edge_from[snaps_[p].edge]), targets.push_back(g_.edge_to[snaps_[p].edge]);
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  Lease lease(*ix_, g_, snapper_);
  auto& nearest = lease.w->nearest;
  std::vector<uint8_t> done(lost.size(), 0);
  size_t left = lost.size();
  for (size_t k = std::min<size_t>(8, near.size());; k = std::min(near.size(), 2 * k)) {
    // A place beyond the first k is at least d_out away from the closed one, so at least d_out - d_p from a point
    // p it served: it needs at least that / v_max. Within that bound (and the cap) the first k decide.
    const bool all = k == near.size();
    double d_out = all ? std::numeric_limits<double>::infinity() : near[k].first;
    double bound_ms = (d_out - dmax) / ix_->vmax_mps * 1000;
    Millis limit = all || bound_ms > cap_ ? cap_ : static_cast<Millis>(std::max(0.0, bound_ms));
    std::vector<routing::Snap> sources;
    for (size_t i = 0; i < k; ++i) sources.push_back(slots_[near[i].second].snap);
    nearest.compute_snapped(sources, limit, targets);
    for (size_t i = 0; i < lost.size(); ++i) {
      if (done[i]) continue;
      auto r = nearest.from(snaps_[lost[i]]);
      if (!r.reachable && !all && bound_ms <= cap_) continue;  // not proven yet: widen
      done[i] = 1, --left;
      if (r.reachable) set(lost[i], r.ms, near[r.place].second);
    }
    last_sources_ = k;
    if (left == 0 || all) break;
  }
}

Delta WhatIf::finish(std::chrono::steady_clock::time_point t0) {
  Delta d;
  std::vector<double> dep_change(ix_->deps.size(), 0);
  for (auto p : touched_) {
    Millis old = before_[p], now = best_[p];
    if (old == now) continue;
    d.changed.push_back(p);
    bool was = old <= threshold_, is = now <= threshold_;
    if (was == is) continue;
    double pop = points_.points[p].population * (is ? 1 : -1);
    covered_ += pop, covered_dep_[ix_->dep_of[p]] += pop, dep_change[ix_->dep_of[p]] += pop, d.covered_change += pop;
    (is ? d.gained : d.lost).push_back(p);
  }
  for (size_t k = 0; k < ix_->deps.size(); ++k)
    if (dep_change[k] != 0) d.by_department.push_back({ix_->deps[k], dep_change[k]});
  d.microseconds = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  return d;
}

Delta WhatIf::add(const Site& s) {
  auto t0 = std::chrono::steady_clock::now();
  if (index_.count(s.id)) throw Error(fmt::format("a place '{}' is already in the scenario", s.id));
  begin();
  open_new(s);
  return finish(t0);
}

Delta WhatIf::close(const std::string& id) {
  auto t0 = std::chrono::steady_clock::now();
  auto it = index_.find(id);
  if (it == index_.end()) throw NotFound(fmt::format("no open place '{}' in the scenario", id));
  auto k = it->second;
  index_.erase(it);
  begin();
  last_sources_ = 0;
  repair(k);
  auto d = finish(t0);
  d.repair_sources = last_sources_;
  return d;
}

Delta WhatIf::move(const std::string& id, geo::LonLat at) {
  auto t0 = std::chrono::steady_clock::now();
  auto it = index_.find(id);
  if (it == index_.end()) throw NotFound(fmt::format("no open place '{}' in the scenario", id));
  auto old = it->second;
  Site site = slots_[old].site;
  site.at = at;
  index_.erase(it);
  begin();  // one change: a point's time before is the one before both steps
  last_sources_ = 0;
  repair(old);
  open_new(site);
  auto d = finish(t0);
  d.repair_sources = last_sources_;
  return d;
}

Figures WhatIf::figures() const {
  Figures f;
  f.population = ix_->population, f.covered = covered_;
  for (size_t k = 0; k < ix_->deps.size(); ++k) f.by_department.push_back({ix_->deps[k], covered_dep_[k]});
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

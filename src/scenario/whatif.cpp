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

// A working array taken from the shared pool for one change, given back after (empty again).
struct WhatIf::Lease {
  const Index& ix;
  std::unique_ptr<Patch> patch;
  Lease(const Index& index, const roads::RoadGraph& g, NodeLabels& labels) : ix(index) {
    {
      std::lock_guard l(ix.mu);
      if (!ix.free.empty()) {
        patch = std::move(ix.free.back());
        ix.free.pop_back();
      }
    }
    if (!patch) patch = std::make_unique<Patch>(g);
    patch->begin(labels);
  }
  ~Lease() {
    patch->abandon();  // nothing left after a commit; a change that threw leaves the labels as they were
    std::lock_guard l(ix.mu);
    ix.free.push_back(std::move(patch));
  }
};

namespace {
// The start's node states: the coverage sweep towards the places (labels = their index). Every node of a place's
// area is reached from a neighbour of the same area (closing walks it): the sweeps change a node's state only for
// a strictly shorter time.
std::shared_ptr<const std::vector<NodeLabel>> sweep(const roads::RoadGraph& g, const routing::Snapper& snapper,
                                                    const std::vector<routing::Snap>& snaps, Millis cap) {
  routing::NearestPlaces nearest(g, snapper);
  nearest.compute_snapped(snaps, cap);
  auto out = std::make_shared<std::vector<NodeLabel>>(g.node_count());
  for (NodeId v = 0; v < g.node_count(); ++v) (*out)[v] = {nearest.node_time(v), nearest.node_place(v)};
  return out;
}
}  // namespace

WhatIf::WhatIf(const roads::RoadGraph& g, const routing::Snapper& snapper, const territory::PopulationPoints& points,
               const std::vector<routing::Snap>& point_snaps, Millis threshold, Millis cap,
               const std::vector<Site>& sites)
    : g_(g),
      snapper_(snapper),
      points_(points),
      snaps_(point_snaps),
      threshold_(threshold),
      cap_(std::max(cap, threshold)),
      labels_(nullptr) {
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
  ix_ = ix;
  best_.assign(n, kInfinity);
  best_slot_.assign(n, kInvalid);
  stamp_.assign(n, 0);
  before_.assign(n, kInfinity);
  seen_.assign(n, 0);
  covered_dep_.assign(ix_->deps.size(), 0);
  // The start: one sweep over the open places; a point's time as NearestPlaces::from gives it.
  std::vector<routing::Snap> site_snaps;
  for (auto& s : sites) {
    if (index_.count(s.id)) throw Error(fmt::format("place '{}' given twice", s.id));
    auto k = static_cast<uint32_t>(slots_.size());
    index_[s.id] = k;
    slots_.push_back({s, snapper_.snap(s.at), true});
    site_snaps.push_back(slots_.back().snap);
    for (auto& src : sources(k)) sources_at_.emplace(src.node, src);
    if (slots_.back().snap.ok) on_edge_.emplace(slots_.back().snap.edge, k);
  }
  labels_ = NodeLabels(sweep(g_, snapper_, site_snaps, cap_));
  Lease lease(*ix_, g_, labels_);
  begin();
  reread(*lease.patch, {}, true);
  lease.patch->commit();
  for (auto p : touched_)
    if (best_[p] <= threshold_)
      covered_ += points.points[p].population, covered_dep_[ix_->dep_of[p]] += points.points[p].population;
  touched_.clear();
}

std::vector<routing::Source> WhatIf::sources(uint32_t slot) const {
  return routing::snap_sources(g_, slots_[slot].snap, routing::Direction::Backward, slot);
}

void WhatIf::begin() {
  ++epoch_;
  touched_.clear();
}

void WhatIf::set(uint32_t p, Millis t, uint32_t slot) {
  if (stamp_[p] != epoch_) stamp_[p] = epoch_, before_[p] = best_[p], touched_.push_back(p);
  best_[p] = t, best_slot_[p] = slot;
}

void WhatIf::reread(Patch& patch, const std::vector<roads::EdgeId>& edges, bool everyone) {
  const uint32_t mark = ++seen_epoch_;
  auto read = [&](uint32_t p) {
    if (seen_[p] == mark) return;
    seen_[p] = mark;
    const auto& sp = snaps_[p];
    // As NearestPlaces::from: through either end of the point's edge, or directly along it to a place on it.
    Millis t = kInfinity;
    uint32_t slot = kInvalid;
    auto consider = [&](Millis ms, uint32_t k) {
      if (ms < t || (ms == t && k < slot)) t = ms, slot = k;
    };
    const NodeLabel to = patch.get(g_.edge_to[sp.edge]), from = patch.get(g_.edge_from[sp.edge]);
    if (to.dist <= cap_) consider(plus(sp.to_to, to.dist), to.label);
    if (from.dist <= cap_) consider(plus(sp.to_from, from.dist), from.label);
    auto range = on_edge_.equal_range(sp.edge);
    for (auto it = range.first; it != range.second; ++it) {
      const auto& q = slots_[it->second].snap;
      consider(plus(routing::along_edge(g_, sp.edge, sp.t, q.t), q.access_ms), it->second);
    }
    t = plus(t, sp.access_ms);
    if (t > cap_) t = kInfinity, slot = kInvalid;
    if (t != best_[p] || slot != best_slot_[p]) set(p, t, slot);
  };
  if (everyone) {
    for (uint32_t p = 0; p < snaps_.size(); ++p)
      if (snaps_[p].ok) read(p);
    return;
  }
  for (NodeId v : patch.changed())
    for (uint32_t i = ix_->first[v]; i < ix_->first[v + 1]; ++i) read(ix_->point[i]);
  for (auto e : edges) {
    auto range = ix_->on_edge.equal_range(e);
    for (auto it = range.first; it != range.second; ++it) read(it->second);
  }
}

void WhatIf::open_new(Patch& patch, const Site& s) {
  auto k = static_cast<uint32_t>(slots_.size());
  slots_.push_back({s, snapper_.snap(s.at), true});
  index_[s.id] = k;
  if (!slots_[k].snap.ok) return;
  auto own = sources(k);
  for (auto& src : own) sources_at_.emplace(src.node, src);
  on_edge_.emplace(slots_[k].snap.edge, k);
  patch.add(own, cap_);
}

void WhatIf::withdraw(Patch& patch, uint32_t closed) {
  auto& slot = slots_[closed];
  slot.open = false;
  if (!slot.snap.ok) return;
  auto own = sources(closed);
  for (auto& src : own) {
    auto range = sources_at_.equal_range(src.node);
    for (auto it = range.first; it != range.second; ++it)
      if (it->second.label == closed) {
        sources_at_.erase(it);
        break;
      }
  }
  auto range = on_edge_.equal_range(slot.snap.edge);
  for (auto it = range.first; it != range.second; ++it)
    if (it->second == closed) {
      on_edge_.erase(it);
      break;
    }
  patch.withdraw(closed, own, sources_at_, cap_);
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
  Lease lease(*ix_, g_, labels_);
  begin();
  open_new(*lease.patch, s);
  return change_done(*lease.patch, {slots_.back().snap}, t0);
}

Delta WhatIf::close(const std::string& id) {
  auto t0 = std::chrono::steady_clock::now();
  auto it = index_.find(id);
  if (it == index_.end()) throw NotFound(fmt::format("no open place '{}' in the scenario", id), Errc::place_not_found);
  auto k = it->second;
  index_.erase(it);
  Lease lease(*ix_, g_, labels_);
  begin();
  withdraw(*lease.patch, k);
  return change_done(*lease.patch, {slots_[k].snap}, t0);
}

Delta WhatIf::move(const std::string& id, geo::LonLat at) {
  auto t0 = std::chrono::steady_clock::now();
  auto it = index_.find(id);
  if (it == index_.end()) throw NotFound(fmt::format("no open place '{}' in the scenario", id), Errc::place_not_found);
  auto old = it->second;
  Site site = slots_[old].site;
  site.at = at;
  index_.erase(it);
  Lease lease(*ix_, g_, labels_);
  begin();  // one change: a point's time before is the one before both steps
  withdraw(*lease.patch, old);
  open_new(*lease.patch, site);
  return change_done(*lease.patch, {slots_[old].snap, slots_.back().snap}, t0);
}

Delta WhatIf::change_done(Patch& patch, const std::vector<routing::Snap>& places,
                          std::chrono::steady_clock::time_point t0) {
  std::vector<roads::EdgeId> edges;  // a point on a place's own edge may have used the direct way along it
  for (auto& s : places)
    if (s.ok) edges.push_back(s.edge);
  reread(patch, edges, false);
  const size_t nodes = patch.changed().size();
  patch.commit();
  auto d = finish(t0);
  d.nodes = nodes;
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
    deps.push_back({{"dep", dep},
                    {"name", std::string(territory::department_name(dep))},
                    {"covered", std::round(covered)},
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
  j["change"] = {{"covered", std::round(d.covered_change)},
                 {"departments", deps},
                 {"gained_cells", ids(d.gained)},
                 {"lost_cells", ids(d.lost)},
                 {"cells_with_new_times", d.changed.size()},
                 {"server_ms", d.microseconds / 1000}};
  return j;
}

}  // namespace maillage::scenario

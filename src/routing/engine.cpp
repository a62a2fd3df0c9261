#include "routing/engine.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace maillage::routing {

using namespace roads;

namespace {
Millis add(Millis a, Millis b) { return a == kInfinity || b == kInfinity ? kInfinity : a + b; }
}  // namespace

Millis along_edge(const RoadGraph& g, EdgeId e, double t_from, double t_to) {
  if (t_from == t_to) return 0;
  Millis w = t_to >= t_from ? g.edge_time_fwd[e] : g.edge_time_bwd[e];
  if (w == kInfinity) return kInfinity;
  return static_cast<Millis>(std::llround(w * std::abs(t_to - t_from)));
}

Millis arrival(const RoadGraph& g, const Search& search, const Snap& a, const Snap& b) {
  Millis best = a.edge == b.edge ? add(a.access_ms, along_edge(g, a.edge, a.t, b.t)) : kInfinity;
  best = std::min(best, add(search.time(g.edge_from[b.edge]), b.from_from));
  best = std::min(best, add(search.time(g.edge_to[b.edge]), b.from_to));
  return add(best, b.access_ms);
}

std::vector<Source> snap_sources(const RoadGraph& g, const Snap& s, Direction dir, uint32_t label, bool with_access) {
  std::vector<Source> out;
  if (!s.ok) return out;
  Millis acc = with_access ? s.access_ms : 0;
  if (dir == Direction::Forward) {  // leaving the point: point -> to, point -> from
    out.push_back({g.edge_to[s.edge], add(acc, s.to_to), label});
    out.push_back({g.edge_from[s.edge], add(acc, s.to_from), label});
  } else {  // arriving at the point: from -> point, to -> point
    out.push_back({g.edge_from[s.edge], add(acc, s.from_from), label});
    out.push_back({g.edge_to[s.edge], add(acc, s.from_to), label});
  }
  return out;
}

NearestPlaces::NearestPlaces(const RoadGraph& g, const Snapper& snapper)
    : g_(g),
      snapper_(snapper),
      search_(g),
      region_nodes_(g.node_count() >= kRegionSweepNodes ? Search::kRegionNodes : 0),
      threads_(sweep_threads()) {}

void NearestPlaces::compute(const std::vector<geo::LonLat>& places, Millis limit) {
  compute_snapped(snapper_.snap_all(places), limit);
}

void NearestPlaces::compute_snapped(const std::vector<Snap>& snaps, Millis limit) {
  static const std::vector<NodeId> none;
  compute_snapped(snaps, limit, none);
}

void NearestPlaces::compute_snapped(const std::vector<Snap>& snaps, Millis limit, const std::vector<NodeId>& targets) {
  place_snaps_ = snaps;
  limit_ = limit;
  unsnapped_.clear();
  places_on_edge_.clear();
  sources_.clear();
  closed_.assign(snaps.size(), 0);
  for (uint32_t i = 0; i < snaps.size(); ++i) {
    if (!snaps[i].ok) {
      unsnapped_.push_back(i);
      continue;
    }
    for (auto& s : snap_sources(g_, snaps[i], Direction::Backward, i)) sources_.push_back(s);
    places_on_edge_.emplace(snaps[i].edge, i);
  }
  if (targets.empty()) {
    // A large graph is swept region by region on every core (France, 25 M nodes: 5.6 -> 1.1-1.3 s; docs/scale.md).
    if (region_nodes_)
      search_.run_regions(sources_, Direction::Backward, limit, {region_nodes_, threads_});
    else
      search_.run(sources_, Direction::Backward, limit);
    return;
  }
  size_t left = targets.size();
  search_.run_until(sources_, Direction::Backward, limit, false, [&](NodeId v, Millis) {
    return !std::binary_search(targets.begin(), targets.end(), v) || --left > 0;
  });
}

size_t NearestPlaces::update(const std::vector<uint32_t>& closed, const std::vector<Snap>& opened,
                             std::vector<NodeId>* changed) {
  std::vector<uint8_t> seen(closed_.size(), 0);
  for (uint32_t c : closed)
    if (c >= closed_.size() || closed_[c] || seen[c]++)
      throw Error("NearestPlaces::update: place " + std::to_string(c) + " is not open (or given twice)");
  for (uint32_t c : closed) {
    closed_[c] = 1;
    if (!place_snaps_[c].ok) continue;
    auto range = places_on_edge_.equal_range(place_snaps_[c].edge);
    for (auto it = range.first; it != range.second; ++it)
      if (it->second == c) {
        places_on_edge_.erase(it);
        break;
      }
  }
  std::vector<Source> added;
  for (auto& snap : opened) {
    auto i = static_cast<uint32_t>(place_snaps_.size());
    place_snaps_.push_back(snap);
    closed_.push_back(0);
    if (!snap.ok) {
      unsnapped_.push_back(i);
      continue;
    }
    for (auto& s : snap_sources(g_, snap, Direction::Backward, i)) added.push_back(s), sources_.push_back(s);
    places_on_edge_.emplace(snap.edge, i);
  }
  size_t settled = search_.repair(
      closed_, sources_, added,
      {.dir = Direction::Backward, .limit = limit_, .changed = changed, .regions = {region_nodes_, threads_}});
  if (changed) {
    auto ends = [&](const Snap& s) {
      if (s.ok) changed->push_back(g_.edge_from[s.edge]), changed->push_back(g_.edge_to[s.edge]);
    };
    for (uint32_t c : closed) ends(place_snaps_[c]);
    for (auto& s : opened) ends(s);
  }
  return settled;
}

NearestResult NearestPlaces::from(const Snap& p) const {
  NearestResult r;
  if (!p.ok) {
    r.why = p.why;
    return r;
  }
  auto consider = [&](Millis ms, uint32_t place) {
    if (ms < r.ms || (ms == r.ms && place < r.place)) r.ms = ms, r.place = place;
  };
  NodeId from = g_.edge_from[p.edge], to = g_.edge_to[p.edge];
  // Via the edge's ends (node times include the place's own access leg).
  if (search_.time(to) <= limit_) consider(add(p.to_to, search_.time(to)), search_.label(to));
  if (search_.time(from) <= limit_) consider(add(p.to_from, search_.time(from)), search_.label(from));
  // A place on the same edge can be reached directly along it.
  auto range = places_on_edge_.equal_range(p.edge);
  for (auto it = range.first; it != range.second; ++it) {
    const Snap& q = place_snaps_[it->second];
    consider(add(along_edge(g_, p.edge, p.t, q.t), q.access_ms), it->second);
  }
  r.ms = add(r.ms, p.access_ms);
  if (r.ms == kInfinity || r.ms > limit_) {
    r.ms = kInfinity;
    r.place = kInvalid;
    r.why = limit_ == kInfinity ? "no place can be reached from this point by road" : "no place within the limit";
    return r;
  }
  r.reachable = true;
  return r;
}

namespace {
// Cuts a polyline at fractions [a, b] of its length (haversine), keeping the order.
std::vector<geo::LonLat> cut(const std::vector<geo::LonLat>& line, double a, double b) {
  std::vector<double> cum{0};
  for (size_t i = 1; i < line.size(); ++i) cum.push_back(cum.back() + geo::haversine_m(line[i - 1], line[i]));
  double total = cum.back();
  auto at = [&](double f) {
    double d = f * total;
    size_t i = 1;
    while (i + 1 < line.size() && cum[i] < d) ++i;
    double seg = cum[i] - cum[i - 1];
    double u = seg > 0 ? (d - cum[i - 1]) / seg : 0;
    return geo::LonLat{line[i - 1].lon + u * (line[i].lon - line[i - 1].lon),
                       line[i - 1].lat + u * (line[i].lat - line[i - 1].lat)};
  };
  std::vector<geo::LonLat> out{at(a)};
  for (size_t i = 1; i + 1 < line.size(); ++i)
    if (cum[i] > a * total && cum[i] < b * total) out.push_back(line[i]);
  out.push_back(at(b));
  return out;
}

void append(std::vector<geo::LonLat>& out, const std::vector<geo::LonLat>& part) {
  for (auto& p : part)
    if (out.empty() || out.back().lon != p.lon || out.back().lat != p.lat) out.push_back(p);
}

void add_leg(Route& r, const RoadGraph& g, EdgeId e, double fraction, Millis ms) {
  std::string name = g.names[g.edge_name[e]];
  std::string cls = road_class_name(static_cast<RoadClass>(g.edge_class[e]));
  double dist = g.edge_length_m[e] * fraction;
  r.distance_m += dist;
  if (!r.legs.empty() && r.legs.back().name == name && r.legs.back().road_class == cls) {
    r.legs.back().distance_m += dist;
    r.legs.back().ms += ms;
  } else {
    r.legs.push_back({name, cls, dist, ms});
  }
}
}  // namespace

Route route(const Snapper& snapper, Search& search, geo::LonLat from, geo::LonLat to) {
  Route r;
  const RoadGraph& g = search.graph();
  Snap a = snapper.snap(from), b = snapper.snap(to);
  if (!a.ok || !b.ok) {
    r.why = !a.ok ? "origin: " + a.why : "destination: " + b.why;
    return r;
  }
  r.access_from_ms = a.access_ms, r.access_to_ms = b.access_ms;
  r.access_from_m = a.distance_m, r.access_to_m = b.distance_m;
  NodeId bf = g.edge_from[b.edge], bt = g.edge_to[b.edge];
  Millis best = a.edge == b.edge ? along_edge(g, a.edge, a.t, b.t) : kInfinity;
  NodeId best_end = kInvalid;                                       // kInvalid: the direct along-edge path
  auto sources = snap_sources(g, a, Direction::Forward, 0, false);  // access legs are added at the end
  search.run_until(sources, Direction::Forward, kInfinity, true, [&](NodeId v, Millis d) {
    if (d >= best) return false;
    if (v == bf && add(d, b.from_from) < best) best = add(d, b.from_from), best_end = v;
    if (v == bt && add(d, b.from_to) < best) best = add(d, b.from_to), best_end = v;
    return true;
  });
  if (best == kInfinity) {
    r.why = "no road path between the two points (one-way streets or separate networks)";
    return r;
  }
  r.ok = true;
  r.ms = best + a.access_ms + b.access_ms;
  append(r.geometry, {from, a.on_road});
  if (best_end == kInvalid) {
    auto line = g.edge_polyline(a.edge);
    bool fwd = b.t >= a.t;
    auto part = cut(line, std::min(a.t, b.t), std::max(a.t, b.t));
    if (!fwd) std::reverse(part.begin(), part.end());
    append(r.geometry, part);
    add_leg(r, g, a.edge, std::abs(b.t - a.t), best);
  } else {
    // Arcs back from the end node to the first node.
    std::vector<uint32_t> arcs;
    for (NodeId v = best_end; search.parent_arc(v) != kInvalid;) {
      uint32_t arc = search.parent_arc(v);
      arcs.push_back(arc);
      v = g.edge_from[g.arc_edge[arc] / 2] == v ? g.edge_to[g.arc_edge[arc] / 2] : g.edge_from[g.arc_edge[arc] / 2];
    }
    std::reverse(arcs.begin(), arcs.end());
    NodeId first = arcs.empty() ? best_end
                                : (g.arc_edge[arcs[0]] % 2 == 0 ? g.edge_from[g.arc_edge[arcs[0]] / 2]
                                                                : g.edge_to[g.arc_edge[arcs[0]] / 2]);
    // First partial edge: from the joining point to `first`.
    auto line = g.edge_polyline(a.edge);
    bool towards_to = first == g.edge_to[a.edge];
    auto part = towards_to ? cut(line, a.t, 1) : cut(line, 0, a.t);
    if (!towards_to) std::reverse(part.begin(), part.end());
    append(r.geometry, part);
    add_leg(r, g, a.edge, towards_to ? 1 - a.t : a.t, towards_to ? a.to_to : a.to_from);
    for (uint32_t arc : arcs) {
      EdgeId e = g.arc_edge[arc] / 2;
      auto pl = g.edge_polyline(e);
      if (g.arc_edge[arc] % 2) std::reverse(pl.begin(), pl.end());
      append(r.geometry, pl);
      add_leg(r, g, e, 1, g.out[arc].weight);
    }
    // Last partial edge: from the end node to the destination's joining point.
    auto last = g.edge_polyline(b.edge);
    bool from_start = best_end == bf;
    auto lp = from_start ? cut(last, 0, b.t) : cut(last, b.t, 1);
    if (!from_start) std::reverse(lp.begin(), lp.end());
    append(r.geometry, lp);
    add_leg(r, g, b.edge, from_start ? b.t : 1 - b.t, from_start ? b.from_from : b.from_to);
  }
  append(r.geometry, {b.on_road, to});
  return r;
}

std::vector<Millis> table(const Snapper& snapper, Search& search, const std::vector<geo::LonLat>& origins,
                          const std::vector<geo::LonLat>& destinations) {
  const RoadGraph& g = search.graph();
  auto dsnaps = snapper.snap_all(destinations);
  std::vector<Millis> out(origins.size() * destinations.size(), kInfinity);
  // Nodes to settle before the row is final.
  std::vector<NodeId> ends;
  for (auto& s : dsnaps)
    if (s.ok) ends.push_back(g.edge_from[s.edge]), ends.push_back(g.edge_to[s.edge]);
  std::sort(ends.begin(), ends.end());
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());
  for (size_t i = 0; i < origins.size(); ++i) {
    Snap a = snapper.snap(origins[i]);
    if (!a.ok) continue;
    size_t remaining = ends.size();
    search.run_until(snap_sources(g, a, Direction::Forward, 0), Direction::Forward, kInfinity, false,
                     [&](NodeId v, Millis) {
                       if (std::binary_search(ends.begin(), ends.end(), v)) --remaining;
                       return remaining > 0;
                     });
    for (size_t j = 0; j < dsnaps.size(); ++j)
      if (dsnaps[j].ok) out[i * destinations.size() + j] = arrival(g, search, a, dsnaps[j]);
  }
  return out;
}

std::vector<std::pair<NodeId, Millis>> within(const Snap& point, Search& search, Direction dir, Millis limit) {
  std::vector<std::pair<NodeId, Millis>> out;
  search.run_until(snap_sources(search.graph(), point, dir, 0), dir, limit, false, [&](NodeId v, Millis d) {
    out.emplace_back(v, d);
    return true;
  });
  return out;
}

}  // namespace maillage::routing

#include "planning/planning.hpp"

#include <algorithm>
#include <cmath>
#include <atomic>
#include <queue>
#include <thread>

namespace maillage::planning {

using roads::kInfinity;
using roads::Millis;

CoverageSets coverage_sets(const roads::RoadGraph& g, const routing::Snapper& snapper,
                           const std::vector<routing::Snap>& pts, const std::vector<Candidate>& candidates,
                           Millis threshold, unsigned threads) {
  // Points joined to each node (through their edge's ends) and to each edge.
  const size_t n = g.node_count(), e = g.edge_count();
  std::vector<uint32_t> node_first(n + 1, 0), edge_first(e + 1, 0);
  for (auto& s : pts)
    if (s.ok) ++node_first[g.edge_from[s.edge] + 1], ++node_first[g.edge_to[s.edge] + 1], ++edge_first[s.edge + 1];
  for (size_t i = 1; i <= n; ++i) node_first[i] += node_first[i - 1];
  for (size_t i = 1; i <= e; ++i) edge_first[i] += edge_first[i - 1];
  std::vector<uint32_t> node_pts(node_first.back()), edge_pts(edge_first.back());
  {
    auto nf = node_first, ef = edge_first;
    for (uint32_t p = 0; p < pts.size(); ++p) {
      if (!pts[p].ok) continue;
      node_pts[nf[g.edge_from[pts[p].edge]]++] = p;
      node_pts[nf[g.edge_to[pts[p].edge]]++] = p;
      edge_pts[ef[pts[p].edge]++] = p;
    }
  }
  auto add = [](Millis a, Millis b) { return a == kInfinity || b == kInfinity ? kInfinity : a + b; };
  // Candidates snapped in one batch (the projection is not shared across threads), then one bounded search per
  // candidate on each thread, each with its own Search object and stamps; candidates handed out one at a time.
  std::vector<geo::LonLat> at;
  at.reserve(candidates.size());
  for (auto& c : candidates) at.push_back(c.at);
  const auto cand_snaps = snapper.snap_all(at);
  const uint32_t C = static_cast<uint32_t>(candidates.size());
  std::vector<std::vector<uint32_t>> per(C);
  std::atomic<uint32_t> next{0};
  auto work = [&] {
    routing::Search search(g);
    std::vector<uint32_t> stamp(pts.size(), 0);
    std::vector<routing::NodeId> reached;
    for (uint32_t c; (c = next.fetch_add(1)) < C;) {
      const auto& cs = cand_snaps[c];
      if (!cs.ok) continue;
      auto& mine = per[c];
      reached.clear();
      // Times towards the candidate: its access leg and along-edge parts as source offsets.
      search.run_until(routing::snap_sources(g, cs, routing::Direction::Backward, 0), routing::Direction::Backward,
                       threshold, false, [&](routing::NodeId v, Millis) {
                         reached.push_back(v);
                         return true;
                       });
      auto consider = [&](uint32_t p) {
        if (stamp[p] == c + 1) return;
        const auto& s = pts[p];
        Millis t =
            std::min(add(s.to_to, search.time(g.edge_to[s.edge])), add(s.to_from, search.time(g.edge_from[s.edge])));
        if (s.edge == cs.edge)  // along the shared edge, directly
          t = std::min(t, add(cs.access_ms, routing::along_edge(g, s.edge, s.t, cs.t)));
        t = add(t, s.access_ms);
        if (t <= threshold) {
          stamp[p] = c + 1;
          mine.push_back(p);
        }
      };
      for (auto v : reached)
        for (uint32_t i = node_first[v]; i < node_first[v + 1]; ++i) consider(node_pts[i]);
      for (uint32_t i = edge_first[cs.edge]; i < edge_first[cs.edge + 1]; ++i) consider(edge_pts[i]);
      std::sort(mine.begin(), mine.end());
    }
  };
  unsigned workers = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min<unsigned>(workers, std::max<uint32_t>(1, C));
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < workers; ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  CoverageSets out;
  out.first.push_back(0);
  out.unsnapped.assign(C, 0);
  for (uint32_t c = 0; c < C; ++c) {
    out.unsnapped[c] = !cand_snaps[c].ok;
    out.point.insert(out.point.end(), per[c].begin(), per[c].end());
    out.first.push_back(static_cast<uint32_t>(out.point.size()));
  }
  return out;
}

GreedyResult greedy(const CoverageSets& sets, const std::vector<double>& pop, const std::vector<uint8_t>& covered_in,
                    size_t k) {
  GreedyResult r;
  std::vector<uint8_t> covered = covered_in;
  std::vector<uint8_t> in_some(pop.size(), 0);
  const uint32_t C = static_cast<uint32_t>(sets.first.size() - 1);
  for (uint32_t c = 0; c < C; ++c)
    for (uint32_t i = sets.first[c]; i < sets.first[c + 1]; ++i) in_some[sets.point[i]] = 1;
  double cov = 0;
  for (size_t p = 0; p < pop.size(); ++p) {
    r.population += pop[p];
    if (covered[p])
      cov += pop[p];
    else if (!in_some[p])
      r.uncoverable += pop[p];
  }
  r.covered_before = cov;
  auto gain_of = [&](uint32_t c) {
    double gsum = 0;
    for (uint32_t i = sets.first[c]; i < sets.first[c + 1]; ++i)
      if (!covered[sets.point[i]]) gsum += pop[sets.point[i]];
    return gsum;
  };
  // Max-heap on (gain, -candidate) so that ties pick the smallest index (deterministic).
  using Item = std::pair<double, int64_t>;
  std::priority_queue<Item> q;
  for (uint32_t c = 0; c < C; ++c)
    if (double g0 = gain_of(c); g0 > 0) q.push({g0, -static_cast<int64_t>(c)});
  while (!q.empty() && (k == 0 || r.steps.size() < k)) {
    auto [g0, negc] = q.top();
    q.pop();
    uint32_t c = static_cast<uint32_t>(-negc);
    double fresh = gain_of(c);
    if (fresh <= 0) continue;
    if (!q.empty() && fresh < q.top().first) {  // stale: put back with its current gain
      q.push({fresh, negc});
      continue;
    }
    for (uint32_t i = sets.first[c]; i < sets.first[c + 1]; ++i) covered[sets.point[i]] = 1;
    cov += fresh;
    r.steps.push_back({c, fresh, cov});
  }
  return r;
}

double covered_population(const CoverageSets& sets, const std::vector<double>& pop,
                          const std::vector<uint8_t>& covered_in, const std::vector<uint32_t>& chosen) {
  std::vector<uint8_t> covered = covered_in;
  for (auto c : chosen)
    for (uint32_t i = sets.first[c]; i < sets.first[c + 1]; ++i) covered[sets.point[i]] = 1;
  double s = 0;
  for (size_t p = 0; p < pop.size(); ++p)
    if (covered[p]) s += pop[p];
  return s;
}

}  // namespace maillage::planning

#include "coverage/coverage.hpp"

namespace maillage::planning {

std::vector<Criticality> criticality(coverage::Engine& engine, const std::vector<coverage::Place>& places,
                                     roads::Millis threshold) {
  const auto& pts = engine.points().points;
  engine.compute(places);
  const std::vector<coverage::PointTime> base = engine.point_times();
  std::vector<Criticality> out;
  for (uint32_t i = 0; i < places.size(); ++i) {
    std::vector<coverage::Place> others;
    for (uint32_t j = 0; j < places.size(); ++j)
      if (j != i) others.push_back(places[j]);
    engine.compute(others);
    const auto& without = engine.point_times();
    Criticality c;
    c.place = i;
    double weighted = 0, reach_users = 0;
    for (size_t p = 0; p < pts.size(); ++p) {
      bool in_before = base[p].within(threshold), in_after = without[p].within(threshold);
      if (in_before && !in_after) c.sole_population += pts[p].population;
      if (base[p].place != i) continue;
      c.users += pts[p].population;
      if (without[p].ms == kInfinity) {
        c.stranded += pts[p].population;
      } else {
        weighted += pts[p].population * (static_cast<double>(without[p].ms) - base[p].ms) / 60000.0;
        reach_users += pts[p].population;
      }
    }
    c.added_minutes = reach_users > 0 ? weighted / reach_users : 0;
    out.push_back(c);
  }
  engine.compute(places);  // leave the engine as it was
  return out;
}

}  // namespace maillage::planning

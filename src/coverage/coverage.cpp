#include "coverage/coverage.hpp"

#include "core/order.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>
#include <unordered_map>

#include <boost/sort/spreadsort/integer_sort.hpp>
#include <fmt/format.h>

#include "territory/communes.hpp"

namespace maillage::coverage {

using roads::kInfinity;
using roads::kInvalid;

namespace {
// Distinct sorted values and each item's index among them.
std::vector<std::string> distinct(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}
uint32_t position(const std::vector<std::string>& sorted, const std::string& s) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), s);
  return it != sorted.end() && *it == s ? static_cast<uint32_t>(it - sorted.begin()) : kInvalid;
}

Engine::PointIndex make_index(const territory::PopulationPoints& points, const territory::CommuneTable& communes) {
  Engine::PointIndex ix;
  std::vector<std::string> codes, deps = communes.departments();
  for (auto& p : points.points) {
    if (!p.insee.empty()) codes.push_back(p.insee);
    deps.push_back(p.dep);
  }
  ix.codes = distinct(std::move(codes));
  ix.deps = distinct(std::move(deps));
  std::unordered_map<std::string, uint32_t> table;  // exact codes (no mapping of former communes)
  for (uint32_t k = 0; k < communes.all().size(); ++k) table.emplace(communes.all()[k].code, k);
  for (auto& c : ix.codes) {
    auto it = table.find(c);
    ix.code_commune.push_back(it == table.end() ? kInvalid : it->second);
  }
  const auto known = distinct(communes.departments());
  for (auto& d : ix.deps) ix.dep_known.push_back(position(known, d) != kInvalid);
  for (uint32_t i = 0; i < points.points.size(); ++i) {
    auto& p = points.points[i];
    ix.point_code.push_back(p.insee.empty() ? kInvalid : position(ix.codes, p.insee));
    ix.point_dep.push_back(position(ix.deps, p.dep));
  }
  if (points.source != territory::PopulationSource::Grid) return ix;
  std::unordered_map<uint64_t, uint32_t> cell;  // (gx, gy) -> point (the last one, were two in one cell)
  auto key = [](int x, int y) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(x)) << 32) | static_cast<uint32_t>(y);
  };
  for (uint32_t i = 0; i < points.points.size(); ++i) cell[key(points.points[i].gx, points.points[i].gy)] = i;
  const double cells_per_square = kZoneSquareKm * 1000.0 / points.cell_m;
  auto square = [cells_per_square](const territory::PopulationPoint& p) {
    auto f = [&](int g) { return static_cast<int>(std::floor(g / cells_per_square)); };
    return std::pair{f(p.gx), f(p.gy)};
  };
  ix.joins_first.push_back(0);
  for (auto& p : points.points) {
    const int dx[] = {1, -1, 0, 0}, dy[] = {0, 0, 1, -1};
    for (int k = 0; k < 4; ++k) {
      auto it = cell.find(key(p.gx + dx[k], p.gy + dy[k]));
      if (it == cell.end()) continue;
      const auto& q = points.points[it->second];
      if (q.dep == p.dep && square(q) == square(p)) ix.joins.push_back(it->second);  // else the cut
    }
    ix.joins_first.push_back(static_cast<uint32_t>(ix.joins.size()));
  }
  return ix;
}
}  // namespace

Engine::Engine(const roads::RoadGraph& g, const routing::Snapper& snapper, const territory::PopulationPoints& points,
               const territory::CommuneTable& communes)
    : graph_(g), snapper_(snapper), points_(points), communes_(communes), nearest_(g, snapper) {
  std::vector<geo::LonLat> at;
  at.reserve(points.points.size());
  for (auto& p : points.points) at.push_back(p.at);
  point_snaps_ = snapper.snap_all(at);
  at.clear();
  for (auto& c : communes.all()) at.push_back(c.centre);
  commune_snaps_ = snapper.snap_all(at);
  point_order_ = node_order(point_snaps_);
  commune_order_ = node_order(commune_snaps_);
  index_ = make_index(points, communes);
}

std::vector<uint32_t> Engine::node_order(const std::vector<routing::Snap>& snaps) const {
  constexpr int kShift = 10;  // blocks of 1,024 nodes
  const size_t blocks = (graph_.node_count() >> kShift) + 2;
  return counting_order(snaps.size(), blocks, [&](size_t i) -> size_t {
    const auto& s = snaps[i];
    return s.ok ? (std::min(graph_.edge_from[s.edge], graph_.edge_to[s.edge]) >> kShift) : blocks - 1;
  });
}

void Engine::compute(const std::vector<Place>& places) {
  std::vector<geo::LonLat> at;
  for (auto& p : places) at.push_back(p.at);
  std::vector<uint32_t> label(at.size(), kInvalid);
  std::vector<roads::NodeId> changed;
  incremental_ = false;
  // Another date is the last one with a few places opened and closed: match the places by position.
  if (computed_ && nearest_.place_count() < 2 * at.size() + 64) {
    std::map<std::pair<double, double>, std::vector<uint32_t>> before;
    for (size_t i = 0; i < place_at_.size(); ++i)
      before[{place_at_[i].lon, place_at_[i].lat}].push_back(place_label_[i]);
    std::vector<uint32_t> opened;
    for (uint32_t i = 0; i < at.size(); ++i) {
      auto it = before.find({at[i].lon, at[i].lat});
      if (it == before.end() || it->second.empty()) {
        opened.push_back(i);
        continue;
      }
      label[i] = it->second.back();
      it->second.pop_back();
    }
    std::vector<uint32_t> closed;
    for (auto& [pos, labels] : before) closed.insert(closed.end(), labels.begin(), labels.end());
    // Past a quarter of the places changed, one sweep costs less than the repairs.
    if (4 * (opened.size() + closed.size()) <= at.size()) {
      std::vector<geo::LonLat> new_at;
      for (auto i : opened) new_at.push_back(at[i]);
      auto first = static_cast<uint32_t>(nearest_.place_count());
      nearest_.update(closed, snapper_.snap_all(new_at), &changed);
      for (size_t k = 0; k < opened.size(); ++k) label[opened[k]] = first + static_cast<uint32_t>(k);
      incremental_ = true;
    }
  }
  if (!incremental_) return compute_full(places);
  place_at_ = std::move(at);
  evaluate(label, &changed);
}

void Engine::compute_full(const std::vector<Place>& places) {
  place_at_.clear();
  for (auto& p : places) place_at_.push_back(p.at);
  nearest_.compute(place_at_);
  incremental_ = false;
  computed_ = true;
  std::vector<uint32_t> label(places.size());
  for (uint32_t i = 0; i < label.size(); ++i) label[i] = i;
  evaluate(label);
}

void Engine::evaluate(const std::vector<uint32_t>& label, const std::vector<roads::NodeId>* changed) {
  place_label_ = label;
  std::vector<uint32_t> index_of(nearest_.place_count(), kInvalid);
  unsnapped_.clear();
  for (uint32_t i = 0; i < label.size(); ++i) {
    index_of[label[i]] = i;
    if (!nearest_.place_snaps()[label[i]].ok) unsnapped_.push_back(i);
  }
  // After a repair only the points on an edge with a changed end are read again (a bitmap of the nodes).
  std::vector<uint64_t> bits;
  if (changed) {
    bits.assign(graph_.node_count() / 64 + 1, 0);
    for (auto v : *changed) bits[v >> 6] |= uint64_t{1} << (v & 63);
  }
  auto marked = [&](roads::NodeId v) { return (bits[v >> 6] >> (v & 63)) & 1; };
  auto eval = [&](const std::vector<routing::Snap>& snaps, const std::vector<uint32_t>& order,
                  std::vector<PointTime>& out, std::vector<uint32_t>& labels) {
    const bool all = !changed || out.size() != snaps.size() || labels.size() != snaps.size();
    out.resize(snaps.size());
    labels.resize(snaps.size(), kInvalid);
    auto range = [&](size_t lo, size_t hi) {
      for (size_t k = lo; k < hi; ++k) {
        const size_t i = order[k];
        const bool keep =
            !all &&
            (!snaps[i].ok || (!marked(graph_.edge_from[snaps[i].edge]) && !marked(graph_.edge_to[snaps[i].edge])));
        if (keep) {
          if (labels[i] != kInvalid) out[i].place = index_of[labels[i]];
          continue;
        }
        auto r = nearest_.from(snaps[i]);
        labels[i] = r.reachable ? r.place : kInvalid;
        out[i] = {r.reachable ? r.ms : kInfinity, r.reachable ? index_of[r.place] : kInvalid, snaps[i].ok};
      }
    };
    // Reading millions of points (France: 2.3 M, 0.35 s) is a random walk over the node times: two threads.
    if (snaps.size() < 200000) return range(0, snaps.size());
    std::thread half(range, 0, snaps.size() / 2);
    range(snaps.size() / 2, snaps.size());
    half.join();
  };
  eval(point_snaps_, point_order_, point_times_, point_label_);
  eval(commune_snaps_, commune_order_, commune_times_, commune_label_);
}

namespace {
// Population-weighted quantiles of times (minutes) over reachable points: (time, population) sorted by time with
// Boost's integer spreadsort (65,521 points: 0.6 ms instead of 5 ms for std::sort of pairs of doubles).
struct TimePop {
  Millis ms;
  double population;
};
std::vector<double> deciles(std::vector<TimePop>& v) {
  boost::sort::spreadsort::integer_sort(
      v.begin(), v.end(), [](const TimePop& t, unsigned shift) { return t.ms >> shift; },
      [](const TimePop& a, const TimePop& b) { return a.ms != b.ms ? a.ms < b.ms : a.population < b.population; });
  double total = 0;
  for (auto& t : v) total += t.population;
  std::vector<double> out;
  if (total <= 0) return out;
  size_t i = 0;
  double acc = 0;
  for (int k = 1; k <= 9; ++k) {
    double target = total * k / 10.0;
    while (i < v.size() && acc + v[i].population < target) acc += v[i++].population;
    out.push_back((i < v.size() ? v[i].ms : v.back().ms) / 60000.0);
  }
  return out;
}
}  // namespace

namespace {

// The zones blanches: uncovered grid cells joined through shared edges, cut at department boundaries and at the
// edges of a 30 km grid (kZoneSquareKm): a zone is what one new site can serve (docs/indicators.md). Largest first.
std::vector<Zone> zones_blanches(const Engine& engine, Millis limit) {
  const auto& pts = engine.points().points;
  const auto& times = engine.point_times();
  const auto& ix = engine.index();
  auto covered = [&](const PointTime& t) { return t.within(limit); };
  std::vector<Zone> zones;
  std::vector<uint8_t> seen(pts.size(), 0);
  // A zone's population by commune and by department, added in the order the zone is walked.
  std::vector<double> by_code(ix.codes.size(), 0), by_dep(ix.deps.size(), 0);
  std::vector<uint32_t> codes, deps, stack;
  for (uint32_t start = 0; start < pts.size(); ++start) {
    if (covered(times[start]) || seen[start]) continue;
    Zone z;
    stack.assign(1, start);
    seen[start] = 1;
    codes.clear(), deps.clear();
    while (!stack.empty()) {
      uint32_t i = stack.back();
      stack.pop_back();
      z.point_indices.push_back(i);
      z.population += pts[i].population;
      ++z.cells;
      if (auto c = ix.point_code[i]; c != kInvalid) {
        if (by_code[c] == 0 && std::find(codes.begin(), codes.end(), c) == codes.end()) codes.push_back(c);
        by_code[c] += pts[i].population;
      }
      auto d = ix.point_dep[i];
      if (by_dep[d] == 0 && std::find(deps.begin(), deps.end(), d) == deps.end()) deps.push_back(d);
      by_dep[d] += pts[i].population;
      if (times[i].ms < z.nearest_ms) z.nearest_ms = times[i].ms, z.nearest_place = times[i].place;
      for (uint32_t k = ix.joins_first[i]; k < ix.joins_first[i + 1]; ++k)
        if (auto j = ix.joins[k]; !seen[j] && !covered(times[j])) seen[j] = 1, stack.push_back(j);
    }
    std::sort(z.point_indices.begin(), z.point_indices.end());
    for (auto c : codes) z.main_communes.push_back({ix.codes[c], by_code[c]}), by_code[c] = 0;
    std::sort(z.main_communes.begin(), z.main_communes.end(),
              [](auto& a, auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
    if (z.main_communes.size() > 3) z.main_communes.resize(3);
    std::sort(deps.begin(), deps.end());  // code order: the first of equal populations is kept
    uint32_t main_dep = deps[0];
    for (auto d : deps) {
      if (by_dep[d] > by_dep[main_dep]) main_dep = d;
    }
    z.dep = ix.deps[main_dep];
    for (auto d : deps) by_dep[d] = 0;
    zones.push_back(std::move(z));
  }
  std::sort(zones.begin(), zones.end(), [](const Zone& a, const Zone& b) {
    return a.population != b.population ? a.population > b.population : a.point_indices[0] < b.point_indices[0];
  });
  for (size_t k = 0; k < zones.size(); ++k) zones[k].rank = static_cast<int>(k + 1);
  return zones;
}

// Per commune: the time from its centre, and the population-weighted mean over its points.
std::vector<CommuneFigures> commune_figures(const Engine& engine, Millis limit) {
  const auto& pts = engine.points().points;
  const auto& times = engine.point_times();
  const auto& communes = engine.communes();
  auto covered = [&](const PointTime& t) { return t.within(limit); };
  std::vector<CommuneFigures> out;
  for (auto& c : communes.all()) {
    CommuneFigures f{c.code, c.name, c.dep};
    const auto& ct = engine.commune_times()[out.size()];
    f.centre_ms = ct.ms;
    f.centre_place = ct.place;
    out.push_back(f);
  }
  const auto& ix = engine.index();
  std::vector<double> weighted(out.size(), 0), reach_pop(out.size(), 0), cov(out.size(), 0);
  for (size_t i = 0; i < pts.size(); ++i) {
    auto code = ix.point_code[i];
    auto k = code == kInvalid ? kInvalid : ix.code_commune[code];
    if (k == kInvalid) continue;
    auto& f = out[k];
    f.population += pts[i].population;
    if (times[i].ms != kInfinity) {
      weighted[k] += pts[i].population * times[i].ms / 60000.0;
      reach_pop[k] += pts[i].population;
    }
    if (covered(times[i])) cov[k] += pts[i].population;
  }
  for (size_t k = 0; k < out.size(); ++k) {
    if (reach_pop[k] > 0) out[k].mean_minutes = weighted[k] / reach_pop[k];
    if (out[k].population > 0) out[k].covered_share = cov[k] / out[k].population;
  }
  return out;
}

}  // namespace

Report build_report(const Engine& engine, const std::vector<Place>& places, const std::string& date,
                    double threshold_min, double margin_fraction) {
  const auto& pts = engine.points().points;
  const auto& times = engine.point_times();
  const auto& communes = engine.communes();
  const Millis limit = threshold_ms(threshold_min);
  auto covered = [&](const PointTime& t) { return t.within(limit); };

  Report r;
  r.source = engine.points().source;
  r.population_description = engine.points().description;
  r.date = date;
  r.threshold_min = threshold_min;
  r.margin_fraction = margin_fraction;
  r.places_open = static_cast<int>(places.size());
  for (auto i : engine.unsnapped_places()) r.unsnapped_places.push_back(places[i].id);

  // Region and departments (in code order; those of the table named).
  const auto& ix = engine.index();
  std::vector<DepartmentFigures> deps(ix.deps.size());
  for (size_t k = 0; k < deps.size(); ++k) {
    deps[k].dep = ix.deps[k];
    if (ix.dep_known[k]) deps[k].name = std::string(territory::department_name(ix.deps[k]));
  }
  for (auto& p : places) {
    auto* c = communes.find(p.insee);
    if (auto k = c ? position(ix.deps, c->dep) : kInvalid; k != kInvalid) ++deps[k].places;
  }
  std::vector<TimePop> time_pop;
  time_pop.reserve(pts.size());
  static const int kBand = 5, kBands = 12;
  std::vector<double> band_pop(kBands + 2, 0);
  for (size_t i = 0; i < pts.size(); ++i) {
    const auto& p = pts[i];
    const auto& t = times[i];
    auto& d = deps[ix.point_dep[i]];
    r.population += p.population;
    d.population += p.population;
    if (covered(t)) r.covered += p.population, d.covered += p.population;
    if (t.ms != kInfinity) {
      if (t.ms * (1 + margin_fraction) <= limit) r.covered_low += p.population;
      if (t.ms * (1 - margin_fraction) <= limit) r.covered_high += p.population;
    }
    if (t.ms == kInfinity) {
      r.unreachable += p.population, d.unreachable += p.population;
      band_pop[kBands + 1] += p.population;
    } else {
      double m = t.ms / 60000.0;
      time_pop.push_back({t.ms, p.population});
      band_pop[std::min(kBands, static_cast<int>(m / kBand))] += p.population;
    }
  }
  r.departments = std::move(deps);
  r.deciles_min = deciles(time_pop);
  for (int b = 0; b < kBands; ++b) r.bands.push_back({fmt::format("{}-{}", b * kBand, (b + 1) * kBand), band_pop[b]});
  r.bands.push_back({fmt::format("{}+", kBands * kBand), band_pop[kBands]});
  r.bands.push_back({"unreachable", band_pop[kBands + 1]});

  if (r.source == territory::PopulationSource::Grid) r.zones = zones_blanches(engine, limit);
  r.communes = commune_figures(engine, limit);
  return r;
}

}  // namespace maillage::coverage

#include "territory/degurba.hpp"

#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/geo.hpp"
#include "territory/communes.hpp"

namespace maillage::territory {

const char* commune_class_name(CommuneClass c) {
  switch (c) {
    case CommuneClass::City: return "city";
    case CommuneClass::TownSuburb: return "town_suburb";
    default: return "rural";
  }
}

namespace {
uint64_t key(int x, int y) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(x)) << 32) | static_cast<uint32_t>(y);
}

// Clusters of qualifying cells; returns a cluster id per point (-1 when not qualifying) and each cluster's population.
std::vector<int> clusters(const PopulationPoints& g, const std::unordered_map<uint64_t, uint32_t>& at,
                          const std::vector<uint8_t>& qualifies, bool diagonals, std::vector<double>& pop) {
  std::vector<int> id(g.points.size(), -1);
  for (uint32_t s = 0; s < g.points.size(); ++s) {
    if (!qualifies[s] || id[s] >= 0) continue;
    int c = static_cast<int>(pop.size());
    pop.push_back(0);
    std::vector<uint32_t> stack{s};
    id[s] = c;
    while (!stack.empty()) {
      uint32_t i = stack.back();
      stack.pop_back();
      pop[c] += g.points[i].population;
      for (int dx = -1; dx <= 1; ++dx)
        for (int dy = -1; dy <= 1; ++dy) {
          if ((dx == 0 && dy == 0) || (!diagonals && dx != 0 && dy != 0)) continue;
          auto it = at.find(key(g.points[i].gx + dx, g.points[i].gy + dy));
          if (it != at.end() && qualifies[it->second] && id[it->second] < 0)
            id[it->second] = c, stack.push_back(it->second);
        }
    }
  }
  return id;
}
}  // namespace

namespace {
std::vector<CellClass> classify_km_cells(const PopulationPoints& g, DegurbaThresholds t);
}

std::vector<CellClass> classify_cells(const PopulationPoints& g, DegurbaThresholds t) {
  if (g.source != PopulationSource::Grid) throw Error("the degree of urbanisation needs a population grid");
  if (g.cell_m == 1000) return classify_km_cells(g, t);
  if (g.cell_m > 1000 || 1000 % g.cell_m != 0)
    throw Error(
        fmt::format("the degree of urbanisation needs a grid of 1 km or of a divisor of 1 km, not {} m", g.cell_m));
  // A finer grid (INSEE 200 m): the method is defined on 1 km cells, so the cells are summed into the 1 km cells
  // that hold them, classified, and each fine cell takes the class of its 1 km cell.
  const int k = 1000 / g.cell_m;
  auto floor_div = [k](int v) { return v >= 0 ? v / k : -((-v + k - 1) / k); };
  PopulationPoints km;
  std::unordered_map<uint64_t, uint32_t> at;
  std::vector<uint32_t> of(g.points.size());
  for (uint32_t i = 0; i < g.points.size(); ++i) {
    int x = floor_div(g.points[i].gx), y = floor_div(g.points[i].gy);
    auto [it, fresh] = at.emplace(key(x, y), static_cast<uint32_t>(km.points.size()));
    if (fresh) {
      PopulationPoint p;
      p.gx = x, p.gy = y;
      km.points.push_back(std::move(p));
    }
    km.points[it->second].population += g.points[i].population;
    of[i] = it->second;
  }
  auto classes = classify_km_cells(km, t);
  std::vector<CellClass> out(g.points.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = classes[of[i]];
  return out;
}

namespace {
std::vector<CellClass> classify_km_cells(const PopulationPoints& g, DegurbaThresholds t) {
  const size_t n = g.points.size();
  std::unordered_map<uint64_t, uint32_t> at;
  for (uint32_t i = 0; i < n; ++i) at[key(g.points[i].gx, g.points[i].gy)] = i;
  std::vector<CellClass> out(n, CellClass::Rural);

  // Urban clusters (8-connectivity).
  std::vector<uint8_t> q(n);
  for (size_t i = 0; i < n; ++i) q[i] = g.points[i].population >= t.cluster_density;
  std::vector<double> cpop;
  auto cid = clusters(g, at, q, true, cpop);
  for (size_t i = 0; i < n; ++i)
    if (cid[i] >= 0 && cpop[cid[i]] >= t.cluster_population) out[i] = CellClass::UrbanCluster;

  // Urban centres (4-connectivity), then gap filling; a filled cell may be unpopulated (absent from the grid):
  // only populated cells carry a class here, which is what the population shares need.
  for (size_t i = 0; i < n; ++i) q[i] = g.points[i].population >= t.centre_density;
  std::vector<double> hpop;
  auto hid = clusters(g, at, q, false, hpop);
  std::vector<int> centre(n, -1);
  for (size_t i = 0; i < n; ++i)
    if (hid[i] >= 0 && hpop[hid[i]] >= t.centre_population) centre[i] = hid[i];
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<std::pair<uint32_t, int>> add;
    for (uint32_t i = 0; i < n; ++i) {
      if (centre[i] >= 0) continue;
      std::unordered_map<int, int> count;
      for (int dx = -1; dx <= 1; ++dx)
        for (int dy = -1; dy <= 1; ++dy) {
          if (dx == 0 && dy == 0) continue;
          auto it = at.find(key(g.points[i].gx + dx, g.points[i].gy + dy));
          if (it != at.end() && centre[it->second] >= 0) ++count[centre[it->second]];
        }
      for (auto& [c, k] : count)
        if (k >= t.gap_fill_neighbours) {
          add.push_back({i, c});
          break;
        }
    }
    for (auto& [i, c] : add) centre[i] = c, changed = true;
  }
  for (size_t i = 0; i < n; ++i)
    if (centre[i] >= 0) out[i] = CellClass::UrbanCentre;
  return out;
}
}  // namespace

std::map<std::string, CommuneClass> classify_communes(const PopulationPoints& g, const std::vector<CellClass>& cells,
                                                      const CommuneTable& communes) {
  struct Sum {
    double total = 0, centre = 0, rural = 0;
  };
  std::unordered_map<std::string, Sum> sums;
  std::unordered_map<uint64_t, uint32_t> at;
  for (uint32_t i = 0; i < g.points.size(); ++i) {
    at[key(g.points[i].gx, g.points[i].gy)] = i;
    auto& s = sums[g.points[i].insee];
    s.total += g.points[i].population;
    if (cells[i] == CellClass::UrbanCentre) s.centre += g.points[i].population;
    if (cells[i] == CellClass::Rural) s.rural += g.points[i].population;
  }
  geo::Projection laea(g.crs);
  std::map<std::string, CommuneClass> out;
  for (auto& c : communes.all()) {
    auto it = sums.find(c.code);
    if (it == sums.end() || it->second.total <= 0) {
      auto p = laea.forward(c.centre);
      auto cell =
          at.find(key(static_cast<int>(std::floor(p.x / g.cell_m)), static_cast<int>(std::floor(p.y / g.cell_m))));
      CellClass k = cell == at.end() ? CellClass::Rural : cells[cell->second];
      out[c.code] = k == CellClass::UrbanCentre    ? CommuneClass::City
                    : k == CellClass::UrbanCluster ? CommuneClass::TownSuburb
                                                   : CommuneClass::Rural;
      continue;
    }
    const Sum& s = it->second;
    out[c.code] = s.centre >= 0.5 * s.total ? CommuneClass::City
                  : s.rural > 0.5 * s.total ? CommuneClass::Rural
                                            : CommuneClass::TownSuburb;
  }
  return out;
}

const std::map<std::string, CommuneClass>& bundled_commune_classes() {
  static const std::map<std::string, CommuneClass> m = [] {
    auto& g = bundled_points(PopulationSource::Grid);
    return classify_communes(g, classify_cells(g), CommuneTable::bundled());
  }();
  return m;
}

}  // namespace maillage::territory

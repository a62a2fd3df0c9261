#include "planning/exact.hpp"

#include <coin/CbcModel.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <coin/CoinPackedVector.hpp>
#include <coin/OsiClpSolverInterface.hpp>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <map>

namespace maillage::planning {

ExactResult best_k_exact(const CoverageSets& sets, const std::vector<double>& pop, const std::vector<uint8_t>& covered,
                         size_t k, double time_limit_s, const std::vector<uint32_t>& warm_start) {
  auto t0 = std::chrono::steady_clock::now();
  const uint32_t C = static_cast<uint32_t>(sets.first.size() - 1);
  ExactResult r;
  double before = 0;
  for (size_t p = 0; p < pop.size(); ++p)
    if (covered[p]) before += pop[p];
  // Candidates covering each uncovered point, then elements = distinct candidate lists.
  std::vector<std::vector<uint32_t>> by_point(pop.size());
  for (uint32_t c = 0; c < C; ++c)
    for (uint32_t i = sets.first[c]; i < sets.first[c + 1]; ++i)
      if (!covered[sets.point[i]]) by_point[sets.point[i]].push_back(c);
  std::map<std::vector<uint32_t>, double> elements;
  for (size_t p = 0; p < pop.size(); ++p)
    if (!by_point[p].empty() && pop[p] > 0) elements[by_point[p]] += pop[p];
  by_point.clear();
  // Columns: the candidates that cover something, then one y per element.
  std::vector<int> col_of(C, -1);
  std::vector<uint32_t> cand_of_col;
  for (auto& [list, w] : elements)
    for (auto c : list)
      if (col_of[c] < 0) col_of[c] = static_cast<int>(cand_of_col.size()), cand_of_col.push_back(c);
  const int nx = static_cast<int>(cand_of_col.size()), ne = static_cast<int>(elements.size()), ncols = nx + ne;
  r.elements = elements.size();
  r.variables = static_cast<size_t>(ncols);
  if (nx == 0 || k == 0) {
    r.covered = r.bound = before;
    r.optimal = true;
    return r;
  }
  std::vector<double> collb(ncols, 0), colub(ncols, 1), obj(ncols, 0), rowlb, rowub;
  CoinPackedMatrix m(false, 0, 0);
  m.setDimensions(0, ncols);
  int e = 0;
  for (auto& [list, w] : elements) {
    obj[nx + e] = -w;  // CBC minimises
    CoinPackedVector row;
    row.insert(nx + e, 1.0);
    for (auto c : list) row.insert(col_of[c], -1.0);
    m.appendRow(row);
    rowlb.push_back(-COIN_DBL_MAX);
    rowub.push_back(0.0);  // y_e <= sum of x over its candidates
    ++e;
  }
  CoinPackedVector card;
  for (int j = 0; j < nx; ++j) card.insert(j, 1.0);
  m.appendRow(card);
  rowlb.push_back(0.0);
  rowub.push_back(static_cast<double>(k));
  OsiClpSolverInterface solver;
  solver.messageHandler()->setLogLevel(0);
  solver.loadProblem(m, collb.data(), colub.data(), obj.data(), rowlb.data(), rowub.data());
  for (int j = 0; j < nx; ++j) solver.setInteger(j);
  // CBC's limit covers branch and bound; the root LP is Clp's: give it the same limit.
  solver.getModelPtr()->setMaximumSeconds(time_limit_s);
  CbcModel model(solver);
  model.setLogLevel(0);
  model.messageHandler()->setLogLevel(0);
  model.setMaximumSeconds(time_limit_s);
  if (!warm_start.empty()) {
    std::vector<double> x(ncols, 0);
    std::vector<uint8_t> chosen(C, 0);
    for (auto c : warm_start)
      if (c < C) chosen[c] = 1;
    for (int j = 0; j < nx; ++j) x[j] = chosen[cand_of_col[j]];
    double value = 0;
    e = 0;
    for (auto& [list, w] : elements) {
      bool hit = std::any_of(list.begin(), list.end(), [&](uint32_t c) { return chosen[c]; });
      x[nx + e] = hit ? 1 : 0;
      value -= hit ? w : 0;
      ++e;
    }
    model.setBestSolution(x.data(), ncols, value, true);
  }
  model.branchAndBound();
  const double* best = model.bestSolution();
  double gained = 0;
  if (best) {
    for (int j = 0; j < nx; ++j)
      if (best[j] > 0.5) r.chosen.push_back(cand_of_col[j]);
    std::sort(r.chosen.begin(), r.chosen.end());
    gained = covered_population(sets, pop, covered, r.chosen) - before;  // recomputed, not taken from the solver
  }
  r.covered = before + gained;
  r.optimal = model.isProvenOptimal();
  // A bound exists only once the root relaxation is solved: then the best possible (minimised) objective is
  // finite and no better than the incumbent's.
  double bp = model.getBestPossibleObjValue();
  bool root_solved = !model.isInitialSolveAbandoned() && solver.getModelPtr() != nullptr;
  r.has_bound = r.optimal || (root_solved && std::isfinite(bp) && bp > -1e29 && bp <= -gained + 1e-6 &&
                               model.getSolutionCount() > 0 && model.getNodeCount() > 0);
  if (r.optimal) {
    r.bound = r.covered;
  } else if (r.has_bound) {
    r.bound = std::max(r.covered, before - bp);
    r.gap = r.bound > 0 ? (r.bound - r.covered) / r.bound : 0;
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace maillage::planning

#include "planning/exact.hpp"
#include "planning/mip.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>

namespace maillage::planning {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Uncovered points merged into elements: points reached by exactly the same candidates, weighted by their
// population. Both directions are kept as CSR arrays.
struct Elements {
  std::vector<double> w;
  std::vector<uint32_t> efirst{0}, ecand;  // element -> candidates
  std::vector<uint32_t> cfirst, celem;     // candidate -> elements
  uint32_t size() const { return static_cast<uint32_t>(w.size()); }
};

Elements merge_elements(const CoverageSets& sets, const std::vector<double>& pop, const std::vector<uint8_t>& covered) {
  const uint32_t C = static_cast<uint32_t>(sets.first.size() - 1);
  std::vector<std::vector<uint32_t>> by_point(pop.size());
  for (uint32_t c = 0; c < C; ++c)
    for (uint32_t i = sets.first[c]; i < sets.first[c + 1]; ++i)
      if (!covered[sets.point[i]]) by_point[sets.point[i]].push_back(c);
  std::map<std::vector<uint32_t>, double> merged;
  for (size_t p = 0; p < pop.size(); ++p)
    if (!by_point[p].empty() && pop[p] > 0) merged[std::move(by_point[p])] += pop[p];
  Elements el;
  std::vector<uint32_t> count(C + 1, 0);
  for (auto& [list, w] : merged) {
    el.w.push_back(w);
    el.ecand.insert(el.ecand.end(), list.begin(), list.end());
    el.efirst.push_back(static_cast<uint32_t>(el.ecand.size()));
    for (auto c : list) ++count[c + 1];
  }
  std::partial_sum(count.begin(), count.end(), count.begin());
  el.cfirst = count;
  el.celem.resize(el.ecand.size());
  for (uint32_t e = 0; e < el.size(); ++e)
    for (uint32_t i = el.efirst[e]; i < el.efirst[e + 1]; ++i) el.celem[count[el.ecand[i]]++] = e;
  return el;
}

// Candidates whose elements are all reached by another one (a strict superset, or the same set with a smaller
// index): any solution using one stays as good with its dominator instead. Returns, for each candidate, the
// undominated candidate that replaces it (itself when it is kept).
std::vector<uint32_t> dominators(const Elements& el, uint32_t C) {
  std::vector<uint32_t> by(C);
  std::iota(by.begin(), by.end(), 0u);
  auto size = [&](uint32_t j) { return el.cfirst[j + 1] - el.cfirst[j]; };
  for (uint32_t a = 0; a < C; ++a) {
    if (size(a) == 0) continue;
    // Any dominator reaches a's rarest element.
    uint32_t rare = el.celem[el.cfirst[a]];
    for (uint32_t i = el.cfirst[a]; i < el.cfirst[a + 1]; ++i) {
      uint32_t e = el.celem[i];
      if (el.efirst[e + 1] - el.efirst[e] < el.efirst[rare + 1] - el.efirst[rare]) rare = e;
    }
    for (uint32_t i = el.efirst[rare]; i < el.efirst[rare + 1]; ++i) {
      uint32_t b = el.ecand[i];
      if (b == a || size(b) < size(a) || (size(b) == size(a) && b > a)) continue;
      if (std::includes(el.celem.begin() + el.cfirst[b], el.celem.begin() + el.cfirst[b + 1],
                        el.celem.begin() + el.cfirst[a], el.celem.begin() + el.cfirst[a + 1])) {
        by[a] = b;
        break;
      }
    }
  }
  // Follow chains to a kept candidate (sizes grow, or indices fall at equal size: no cycle).
  for (uint32_t a = 0; a < C; ++a) {
    uint32_t b = a;
    while (by[b] != b) b = by[b];
    by[a] = b;
  }
  return by;
}

// The same elements without the entries of the candidates not kept.
Elements restrict_to(const Elements& el, const std::vector<uint32_t>& by) {
  const uint32_t C = static_cast<uint32_t>(el.cfirst.size() - 1);
  Elements out;
  out.w = el.w;
  for (uint32_t e = 0; e < el.size(); ++e) {
    for (uint32_t i = el.efirst[e]; i < el.efirst[e + 1]; ++i)
      if (by[el.ecand[i]] == el.ecand[i]) out.ecand.push_back(el.ecand[i]);
    out.efirst.push_back(static_cast<uint32_t>(out.ecand.size()));
  }
  out.cfirst.assign(C + 1, 0);
  for (uint32_t j = 0; j < C; ++j)
    out.cfirst[j + 1] = out.cfirst[j] + (by[j] == j ? el.cfirst[j + 1] - el.cfirst[j] : 0);
  out.celem.reserve(out.cfirst.back());
  for (uint32_t j = 0; j < C; ++j)
    if (by[j] == j)
      out.celem.insert(out.celem.end(), el.celem.begin() + el.cfirst[j], el.celem.begin() + el.cfirst[j + 1]);
  return out;
}

// c_j = sum of lambda_e over the elements of candidate j.
void column_sums(const Elements& el, const std::vector<double>& lambda, std::vector<double>& c) {
  std::fill(c.begin(), c.end(), 0.0);
  for (uint32_t e = 0; e < el.size(); ++e)
    for (uint32_t i = el.efirst[e]; i < el.efirst[e + 1]; ++i) c[el.ecand[i]] += lambda[e];
}

// Population of the elements that a set of candidates reaches.
double gained(const Elements& el, const std::vector<uint32_t>& chosen, std::vector<uint8_t>& mark) {
  double g = 0;
  for (auto c : chosen)
    for (uint32_t i = el.cfirst[c]; i < el.cfirst[c + 1]; ++i)
      if (!mark[el.celem[i]]) mark[el.celem[i]] = 1, g += el.w[el.celem[i]];
  for (auto c : chosen)
    for (uint32_t i = el.cfirst[c]; i < el.cfirst[c + 1]; ++i) mark[el.celem[i]] = 0;
  return g;
}

// Lagrangian relaxation of the covering rows y_e <= sum of x over N(e), multipliers 0 <= lambda_e <= w_e:
//   L(lambda) = sum_e (w_e - lambda_e) + (sum of the k largest c_j),  c_j = sum of lambda_e over the elements of j.
// Every L(lambda) is an upper bound on the gain; subgradient steps (Polyak) lower it towards the LP bound. The
// top-k set of each iteration is also a candidate solution. At the end, reduced costs fix candidates: forcing
// candidate j into (out of) the top k costs at least c_(k) - c_j (c_j - c_(k+1)); when the bound that remains is no
// better than the incumbent, no strictly better solution contains (lacks) j.
struct Lagrangian {
  double bound = INFINITY;
  std::vector<double> c;     // c_j at the best multipliers
  double kth = 0, next = 0;  // k-th and (k+1)-th largest c_j
  int iterations = 0;
};

Lagrangian lagrangian(const Elements& el, uint32_t C, size_t k, double& incumbent, std::vector<uint32_t>& best_set,
                      double seconds, Clock::time_point t0) {
  Lagrangian L;
  const uint32_t E = el.size();
  std::vector<double> lambda(E), best_lambda, c(C), g(E), d(E, 0.0);
  for (uint32_t e = 0; e < E; ++e) lambda[e] = el.w[e] / static_cast<double>(el.efirst[e + 1] - el.efirst[e]);
  std::vector<uint32_t> order(C), top;
  std::vector<uint8_t> mark(E, 0);
  double mu = 2.0;
  int stall = 0;
  const double tol = 1e-9 * std::max(1.0, incumbent);
  for (int it = 0; it < 3000 && since(t0) < seconds; ++it) {
    column_sums(el, lambda, c);
    double value = 0;
    for (uint32_t e = 0; e < E; ++e) value += el.w[e] - lambda[e];
    std::iota(order.begin(), order.end(), 0u);
    std::nth_element(order.begin(), order.begin() + static_cast<long>(k), order.end(),
                     [&](uint32_t a, uint32_t b) { return c[a] > c[b] || (c[a] == c[b] && a < b); });
    top.assign(order.begin(), order.begin() + static_cast<long>(k));
    for (auto j : top) value += c[j];
    ++L.iterations;
    if (value < L.bound - tol) {
      L.bound = value, best_lambda = lambda, stall = 0;
    } else if (++stall >= 20) {
      mu /= 2, stall = 0;
    }
    double v = gained(el, top, mark);
    if (v > incumbent + tol) incumbent = v, best_set = top;
    if (L.bound <= incumbent + tol || mu < 1e-6) break;
    // Subgradient of L: (times e is covered by the top k) - 1.
    std::fill(g.begin(), g.end(), -1.0);
    for (auto j : top)
      for (uint32_t i = el.cfirst[j]; i < el.cfirst[j + 1]; ++i) g[el.celem[i]] += 1.0;
    double norm = 0;
    for (uint32_t e = 0; e < E; ++e) {
      // A multiplier at a bound that the step would push further out does not move: leave it out of the norm.
      if ((lambda[e] <= 0 && g[e] < 0) || (lambda[e] >= el.w[e] && g[e] > 0)) g[e] = 0;
      g[e] = 0.7 * g[e] + 0.3 * d[e];  // deflected direction (smooths the zigzag of plain subgradient steps)
      d[e] = g[e];
      norm += g[e] * g[e];
    }
    if (norm == 0) break;  // the relaxed solution is feasible: L equals its value
    double step = mu * (value - incumbent) / norm;
    for (uint32_t e = 0; e < E; ++e) lambda[e] = std::clamp(lambda[e] - step * g[e], 0.0, el.w[e]);
  }
  // Reduced costs at the best multipliers.
  if (!best_lambda.empty()) {
    column_sums(el, best_lambda, c);
    std::vector<double> sorted(c);
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    L.kth = sorted[k - 1];
    L.next = k < sorted.size() ? sorted[k] : 0.0;
    L.c = std::move(c);
  }
  return L;
}

}  // namespace

ExactResult best_k_exact(const CoverageSets& sets, const std::vector<double>& pop, const std::vector<uint8_t>& covered,
                         size_t k, double time_limit_s, const std::vector<uint32_t>& warm_start) {
  auto t0 = Clock::now();
  const uint32_t C = static_cast<uint32_t>(sets.first.size() - 1);
  ExactResult r;
  const double before = covered_population(sets, pop, covered, {});
  Elements el = merge_elements(sets, pop, covered);
  r.elements = el.size();
  for (uint32_t j = 0; j < C; ++j) r.candidates += el.cfirst[j + 1] > el.cfirst[j];
  const auto by = dominators(el, C);
  el = restrict_to(el, by);
  std::vector<uint32_t> useful;  // undominated candidates that reach an uncovered inhabitant
  for (uint32_t j = 0; j < C; ++j)
    if (el.cfirst[j + 1] > el.cfirst[j]) useful.push_back(j);
  r.undominated = useful.size();
  auto finish = [&](std::vector<uint32_t> chosen) {
    std::sort(chosen.begin(), chosen.end());
    r.chosen = std::move(chosen);
    r.covered = covered_population(sets, pop, covered, r.chosen);  // recomputed from the sets, not the solver
    if (r.optimal) r.bound = r.covered;
    r.gap = r.bound > 0 ? std::max(0.0, (r.bound - r.covered) / r.bound) : 0;
    r.seconds = since(t0);
    return r;
  };
  if (k == 0 || useful.size() <= k) {  // every useful candidate fits: nothing to choose
    r.optimal = r.has_bound = true;
    return finish(k == 0 ? std::vector<uint32_t>{} : useful);
  }
  std::vector<uint8_t> mark(el.size(), 0);
  std::vector<uint32_t> incumbent_set;
  for (auto c : warm_start)  // each site replaced by its dominator (as good)
    if (c < C && incumbent_set.size() < k &&
        std::find(incumbent_set.begin(), incumbent_set.end(), by[c]) == incumbent_set.end())
      incumbent_set.push_back(by[c]);
  double incumbent = gained(el, incumbent_set, mark);

  // 1. Lagrangian bound (a fifth of the time at most), candidates fixed by reduced costs.
  auto L = lagrangian(el, C, k, incumbent, incumbent_set, time_limit_s / 5, t0);
  r.lagrangian_iterations = L.iterations;
  r.has_bound = std::isfinite(L.bound);
  r.bound = before + std::max(incumbent, L.bound);
  const double tol = 1e-9 * std::max(1.0, incumbent);
  if (L.bound <= incumbent + tol) {
    r.optimal = true;
    return finish(incumbent_set);
  }
  std::vector<int8_t> fixed(C, 0);  // -1: out of every better solution, +1: in every better solution
  std::vector<uint32_t> free_cands;
  if (!L.c.empty()) {
    for (auto j : useful) {
      bool in_top = L.c[j] >= L.kth;
      if (!in_top && L.bound - (L.kth - L.c[j]) <= incumbent + tol) fixed[j] = -1;
      if (in_top && L.bound - (L.c[j] - L.next) <= incumbent + tol) fixed[j] = 1;
    }
  }
  size_t ones = 0;
  for (auto j : useful) {
    if (fixed[j] >= 0) free_cands.push_back(j);
    if (fixed[j] > 0) ++ones;
  }
  r.kept = free_cands.size();

  // 2. The MIP on the kept candidates: elements restricted to them and merged again. Its optimum is the overall
  //    optimum whenever that beats the incumbent.
  std::vector<int> col_of(C, -1);
  for (size_t i = 0; i < free_cands.size(); ++i) col_of[free_cands[i]] = static_cast<int>(i);
  std::map<std::vector<int>, double> rows;
  std::vector<double> single(free_cands.size(), 0.0);  // elements reached by one kept candidate: its own weight
  for (uint32_t e = 0; e < el.size(); ++e) {
    std::vector<int> cols;
    for (uint32_t i = el.efirst[e]; i < el.efirst[e + 1]; ++i)
      if (col_of[el.ecand[i]] >= 0) cols.push_back(col_of[el.ecand[i]]);
    if (cols.size() == 1)
      single[static_cast<size_t>(cols[0])] += el.w[e];
    else if (cols.size() > 1)
      rows[std::move(cols)] += el.w[e];
  }
  const int nx = static_cast<int>(free_cands.size()), ny = static_cast<int>(rows.size()), ncols = nx + ny;
  r.variables = static_cast<size_t>(ncols);
  RowMip mip(ncols);
  for (int j = 0; j < nx; ++j) {
    mip.obj[j] = -single[static_cast<size_t>(j)];  // CBC minimises
    if (fixed[free_cands[static_cast<size_t>(j)]] > 0) mip.collb[j] = 1;
  }
  int y = nx;
  for (auto& [cols, w] : rows) {  // y_e - sum of x over its candidates <= 0
    mip.obj[y] = -w;
    mip.add(y, 1.0);
    for (int j : cols) mip.add(j, -1.0);
    mip.end_row(-COIN_DBL_MAX, 0.0);
    ++y;
  }
  for (int j = 0; j < nx; ++j) mip.add(j, 1.0);  // at most k sites
  mip.end_row(0.0, static_cast<double>(k));
  const auto& obj = mip.obj;
  auto model_ptr = cbc_model(mip, nx, std::max(1.0, time_limit_s - since(t0)));
  auto& model = *model_ptr;
  // The incumbent as CBC's start when it lies within the kept candidates.
  bool inside = std::all_of(incumbent_set.begin(), incumbent_set.end(), [&](uint32_t c) { return col_of[c] >= 0; }) &&
                ones <= incumbent_set.size();
  if (inside) {
    std::vector<double> x(ncols, 0);
    for (auto c : incumbent_set) x[col_of[c]] = 1;
    double value = 0;
    for (int j = 0; j < nx; ++j) value += x[j] * obj[j];
    y = nx;
    for (auto& [cols, w] : rows) {
      bool hit = std::any_of(cols.begin(), cols.end(), [&](int j) { return x[j] > 0.5; });
      x[y] = hit ? 1 : 0;
      value += hit ? obj[y] : 0;
      ++y;
    }
    model.setBestSolution(x.data(), ncols, value, true);
  }
  model.branchAndBound();
  std::vector<uint32_t> chosen = incumbent_set;
  if (const double* best = model.bestSolution()) {
    std::vector<uint32_t> mip;
    for (int j = 0; j < nx; ++j)
      if (best[j] > 0.5) mip.push_back(free_cands[static_cast<size_t>(j)]);
    if (gained(el, mip, mark) > incumbent + tol) chosen = mip;
  }
  if (model.isProvenOptimal()) {
    r.optimal = true;
  } else {
    // CBC's bound holds for the better solutions (the kept candidates); the incumbent covers the rest.
    double bp = model.getBestPossibleObjValue();
    // Only once branching has started is the best possible value a proven bound (a run stopped in the root LP
    // reports the incumbent's value).
    if (!model.isInitialSolveAbandoned() && model.getNodeCount() > 0 && std::isfinite(bp) && bp > -1e29)
      r.bound = std::min(r.bound, before + std::max(incumbent, -bp));
  }
  return finish(chosen);
}

}  // namespace maillage::planning

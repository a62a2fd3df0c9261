#pragma once
// Exact maximal covering through a real MIP solver (COIN-OR CBC): choose at most k candidates to maximise the
// newly covered population. Points covered by exactly the same candidates are merged into one weighted element,
// which shrinks the model without changing its optimum. The greedy solution is given to CBC as a starting
// incumbent; with a time limit the result reports the best bound and the optimality gap.
#include <string>
#include <vector>

#include "planning/planning.hpp"

namespace maillage::planning {

struct ExactResult {
  std::vector<uint32_t> chosen;  // candidate indices, ascending
  double covered = 0;            // total covered population (open places included)
  bool has_bound = false;        // false: the root relaxation did not finish within the time limit
  double bound = 0;              // upper bound on `covered` proven by the solver (when has_bound)
  double gap = 0;                // (bound - covered) / bound (when has_bound)
  bool optimal = false;
  double seconds = 0;
  size_t elements = 0, variables = 0;  // model size after merging
};

ExactResult best_k_exact(const CoverageSets& sets, const std::vector<double>& population,
                         const std::vector<uint8_t>& covered, size_t k, double time_limit_s,
                         const std::vector<uint32_t>& warm_start = {});

}  // namespace maillage::planning

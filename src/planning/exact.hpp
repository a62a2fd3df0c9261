#pragma once
// Exact maximal covering: choose at most k candidates to maximise the newly covered population.
//  1. Points covered by exactly the same candidates are merged into one weighted element.
//     Candidates dominated by another (all their elements reached by it) are dropped: swapping one for its
//     dominator never lowers the coverage.
//  2. A Lagrangian relaxation of the covering rows (subgradient) gives an upper bound, often equal to the greedy
//     value (then the greedy choice is proven optimal), improves the incumbent with its own solutions, and fixes
//     candidates by reduced costs: those that cannot be part of any strictly better solution are dropped.
//  3. The MIP on the candidates kept goes to a real solver (COIN-OR CBC), started from the incumbent.
// With a time limit the result reports the best bound (the smaller of the Lagrangian and CBC bounds) and the gap.
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
  size_t elements = 0;     // merged elements of uncovered population
  size_t candidates = 0;   // candidates that reach an uncovered inhabitant
  size_t undominated = 0;  // of those, the ones no other candidate dominates (reaches a superset)
  size_t kept = 0;         // candidates left after reduced-cost fixing (the MIP's binaries)
  size_t variables = 0;    // columns of the MIP given to CBC (0: proven by the bound alone)
  int lagrangian_iterations = 0;
};

ExactResult best_k_exact(const CoverageSets& sets, const std::vector<double>& population,
                         const std::vector<uint8_t>& covered, size_t k, double time_limit_s,
                         const std::vector<uint32_t>& warm_start = {});

}  // namespace maillage::planning

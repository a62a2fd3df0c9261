#pragma once
// Planning: where new tiers-lieux would close the gaps. Candidates (commune centres, grid cells or user sites)
// get a coverage set: the population points that reach them within the threshold, towards the candidate, with
// the engine (one bounded search per candidate; only the points joined to the nodes it reaches are evaluated).
// Places already open at the date are fixed: the points they cover count as covered.
#include <string>
#include <vector>

#include "routing/engine.hpp"
#include "territory/population.hpp"

namespace maillage::planning {

struct Candidate {
  std::string id, name, insee;
  geo::LonLat at;
};

struct CoverageSets {
  std::vector<uint32_t> first;     // candidates + 1
  std::vector<uint32_t> point;     // population point indices reaching each candidate within the threshold
  std::vector<uint8_t> unsnapped;  // candidate could not be joined to the network (empty set)
  size_t size(uint32_t c) const { return first[c + 1] - first[c]; }
};

// Coverage sets of the candidates over the given (snapped) population points: one bounded search per candidate,
// candidates shared among `threads` threads (0: one per hardware thread).
CoverageSets coverage_sets(const roads::RoadGraph& g, const routing::Snapper& snapper,
                           const std::vector<routing::Snap>& point_snaps, const std::vector<Candidate>& candidates,
                           roads::Millis threshold, unsigned threads = 0);

struct Step {
  uint32_t candidate;
  double gain;     // population newly covered by this site
  double covered;  // cumulative covered population (existing places included)
};

struct GreedyResult {
  std::vector<Step> steps;
  double population = 0;      // total
  double covered_before = 0;  // by the open places
  double uncoverable = 0;     // uncovered and in no candidate's set
};

// Lazy greedy (gains only decrease: a popped candidate whose recomputed gain still tops the queue is taken).
// Stops after k sites (k = 0: until every coverable inhabitant is covered, i.e. the curve to 100 % and a set
// cover). `covered` flags the points the open places already cover.
GreedyResult greedy(const CoverageSets& sets, const std::vector<double>& population,
                    const std::vector<uint8_t>& covered, size_t k);

// Population covered by a set of candidates (with the points already covered): the objective, for checks.
double covered_population(const CoverageSets& sets, const std::vector<double>& population,
                          const std::vector<uint8_t>& covered, const std::vector<uint32_t>& chosen);

}  // namespace maillage::planning

namespace maillage::coverage {
class Engine;
struct Place;
}  // namespace maillage::coverage

namespace maillage::planning {

// What each open place is worth to coverage, by recomputing coverage without it (the definition itself).
struct Criticality {
  uint32_t place = 0;
  double sole_population = 0;  // within the threshold with the place, beyond it (or unreachable) without
  double users = 0;            // population whose nearest place it is
  double added_minutes = 0;    // population-weighted mean extra time of its users without it (reachable ones)
  double stranded = 0;         // its users who could reach no place at all without it
};
std::vector<Criticality> criticality(coverage::Engine& engine, const std::vector<coverage::Place>& places,
                                     roads::Millis threshold);

}  // namespace maillage::planning

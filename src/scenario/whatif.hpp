#pragma once
// What-if coverage, changed one place at a time (issue #19). Per population point the scenario keeps only its
// nearest place and time (8 bytes a point: a new scenario is a copy of a few megabytes, even for France). The start
// is one multi-source sweep. Adding a place runs one search bounded at the cap from it and touches only the points
// it reaches sooner. Closing a place repairs only the points it served: one multi-source search, bounded at the cap,
// from the open places nearest to it, widened (8, 16, 32 ... places) until a speed bound proves that no place
// further away could do better (a place at straight distance d needs at least d / v_max, v_max the graph's fastest
// speed). Moving is closing then adding. After any sequence of changes the times equal a full recomputation
// (coverage::Engine) wherever they are within the cap; a property test checks it on random sequences.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "routing/engine.hpp"
#include "territory/population.hpp"

namespace maillage::scenario {

using roads::Millis;

struct Site {
  std::string id, name, insee;
  geo::LonLat at;
  bool hypothetical = false;
};

struct Figures {
  double population = 0, covered = 0;
  std::vector<std::pair<std::string, double>> by_department;  // covered population, departments in code order
};

struct Delta {  // what one change did
  double covered_change = 0;
  std::vector<std::pair<std::string, double>> by_department;  // departments whose covered population moved
  std::vector<uint32_t> gained, lost;                          // points that crossed the threshold
  std::vector<uint32_t> changed;                               // points whose time moved (within the cap)
  size_t repair_sources = 0;                                   // close/move: places searched from to repair
  double microseconds = 0;
};

class WhatIf {
 public:
  // `point_snaps`: the points snapped once (coverage::Engine::point_snaps). `cap` >= `threshold`: times beyond the
  // cap are "beyond" (kInfinity). `sites`: the places open at the start (one sweep).
  WhatIf(const roads::RoadGraph& g, const routing::Snapper& snapper, const territory::PopulationPoints& points,
         const std::vector<routing::Snap>& point_snaps, Millis threshold, Millis cap, const std::vector<Site>& sites);

  // Changes. Ids are unique; add refuses a known id (maillage::Error), close and move an unknown one (NotFound).
  Delta add(const Site& s);
  Delta close(const std::string& id);
  Delta move(const std::string& id, geo::LonLat at);

  Figures figures() const;
  Millis time(uint32_t point) const { return best_[point]; }
  const Site* nearest(uint32_t point) const;  // the site nearest to a point (within the cap), or nullptr
  std::vector<Site> sites() const;            // open in the scenario
  const territory::PopulationPoints& points() const { return points_; }
  Millis threshold() const { return threshold_; }
  size_t size() const { return index_.size(); }

 private:
  struct Slot {
    Site site;
    routing::Snap snap;
    bool open = false;
    std::vector<uint32_t> served;  // points it was made nearest to (some may have moved on since: checked on use)
  };
  // What never changes in a scenario, shared by its copies: points by node, by edge, departments, v_max.
  struct Index {
    std::vector<uint32_t> first, point;  // CSR: node -> points whose snapped edge ends at it
    std::unordered_multimap<roads::EdgeId, uint32_t> on_edge;
    std::vector<std::string> deps;
    std::vector<uint16_t> dep_of;
    std::vector<double> population_dep;
    double population = 0;
    double vmax_mps = 0;  // the fastest speed on the graph (the bound used to stop widening)
    // Searches are big (8 bytes a node): a few are shared by every copy, leased one change at a time.
    struct Worker {
      routing::Search search;
      routing::NearestPlaces nearest;
    };
    mutable std::mutex mu;
    mutable std::vector<std::unique_ptr<Worker>> free;
  };
  struct Lease;
  void begin();
  void set(uint32_t point, Millis t, uint32_t slot);
  Delta finish(std::chrono::steady_clock::time_point t0);
  uint32_t open_new(const Site& s);   // a slot, searched from, its better points set
  void repair(uint32_t closed);       // the points a closed slot served

  const roads::RoadGraph& g_;
  const routing::Snapper& snapper_;
  const territory::PopulationPoints& points_;
  const std::vector<routing::Snap>& snaps_;
  Millis threshold_, cap_;
  std::shared_ptr<const Index> ix_;
  std::vector<Slot> slots_;
  std::unordered_map<std::string, uint32_t> index_;  // open sites by id
  std::vector<Millis> best_;
  std::vector<uint32_t> best_slot_;
  std::vector<double> covered_dep_;
  double covered_ = 0;
  // Scratch of one change (not shared state: each scenario has its own, used under its lock).
  std::vector<uint32_t> stamp_;
  uint32_t epoch_ = 0;
  std::vector<Millis> before_;
  std::vector<uint32_t> touched_;
  std::vector<uint32_t> seen_;  // candidates of one search, deduplicated
  uint32_t seen_epoch_ = 0;
  size_t last_sources_ = 0;
};

// JSON of a change's result: the figures, the difference from the start and from the previous state, the
// departments and the cells that crossed the threshold (at most `max_cells` of each).
nlohmann::json delta_json(const WhatIf& w, const Delta& d, const Figures& start, size_t max_cells = 2000);
nlohmann::json figures_json(const Figures& f, const Figures& start);

}  // namespace maillage::scenario

#pragma once
// What-if coverage, changed one place at a time (issue #19). The start is one multi-source sweep towards the open
// places; its node states (time to the nearest place and which) are kept, shared by every scenario copied from the
// start, and each scenario owns only the blocks of nodes its changes rewrote (scenario/labels.hpp). Per population
// point a scenario keeps its nearest place and time (8 bytes a point). Adding a place runs one search from it that
// goes on only where it improves a node; closing a place resets the nodes whose nearest place it was and settles
// them again from the border of that area. Either way the work is the area whose nearest place changes, and only
// the points on an edge with a changed end are read again. Moving is closing then adding. After any sequence of
// changes the times equal a full recomputation (coverage::Engine) wherever they are within the cap; a property test
// checks it on random sequences.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "routing/engine.hpp"
#include "scenario/labels.hpp"
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
  std::vector<uint32_t> gained, lost;                         // points that crossed the threshold
  std::vector<uint32_t> changed;                              // points whose time moved (within the cap)
  size_t nodes = 0;                                           // nodes whose nearest place was searched again
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
  };
  // What never changes in a scenario, shared by its copies: points by node, by edge, departments.
  struct Index {
    std::vector<uint32_t> first, point;  // CSR: node -> points whose snapped edge ends at it
    std::unordered_multimap<roads::EdgeId, uint32_t> on_edge;
    std::vector<std::string> deps;
    std::vector<uint16_t> dep_of;
    std::vector<double> population_dep;
    double population = 0;
    // Working arrays are big (8 bytes a node): a few are shared by every copy, leased one change at a time.
    mutable std::mutex mu;
    mutable std::vector<std::unique_ptr<Patch>> free;
  };
  struct Lease;
  void begin();
  void set(uint32_t point, Millis t, uint32_t slot);
  Delta finish(std::chrono::steady_clock::time_point t0);
  void open_new(Patch& patch, const Site& s);  // a slot, its sources relaxed where they improve
  void withdraw(Patch& patch, uint32_t slot);  // the nodes a closed slot was nearest to, settled again
  // The points on an edge with a changed end, and on these edges (or every point), read again from the nodes.
  void reread(Patch& patch, const std::vector<roads::EdgeId>& edges, bool everyone);
  Delta change_done(Patch& patch, const std::vector<routing::Snap>& places, std::chrono::steady_clock::time_point t0);
  std::vector<routing::Source> sources(uint32_t slot) const;

  const roads::RoadGraph& g_;
  const routing::Snapper& snapper_;
  const territory::PopulationPoints& points_;
  const std::vector<routing::Snap>& snaps_;
  Millis threshold_, cap_;
  std::shared_ptr<const Index> ix_;
  NodeLabels labels_;
  std::vector<Slot> slots_;
  std::unordered_map<std::string, uint32_t> index_;           // open sites by id
  SourcesAt sources_at_;                                      // the open slots' sources by node
  std::unordered_multimap<roads::EdgeId, uint32_t> on_edge_;  // the open slots by edge
  std::vector<Millis> best_;
  std::vector<uint32_t> best_slot_;
  std::vector<double> covered_dep_;
  double covered_ = 0;
  // Scratch of one change (not shared state: each scenario has its own, used under its lock).
  std::vector<uint32_t> stamp_;
  uint32_t epoch_ = 0;
  std::vector<Millis> before_;
  std::vector<uint32_t> touched_;
  std::vector<uint32_t> seen_;  // points read again in one change, deduplicated
  uint32_t seen_epoch_ = 0;
};

// JSON of a change's result: the figures, the difference from the start and from the previous state, the
// departments and the cells that crossed the threshold (at most `max_cells` of each).
nlohmann::json delta_json(const WhatIf& w, const Delta& d, const Figures& start, size_t max_cells = 2000);
nlohmann::json figures_json(const Figures& f, const Figures& start);

}  // namespace maillage::scenario

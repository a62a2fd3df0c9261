#pragma once
// What-if coverage, changed one place at a time (issue #19). The population points stay snapped; each place keeps
// the points it reaches within a cap (one bounded search towards it), and each point the places that reach it.
// Adding a place runs one bounded search and touches only the points it reaches; closing one revisits only the
// points it reached; moving is closing then adding. After any sequence of changes the times equal a full
// recomputation (coverage::Engine) wherever they are within the cap (a property test checks it).
#include <chrono>
#include <cstdint>
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
  double microseconds = 0;
};

class WhatIf {
 public:
  // `point_snaps`: the points snapped once (coverage::Engine::point_snaps). `cap` >= `threshold`: times beyond the
  // cap are "beyond" (kInfinity).
  WhatIf(const roads::RoadGraph& g, const routing::Snapper& snapper, const territory::PopulationPoints& points,
         const std::vector<routing::Snap>& point_snaps, Millis threshold, Millis cap);

  // Changes. Ids are unique; add refuses a known id, close and move an unknown one (maillage::Error).
  Delta add(const Site& s);
  Delta close(const std::string& id);
  Delta move(const std::string& id, geo::LonLat at);

  Figures figures() const;
  Millis time(uint32_t point) const { return best_[point]; }
  // The site nearest to a point (within the cap), or nullptr.
  const Site* nearest(uint32_t point) const;
  std::vector<Site> sites() const;  // open in the scenario (closed ones left out)
  const territory::PopulationPoints& points() const { return points_; }
  Millis threshold() const { return threshold_; }
  size_t size() const { return index_.size(); }

 private:
  struct Slot {
    Site site;
    bool open = false;
    std::vector<std::pair<uint32_t, Millis>> reach;  // points within the cap, with their time
  };
  void begin();
  void record(uint32_t point);  // before its time changes
  Delta finish(std::chrono::steady_clock::time_point t0);
  void reach_of(Slot& slot);
  void open_slot(uint32_t slot);
  void close_slot(uint32_t slot);

  const roads::RoadGraph& g_;
  const routing::Snapper& snapper_;
  const territory::PopulationPoints& points_;
  const std::vector<routing::Snap>& snaps_;
  Millis threshold_, cap_;
  routing::Search search_;
  std::vector<std::vector<uint32_t>> points_of_node_;  // node -> points whose snapped edge ends there
  std::unordered_multimap<roads::EdgeId, uint32_t> points_on_edge_;
  std::vector<Slot> slots_;
  std::unordered_map<std::string, uint32_t> index_;     // open sites by id
  std::vector<std::vector<std::pair<Millis, uint32_t>>> at_point_;  // (time, slot) within the cap
  std::vector<Millis> best_;
  std::vector<uint32_t> best_slot_;
  std::vector<uint32_t> stamp_;
  uint32_t epoch_ = 0;
  std::vector<std::string> deps_;   // department codes, sorted
  std::vector<uint16_t> dep_of_;    // per point
  std::vector<double> covered_dep_;
  double covered_ = 0, population_ = 0;
  std::vector<double> population_dep_;
  std::vector<Millis> before_;      // times before the change, for the points it touched
  std::vector<uint32_t> touched_;
};

// JSON of a change's result: the figures, the difference from the start and from the previous state, the
// departments and the cells that crossed the threshold (ids, at most `max_cells`).
nlohmann::json delta_json(const WhatIf& w, const Delta& d, const Figures& start, size_t max_cells = 2000);
nlohmann::json figures_json(const Figures& f, const Figures& start);

}  // namespace maillage::scenario

#pragma once
// Territorial coverage: drive time from every population point to the nearest open place, and the figures the
// region evaluates its policy with (population within the threshold, per department, distribution of times,
// zones blanches, per commune). Drive time = access leg + network + leg to the place, towards the place.
// "Within the threshold" means time <= threshold: a point at exactly 20:00 is covered.
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "routing/engine.hpp"
#include "territory/population.hpp"

namespace maillage::territory {
class CommuneTable;
}

namespace maillage::coverage {

using roads::Millis;

struct Place {
  std::string id, name, insee;
  geo::LonLat at;
};

// Nearest place and time for one population point.
struct PointTime {
  Millis ms = roads::kInfinity;  // kInfinity: unreachable (not snapped, or no place reachable)
  uint32_t place = roads::kInvalid;
  bool snapped = false;
  // Covered at this threshold: a time equal to it is within.
  bool within(Millis limit) const { return ms != roads::kInfinity && ms <= limit; }
};

// The threshold in the engine's milliseconds.
inline Millis threshold_ms(double minutes) { return static_cast<Millis>(std::llround(minutes * 60000)); }

// Snaps the population points (and commune centres) once; then computes times for any set of places (a date,
// a what-if) with one sweep each.
class Engine {
 public:
  Engine(const roads::RoadGraph& g, const routing::Snapper& snapper, const territory::PopulationPoints& points,
         const territory::CommuneTable& communes);
  // Times for every population point (same order) and every commune centre (table order). When the places differ
  // from the last call's by a few (another date: some opened, some closed; matched by position), the last search
  // is repaired (NearestPlaces::update) instead of a new sweep: same times, a fraction of the cost.
  void compute(const std::vector<Place>& places);
  // Always one full sweep (the baseline the benchmarks and tests compare the repairs with).
  void compute_full(const std::vector<Place>& places);
  // Whether the last compute() repaired the previous one (false: a full sweep).
  bool last_was_incremental() const { return incremental_; }
  const std::vector<PointTime>& point_times() const { return point_times_; }
  const std::vector<PointTime>& commune_times() const { return commune_times_; }
  const std::vector<uint32_t>& unsnapped_places() const { return unsnapped_; }
  const territory::PopulationPoints& points() const { return points_; }
  // Sweeps and repairs region by region with these regions and threads (routing::NearestPlaces::set_regions).
  void set_regions(size_t region_nodes, unsigned threads) { nearest_.set_regions(region_nodes, threads); }
  const std::vector<routing::Snap>& point_snaps() const { return point_snaps_; }
  const routing::Snapper& snapper() const { return snapper_; }
  const roads::RoadGraph& graph() const { return graph_; }
  const territory::CommuneTable& communes() const { return communes_; }
  // The points' communes, departments and grid cells as numbers, computed once: a report reads them instead of
  // looking strings up for each of the 65,521 points (that took 15 ms of a 35 ms summary on the region).
  struct PointIndex {
    std::vector<std::string> codes;      // the points' INSEE codes, distinct, sorted ("" left out)
    std::vector<uint32_t> point_code;    // by point: its code's index, kInvalid when it has none
    std::vector<uint32_t> code_commune;  // by code: its index in communes().all(), kInvalid when not in the table
    std::vector<std::string> deps;       // the table's departments and the points', distinct, sorted
    std::vector<uint32_t> point_dep;     // by point: its department's index
    std::vector<uint8_t> dep_known;      // by department: one of the table's (it has a name)
    // Grid points only, CSR: point -> the cells sharing an edge with its cell that a zone blanche may join to it
    // (same department, same square of kZoneSquareKm; docs/indicators.md).
    std::vector<uint32_t> joins_first, joins;
  };
  const PointIndex& index() const { return index_; }

 private:
  PointIndex index_;
  const roads::RoadGraph& graph_;
  const routing::Snapper& snapper_;
  const territory::PopulationPoints& points_;
  const territory::CommuneTable& communes_;
  std::vector<routing::Snap> point_snaps_, commune_snaps_;
  // The points in the order of the nodes of their edges (a counting sort by blocks of nodes): reading them so
  // walks the node times forwards instead of at random (France: 2.3 M points).
  std::vector<uint32_t> point_order_, commune_order_;
  routing::NearestPlaces nearest_;
  std::vector<PointTime> point_times_, commune_times_;
  // Point and commune times from nearest_: all of them, or (`changed`: the nodes a repair touched) only the points
  // on an edge with a changed end, the others keeping their time and taking their place's new index.
  void evaluate(const std::vector<uint32_t>& label, const std::vector<roads::NodeId>* changed = nullptr);
  std::vector<uint32_t> node_order(const std::vector<routing::Snap>& snaps) const;
  bool computed_ = false, incremental_ = false;
  std::vector<geo::LonLat> place_at_;                  // the places of the last compute(), in their order
  std::vector<uint32_t> place_label_;                  // their index in nearest_
  std::vector<uint32_t> unsnapped_;                    // indices in the last compute()'s places
  std::vector<uint32_t> point_label_, commune_label_;  // each point's place as nearest_ numbers it (kInvalid: none)
};

struct DepartmentFigures {
  std::string dep, name;
  double population = 0, covered = 0, unreachable = 0;
  int places = 0;
};

// Zones blanches are cut at department boundaries and at the edges of a grid of squares of this side (km, on the
// 1 km grid of EPSG:3035): no zone exceeds 900 km2, what one site in its middle reaches in about 20 minutes.
constexpr int kZoneSquareKm = 30;

// What one new site would do for a zone: the candidate that covers most of its population within the threshold.
struct ZoneSite {
  std::string id, name, insee;
  geo::LonLat at;
  double population = 0;  // of the zone's population it would bring within the threshold
};

struct Zone {  // a zone blanche: contiguous uncovered grid cells (sharing an edge), cut (kZoneSquareKm)
  int rank = 0;
  double population = 0;
  int cells = 0;                                              // km2 of 1 km cells
  std::vector<std::pair<std::string, double>> main_communes;  // INSEE, population in the zone (largest first)
  std::string dep;                                            // department holding most of its population
  Millis nearest_ms = roads::kInfinity;                       // best time from a cell of the zone
  uint32_t nearest_place = roads::kInvalid;
  std::vector<uint32_t> point_indices;  // population points of the zone
  std::optional<ZoneSite> suggested;    // filled by planning::suggest_zone_sites
};

struct CommuneFigures {
  std::string insee, name, dep;
  double population = 0;  // of the points in this commune (legal population for the communes source)
  Millis centre_ms = roads::kInfinity;
  uint32_t centre_place = roads::kInvalid;
  double mean_minutes = -1;  // population-weighted mean over its points (reachable ones); -1 none
  double covered_share = 0;  // share of its population within the threshold
};

struct Report {
  territory::PopulationSource source;
  std::string population_description;  // of the points the engine used (PopulationPoints::description)
  std::string date;
  double threshold_min = 20;
  int places_open = 0;
  std::vector<std::string> unsnapped_places;  // ids
  double population = 0, covered = 0, unreachable = 0;
  // The range of the covered population when every time may be off by the profile's error e: times x (1 + e)
  // (low) and x (1 - e) (high). Both equal `covered` when e = 0.
  double margin_fraction = 0, covered_low = 0, covered_high = 0;
  std::vector<DepartmentFigures> departments;
  std::vector<double> deciles_min;                    // 10 %, 20 % ... 90 % of the reachable population (weighted)
  std::vector<std::pair<std::string, double>> bands;  // "0-5", "5-10", ..., "60+", "unreachable" -> population
  std::vector<Zone> zones;                            // grid source only, largest first
  std::vector<CommuneFigures> communes;
  double share() const { return population > 0 ? covered / population : 0; }
};

Report build_report(const Engine& engine, const std::vector<Place>& places, const std::string& date,
                    double threshold_min, double margin_fraction = 0);

}  // namespace maillage::coverage

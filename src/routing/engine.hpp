#pragma once
// Drive times between points (lon/lat), built on snapping and searches. Definitions (shared/DESIGN.md): drive
// time = access leg from the point to the road + network time + leg from the road to the place, measured
// towards the place. Every result says why when a point cannot be joined.
#include <string>
#include <unordered_map>
#include <vector>

#include "routing/search.hpp"
#include "routing/snap.hpp"

namespace maillage::routing {

// Time from a point to the nearest of a set of places (the nearest-place sweep), or unreachable with why.
struct NearestResult {
  bool reachable = false;
  Millis ms = kInfinity;
  uint32_t place = kInvalid;  // index in the places given to compute()
  std::string why;
};

class NearestPlaces {
 public:
  // From this many nodes on, a full sweep runs region by region on every core (Search::run_regions).
  static constexpr size_t kRegionSweepNodes = 1'000'000;
  NearestPlaces(const roads::RoadGraph& g, const Snapper& snapper);
  // One multi-source search towards the places (reverse graph). Places that cannot be snapped are skipped and
  // listed in unsnapped(). `limit`: stop the search there (times beyond are "not within limit").
  void compute(const std::vector<geo::LonLat>& places, Millis limit = kInfinity);
  void compute_snapped(const std::vector<Snap>& place_snaps, Millis limit = kInfinity);
  // Same, stopping as soon as every node of `targets` (sorted) is settled: from() is then exact for the points
  // on edges between targets, and only for them (what-if repairs: the points a closed place served).
  void compute_snapped(const std::vector<Snap>& place_snaps, Millis limit, const std::vector<NodeId>& targets);
  // Another set of places from the present one: the places `closed` (indices) leave, those `opened` join with the
  // next indices (from place_count() on). One repair of the search (Search::repair) instead of a new sweep: it costs
  // the area whose nearest place changes. Returns the nodes settled. `changed`, when given, receives the nodes
  // whose time or place may differ and the ends of the edges of the places closed and opened: a point whose edge
  // has neither end among them keeps its answer.
  size_t update(const std::vector<uint32_t>& closed, const std::vector<Snap>& opened,
                std::vector<NodeId>* changed = nullptr);
  size_t place_count() const { return place_snaps_.size(); }
  // Sweeps and repairs region by region (Search::run_regions) with these regions and threads: by default from
  // kRegionSweepNodes nodes on; `region_nodes` = 0 never (tests force either way).
  void set_regions(size_t region_nodes, unsigned threads) { region_nodes_ = region_nodes, threads_ = threads; }
  NearestResult from(const Snap& point) const;
  NearestResult from(geo::LonLat point) const { return from(snapper_.snap(point)); }
  const std::vector<uint32_t>& unsnapped() const { return unsnapped_; }
  const std::vector<Snap>& place_snaps() const { return place_snaps_; }
  Millis node_time(NodeId v) const { return search_.time(v); }
  uint32_t node_place(NodeId v) const { return search_.label(v); }
  const Search& search() const { return search_; }

 private:
  const roads::RoadGraph& g_;
  const Snapper& snapper_;
  Search search_;
  Millis limit_ = kInfinity;
  size_t region_nodes_;
  unsigned threads_;
  std::vector<Snap> place_snaps_;
  std::vector<Source> sources_;  // of every place given (closed ones included; repair skips them)
  std::vector<uint8_t> closed_;  // per place index
  std::vector<uint32_t> unsnapped_;
  std::unordered_multimap<roads::EdgeId, uint32_t> places_on_edge_;
};

struct RouteLeg {
  std::string name;  // road name or number ("" when unnamed)
  std::string road_class;
  double distance_m = 0;
  Millis ms = 0;
};

struct Route {
  bool ok = false;
  std::string why;
  Millis ms = kInfinity;  // total, access legs included
  double distance_m = 0;  // on the network
  Millis access_from_ms = 0, access_to_ms = 0;
  double access_from_m = 0, access_to_m = 0;
  std::vector<geo::LonLat> geometry;  // from the origin to the destination
  std::vector<RouteLeg> legs;         // consecutive edges of the same road grouped
};

// Point-to-point with the path geometry and the roads used. `search` is reused between calls.
Route route(const Snapper& snapper, Search& search, geo::LonLat from, geo::LonLat to);

// Time from every origin to every destination (row-major, origins.size() x destinations.size());
// kInfinity where a point cannot be snapped or no path exists.
std::vector<Millis> table(const Snapper& snapper, Search& search, const std::vector<geo::LonLat>& origins,
                          const std::vector<geo::LonLat>& destinations);

// Time from (Forward) or towards (Backward) a point for every node within `limit`: (node, ms) pairs.
std::vector<std::pair<NodeId, Millis>> within(const Snap& point, Search& search, Direction dir, Millis limit);

// Time along one edge between two positions on it (fractions from its `from` node), respecting its directions;
// no travel costs nothing.
Millis along_edge(const roads::RoadGraph& g, roads::EdgeId e, double t_from, double t_to);

// After a Forward search from `origin` with its access leg (snap_sources(..., Forward, ..., true)): the time to
// `target`, its access leg included, through either end of its edge or directly along a shared edge.
Millis arrival(const roads::RoadGraph& g, const Search& search, const Snap& origin, const Snap& target);

// Sources for a search starting at a snapped point: Forward = leaving the point, Backward = arriving at it.
// The access leg is included unless with_access is false.
std::vector<Source> snap_sources(const roads::RoadGraph& g, const Snap& s, Direction dir, uint32_t label,
                                 bool with_access = true);

}  // namespace maillage::routing

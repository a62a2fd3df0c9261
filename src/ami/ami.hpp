#pragma once
// Funding call (AMI) rules, explained. A creation project is eligible only where no open tiers-lieu lies within
// the call's threshold by car (a place at exactly the threshold is within: not eligible); a development project
// must be a listed place, open at the date for at least the call's years, employing at least its FTE. Every
// verdict carries the values it used, and a point that cannot be joined to the road network, or whose times are
// unknown, gives "cannot decide", never "eligible".
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/store.hpp"
#include "routing/engine.hpp"

namespace maillage::ami {

struct Call {
  std::string id, name, opens, closes;  // the window, both days included
  double threshold_min = 20, min_years_open = 3, min_fte = 0.5;
  // How the drive time's error is applied to a creation verdict: "median" (the profile's cross-validated median
  // error), "p90" (its 90th percentile: more verdicts to verify), "none" (the time as computed).
  std::string margin = "median";
  // Whether an itinerant stop within the threshold makes an area ineligible for a creation: "ignore" (the default:
  // a part-time stop is not a tiers-lieu open to all) or "block". Either way the explanation names the stops nearby.
  std::string itinerant_stops = "ignore";
  bool open_on(const std::string& date) const { return opens <= date && date <= closes; }
  nlohmann::json to_json() const;
};

std::vector<Call> list_calls(db::Database& db);
Call get_call(db::Database& db, const std::string& id);  // NotFound naming the known calls
void add_call(db::Database& db, const Call& c);          // validated; Error on a duplicate id
constexpr const char* kDefaultCall = "ami-2022-2024";

// What a creation check used, for the record.
struct DataUsed {
  std::string date, call_id, graph_source;
  uint32_t graph_checksum = 0;
  int64_t registry_revision = 0;
  double margin_fraction = 0;  // the relative error applied to drive times (margin_of)
  std::string margin_basis;    // what it is, in words
  nlohmann::json to_json() const;
};

struct NearbyPlace {
  std::string id, name, commune;
  double minutes = 0;
};

// A stop of an itinerant place, as the rules see it (plain data: the itinerant stage fills it).
struct StopSite {
  std::string place_id, place_name, stop_name, commune, hours;
  geo::LonLat at;
};
struct NearbyStop {
  StopSite stop;
  double minutes = 0;
};

// The relative error the call applies to drive times, from the profile's calibration, and its description.
std::pair<double, std::string> margin_of(const Call& call, double error_median, double error_p90);

struct CreationCheck {
  // ToVerify: the nearest time lies within the margin of the threshold (the error of the times could put it
  // either side): neither eligible nor not, the instructing officer checks the route.
  enum class Verdict { Eligible, NotEligible, CannotDecide, ToVerify } verdict = Verdict::CannotDecide;
  double margin_min = 0;  // the margin around the nearest time, minutes
  std::string reason;
  geo::LonLat at;
  double threshold_min = 20;
  std::optional<NearbyPlace> nearest;       // the nearest open place (when reachable)
  std::vector<NearbyPlace> nearby;          // open places within 1.5 x the threshold, nearest first
  std::optional<NearbyStop> nearest_stop;   // the nearest itinerant stop within the threshold
  std::vector<NearbyStop> stops_nearby;     // itinerant stops within 1.5 x the threshold (explain), nearest first
  std::string itinerant_rule;               // the call's itinerant_stops
  std::vector<routing::RouteLeg> route;     // roads to the nearest place
  std::vector<geo::LonLat> route_geometry;  // its line, from the point to the place
  double access_m = 0;                      // straight distance from the point to the road
  DataUsed data;
  nlohmann::json to_json() const;
};
const char* verdict_name(CreationCheck::Verdict v);  // eligible, not_eligible, cannot_decide, to_verify

// The open places at a date with the sweep towards them: built once per date, then each check is cheap.
class CreationChecker {
 public:
  CreationChecker(const roads::RoadGraph& g, const routing::Snapper& snapper, std::vector<registry::Place> open_places,
                  const Call& call, DataUsed data, std::vector<StopSite> stops = {});
  // Verdict, nearest place and time (from the sweep: cheap, what batches use).
  CreationCheck quick(geo::LonLat at) const;
  // Same, plus the places within 1.5 x the threshold and the route to the nearest (explanations).
  CreationCheck explain(geo::LonLat at);
  const std::vector<registry::Place>& places() const { return places_; }

 private:
  CreationCheck evaluate(geo::LonLat at, const routing::Snap& snap) const;
  CreationCheck evaluate_fixed(geo::LonLat at, const routing::Snap& snap) const;
  const roads::RoadGraph& g_;
  const routing::Snapper& snapper_;
  std::vector<registry::Place> places_;
  Call call_;
  DataUsed data_;
  routing::NearestPlaces nearest_;
  std::vector<StopSite> stops_;
  routing::NearestPlaces stop_nearest_;
  routing::Search search_;
  std::vector<uint32_t> far_unsnapped_;  // open places that could not be snapped
};

struct Criterion {
  std::string name;     // listed, open_at_date, years_open, staff_fte
  std::string value;    // what was found
  std::string rule;     // what is required
  std::string verdict;  // met, not_met, missing
};

struct DevelopmentCheck {
  std::string verdict;  // eligible, not_eligible, incomplete
  std::string reason;
  std::string place_id, date, call_id;
  std::vector<Criterion> criteria;
  std::vector<std::string> missing_fields;
  int64_t registry_revision = 0;
  nlohmann::json to_json() const;
};

// The date `years` after `from` (YYYY-MM-DD): same month and day; 29 February becomes 1 March in other years.
std::string add_years(const std::string& from, int years);
// `charter`: the network's charter in force on `date` (registry::current_charter); a development project is
// eligible only for a place listed that day (open, the charter signed, the Région's five criteria met).
DevelopmentCheck check_development(const std::optional<registry::Place>& place, const std::string& place_id,
                                   const std::string& date, const Call& call, int64_t registry_revision,
                                   const std::string& charter);

}  // namespace maillage::ami

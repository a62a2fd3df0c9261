#pragma once
// The car profile: a documented data file (data/profiles/car.json) with speeds per road class for OSM and for
// the regional skeleton, maxspeed rules, ferries and the last-mile access leg.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace maillage::roads {

struct Profile {
  std::string name;
  // OSM
  std::map<std::string, double> highway_speeds_kmh;
  double maxspeed_factor = 0.85;
  std::map<std::string, double> implicit_maxspeed_kmh;
  double ferry_speed_kmh = 12;
  double ferry_wait_s = 600;
  // Regional skeleton
  std::map<std::string, double> skeleton_speeds_kmh;                // autoroute, nationale, e_road, departementale
  std::map<std::string, double> skeleton_circuity;                  // per class, >= 1
  std::map<std::string, std::pair<double, double>> fit_bounds_kmh;  // calibrate --fit keeps speeds inside
  double exit_link_max_m = 4000;
  double exit_link_speed_kmh = 40;
  // Local layer (speed and circuity: class "locale" of skeleton_speeds_kmh / skeleton_circuity)
  double local_link_max_m = 6000;  // centre to skeleton waypoint
  int local_links_per_centre = 2;
  // National roads built as 2x2 expressways (route name as the skeleton writes it, "N10"; its public source):
  // their edges take the class "voie_express".
  std::vector<std::pair<std::string, std::string>> expressway_routes;
  bool is_expressway(const std::string& route_name) const;
  std::vector<std::pair<std::string, std::string>> system_classes;  // system -> class (first match; "*" any)
  // Access leg
  double last_mile_speed_kmh = 30;
  double last_mile_circuity = 1.3;
  double max_snap_distance_m = 10000;

  // The error a time computed with this profile carries (graph calibrate --fit: the held-out absolute relative
  // error of all trips); 0 when the profile was not calibrated.
  double error_median = 0, error_p90 = 0;

  static Profile load(const std::string& path);
  static Profile from_json(const nlohmann::json& j, const std::string& origin);
  // Writes the profile back, keeping the explanations of `original` (for calibrate --write).
  nlohmann::json to_json(const nlohmann::json& original) const;
  // Skeleton class of a Travel Mapping system ("fraa" -> autoroute, "franaqd33" -> departementale); "" if none.
  std::string skeleton_class(const std::string& system) const;
  // Seconds to cover the access leg of this straight distance.
  double access_seconds(double straight_m) const {
    return straight_m * last_mile_circuity / (last_mile_speed_kmh / 3.6);
  }
};

// Parses an OSM maxspeed value: "50", "50 km/h", "30 mph", "FR:urban", "walk", "none"... in km/h;
// returns a negative number when the value is not understood (then the class speed applies).
double parse_maxspeed(const std::string& value, const Profile& profile);
// Parses an OSM duration ("PT1H30M", "01:30", "1:30:00", "90" minutes) in seconds; negative if invalid.
double parse_duration(const std::string& value);

}  // namespace maillage::roads

#pragma once
// Service areas (issue #15): for each place, the territory within successive drive-time breaks, as the Région's
// GIS layer holds them (FacilityID, Name, FromBreak, ToBreak in minutes). Built from the same times as the
// coverage: each population cell's time to that place (towards it, access legs included), cells of a band
// joined into one (Multi)Polygon with its holes. Bands are rings: FromBreak < time <= ToBreak (the first from 0,
// a time equal to a break is within it, as the coverage counts it).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "coverage/coverage.hpp"

namespace maillage::coverage {

struct ServiceArea {
  std::string place_id, name;
  double from_min = 0, to_min = 0;
  double population = 0;
  int cells = 0;            // km2
  nlohmann::json geometry;  // WGS84 GeoJSON (Multi)Polygon; null when no cell is in the band
};

// Breaks: increasing minutes > 0. `only_place`: one place id (empty: all). Grid population only.
std::vector<ServiceArea> service_areas(const Engine& engine, const std::vector<Place>& places,
                                       const std::vector<double>& breaks, const std::string& only_place = "");
// FeatureCollection with FacilityID, Name, FromBreak, ToBreak, population, area_km2 (empty bands left out).
nlohmann::json service_areas_geojson(const std::vector<ServiceArea>& areas);
// "10,20,30" -> {10, 20, 30}; Error naming the problem otherwise (at most 12 breaks, each in (0, 180]).
std::vector<double> parse_breaks(const std::string& text);

}  // namespace maillage::coverage

#pragma once
// JSON and GeoJSON of coverage reports and indicators: one serialisation for the CLI and the HTTP API.
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "coverage/coverage.hpp"
#include "coverage/indicators.hpp"

namespace maillage::coverage {

nlohmann::json minutes_json(roads::Millis ms);  // minutes with 2 decimals, null when unreachable
nlohmann::json report_json(const Report& r, const std::vector<Place>& places, bool with_communes);
nlohmann::json zone_json(const Zone& z, const std::vector<Place>& places);  // one of report_json's zones_blanches

// The zones' texts of the last reports, each kept by everything it writes: a report that differs from the last
// in a few zones (a place moved) serialises only those (1,100 zones on the region: 10 ms of JSON -> under 1 ms).
// Bounded to the zones of a few reports. Not thread-safe: one per engine, used under its lock.
class ZoneTexts {
 public:
  std::string array(const Report& r, const std::vector<Place>& places);  // the JSON array of report_json's zones
  size_t size() const { return texts_.size(); }

 private:
  std::unordered_map<std::string, std::string> texts_;
};
// The text of report_json(r, places, with_communes) with the fields of `more` added, its zones from `zones`: the
// same bytes as report_json().dump() (keys in order; zones_blanches, the last, written after the others) as long as
// the keys of `more` come before it.
std::string report_text(const Report& r, const std::vector<Place>& places, bool with_communes, ZoneTexts& zones,
                        const nlohmann::json& more);
// Every population point with its time, nearest place and whether it is within the threshold (grid cells as
// 1 km squares, communes as points).
nlohmann::json cells_geojson(const Engine& engine, const std::vector<Place>& places, double threshold_min);
// The zones blanches dissolved into outlines (grid population only).
nlohmann::json zones_geojson(const Engine& engine, const Report& r);
nlohmann::json indicators_json(const Indicators& r, int64_t registry_revision);

}  // namespace maillage::coverage

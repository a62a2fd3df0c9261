#pragma once
// JSON and GeoJSON of coverage reports and indicators: one serialisation for the CLI and the HTTP API.
#include <nlohmann/json.hpp>

#include "coverage/coverage.hpp"
#include "coverage/indicators.hpp"

namespace maillage::coverage {

nlohmann::json minutes_json(roads::Millis ms);  // minutes with 2 decimals, null when unreachable
nlohmann::json report_json(const Report& r, const std::vector<Place>& places, bool with_communes);
// Every population point with its time, nearest place and whether it is within the threshold (grid cells as
// 1 km squares, communes as points).
nlohmann::json cells_geojson(const Engine& engine, const std::vector<Place>& places, double threshold_min);
// The zones blanches dissolved into outlines (grid population only).
nlohmann::json zones_geojson(const Engine& engine, const Report& r);
nlohmann::json indicators_json(const Indicators& r, int64_t registry_revision);

}  // namespace maillage::coverage

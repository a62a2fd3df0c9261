#pragma once
// The territory is configuration, not code: `territory.json` at the top of the data folder names the region, its
// departments and the files that describe it (commune table, former codes, outlines, population grid, road
// skeleton, seed places). The bundled data/territory.json describes Nouvelle-Aquitaine; `maillage territory
// setup` writes a data folder with such a file for any region from the national files (docs/territory.md).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace maillage::territory {

struct Config {
  std::string name;                                              // "Nouvelle-Aquitaine"
  std::string region;                                            // INSEE region code, "75"
  std::vector<std::pair<std::string, std::string>> departments;  // (code, name), in order
  // Files, relative to the data folder. The first five are required; the others may be "" (not available for
  // this territory: the command needing one says so).
  std::string communes, code_history, commune_outlines, department_outlines, region_outline;
  std::string population_grid;  // Eurostat 1 km (grd_id, pop_t...) or INSEE Filosofi (Idcar_200m, Ind, lcog_geo)
  std::vector<std::string> road_skeleton;  // Travel Mapping waypoint files (the default graph)
  std::string water_barriers;              // GeoJSON lines no local road crosses
  std::string places_seed;                 // places a new database starts with

  // Reads and checks a territory.json (every named file must exist next to it); InputError naming the field.
  static Config load(const std::string& data_dir);
  nlohmann::json to_json() const;
  std::string_view department_name(std::string_view dep) const;  // "" when unknown
};

// The configuration of the data folder in use (paths::data_dir()), read once.
const Config& config();
// A configured file of the data folder in use, as a path; Error naming the setting when the territory lacks it.
std::string data_path(const std::string& relative, const char* setting);
// The water barriers file, or "" when the territory has none.
std::string water_barriers_path();
// The road skeleton files (the default graph); Error when the territory has none.
std::vector<std::string> road_skeleton_paths();

}  // namespace maillage::territory

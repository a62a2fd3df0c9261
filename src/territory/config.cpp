#include "territory/config.hpp"

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"

namespace maillage::territory {

using nlohmann::json;

namespace {

std::string text_field(const json& j, const std::string& file, const char* key, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) throw InputError(Location{file, 0, 0, key}, fmt::format("missing '{}'", key));
    return {};
  }
  if (!it->is_string() || it->get<std::string>().size() > 4096)
    throw InputError(Location{file, 0, 0, key}, fmt::format("'{}' must be a text", key));
  return it->get<std::string>();
}

void check_file(const std::string& dir, const std::string& file, const char* key, const std::string& rel) {
  if (rel.empty()) return;
  if (rel.find("..") != std::string::npos || rel.front() == '/')
    throw InputError(Location{file, 0, 0, key}, fmt::format("'{}' must be a path inside the data folder", rel));
  if (!std::filesystem::exists(dir + "/" + rel))
    throw InputError(Location{file, 0, 0, key}, fmt::format("{}/{} does not exist", dir, rel));
}

}  // namespace

Config Config::load(const std::string& dir) {
  const std::string file = dir + "/territory.json";
  if (!std::filesystem::exists(file))
    throw Error(file +
                ": no territory configuration (set MAILLAGE_DATA to a data folder written by `maillage "
                "territory setup`, or to the repository's data/)");
  json j;
  try {
    j = json::parse(io::read_file(file));
  } catch (const json::exception& e) {
    throw InputError(Location{file, 0, 0, {}}, std::string("not JSON: ") + e.what());
  }
  if (!j.is_object()) throw InputError(Location{file, 0, 0, {}}, "expected an object");
  Config c;
  c.name = text_field(j, file, "name", true);
  c.region = text_field(j, file, "region", true);
  auto deps = j.find("departments");
  if (deps == j.end() || !deps->is_array() || deps->empty())
    throw InputError(Location{file, 0, 0, "departments"}, "expected a list of {code, name}");
  for (auto& d : *deps) {
    if (!d.is_object()) throw InputError(Location{file, 0, 0, "departments"}, "expected a list of {code, name}");
    c.departments.emplace_back(text_field(d, file, "code", true), text_field(d, file, "name", true));
  }
  auto files = j.find("files");
  if (files == j.end() || !files->is_object())
    throw InputError(Location{file, 0, 0, "files"}, "expected an object naming the territory's files");
  const json& f = *files;
  c.communes = text_field(f, file, "communes", true);
  c.code_history = text_field(f, file, "code_history", true);
  c.commune_outlines = text_field(f, file, "commune_outlines", true);
  c.department_outlines = text_field(f, file, "department_outlines", true);
  c.region_outline = text_field(f, file, "region_outline", true);
  c.population_grid = text_field(f, file, "population_grid", false);
  c.water_barriers = text_field(f, file, "water_barriers", false);
  c.places_seed = text_field(f, file, "places_seed", false);
  if (auto s = f.find("road_skeleton"); s != f.end() && !s->is_null()) {
    if (!s->is_array()) throw InputError(Location{file, 0, 0, "road_skeleton"}, "expected a list of files");
    for (auto& e : *s) {
      if (!e.is_string()) throw InputError(Location{file, 0, 0, "road_skeleton"}, "expected a list of files");
      c.road_skeleton.push_back(e.get<std::string>());
    }
  }
  for (auto [key, rel] : {std::pair{"communes", &c.communes},
                          {"code_history", &c.code_history},
                          {"commune_outlines", &c.commune_outlines},
                          {"department_outlines", &c.department_outlines},
                          {"region_outline", &c.region_outline},
                          {"population_grid", &c.population_grid},
                          {"water_barriers", &c.water_barriers},
                          {"places_seed", &c.places_seed}})
    check_file(dir, file, key, *rel);
  for (auto& s : c.road_skeleton) check_file(dir, file, "road_skeleton", s);
  return c;
}

json Config::to_json() const {
  json deps = json::array();
  for (auto& [code, name] : departments) deps.push_back({{"code", code}, {"name", name}});
  json files = {{"communes", communes},
                {"code_history", code_history},
                {"commune_outlines", commune_outlines},
                {"department_outlines", department_outlines},
                {"region_outline", region_outline}};
  if (!population_grid.empty()) files["population_grid"] = population_grid;
  if (!road_skeleton.empty()) files["road_skeleton"] = road_skeleton;
  if (!water_barriers.empty()) files["water_barriers"] = water_barriers;
  if (!places_seed.empty()) files["places_seed"] = places_seed;
  return {{"name", name}, {"region", region}, {"departments", deps}, {"files", files}};
}

std::string_view Config::department_name(std::string_view dep) const {
  for (auto& [code, name] : departments)
    if (code == dep) return name;
  return {};
}

const Config& config() {
  static const Config c = Config::load(paths::data_dir());
  return c;
}

std::string data_path(const std::string& relative, const char* setting) {
  if (relative.empty())
    throw Error(fmt::format("the territory '{}' has no {} (files.{} in {}/territory.json)", config().name, setting,
                            setting, paths::data_dir()));
  return paths::data_file(relative);
}

std::string water_barriers_path() {
  return config().water_barriers.empty() ? std::string() : paths::data_file(config().water_barriers);
}

std::vector<std::string> road_skeleton_paths() {
  if (config().road_skeleton.empty())
    throw Error(
        fmt::format("the territory '{}' has no road skeleton (files.road_skeleton in {}/territory.json): build "
                    "a graph from OpenStreetMap with `maillage graph build --osm FILE.osm.pbf` and pass --graph",
                    config().name, paths::data_dir()));
  std::vector<std::string> out;
  for (auto& f : config().road_skeleton) out.push_back(paths::data_file(f));
  return out;
}

}  // namespace maillage::territory

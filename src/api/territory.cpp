// The service and the territory over HTTP: health, the OpenAPI document, the outlines of the departments and
// communes, the commune list used by searches, and the base map's layers (roads of the bundled skeleton, the
// sea). Static bodies are read or built once.
#include <cmath>

#include "api/handlers.hpp"
#include "api/router.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "roads/importers.hpp"
#include "territory/communes.hpp"
#include "territory/config.hpp"
#include "territory/population.hpp"
#include "territory/sea.hpp"

namespace maillage::api::territory_api {

using nlohmann::json;

namespace {
Response static_json(const std::string& body) { return Response{200, "application/json", body, {}}; }
}  // namespace

Response health(const Call& c) {
  auto& s = c.s;
  int64_t n = 0, rev = 0;
  {
    StoreLease l(s);
    n = s.store->count_all();
    rev = s.store->revision();
  }
  return json_response({{"status", "ok"},
                        {"places", n},
                        {"registry_revision", rev},
                        {"graph", s.graph_label},
                        {"graph_checksum", s.graph.checksum},
                        {"graph_nodes", s.graph.node_count()}});
}

Response openapi(const Call&) { return static_json(openapi_text()); }

Response territory_info(const Call&) {
  static const std::string doc = [] {
    const auto& cfg = territory::config();
    json deps = json::array();
    for (auto& [code, name] : cfg.departments) deps.push_back({{"code", code}, {"name", name}});
    json grid = nullptr;
    if (!cfg.population_grid.empty())
      grid = territory::population_source_description(territory::PopulationSource::Grid);
    return json{{"name", cfg.name}, {"region", cfg.region}, {"departments", deps}, {"population_grid", grid}}.dump();
  }();
  return static_json(doc);
}

Response departments(const Call&) {
  static const std::string doc =
      io::read_file(territory::data_path(territory::config().department_outlines, "department_outlines"));
  return static_json(doc);
}

Response communes_geojson(const Call&) {
  static const std::string doc =
      io::read_file(territory::data_path(territory::config().commune_outlines, "commune_outlines"));
  return static_json(doc);
}

Response communes(const Call&) {
  static const std::string doc = [] {
    json arr = json::array();
    for (auto& m : territory::CommuneTable::bundled().all())
      arr.push_back({m.code, m.name, m.dep, std::round(m.centre.lon * 1e5) / 1e5, std::round(m.centre.lat * 1e5) / 1e5,
                     m.population});
    return json{{"columns", {"insee", "name", "dep", "lon", "lat", "population"}}, {"items", arr}}.dump();
  }();
  return static_json(doc);
}

Response roads(const Call& c) {
  auto level = q(c.r, "level", "main");
  if (level != "main" && level != "local") throw bad("level", "expected main (A, N and E roads) or local (D roads)");
  static const auto bodies = [] {
    if (territory::config().road_skeleton.empty()) {  // a territory set up from national files has none
      std::string empty = R"({"type":"FeatureCollection","features":[]})";
      return std::pair{empty, empty};
    }
    auto routes = roads::read_skeleton(territory::road_skeleton_paths());
    auto profile = roads::Profile::load(paths::data_file("profiles/car.json"));
    return std::pair{roads::skeleton_geojson(routes, profile, true).dump(),
                     roads::skeleton_geojson(routes, profile, false).dump()};
  }();
  return static_json(level == "main" ? bodies.first : bodies.second);
}

Response water(const Call&) {
  static const std::string doc = territory::bundled_sea().dump();
  return static_json(doc);
}

}  // namespace maillage::api::territory_api

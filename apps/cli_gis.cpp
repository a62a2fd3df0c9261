// `maillage isochrones` (service areas per place, GeoJSON) and `maillage gpkg` (a GeoPackage in Lambert-93 of the
// places, the cells with their times, the zones blanches and the service areas) for GIS teams (issue #15).
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "coverage/serialize.hpp"
#include "coverage/service_areas.hpp"
#include "gis/gpkg.hpp"
#include "planning/run.hpp"
#include "routing/snap.hpp"
#include "territory/communes.hpp"
#include "territory/population.hpp"

namespace maillage::cli {

using nlohmann::json;

namespace {

struct GisArgs {
  std::string date, breaks = "10,20,30", place, out;
  double threshold = 20;
};

void write_out(const std::string& path, const std::string& text) {
  if (path.empty())
    std::cout << text << '\n';
  else
    io::write_file_atomic(path, text + "\n");
}

}  // namespace

void add_gis_commands(CLI::App& app, Globals& g) {
  auto a = std::make_shared<GisArgs>();
  auto* iso = app.add_subcommand("isochrones",
                                 "service areas of the open places: the territory within each drive-time "
                                 "break, as GeoJSON (FacilityID, Name, FromBreak, ToBreak)");
  iso->add_option("--breaks", a->breaks, "minutes, increasing (default 10,20,30)");
  iso->add_option("--place", a->place, "one place id (default: every open place)");
  iso->add_option("--date", a->date, "places open at this date (default: today)");
  iso->add_option("-o,--output", a->out, "file to write (default: standard output)");
  iso->callback([&g, a] {
    auto breaks = coverage::parse_breaks(a->breaks);
    auto c = open_places_engine(g, a->date);
    auto areas = coverage::service_areas(*c.engine, c.places, breaks, a->place);
    write_out(a->out, coverage::service_areas_geojson(areas).dump());
  });

  auto* gp = app.add_subcommand("gpkg",
                                "a GeoPackage in Lambert-93 (EPSG:2154) for QGIS and ArcGIS: layers places, "
                                "cells (1 km, with their time), zones_blanches and service_areas");
  gp->add_option("FILE", a->out, "the .gpkg to write (replaced)")->required();
  gp->add_option("--date", a->date, "places open at this date (default: today)");
  gp->add_option("--threshold", a->threshold, "minutes (default 20)")->check(CLI::Range(1.0, 600.0));
  gp->add_option("--breaks", a->breaks, "service areas' breaks, minutes (default 10,20,30)");
  gp->callback([&g, a] {
    auto breaks = coverage::parse_breaks(a->breaks);
    auto c = open_places_engine(g, a->date);
    auto report = coverage::build_report(*c.engine, c.places, c.date, a->threshold, c.profile.error_median);
    planning::suggest_zone_sites(*c.engine, report, coverage::threshold_ms(a->threshold));
    std::ostringstream places;
    registry::export_places(c.open, registry::Format::GeoJSON, false, territory::CommuneTable::bundled(), places);
    std::vector<gis::Layer> layers{
        {"places", json::parse(places.str())},
        {"cells", coverage::cells_geojson(*c.engine, c.places, a->threshold)},
        {"zones_blanches", coverage::zones_geojson(*c.engine, report)},
        {"service_areas", coverage::service_areas_geojson(coverage::service_areas(*c.engine, c.places, breaks))}};
    auto n = gis::write_geopackage(a->out, layers);
    std::cout << fmt::format("{}: places {}, cells {}, zones_blanches {}, service_areas {} (EPSG:2154)\n", a->out, n[0],
                             n[1], n[2], n[3]);
  });
}

}  // namespace maillage::cli

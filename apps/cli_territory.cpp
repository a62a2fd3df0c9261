// `maillage territory show|setup`: the territory in use (data/territory.json or $MAILLAGE_DATA's), and a data folder
// for any region written from the national files (docs/territory.md).
#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/paths.hpp"
#include "gis/territory_setup.hpp"
#include "territory/communes.hpp"
#include "territory/config.hpp"
#include "territory/population.hpp"

namespace maillage::cli {

void add_territory_commands(CLI::App& app, Globals&) {
  auto* t = app.add_subcommand("territory",
                               "the territory Maillage works on: a configuration (territory.json in the "
                               "data folder, $MAILLAGE_DATA), not code");
  t->require_subcommand(1);
  auto* show = t->add_subcommand("show", "the territory in use: name, departments, files, communes and population");
  show->callback([] {
    const auto& c = territory::config();
    const auto& communes = territory::CommuneTable::bundled();
    long pop = 0;
    for (auto& m : communes.all()) pop += m.population;
    std::cout << fmt::format("Territory: {} (region {}), data folder {}\n", c.name, c.region, paths::data_dir());
    std::cout << fmt::format("Communes: {} (legal population {})\n", communes.all().size(), pop);
    for (auto& [code, name] : c.departments) std::cout << fmt::format("  {} {}\n", code, name);
    if (c.population_grid.empty()) {
      std::cout << "Population grid: none (coverage uses the commune centres)\n";
    } else {
      auto& g = territory::bundled_points(territory::PopulationSource::Grid);
      std::cout << fmt::format("Population grid: {} ({} cells of {} m, {:.0f} inhabitants)\n", c.population_grid,
                               g.points.size(), g.cell_m, g.total());
    }
    std::cout << fmt::format("Road skeleton: {}\n", c.road_skeleton.empty()
                                                        ? std::string("none (build a graph with "
                                                                      "`graph build --osm`)")
                                                        : fmt::format("{} files", c.road_skeleton.size()));
  });

  auto o = std::make_shared<gis::TerritorySetupOptions>();
  auto* setup =
      t->add_subcommand("setup",
                        "write a data folder for a region from the national files; then run any command with "
                        "MAILLAGE_DATA=FOLDER (and a graph built from OpenStreetMap with `graph build --osm`)");
  setup->add_option("--region", o->region, "INSEE region code (52 Pays de la Loire, 53 Bretagne, 75 ...)")->required();
  setup
      ->add_option("--communes", o->communes,
                   "communes.json of @etalab/decoupage-administratif (npm): codes, names, departments, population, "
                   "postcodes, former codes")
      ->required();
  setup->add_option("--departements", o->departments, "departements.json of the same package (department names)");
  setup->add_option("--regions", o->regions, "regions.json of the same package (the region's name)");
  setup
      ->add_option("--outlines", o->outlines,
                   "commune outlines, any file GDAL reads (IGN ADMIN EXPRESS COMMUNE layer, GeoJSON with `code`)")
      ->required();
  setup->add_option("--grid", o->grid,
                    "population grid with the INSEE Filosofi columns Idcar_200m, Ind, lcog_geo (CSV or GeoPackage)");
  setup->add_option("--name", o->name, "the territory's name (default: from regions.json)");
  setup->add_option("-o,--out", o->out, "the data folder to write (must not exist)")->required();
  setup->callback([o] {
    if (o->copy_from.empty()) o->copy_from = paths::data_dir();
    auto rep = gis::setup_territory(*o);
    std::cout << fmt::format(
        "{}: {} communes ({} former codes), {} outline features, {:.0f} km², legal population "
        "{:.0f}\n",
        rep.name, rep.communes, rep.former_codes, rep.outline_features, rep.area_km2, rep.population);
    for (auto& [code, name] : rep.departments) std::cout << fmt::format("  {} {}\n", code, name);
    if (!o->grid.empty())
      std::cout << fmt::format("Grid: {} of {} cells kept, {:.0f} inhabitants\n", rep.grid_cells, rep.grid_rows,
                               rep.grid_population);
    for (auto& w : rep.warnings) std::cout << "warning: " << w << '\n';
    std::cout << fmt::format("Written: {}/territory.json. Use it with MAILLAGE_DATA={} maillage ...\n", o->out, o->out);
  });
}

}  // namespace maillage::cli

#include "territory/population.hpp"

#include <fmt/format.h>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"

namespace maillage::territory {

const char* population_source_name(PopulationSource s) { return s == PopulationSource::Grid ? "grid" : "communes"; }

std::string population_source_description(PopulationSource s) {
  return s == PopulationSource::Grid
             ? "Eurostat Census 2021 population grid, 1 km cells (inhabitants on 1 Jan 2021), cell centres"
             : "INSEE legal population of the communes (COG 2026), commune centres";
}

double PopulationPoints::total() const {
  double t = 0;
  for (auto& p : points) t += p.population;
  return t;
}

PopulationPoints load_grid(const std::string& path, const CommuneTable& communes) {
  auto t = csv::read(path);
  auto col = [&](const char* name) {
    int c = t.column(name);
    if (c < 0) throw InputError(Location{path, 1, 0, name}, fmt::format("missing column '{}'", name));
    return c;
  };
  int c_id = col("grd_id"), c_x = col("x_ll_3035"), c_y = col("y_ll_3035"), c_lon = col("lon_c"), c_lat = col("lat_c"),
      c_pop = col("pop_t"), c_dep = col("dep"), c_com = col("insee_com_2018");
  PopulationPoints out;
  out.source = PopulationSource::Grid;
  out.points.reserve(t.rows.size());
  for (auto& r : t.rows) {
    PopulationPoint p;
    long long x = 0, y = 0;
    double pop = 0;
    if (!text::parse_int(r.fields[c_x], x) || !text::parse_int(r.fields[c_y], y) ||
        !text::parse_double(r.fields[c_lon], p.at.lon) || !text::parse_double(r.fields[c_lat], p.at.lat) ||
        !text::parse_double(r.fields[c_pop], pop) || pop < 0)
      throw InputError(Location{path, r.line, 0, {}}, "bad coordinates or population");
    p.population = pop;
    p.gx = static_cast<int>(x / 1000);
    p.gy = static_cast<int>(y / 1000);
    p.id = r.fields[c_id];
    p.dep = r.fields[c_dep];
    p.insee = r.fields[c_com].empty() ? std::string() : communes.current_code(r.fields[c_com]);
    out.points.push_back(std::move(p));
  }
  return out;
}

PopulationPoints commune_points(const CommuneTable& communes) {
  PopulationPoints out;
  out.source = PopulationSource::Communes;
  for (auto& c : communes.all())
    out.points.push_back({c.centre, static_cast<double>(c.population), c.dep, c.code, c.code, 0, 0});
  return out;
}

const PopulationPoints& bundled_points(PopulationSource s) {
  static const PopulationPoints grid =
      load_grid(paths::data_file("population/census2021_grid1km_na.csv.gz"), CommuneTable::bundled());
  static const PopulationPoints communes = commune_points(CommuneTable::bundled());
  return s == PopulationSource::Grid ? grid : communes;
}

}  // namespace maillage::territory

#include "territory/population.hpp"

#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/geo.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"
#include "territory/config.hpp"

namespace maillage::territory {

const char* population_source_name(PopulationSource s) { return s == PopulationSource::Grid ? "grid" : "communes"; }

std::string population_source_description(PopulationSource s) { return bundled_points(s).description; }

double PopulationPoints::total() const {
  double t = 0;
  for (auto& p : points) t += p.population;
  return t;
}

namespace {

std::string clip(std::string_view s, size_t n) { return std::string(s.substr(0, n)); }

int need_column(const csv::Table& t, const std::string& path, const char* name) {
  int c = t.column_any_case(name);
  if (c < 0) throw InputError(Location{path, 1, 0, name}, fmt::format("missing column '{}'", name));
  return c;
}

PopulationPoints read_eurostat(const csv::Table& t, const std::string& path, const CommuneTable& communes) {
  int c_id = need_column(t, path, "grd_id"), c_x = need_column(t, path, "x_ll_3035"),
      c_y = need_column(t, path, "y_ll_3035"), c_lon = need_column(t, path, "lon_c"),
      c_lat = need_column(t, path, "lat_c"), c_pop = need_column(t, path, "pop_t"), c_dep = need_column(t, path, "dep"),
      c_com = need_column(t, path, "insee_com_2018");
  PopulationPoints out;
  out.description = "Eurostat Census 2021 population grid, 1 km cells (inhabitants on 1 Jan 2021), cell centres";
  out.points.reserve(t.rows.size());
  for (auto& r : t.rows) {
    PopulationPoint p;
    long long x = 0, y = 0;
    double pop = 0;
    if (!text::parse_int(r.fields[c_x], x) || !text::parse_int(r.fields[c_y], y) ||
        !text::parse_double(r.fields[c_lon], p.at.lon) || !text::parse_double(r.fields[c_lat], p.at.lat) ||
        !text::parse_double(r.fields[c_pop], pop) || !std::isfinite(pop) || pop < 0 || !std::isfinite(p.at.lon) ||
        !std::isfinite(p.at.lat) || std::abs(p.at.lon) > 180 || std::abs(p.at.lat) > 90)
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

}  // namespace

bool parse_cell_id(std::string_view id, GridCellId& out) {
  // CRS{epsg}RES{size}mN{y}E{x}
  auto number = [&](std::string_view& s, long long& v) {
    size_t n = 0;
    while (n < s.size() && n < 12 && s[n] >= '0' && s[n] <= '9') ++n;
    if (n == 0 || n == 12) return false;
    v = 0;
    for (size_t i = 0; i < n; ++i) v = v * 10 + (s[i] - '0');
    s.remove_prefix(n);
    return true;
  };
  auto expect = [&](std::string_view& s, std::string_view word) {
    if (s.substr(0, word.size()) != word) return false;
    s.remove_prefix(word.size());
    return true;
  };
  std::string_view s = id;
  long long epsg = 0, size = 0, y = 0, x = 0;
  if (!expect(s, "CRS") || !number(s, epsg) || !expect(s, "RES") || !number(s, size) || !expect(s, "mN") ||
      !number(s, y) || !expect(s, "E") || !number(s, x) || !s.empty())
    return false;
  if (size <= 0 || size > 100000 || x % size != 0 || y % size != 0) return false;
  out = {static_cast<int>(epsg), static_cast<int>(size), x, y};
  return true;
}

namespace {

PopulationPoints read_filosofi(const csv::Table& t, const std::string& path, const CommuneTable& communes) {
  int c_id = need_column(t, path, "Idcar_200m"), c_pop = need_column(t, path, "Ind"),
      c_com = need_column(t, path, "lcog_geo");
  PopulationPoints out;
  out.description = "INSEE Filosofi population grid, 200 m cells (individuals), cell centres";
  out.points.reserve(t.rows.size());
  std::unique_ptr<geo::Projection> proj;
  int epsg = 0;
  for (auto& r : t.rows) {
    GridCellId cell;
    if (!parse_cell_id(r.fields[c_id], cell))
      throw InputError(
          Location{path, r.line, c_id + 1, t.header[c_id]},
          fmt::format("'{}' is not a grid cell id (CRS3035RES200mN2029800E3780600)", clip(r.fields[c_id], 60)));
    if (!proj) {
      epsg = cell.epsg;
      out.cell_m = cell.size_m;
      out.crs = fmt::format("EPSG:{}", epsg);
      proj = std::make_unique<geo::Projection>(out.crs);
    } else if (cell.epsg != epsg || cell.size_m != out.cell_m) {
      throw InputError(Location{path, r.line, c_id + 1, t.header[c_id]},
                       fmt::format("cell {} differs in CRS or size from the file's first cell ({}, {} m)",
                                   r.fields[c_id], out.crs, out.cell_m));
    }
    double pop = 0;
    if (!text::parse_double(r.fields[c_pop], pop) || !std::isfinite(pop) || pop < 0 || pop > 1e7)
      throw InputError(Location{path, r.line, c_pop + 1, t.header[c_pop]},
                       fmt::format("'{}' is not a number of inhabitants", clip(r.fields[c_pop], 60)));
    PopulationPoint p;
    p.population = pop;
    p.at = proj->inverse({cell.x_m + cell.size_m / 2.0, cell.y_m + cell.size_m / 2.0});
    if (!std::isfinite(p.at.lon) || !std::isfinite(p.at.lat) || std::abs(p.at.lat) > 90 || std::abs(p.at.lon) > 180)
      throw InputError(Location{path, r.line, c_id + 1, t.header[c_id]},
                       fmt::format("cell {} lies outside the area of {}", r.fields[c_id], out.crs));
    p.gx = static_cast<int>(cell.x_m / cell.size_m);
    p.gy = static_cast<int>(cell.y_m / cell.size_m);
    p.id = r.fields[c_id];
    const std::string& cogs = r.fields[c_com];
    // lcog_geo: the codes of the communes the cell touches, concatenated (5 characters each).
    for (size_t k = 0; k + 5 <= cogs.size() && p.insee.empty(); k += 5)
      p.insee = communes.current_code(cogs.substr(k, 5));
    if (auto* c = p.insee.empty() ? nullptr : communes.find(p.insee)) p.dep = c->dep;
    out.points.push_back(std::move(p));
  }
  return out;
}

}  // namespace

PopulationPoints load_grid(const std::string& path, const CommuneTable& communes) {
  return grid_from_table(csv::read(path, size_t{4} << 30), path, communes);
}

PopulationPoints grid_from_table(const csv::Table& t, const std::string& path, const CommuneTable& communes) {
  if (t.column_any_case("Idcar_200m") >= 0) return read_filosofi(t, path, communes);
  if (t.column_any_case("grd_id") >= 0) return read_eurostat(t, path, communes);
  throw InputError(Location{path, 1, 0, {}},
                   "not a population grid: expected the columns of the INSEE Filosofi grid (Idcar_200m, Ind, "
                   "lcog_geo) or of the Eurostat Census 2021 grid (grd_id, pop_t, ...)");
}

PopulationPoints commune_points(const CommuneTable& communes) {
  PopulationPoints out;
  out.source = PopulationSource::Communes;
  out.description = "INSEE legal population of the communes (COG 2026), commune centres";
  for (auto& c : communes.all())
    out.points.push_back({c.centre, static_cast<double>(c.population), c.dep, c.code, c.code, 0, 0});
  return out;
}

const PopulationPoints& bundled_points(PopulationSource s) {
  if (s == PopulationSource::Grid) {
    static const PopulationPoints grid =
        load_grid(data_path(config().population_grid, "population_grid"), CommuneTable::bundled());
    return grid;
  }
  static const PopulationPoints communes = commune_points(CommuneTable::bundled());
  return communes;
}

}  // namespace maillage::territory

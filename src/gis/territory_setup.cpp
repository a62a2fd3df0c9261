#include "gis/ogr_handles.hpp"
#include "gis/territory_setup.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "core/text.hpp"

namespace maillage::gis {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

[[noreturn]] void gdal_fail(const std::string& what) { throw Error(fmt::format("{}: {}", what, CPLGetLastErrorMsg())); }

struct GeomDeleter {
  void operator()(OGRGeometryH g) const { OGR_G_DestroyGeometry(g); }
};
using Geom = std::unique_ptr<std::remove_pointer_t<OGRGeometryH>, GeomDeleter>;
struct CtDeleter {
  void operator()(OGRCoordinateTransformationH h) const { OCTDestroyCoordinateTransformation(h); }
};
using Ct = std::unique_ptr<std::remove_pointer_t<OGRCoordinateTransformationH>, CtDeleter>;
struct DatasetCloser {
  void operator()(GDALDatasetH h) const { GDALClose(h); }
};
using Dataset = std::unique_ptr<void, DatasetCloser>;

Srs srs_from(const std::string& definition) {
  Srs s(OSRNewSpatialReference(nullptr));
  if (OSRSetFromUserInput(s.get(), definition.c_str()) != OGRERR_NONE) gdal_fail("CRS " + definition);
  OSRSetAxisMappingStrategy(s.get(), OAMS_TRADITIONAL_GIS_ORDER);
  return s;
}
Ct transform(OGRSpatialReferenceH from, OGRSpatialReferenceH to) {
  Ct ct(OCTNewCoordinateTransformation(from, to));
  if (!ct) gdal_fail("no coordinate transformation");
  return ct;
}

Dataset open_vector(const std::string& path) {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
  if (!fs::exists(path)) throw Error(path + ": no such file");
  // A gzipped file (the product's own outlines are .geojson.gz) is read through GDAL's /vsigzip/ reader.
  auto ext = text::to_lower_ascii(fs::path(path).extension().string());
  std::string name = ext == ".gz" ? "/vsigzip/" + fs::absolute(path).string() : path;
  Dataset ds(GDALOpenEx(name.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (!ds) gdal_fail(path + ": GDAL cannot open it as vector data");
  if (GDALDatasetGetLayerCount(ds.get()) < 1) throw Error(path + ": no layer");
  return ds;
}

// Index of the first field whose name (any case) is one of `names`, or -1.
int field_index(OGRFeatureDefnH defn, std::initializer_list<const char*> names) {
  for (auto* n : names)
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i)
      if (text::fold(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i))) == text::fold(n)) return i;
  return -1;
}

json read_json_file(const std::string& path, const char* what) {
  try {
    return json::parse(io::read_file(path, size_t{512} << 20));
  } catch (const json::exception& e) {
    throw InputError(Location{path, 0, 0, {}}, fmt::format("{}: not JSON ({})", what, e.what()));
  }
}

std::string text_of(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct Commune {
  std::string code, name, dep;
  long population = 0;
  std::vector<std::string> postcodes, former;
  std::vector<Geom> parts;
  Geom outline;
  double lon = 0, lat = 0, area_km2 = 0;
};

// Adds the polygons of `g` to the multipolygon `into`.
void add_polygons(OGRGeometryH into, OGRGeometryH g) {
  auto type = wkbFlatten(OGR_G_GetGeometryType(g));
  if (type == wkbPolygon) {
    OGR_G_AddGeometry(into, g);
  } else if (type == wkbMultiPolygon || type == wkbGeometryCollection) {
    for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i) add_polygons(into, OGR_G_GetGeometryRef(g, i));
  }
}

Geom dissolve(const std::vector<OGRGeometryH>& parts) {
  Geom all(OGR_G_CreateGeometry(wkbMultiPolygon));
  for (auto* p : parts) add_polygons(all.get(), p);
  Geom u(OGR_G_UnionCascaded(all.get()));
  if (!u) gdal_fail("GEOS: union of outlines");
  return u;
}

json geometry_json(OGRGeometryH g) {
  char* opts[] = {const_cast<char*>("COORDINATE_PRECISION=5"), nullptr};
  char* s = OGR_G_ExportToJsonEx(g, opts);
  if (!s) gdal_fail("GeoJSON export");
  auto j = json::parse(s);
  CPLFree(s);
  return j;
}

void write_geojson(const std::string& path, const json& features) {
  io::write_file_atomic(path, json{{"type", "FeatureCollection"}, {"features", features}}.dump());
}

}  // namespace

TerritorySetupReport setup_territory(const TerritorySetupOptions& o) {
  TerritorySetupReport rep;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (o.region.empty() || o.region.size() > 3 || !std::all_of(o.region.begin(), o.region.end(), digit))
    throw Error(fmt::format("--region: '{}' is not an INSEE region code (\"52\", \"75\")", o.region));
  if (fs::exists(o.out)) throw Error(o.out + ": exists already (give a new folder)");

  // 1. The region's current communes and their former codes.
  auto list = read_json_file(o.communes, "commune list");
  if (!list.is_array()) throw InputError(Location{o.communes, 0, 0, {}}, "expected the array of communes.json");
  std::vector<Commune> communes;
  std::map<std::string, size_t> by_code;       // current code -> commune
  std::map<std::string, std::string> history;  // any code -> current code
  for (size_t i = 0; i < list.size(); ++i) {
    auto& c = list[i];
    if (!c.is_object() || text_of(c, "type") != "commune-actuelle" || text_of(c, "region") != o.region) continue;
    Commune m;
    m.code = text_of(c, "code");
    m.name = text_of(c, "nom");
    m.dep = text_of(c, "departement");
    if (m.code.size() != 5 || m.name.empty() || m.dep.empty())
      throw InputError(Location{o.communes, static_cast<int>(i + 1), 0, "code"},
                       fmt::format("commune #{}: code, nom or departement missing", i + 1));
    if (auto p = c.find("population"); p != c.end() && p->is_number()) m.population = std::max(0L, p->get<long>());
    if (auto p = c.find("codesPostaux"); p != c.end() && p->is_array())
      for (auto& pc : *p)
        if (pc.is_string()) m.postcodes.push_back(pc.get<std::string>());
    if (auto p = c.find("anciensCodes"); p != c.end() && p->is_array())
      for (auto& a : *p)
        if (a.is_string()) m.former.push_back(a.get<std::string>());
    by_code[m.code] = communes.size();
    history[m.code] = m.code;
    for (auto& a : m.former) history.emplace(a, m.code);
    communes.push_back(std::move(m));
  }
  if (communes.empty())
    throw InputError(Location{o.communes, 0, 0, "region"}, fmt::format("no current commune of region {}", o.region));
  rep.communes = communes.size();
  rep.former_codes = history.size() - communes.size();

  std::map<std::string, std::string> dep_names;
  std::set<std::string> deps;
  for (auto& c : communes) deps.insert(c.dep);
  if (!o.departments.empty())
    for (auto& d : read_json_file(o.departments, "department list"))
      if (d.is_object() && deps.count(text_of(d, "code"))) dep_names[text_of(d, "code")] = text_of(d, "nom");
  for (auto& d : deps) rep.departments.emplace_back(d, dep_names.count(d) ? dep_names[d] : "Département " + d);
  rep.name = o.name;
  if (rep.name.empty() && !o.regions.empty())
    for (auto& r : read_json_file(o.regions, "region list"))
      if (r.is_object() && text_of(r, "code") == o.region) rep.name = text_of(r, "nom");
  if (rep.name.empty()) rep.name = "Région " + o.region;

  // 2. Outlines: every feature of a region commune (current or former code), in WGS84.
  {
    auto ds = open_vector(o.outlines);
    OGRLayerH layer = GDALDatasetGetLayer(ds.get(), 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int f_code = field_index(defn, {"INSEE_COM", "code_insee", "code", "insee", "codgeo", "com"});
    if (f_code < 0)
      throw InputError(Location{o.outlines, 0, 0, "INSEE_COM"},
                       "no commune code field (INSEE_COM, code_insee, code, insee, codgeo or com)");
    auto wgs84 = srs_from("EPSG:4326");
    Ct to_wgs84;
    if (OGRSpatialReferenceH layer_srs = OGR_L_GetSpatialRef(layer)) {
      Srs s(OSRClone(layer_srs));
      OSRSetAxisMappingStrategy(s.get(), OAMS_TRADITIONAL_GIS_ORDER);
      if (!OSRIsSame(s.get(), wgs84.get())) to_wgs84 = transform(s.get(), wgs84.get());
    }
    OGR_L_ResetReading(layer);
    size_t n = 0;
    while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
      ++n;
      std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, void (*)(OGRFeatureH)> fh(f, OGR_F_Destroy);
      auto it = history.find(OGR_F_GetFieldAsString(f, f_code));
      OGRGeometryH g = OGR_F_GetGeometryRef(f);
      if (it == history.end() || !g) continue;
      Geom copy(OGR_G_Clone(g));
      if (to_wgs84 && OGR_G_Transform(copy.get(), to_wgs84.get()) != OGRERR_NONE)
        gdal_fail(fmt::format("{}: feature {}: reprojection", o.outlines, n));
      if (!OGR_G_IsValid(copy.get())) copy.reset(OGR_G_MakeValid(copy.get()));
      if (!copy) gdal_fail(fmt::format("{}: feature {}: invalid outline", o.outlines, n));
      communes[by_code[it->second]].parts.push_back(std::move(copy));
      ++rep.outline_features;
    }
  }
  std::vector<std::string> missing;
  for (auto& c : communes)
    if (c.parts.empty()) missing.push_back(c.code + " " + c.name);
  if (!missing.empty())
    throw InputError(
        Location{o.outlines, 0, 0, "INSEE_COM"},
        fmt::format("{} communes of region {} have no outline: {}{}", missing.size(), o.region,
                    text::join(std::vector<std::string>(missing.begin(),
                                                        missing.begin() + std::min<size_t>(10, missing.size())),
                               ", "),
                    missing.size() > 10 ? ", ..." : ""));

  // 3. Centres and areas on an equal-area projection centred on the region (exact areas anywhere).
  double lon0 = 0, lat0 = 0;
  {
    OGREnvelope all, e;
    all.MinX = all.MinY = 1e9;
    all.MaxX = all.MaxY = -1e9;
    for (auto& c : communes)
      for (auto& p : c.parts) {
        OGR_G_GetEnvelope(p.get(), &e);
        all.MinX = std::min(all.MinX, e.MinX), all.MaxX = std::max(all.MaxX, e.MaxX);
        all.MinY = std::min(all.MinY, e.MinY), all.MaxY = std::max(all.MaxY, e.MaxY);
      }
    lon0 = (all.MinX + all.MaxX) / 2, lat0 = (all.MinY + all.MaxY) / 2;
  }
  auto wgs84 = srs_from("EPSG:4326");
  auto laea =
      srs_from(fmt::format("+proj=laea +lat_0={:.4f} +lon_0={:.4f} +ellps=GRS80 +units=m +no_defs", lat0, lon0));
  auto to_laea = transform(wgs84.get(), laea.get()), to_ll = transform(laea.get(), wgs84.get());
  for (auto& c : communes) {
    std::vector<OGRGeometryH> parts;
    for (auto& p : c.parts) parts.push_back(p.get());
    c.outline = dissolve(parts);
    Geom plane(OGR_G_Clone(c.outline.get()));
    if (OGR_G_Transform(plane.get(), to_laea.get()) != OGRERR_NONE) gdal_fail("equal-area projection");
    c.area_km2 = std::round(OGR_G_Area(plane.get()) / 1e4) / 100;
    rep.area_km2 += c.area_km2;
    Geom centre(OGR_G_CreateGeometry(wkbPoint));
    if (OGR_G_Centroid(plane.get(), centre.get()) != OGRERR_NONE || !OGR_G_Contains(plane.get(), centre.get()))
      centre.reset(OGR_G_PointOnSurface(plane.get()));
    if (!centre) gdal_fail(fmt::format("commune {}: no point on its outline", c.code));
    OGR_G_Transform(centre.get(), to_ll.get());
    c.lon = std::round(OGR_G_GetX(centre.get(), 0) * 1e5) / 1e5;
    c.lat = std::round(OGR_G_GetY(centre.get(), 0) * 1e5) / 1e5;
    rep.population += static_cast<double>(c.population);
  }

  // 4. Write everything in a temporary folder, renamed at the end.
  const std::string tmp = o.out + ".partial";
  fs::remove_all(tmp);
  fs::create_directories(tmp + "/communes");
  fs::create_directories(tmp + "/population");
  try {
    std::string table = "code_insee,nom,dep,population_legale,lat,lon,superficie_km2,codes_postaux\n";
    json commune_features = json::array();
    for (auto& c : communes) {
      table += fmt::format("{},{},{},{},{:.5f},{:.5f},{:.2f},{}\n", csv::quote(c.code), csv::quote(c.name),
                           csv::quote(c.dep), c.population, c.lat, c.lon, c.area_km2,
                           csv::quote(text::join(c.postcodes, " ")));
      commune_features.push_back({{"type", "Feature"},
                                  {"properties", {{"code", c.code}, {"nom", c.name}, {"dep", c.dep}}},
                                  {"geometry", geometry_json(c.outline.get())}});
    }
    io::write_file_atomic(tmp + "/communes/communes.csv", table);
    std::string hist = "code_insee_any,code_insee_2026\n";
    for (auto& [any, cur] : history) hist += any + "," + cur + "\n";
    io::write_file_atomic(tmp + "/communes/code_history.csv", hist);
    write_geojson(tmp + "/communes/communes.geojson", commune_features);

    json dep_features = json::array();
    std::vector<OGRGeometryH> region_parts;
    std::vector<Geom> dep_outlines;
    for (auto& [code, name] : rep.departments) {
      std::vector<OGRGeometryH> parts;
      for (auto& c : communes)
        if (c.dep == code) parts.push_back(c.outline.get());
      dep_outlines.push_back(dissolve(parts));
      region_parts.push_back(dep_outlines.back().get());
      dep_features.push_back({{"type", "Feature"},
                              {"properties", {{"code", code}, {"nom", name}}},
                              {"geometry", geometry_json(dep_outlines.back().get())}});
    }
    write_geojson(tmp + "/communes/departements.geojson", dep_features);
    auto region = dissolve(region_parts);
    write_geojson(tmp + "/communes/region.geojson",
                  json::array({{{"type", "Feature"},
                                {"properties", {{"code", o.region}, {"nom", rep.name}}},
                                {"geometry", geometry_json(region.get())}}}));

    // 5. The population grid: the cells whose first commune (lcog_geo) that the history knows is the region's.
    bool have_grid = !o.grid.empty();
    if (have_grid) {
      std::string out = "Idcar_200m,Ind,lcog_geo\n";
      auto keep = [&](const std::string& id, const std::string& ind, const std::string& cogs) {
        ++rep.grid_rows;
        for (size_t k = 0; k + 5 <= cogs.size(); k += 5) {
          if (!history.count(cogs.substr(k, 5))) continue;
          double v = 0;
          if (!text::parse_double(ind, v) || !std::isfinite(v) || v < 0)
            throw InputError(Location{o.grid, static_cast<int>(rep.grid_rows + 1), 0, "Ind"},
                             fmt::format("Ind: '{}' is not a number of inhabitants", ind.substr(0, 40)));
          out += csv::quote(id) + "," + ind + "," + csv::quote(cogs) + "\n";
          ++rep.grid_cells;
          rep.grid_population += v;
          return;
        }
      };
      auto ext = text::to_lower_ascii(fs::path(o.grid).extension().string());
      bool csv_file = ext == ".csv" || ext == ".gz" || ext == ".txt";
      if (csv_file) {
        auto t = csv::read(o.grid, size_t{4} << 30);
        auto col = [&](const char* name) {
          int c = t.column_any_case(name);
          if (c < 0) throw InputError(Location{o.grid, 1, 0, name}, fmt::format("missing column '{}'", name));
          return c;
        };
        int c_id = col("Idcar_200m"), c_ind = col("Ind"), c_cog = col("lcog_geo");
        for (auto& r : t.rows) keep(r.fields[c_id], r.fields[c_ind], r.fields[c_cog]);
      } else {
        auto ds = open_vector(o.grid);
        OGRLayerH layer = GDALDatasetGetLayer(ds.get(), 0);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
        int f_id = field_index(defn, {"Idcar_200m"}), f_ind = field_index(defn, {"Ind"}),
            f_cog = field_index(defn, {"lcog_geo"});
        if (f_id < 0 || f_ind < 0 || f_cog < 0)
          throw InputError(Location{o.grid, 0, 0, "Idcar_200m"}, "expected the fields Idcar_200m, Ind and lcog_geo");
        OGR_L_ResetReading(layer);
        while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
          std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, void (*)(OGRFeatureH)> fh(f, OGR_F_Destroy);
          keep(OGR_F_GetFieldAsString(f, f_id), OGR_F_GetFieldAsString(f, f_ind), OGR_F_GetFieldAsString(f, f_cog));
        }
      }
      if (rep.grid_cells == 0)
        throw InputError(Location{o.grid, 0, 0, "lcog_geo"}, fmt::format("no cell of region {} in the grid", o.region));
      io::write_file_atomic(tmp + "/population/grid.csv", out);
    } else {
      rep.warnings.push_back("no population grid: coverage will use the commune centres (--population communes)");
    }

    // 6. What the rest of Maillage reads from a data folder, and the configuration.
    for (auto* sub : {"profiles", "api"})
      if (fs::exists(o.copy_from + "/" + sub))
        fs::copy(o.copy_from + "/" + sub, tmp + "/" + sub, fs::copy_options::recursive);
    json deps_json = json::array();
    for (auto& [code, name] : rep.departments) deps_json.push_back({{"code", code}, {"name", name}});
    json files = {{"communes", "communes/communes.csv"},
                  {"code_history", "communes/code_history.csv"},
                  {"commune_outlines", "communes/communes.geojson"},
                  {"department_outlines", "communes/departements.geojson"},
                  {"region_outline", "communes/region.geojson"}};
    if (have_grid) files["population_grid"] = "population/grid.csv";
    json cfg = {{"name", rep.name},
                {"region", o.region},
                {"departments", deps_json},
                {"files", files},
                {"sources", {{"communes", o.communes}, {"outlines", o.outlines}, {"grid", o.grid}}}};
    io::write_file_atomic(tmp + "/territory.json", cfg.dump(1) + "\n");
    fs::rename(tmp, o.out);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  return rep;
}

}  // namespace maillage::gis

#include "gis/ogr_handles.hpp"
#include "gis/gpkg.hpp"

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "core/error.hpp"

namespace maillage::gis {

using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw Error(fmt::format("GeoPackage: {}: {}", what, CPLGetLastErrorMsg()));
}

Srs srs(int epsg) {
  Srs s(OSRNewSpatialReference(nullptr));
  if (OSRImportFromEPSG(s.get(), epsg) != OGRERR_NONE) fail(fmt::format("EPSG:{}", epsg));
  OSRSetAxisMappingStrategy(s.get(), OAMS_TRADITIONAL_GIS_ORDER);  // lon, lat as GeoJSON writes them
  return s;
}

OGRwkbGeometryType layer_type(const json& fc) {
  std::string type;
  for (auto& f : fc.at("features")) {
    if (!f.contains("geometry") || f["geometry"].is_null()) continue;
    auto t = f["geometry"].value("type", "");
    if (t == "Polygon") t = "MultiPolygon";
    if (t == "LineString") t = "MultiLineString";
    if (type.empty())
      type = t;
    else if (type != t)
      return wkbUnknown;
  }
  return type == "Point"             ? wkbPoint
         : type == "MultiPolygon"    ? wkbMultiPolygon
         : type == "MultiLineString" ? wkbMultiLineString
         : type == "MultiPoint"      ? wkbMultiPoint
                                     : wkbUnknown;
}

OGRFieldType field_type(const json& v) {
  if (v.is_number_integer() || v.is_boolean()) return OFTInteger64;
  if (v.is_number()) return OFTReal;
  return OFTString;
}

}  // namespace

std::vector<size_t> write_geopackage(const std::string& path, const std::vector<Layer>& layers) {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
  GDALDriverH driver = GDALGetDriverByName("GPKG");
  if (!driver) fail("no GPKG driver in this GDAL");
  std::error_code ec;
  std::filesystem::remove(path, ec);
  GDALDatasetH ds = GDALCreate(driver, path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  if (!ds) fail("cannot create " + path);
  std::unique_ptr<void, void (*)(void*)> closer(ds, [](void* h) { GDALClose(static_cast<GDALDatasetH>(h)); });
  auto wgs84 = srs(4326), l93 = srs(2154);
  OGRCoordinateTransformationH to_l93 = OCTNewCoordinateTransformation(wgs84.get(), l93.get());
  if (!to_l93) fail("no transformation from WGS84 to Lambert-93");
  std::unique_ptr<void, void (*)(void*)> ct(
      to_l93, [](void* h) { OCTDestroyCoordinateTransformation(static_cast<OGRCoordinateTransformationH>(h)); });
  std::vector<size_t> written;
  for (auto& L : layers) {
    OGRLayerH layer = GDALDatasetCreateLayer(ds, L.name.c_str(), l93.get(), layer_type(L.features), nullptr);
    if (!layer) fail("layer " + L.name);
    // Fields: the union of the features' properties, typed by their first non-null value (a later value of
    // another type is written as text).
    std::map<std::string, OGRFieldType> fields;
    std::vector<std::string> order;
    static const json none = json::object();
    auto props = [](const json& f) -> const json& {
      auto it = f.find("properties");
      return it != f.end() && it->is_object() ? *it : none;
    };
    for (auto& f : L.features.at("features"))
      for (auto& [k, v] : props(f).items())
        if (!v.is_null() && !fields.count(k)) fields[k] = field_type(v), order.push_back(k);
    for (auto& k : order) {
      OGRFieldDefnH fd = OGR_Fld_Create(k.c_str(), fields[k]);
      if (OGR_L_CreateField(layer, fd, TRUE) != OGRERR_NONE) fail("field " + k);
      OGR_Fld_Destroy(fd);
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    if (OGR_L_StartTransaction(layer) != OGRERR_NONE) fail("transaction");
    size_t n = 0;
    for (auto& f : L.features.at("features")) {
      OGRFeatureH feat = OGR_F_Create(defn);
      for (auto& [k, v] : props(f).items()) {
        int i = OGR_F_GetFieldIndex(feat, k.c_str());
        if (i < 0 || v.is_null()) continue;
        auto t = fields[k];
        if (t == OFTInteger64 && (v.is_number_integer() || v.is_boolean()))
          OGR_F_SetFieldInteger64(feat, i, v.is_boolean() ? v.get<bool>() : v.get<int64_t>());
        else if (t == OFTReal && v.is_number())
          OGR_F_SetFieldDouble(feat, i, v.get<double>());
        else
          OGR_F_SetFieldString(feat, i, v.is_string() ? v.get<std::string>().c_str() : v.dump().c_str());
      }
      if (f.contains("geometry") && !f["geometry"].is_null()) {
        OGRGeometryH g = OGR_G_CreateGeometryFromJson(f["geometry"].dump().c_str());
        if (!g) fail("a geometry of layer " + L.name);
        auto type = wkbFlatten(OGR_G_GetGeometryType(g));
        if (type == wkbPolygon) g = OGR_G_ForceToMultiPolygon(g);
        if (type == wkbLineString) g = OGR_G_ForceToMultiLineString(g);
        OGR_G_AssignSpatialReference(g, wgs84.get());
        if (OGR_G_Transform(g, to_l93) != OGRERR_NONE) fail("reprojection in layer " + L.name);
        OGR_F_SetGeometryDirectly(feat, g);
      }
      if (OGR_L_CreateFeature(layer, feat) != OGRERR_NONE) fail("a feature of layer " + L.name);
      OGR_F_Destroy(feat);
      ++n;
    }
    if (OGR_L_CommitTransaction(layer) != OGRERR_NONE) fail("commit of layer " + L.name);
    written.push_back(n);
  }
  closer.reset();
  return written;
}

}  // namespace maillage::gis

#include "gis/shapes.hpp"

#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <mutex>

#include "core/error.hpp"

namespace maillage::gis {

namespace {

struct Transform {
  OGRSpatialReferenceH wgs84 = nullptr, l93 = nullptr;
  OGRCoordinateTransformationH ct = nullptr;
  Transform() {
    wgs84 = OSRNewSpatialReference(nullptr);
    l93 = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(wgs84, 4326);
    OSRImportFromEPSG(l93, 2154);
    OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);  // lon, lat as GeoJSON writes them
    OSRSetAxisMappingStrategy(l93, OAMS_TRADITIONAL_GIS_ORDER);
    ct = OCTNewCoordinateTransformation(wgs84, l93);
    if (!ct) throw Error("GDAL: no transformation from EPSG:4326 to EPSG:2154");
  }
  ~Transform() {
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(wgs84);
    OSRDestroySpatialReference(l93);
  }
};

void rings_of(OGRGeometryH g, std::vector<std::vector<geo::XY>>& out) {
  auto type = wkbFlatten(OGR_G_GetGeometryType(g));
  if (type == wkbPolygon || type == wkbMultiPolygon || type == wkbGeometryCollection) {
    for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i) rings_of(OGR_G_GetGeometryRef(g, i), out);
  } else if (type == wkbLinearRing || type == wkbLineString) {
    std::vector<geo::XY> ring;
    for (int i = 0; i < OGR_G_GetPointCount(g); ++i) ring.push_back({OGR_G_GetX(g, i), OGR_G_GetY(g, i)});
    if (ring.size() >= 3) out.push_back(std::move(ring));
  }
}

}  // namespace

std::vector<std::vector<geo::XY>> lambert93_rings(const nlohmann::json& geometry, double tolerance_m) {
  static std::mutex mu;  // one transformation object, used by one thread at a time
  static Transform t;
  std::lock_guard l(mu);
  struct Geometry {
    OGRGeometryH h;
    ~Geometry() {
      if (h) OGR_G_DestroyGeometry(h);
    }
  };
  Geometry g{OGR_G_CreateGeometryFromJson(geometry.dump().c_str())};
  if (!g.h) return {};
  if (OGR_G_Transform(g.h, t.ct) != OGRERR_NONE) throw Error("GDAL: cannot project a geometry to Lambert-93");
  Geometry simple{tolerance_m > 0 ? OGR_G_SimplifyPreserveTopology(g.h, tolerance_m) : OGR_G_Clone(g.h)};
  std::vector<std::vector<geo::XY>> out;
  if (simple.h) rings_of(simple.h, out);
  return out;
}

}  // namespace maillage::gis

#include "coverage/zone_shapes.hpp"

#include <geos_c.h>

#include <cmath>
#include <memory>

#include "core/error.hpp"
#include "core/geo.hpp"

namespace maillage::coverage {

namespace {
struct Context {
  GEOSContextHandle_t h = GEOS_init_r();
  ~Context() { GEOS_finish_r(h); }
};
struct GeomDeleter {
  GEOSContextHandle_t h;
  void operator()(GEOSGeometry* g) const {
    if (g) GEOSGeom_destroy_r(h, g);
  }
};
using Geom = std::unique_ptr<GEOSGeometry, GeomDeleter>;

double round6(double v) { return std::round(v * 1e6) / 1e6; }
}  // namespace

nlohmann::json cells_outline(const territory::PopulationPoints& grid, const std::vector<uint32_t>& idx) {
  Context ctx;
  auto h = ctx.h;
  std::vector<GEOSGeometry*> squares;
  squares.reserve(idx.size());
  for (auto i : idx) {
    const double c = grid.cell_m, x = grid.points[i].gx * c, y = grid.points[i].gy * c;
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, 5, 2);
    const double xs[] = {x, x + c, x + c, x, x}, ys[] = {y, y, y + c, y + c, y};
    for (unsigned k = 0; k < 5; ++k) GEOSCoordSeq_setXY_r(h, seq, k, xs[k], ys[k]);
    squares.push_back(GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, seq), nullptr, 0));
  }
  Geom all(GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, squares.data(), static_cast<unsigned>(squares.size())),
           GeomDeleter{h});
  if (!all) throw Error("GEOS: cannot build the cells of a zone");
  Geom u(GEOSUnaryUnion_r(h, all.get()), GeomDeleter{h});
  if (!u) throw Error("GEOS: union of the cells of a zone failed");

  static thread_local std::unique_ptr<geo::Projection> proj;  // the grid's CRS (EPSG:3035 for Eurostat and INSEE)
  if (!proj || proj->target() != grid.crs) proj = std::make_unique<geo::Projection>(grid.crs);
  auto& laea = *proj;
  auto ring_json = [&](const GEOSGeometry* ring) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    nlohmann::json coords = nlohmann::json::array();
    for (unsigned k = 0; k < n; ++k) {
      double x = 0, y = 0;
      GEOSCoordSeq_getXY_r(h, seq, k, &x, &y);
      auto ll = laea.inverse({x, y});
      coords.push_back({round6(ll.lon), round6(ll.lat)});
    }
    return coords;
  };
  auto polygon_json = [&](const GEOSGeometry* poly) {
    nlohmann::json rings = nlohmann::json::array({ring_json(GEOSGetExteriorRing_r(h, poly))});
    int holes = GEOSGetNumInteriorRings_r(h, poly);
    for (int k = 0; k < holes; ++k) rings.push_back(ring_json(GEOSGetInteriorRingN_r(h, poly, k)));
    return rings;
  };
  if (GEOSGeomTypeId_r(h, u.get()) == GEOS_POLYGON)
    return {{"type", "Polygon"}, {"coordinates", polygon_json(u.get())}};
  nlohmann::json polys = nlohmann::json::array();
  int parts = GEOSGetNumGeometries_r(h, u.get());
  for (int k = 0; k < parts; ++k) polys.push_back(polygon_json(GEOSGetGeometryN_r(h, u.get(), k)));
  return {{"type", "MultiPolygon"}, {"coordinates", polys}};
}

}  // namespace maillage::coverage

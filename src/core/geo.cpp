#include "core/geo.hpp"

#include <mutex>

#include <proj.h>

#include <cmath>

#include "core/error.hpp"

namespace maillage::geo {

double haversine_m(LonLat a, LonLat b) {
  constexpr double R = 6371008.8, deg = M_PI / 180.0;
  double dlat = (b.lat - a.lat) * deg, dlon = (b.lon - a.lon) * deg;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(a.lat * deg) * std::cos(b.lat * deg) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * R * std::asin(std::min(1.0, std::sqrt(h)));
}

struct Projection::Impl {
  PJ_CONTEXT* ctx = nullptr;
  PJ* pj = nullptr;
  std::mutex mu;  // a PJ object must not be used by two threads at once
};

Projection::Projection(const std::string& target_crs) : impl_(std::make_unique<Impl>()), target_(target_crs) {
  impl_->ctx = proj_context_create();
  PJ* raw = proj_create_crs_to_crs(impl_->ctx, "EPSG:4326", target_crs.c_str(), nullptr);
  if (!raw) {
    proj_context_destroy(impl_->ctx);
    throw Error("PROJ: cannot create the transformation WGS84 -> " + target_crs);
  }
  // Use lon/lat axis order whatever the CRS definition says.
  impl_->pj = proj_normalize_for_visualization(impl_->ctx, raw);
  proj_destroy(raw);
  if (!impl_->pj) {
    proj_context_destroy(impl_->ctx);
    throw Error("PROJ: cannot normalise axis order for " + target_crs);
  }
}

Projection::~Projection() {
  proj_destroy(impl_->pj);
  proj_context_destroy(impl_->ctx);
}

XY Projection::forward(LonLat p) const {
  std::lock_guard lock(impl_->mu);
  PJ_COORD c = proj_trans(impl_->pj, PJ_FWD, proj_coord(p.lon, p.lat, 0, 0));
  return {c.xy.x, c.xy.y};
}

LonLat Projection::inverse(XY p) const {
  std::lock_guard lock(impl_->mu);
  PJ_COORD c = proj_trans(impl_->pj, PJ_INV, proj_coord(p.x, p.y, 0, 0));
  return {c.lp.lam, c.lp.phi};
}

}  // namespace maillage::geo

#pragma once
// Geography basics. Positions are WGS84 lon/lat in degrees. Planar work (distances to outlines, grids) goes
// through PROJ, never through hand-written projection formulas.
#include <memory>
#include <string>

namespace maillage::geo {

struct LonLat {
  double lon = 0, lat = 0;
};
struct XY {
  double x = 0, y = 0;
};

// Great-circle distance in metres (spherical Earth, R = 6,371,008.8 m).
double haversine_m(LonLat a, LonLat b);

// A PROJ transformation from WGS84 lon/lat to a projected CRS (for example "EPSG:2154", Lambert-93) and back.
// Not thread-safe: give each thread its own.
// Safe to share between threads (calls are serialised on the PROJ object).
class Projection {
 public:
  explicit Projection(const std::string& target_crs);
  ~Projection();
  Projection(const Projection&) = delete;
  Projection& operator=(const Projection&) = delete;
  XY forward(LonLat p) const;
  LonLat inverse(XY p) const;
  const std::string& target() const { return target_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string target_;
};

}  // namespace maillage::geo

#pragma once
// Owning handles of GDAL/OGR objects (internal to src/gis): each is destroyed by its own OGR function.
#include <memory>
#include <type_traits>

#include <ogr_api.h>
#include <ogr_srs_api.h>

namespace maillage::gis {

struct SrsDeleter {
  void operator()(OGRSpatialReferenceH h) const { OSRDestroySpatialReference(h); }
};
using Srs = std::unique_ptr<std::remove_pointer_t<OGRSpatialReferenceH>, SrsDeleter>;

}  // namespace maillage::gis

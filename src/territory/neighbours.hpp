#pragma once
// What the skeleton graph's local layer is made of (issue #15): each commune's centre and the communes that share
// a boundary with it (bundled 2018 outlines; a commune merged since 2018 is the union of its former communes'
// polygons), and the land a link may cross: across no shore (a commune boundary edge that no other commune
// shares: the coast, the Arcachon basin, the region's edge) and across none of the mid-channel lines of the
// Gironde estuary and the lower Garonne and Dordogne (data/roads/water_barriers.geojson), which the outlines,
// running to mid-channel, cannot tell.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/geo.hpp"
#include "territory/communes.hpp"
#include "territory/outline.hpp"

namespace maillage::territory {

// The boundary edges of the commune outlines (undirected, by their end points rounded to 1e-7 degree) and the
// outlines (2018 codes) that have each: read once, what both the neighbours and the land mask are made of.
struct OutlineEdges {
  using Point = std::pair<int64_t, int64_t>;                        // lon, lat x 1e7
  std::vector<std::string> codes;                                   // the outline features' commune codes (2018)
  std::map<std::pair<Point, Point>, std::vector<uint32_t>> owners;  // edge -> feature indices
};
OutlineEdges read_outline_edges(const std::string& outlines_geojson);

struct CommuneNeighbours {
  std::vector<std::string> codes;  // COG 2026
  std::vector<geo::LonLat> centres;
  std::vector<std::pair<uint32_t, uint32_t>> adjacent;  // indices into codes, first < second, each pair once
};

// Two communes are neighbours when their outlines share at least one boundary edge (the IGN outlines are
// topologically clean: neighbours share their boundary vertices exactly).
CommuneNeighbours commune_neighbours(const CommuneTable& communes, const OutlineEdges& edges);
CommuneNeighbours commune_neighbours(const CommuneTable& communes, const std::string& outlines_geojson);

class LandMask {
 public:
  LandMask(const OutlineEdges& edges, const std::string& barriers_geojson);
  static const LandMask& bundled();
  // The straight segment stays on land: it crosses no shore and no water barrier.
  bool on_land(geo::LonLat a, geo::LonLat b) const;
  size_t shore_edges() const { return shore_; }

 private:
  void add(geo::XY a, geo::XY b);
  std::shared_ptr<geo::Projection> proj_;
  std::vector<std::pair<geo::XY, geo::XY>> lines_;            // shore edges and barriers, Lambert-93
  std::unordered_map<uint64_t, std::vector<uint32_t>> grid_;  // 2 km cells -> lines touching them
  size_t shore_ = 0;
};

}  // namespace maillage::territory

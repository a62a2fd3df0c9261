#include "territory/sea.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/error.hpp"
#include "core/geo.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "territory/config.hpp"

namespace maillage::territory {

using nlohmann::json;

namespace {

using Ring = std::vector<geo::LonLat>;

// Where the coastline meets the neighbours' borders (the outline's vertices nearest to these are taken).
constexpr geo::LonLat kSpanishBorder{-1.785, 43.373};  // mouth of the Bidassoa, Hendaye
constexpr geo::LonLat kVendeeBorder{-1.13, 46.31};     // mouth of the Sèvre niortaise, Anse de l'Aiguillon
constexpr double kMaxEndDistanceM = 2000;
// The sea is drawn as a band along the coast: its offshore edge runs this far west of the westernmost land
// (mainland or island) at each latitude, from just south of the Pointe de l'Aiguillon (Vendée) to just north of
// Cabo Higuer (Spain).
constexpr double kBandDegrees = 0.45;  // about 35 km
constexpr geo::LonLat kNorthOffshore{-1.20, 46.27}, kSouthOffshore{-1.80, 43.40};

// The offshore edge, from north to south, every 0.1 degree of latitude.
Ring offshore_edge(const std::vector<Ring>& land) {
  Ring edge{kNorthOffshore};
  for (double lat = 46.25; lat > 43.44; lat -= 0.1) {
    double west = 0;
    for (auto& r : land)
      for (auto& p : r)
        if (std::abs(p.lat - lat) <= 0.15) west = std::min(west, p.lon);
    edge.push_back({west - kBandDegrees, lat});
  }
  edge.push_back(kSouthOffshore);
  return edge;
}

Ring ring_of(const json& coords) {
  Ring r;
  for (auto& c : coords) r.push_back({c.at(0).get<double>(), c.at(1).get<double>()});
  return r;
}

bool inside(const Ring& ring, geo::LonLat p) {
  bool in = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    auto& a = ring[i];
    auto& b = ring[j];
    if ((a.lat > p.lat) != (b.lat > p.lat) && p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon)
      in = !in;
  }
  return in;
}

size_t nearest(const Ring& r, geo::LonLat p, double& d) {
  size_t best = 0;
  d = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < r.size(); ++i)
    if (double x = geo::haversine_m(r[i], p); x < d) d = x, best = i;
  return best;
}

json to_coords(const Ring& r) {
  json out = json::array();
  for (auto& p : r) out.push_back({std::round(p.lon * 1e5) / 1e5, std::round(p.lat * 1e5) / 1e5});
  return out;
}

}  // namespace

json sea_geojson(const std::string& region_geojson_path) {
  auto doc = json::parse(io::read_file(region_geojson_path));
  const json& geom = doc.contains("features") ? doc["features"].at(0)["geometry"] : doc["geometry"];
  std::vector<Ring> outers;  // the outer ring of every polygon
  if (geom["type"] == "Polygon")
    outers.push_back(ring_of(geom["coordinates"][0]));
  else
    for (auto& poly : geom["coordinates"]) outers.push_back(ring_of(poly[0]));

  // The mainland ring: the one with both borders on it.
  for (size_t k = 0; k < outers.size(); ++k) {
    auto& ring = outers[k];
    double ds = 0, dn = 0;
    size_t s = nearest(ring, kSpanishBorder, ds), n = nearest(ring, kVendeeBorder, dn);
    if (ds > kMaxEndDistanceM || dn > kMaxEndDistanceM) continue;
    // Of the two ways round the ring from one border to the other, the coast is the western one.
    Ring one, other;
    for (size_t i = s;; i = (i + 1) % ring.size()) {
      one.push_back(ring[i]);
      if (i == n) break;
    }
    for (size_t i = n;; i = (i + 1) % ring.size()) {
      other.push_back(ring[i]);
      if (i == s) break;
    }
    auto east = [](const Ring& r) {
      double m = -180;
      for (auto& p : r) m = std::max(m, p.lon);
      return m;
    };
    Ring coast = east(one) < east(other) ? one : Ring(other.rbegin(), other.rend());  // south to north
    std::vector<Ring> islands;  // the other polygons west of the coast's ends
    for (size_t j = 0; j < outers.size(); ++j)
      if (j != k && outers[j].front().lon < -0.9) islands.push_back(outers[j]);
    std::vector<Ring> land = islands;
    land.push_back(coast);
    Ring sea = coast;
    auto edge = offshore_edge(land);
    sea.insert(sea.end(), edge.begin(), edge.end());
    sea.push_back(coast.front());
    json rings = json::array({to_coords(sea)});
    for (auto& island : islands)  // holes in the sea
      if (inside(sea, island.front())) rings.push_back(to_coords(island));
    json feature{{"type", "Feature"},
                 {"properties", {{"kind", "sea"}, {"islands", rings.size() - 1}}},
                 {"geometry", {{"type", "Polygon"}, {"coordinates", rings}}}};
    return {{"type", "FeatureCollection"}, {"features", json::array({feature})}};
  }
  throw Error(region_geojson_path + ": no coastline between the Spanish and Vendée borders in this outline");
}

const json& bundled_sea() {
  // The band is drawn for the Atlantic coast of Nouvelle-Aquitaine only; another territory's outline has no such
  // coastline and its base map gets no sea (tiles, when configured, show it).
  static const json sea = [] {
    try {
      return sea_geojson(data_path(config().region_outline, "region_outline"));
    } catch (const InputError&) {
      throw;
    } catch (const Error&) {
      return json{{"type", "FeatureCollection"}, {"features", json::array()}};
    }
  }();
  return sea;
}

}  // namespace maillage::territory

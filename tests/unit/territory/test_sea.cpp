// The sea of the base map, drawn from the region outline: hand-checked points in the Bay of Biscay, the Bassin
// d'Arcachon and on land, and no commune centre of the region in it (the islands are holes).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"

#include "core/paths.hpp"
#include "territory/communes.hpp"
#include "territory/outline.hpp"
#include "territory/sea.hpp"

using maillage::territory::bundled_sea;
using nlohmann::json;

namespace {
// Even-odd rule over every ring (outer and holes).
bool in_sea(const json& rings, double x, double y) {
  bool in = false;
  for (auto& r : rings)
    for (size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
      double xi = r[i][0], yi = r[i][1], xj = r[j][0], yj = r[j][1];
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
    }
  return in;
}
}  // namespace

TEST(Sea, OnePolygonAlongTheCoastWithTheIslandsAsHoles) {
  auto& sea = bundled_sea();
  ASSERT_EQ(sea["features"].size(), 1u);
  auto& f = sea["features"][0];
  EXPECT_EQ(f["properties"]["kind"], "sea");
  EXPECT_EQ(f["geometry"]["type"], "Polygon");
  auto& rings = f["geometry"]["coordinates"];
  EXPECT_GE(rings.size(), 3u);  // Ré and Oléron at least
  EXPECT_EQ(f["properties"]["islands"], rings.size() - 1);
  for (auto& r : rings) EXPECT_EQ(r.front(), r.back());

  EXPECT_TRUE(in_sea(rings, -1.5, 45.0));    // off the Médoc
  EXPECT_TRUE(in_sea(rings, -1.15, 44.68));  // the Bassin d'Arcachon
  EXPECT_TRUE(in_sea(rings, -1.7, 43.5));    // off Biarritz
  EXPECT_FALSE(in_sea(rings, -1.4, 46.2));   // Île de Ré (a hole)
  EXPECT_FALSE(in_sea(rings, -1.3, 45.9));   // Île d'Oléron (a hole)
  EXPECT_FALSE(in_sea(rings, 0.0, 45.0));    // inland
  EXPECT_FALSE(in_sea(rings, -3.0, 47.0));   // beyond the Vendée border: not drawn
}

// The sea covers no land of the outline: a commune centre in it lies outside the (simplified) outline, within a
// few hundred metres (two on the bundled data: Île-d'Aix and Lège-Cap-Ferret, whose centres fall just off the
// simplified coast).
TEST(Sea, NoCommuneCentreOfTheRegionIsInTheSea) {
  auto& rings = bundled_sea()["features"][0]["geometry"]["coordinates"];
  auto& outline = maillage::territory::Outline::bundled_region();
  size_t n = 0, off_coast = 0;
  for (auto& c : maillage::territory::CommuneTable::bundled().all()) {
    ++n;
    if (!in_sea(rings, c.centre.lon, c.centre.lat)) continue;
    ++off_coast;
    EXPECT_GT(outline.distance_outside_m(c.centre), 0) << c.code << " " << c.name;
    EXPECT_LT(outline.distance_outside_m(c.centre), 1000) << c.code << " " << c.name;
  }
  EXPECT_GT(n, 4000u);
  EXPECT_LE(off_coast, 3u);
}

TEST(Sea, AnOutlineWithoutTheCoastIsRefused) {
  auto dir = std::filesystem::temp_directory_path() / "maillage-sea-test.geojson";
  std::ofstream(dir) << R"({"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":)"
                        R"([[[1,45],[2,45],[2,46],[1,46],[1,45]]]}})";
  EXPECT_THROW(maillage::territory::sea_geojson(dir.string()), maillage::Error);
  std::filesystem::remove(dir);
}

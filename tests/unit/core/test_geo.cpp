#include <gtest/gtest.h>

#include "core/geo.hpp"

using namespace maillage;

TEST(Geo, HaversineBordeauxLimoges) {
  // Bordeaux (44.8378, -0.5792) to Limoges (45.8336, 1.2611): about 180 km as the crow flies.
  double d = geo::haversine_m({-0.5792, 44.8378}, {1.2611, 45.8336});
  EXPECT_NEAR(d / 1000, 180, 5);
}

TEST(Geo, Lambert93ThroughProj) {
  geo::Projection l93("EPSG:2154");
  // Lambert-93 projection centre: 3°E, 46.5°N -> (700000, 6600000).
  auto p = l93.forward({3.0, 46.5});
  EXPECT_NEAR(p.x, 700000, 0.01);
  EXPECT_NEAR(p.y, 6600000, 0.01);
  auto back = l93.inverse(p);
  EXPECT_NEAR(back.lon, 3.0, 1e-9);
  EXPECT_NEAR(back.lat, 46.5, 1e-9);
}

TEST(Geo, Laea3035MatchesTheGridIds) {
  // A cell of the bundled 1 km grid: centre -0.97972,45.58882 lies in the cell with lower-left (3466000, 2560000).
  geo::Projection laea("EPSG:3035");
  auto p = laea.forward({-0.97972, 45.58882});
  EXPECT_NEAR(p.x, 3466500, 20);
  EXPECT_NEAR(p.y, 2560500, 20);
}

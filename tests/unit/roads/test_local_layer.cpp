// The local layer of skeleton graphs (issue #15) on a hand-made toy: adjacent centres are linked at the local
// speed, a link across water is not made, centres join their nearest departmental waypoints; and the land mask
// and commune neighbours of the bundled data (the Gironde estuary, the Arcachon basin, a merged commune).
#include <gtest/gtest.h>

#include "core/paths.hpp"
#include "graph_helpers.hpp"
#include "helpers.hpp"
#include "roads/importers.hpp"
#include "territory/neighbours.hpp"

using namespace maillage;
using namespace maillage::roads;
using test::arc;
using test::node_at;

TEST(LocalLayer, AdjacentCentresLinkedNotAcrossWater) {
  test::TempDir dir;
  // One departmental road from (0, 45) to (0, 45.2); centres A (0.03, 45.05) and B (0.06, 45.07) are neighbours;
  // C (0.03, 45.1) is A's neighbour across a water gap (the land test refuses A-C); D (0.5, 45.5) is far from all.
  auto f = dir.write("wp.csv",
                     "system,route_file,seq,label,alt_labels,lat,lon,hidden\n"
                     "franaqd33,franaq.d000001,0,S,,45.0,0.0,0\n"
                     "franaqd33,franaq.d000001,1,N,,45.2,0.0,0\n");
  LocalLayer local;
  local.centres = {{0.03, 45.05}, {0.06, 45.07}, {0.03, 45.1}, {0.5, 45.5}};
  local.adjacent = {{0, 1}, {0, 2}};
  local.on_land = [](geo::LonLat a, geo::LonLat b) {
    auto water = [](geo::LonLat p) { return p.lat > 45.08 && p.lon > 0.01; };  // C is beyond a line at 45.08
    return water(a) == water(b);
  };
  auto p = test::car_profile();
  p.local_link_max_m = 7000;
  p.local_links_per_centre = 1;
  BuildReport rep;
  auto g = build_from_skeleton({f}, p, "{}", &rep, &local);
  auto a = node_at(g, 0.03, 45.05), b = node_at(g, 0.06, 45.07), c = node_at(g, 0.03, 45.1), s = node_at(g, 0.0, 45.0);
  ASSERT_TRUE(a && b && c && s);
  double kmh = p.skeleton_speeds_kmh.at("locale"), circ = p.skeleton_circuity.at("locale");
  auto link = [&](geo::LonLat x, geo::LonLat y) { return to_millis(geo::haversine_m(x, y) * circ / (kmh / 3.6)); };
  EXPECT_EQ(arc(g, *a, *b), link({0.03, 45.05}, {0.06, 45.07}));  // neighbours, at the local speed
  EXPECT_EQ(arc(g, *b, *a), arc(g, *a, *b));
  EXPECT_EQ(arc(g, *a, *c), kInfinity);                         // across the water: not made
  EXPECT_EQ(arc(g, *a, *s), link({0.03, 45.05}, {0.0, 45.0}));  // A's nearest waypoint, 5.6 km away (B's is farther)
  // 2 links made (A-B, A-S), 1 refused (A-C); C (11 km from the road) and D (50 km) get no road link.
  EXPECT_EQ(rep.local_links, 2u);
  EXPECT_EQ(rep.local_links_refused, 1u);
  auto d = node_at(g, 0.5, 45.5);
  ASSERT_TRUE(d);
  EXPECT_EQ(g.first_out[*d + 1], g.first_out[*d]);
  EXPECT_EQ(g.first_out[*c + 1], g.first_out[*c]);
  EXPECT_NE(g.source.find("local layer"), std::string::npos);
  // Without the layer, the numbered road only.
  auto plain = build_from_skeleton({f}, p, "{}");
  EXPECT_EQ(plain.node_count(), 2u);
}

TEST(LocalLayer, LandMaskKeepsLinksOutOfTheEstuaryTheSeaAndTheBasin) {
  auto& land = territory::LandMask::bundled();
  EXPECT_TRUE(land.on_land({-0.755, 45.19826}, {-0.77594, 45.25441}));   // Pauillac - Saint-Estèphe, same bank
  EXPECT_FALSE(land.on_land({-0.755, 45.19826}, {-0.66696, 45.13108}));  // Pauillac - Blaye, across the Gironde
  EXPECT_FALSE(land.on_land({-1.0648, 45.5663}, {-1.0287, 45.6227}));    // Le Verdon - Royan, across the mouth
  EXPECT_FALSE(land.on_land({-1.1681, 44.6586}, {-1.2463, 44.6456}));    // Arcachon - Cap Ferret, the basin
  EXPECT_FALSE(land.on_land({-1.5586, 43.4832}, {-1.9, 43.6}));          // Biarritz - the ocean
  EXPECT_GT(land.shore_edges(), 1000u);
}

TEST(LocalLayer, CommuneNeighboursFromTheOutlines) {
  auto& communes = territory::CommuneTable::bundled();
  auto n = territory::commune_neighbours(communes, paths::data_file("communes/communes_na_contours_2018.geojson.gz"));
  EXPECT_EQ(n.codes.size(), communes.all().size());
  auto index = [&](const std::string& code) {
    return static_cast<uint32_t>(std::find(n.codes.begin(), n.codes.end(), code) - n.codes.begin());
  };
  auto adjacent = [&](const std::string& a, const std::string& b) {
    auto i = index(a), j = index(b);
    return std::binary_search(n.adjacent.begin(), n.adjacent.end(), std::pair{std::min(i, j), std::max(i, j)});
  };
  EXPECT_TRUE(adjacent("33314", "33395"));   // Pauillac - Saint-Estèphe
  EXPECT_FALSE(adjacent("33314", "33058"));  // Pauillac - Blaye (across the estuary: no shared edge either way)
  EXPECT_TRUE(adjacent("87085", "87114"));   // Limoges - Panazol
  // Every commune of the region has at least one neighbour except islands (Île d'Aix, Île de Ré ones share
  // boundaries among themselves); on average about six.
  double mean = 2.0 * n.adjacent.size() / n.codes.size();
  EXPECT_GT(mean, 4.5);
  EXPECT_LT(mean, 7.5);
}

// Degree of urbanisation on synthetic grids, one rule at a time, then a sanity check on the bundled grid.
#include <gtest/gtest.h>

#include <map>

#include "territory/communes.hpp"
#include "territory/degurba.hpp"

using namespace maillage::territory;

namespace {
struct Grid {
  PopulationPoints pts;
  Grid() { pts.source = PopulationSource::Grid; }
  void block(int x0, int y0, int w, int h, double pop, const std::string& insee = "") {
    for (int x = x0; x < x0 + w; ++x)
      for (int y = y0; y < y0 + h; ++y) set(x, y, pop, insee);
  }
  void set(int x, int y, double pop, const std::string& insee = "") {
    for (auto& p : pts.points)
      if (p.gx == x && p.gy == y) {
        p.population = pop;
        return;
      }
    pts.points.push_back({{0, 0}, pop, "33", insee, "", x, y});
  }
  CellClass at(int x, int y, const std::vector<CellClass>& c) const {
    for (size_t i = 0; i < pts.points.size(); ++i)
      if (pts.points[i].gx == x && pts.points[i].gy == y) return c[i];
    ADD_FAILURE() << "no cell " << x << "," << y;
    return CellClass::Rural;
  }
};
}  // namespace

TEST(Degurba, CentreDensityThreshold) {
  Grid a, b;
  a.block(0, 0, 6, 6, 1500);  // 54,000 inhabitants
  b.block(0, 0, 6, 6, 1499);
  auto ca = classify_cells(a.pts), cb = classify_cells(b.pts);
  EXPECT_EQ(a.at(2, 2, ca), CellClass::UrbanCentre);
  EXPECT_EQ(b.at(2, 2, cb), CellClass::UrbanCluster);  // dense enough for a cluster only
}

TEST(Degurba, CentrePopulationThreshold) {
  Grid a, b;
  a.block(0, 0, 5, 7, 1500);   // 35 cells: 52,500
  b.block(0, 0, 3, 11, 1500);  // 33 cells: 49,500
  EXPECT_EQ(a.at(0, 0, classify_cells(a.pts)), CellClass::UrbanCentre);
  EXPECT_EQ(b.at(0, 0, classify_cells(b.pts)), CellClass::UrbanCluster);
}

TEST(Degurba, CentresJoinThroughEdgesOnlyClustersThroughCornersToo) {
  // Two dense 5x5 blocks (37,500 each) touching at one corner: not one centre.
  Grid a;
  a.block(0, 0, 5, 5, 1500);
  a.block(5, 5, 5, 5, 1500);
  auto ca = classify_cells(a.pts);
  EXPECT_EQ(a.at(0, 0, ca), CellClass::UrbanCluster);
  EXPECT_EQ(a.at(9, 9, ca), CellClass::UrbanCluster);
  // Same blocks sharing an edge: one centre of 75,000.
  Grid b;
  b.block(0, 0, 5, 5, 1500);
  b.block(5, 0, 5, 5, 1500);
  EXPECT_EQ(b.at(9, 4, classify_cells(b.pts)), CellClass::UrbanCentre);
  // Moderate-density blocks of 2,800 each: joined by a corner they form a 5,600 cluster; apart, they are rural.
  Grid c, d;
  c.block(0, 0, 2, 2, 700);
  c.block(2, 2, 2, 2, 700);
  d.block(0, 0, 2, 2, 700);
  d.block(3, 3, 2, 2, 700);
  EXPECT_EQ(c.at(0, 0, classify_cells(c.pts)), CellClass::UrbanCluster);
  EXPECT_EQ(d.at(0, 0, classify_cells(d.pts)), CellClass::Rural);
}

TEST(Degurba, ClusterPopulationThreshold) {
  Grid a, b;
  a.block(0, 0, 5, 5, 200);  // below the density: rural whatever the size
  b.block(0, 0, 4, 4, 312);  // dense enough, 4,992 inhabitants: too small
  EXPECT_EQ(a.at(0, 0, classify_cells(a.pts)), CellClass::Rural);
  EXPECT_EQ(b.at(0, 0, classify_cells(b.pts)), CellClass::Rural);
  b.set(4, 0, 312);  // 5,304
  EXPECT_EQ(b.at(0, 0, classify_cells(b.pts)), CellClass::UrbanCluster);
}

TEST(Degurba, GapsInCentresAreFilled) {
  Grid a;
  a.block(0, 0, 8, 8, 1500);
  a.set(3, 3, 100);  // a park: 8 of 8 neighbours in the centre
  a.set(8, 8, 100);  // outside the corner: 1 neighbour only
  a.set(8, 3, 100);  // along an edge: 3 neighbours
  auto c = classify_cells(a.pts);
  EXPECT_EQ(a.at(3, 3, c), CellClass::UrbanCentre);
  EXPECT_NE(a.at(8, 8, c), CellClass::UrbanCentre);
  EXPECT_NE(a.at(8, 3, c), CellClass::UrbanCentre);
}

TEST(Degurba, CommunesByWhereMostOfTheirPopulationLives) {
  Grid g;
  g.block(0, 0, 6, 6, 1500, "33063");   // 54,000 in a centre
  g.set(20, 20, 40000, "33063");        // a lone very dense cell: cluster of 40,000 but no centre
  g.set(30, 30, 100, "23001");          // rural village
  g.block(40, 40, 3, 3, 700, "23096");  // town: 6,300 in an urban cluster
  auto cells = classify_cells(g.pts);
  auto classes = classify_communes(g.pts, cells, CommuneTable::bundled());
  EXPECT_EQ(classes.at("33063"), CommuneClass::City);  // 54,000 of 94,000 in the centre: 57 %
  EXPECT_EQ(classes.at("23001"), CommuneClass::Rural);
  EXPECT_EQ(classes.at("23096"), CommuneClass::TownSuburb);
  EXPECT_STREQ(commune_class_name(CommuneClass::TownSuburb), "town_suburb");
}

TEST(Degurba, BundledGridIsPlausible) {
  auto& m = bundled_commune_classes();
  EXPECT_EQ(m.size(), 4293u);
  EXPECT_EQ(m.at("33063"), CommuneClass::City);  // Bordeaux
  EXPECT_EQ(m.at("87085"), CommuneClass::City);  // Limoges
  EXPECT_EQ(m.at("86194"), CommuneClass::City);  // Poitiers
  int rural = 0;
  for (auto& [code, c] : m) rural += c == CommuneClass::Rural;
  EXPECT_GT(rural, 3500);  // most communes of the region are rural
}

#include <map>
#include <gtest/gtest.h>

#include "core/csv.hpp"
#include "core/paths.hpp"
#include "territory/communes.hpp"
#include "territory/outline.hpp"

using namespace maillage;

TEST(Communes, BundledTableIsComplete) {
  auto& t = territory::CommuneTable::bundled();
  EXPECT_EQ(t.all().size(), 4293u);
  long total = 0;
  for (auto& c : t.all()) total += c.population;
  EXPECT_EQ(total, 6150451);  // legal population stated in SOURCES.md
  EXPECT_EQ(t.departments().size(), 12u);
  auto* bx = t.find("33063");
  ASSERT_NE(bx, nullptr);
  EXPECT_EQ(bx->name, "Bordeaux");
  EXPECT_EQ(bx->dep, "33");
  EXPECT_EQ(t.find("75056"), nullptr);  // Paris is not in the region
}

TEST(Communes, FormerCodesMapToCurrentOnes) {
  auto& t = territory::CommuneTable::bundled();
  EXPECT_EQ(t.current_code("33063"), "33063");
  EXPECT_EQ(t.current_code("99999"), "");
  for (auto& c : t.all()) EXPECT_EQ(t.current_code(c.code), c.code);
  // 33165 (former commune merged into a commune nouvelle) and 16018 are checked against the history file.
  auto h = maillage::csv::read(maillage::paths::data_file("communes/communes_na_code_history.csv.gz"));
  int former = 0;
  for (auto& row : h.rows) {
    if (row.fields[0] == row.fields[1]) continue;
    ++former;
    EXPECT_EQ(t.find(row.fields[0]), nullptr) << row.fields[0];
    EXPECT_EQ(t.current_code(row.fields[0]), row.fields[1]);
    EXPECT_NE(t.find(row.fields[1]), nullptr);
  }
  EXPECT_GT(former, 300);
}

TEST(Communes, FindByNameIgnoresAccentsAndCase) {
  auto& t = territory::CommuneTable::bundled();
  auto v = t.find_by_name("gueret");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0]->code, "23096");
  EXPECT_EQ(t.find_by_name("LA ROCHELLE").at(0)->code, "17300");
}

TEST(Outline, RegionContainsItsTownsNotOthers) {
  auto& r = territory::Outline::bundled_region();
  EXPECT_TRUE(r.contains({-0.5792, 44.8378}));  // Bordeaux
  EXPECT_TRUE(r.contains({1.2611, 45.8336}));   // Limoges
  EXPECT_TRUE(r.contains({-1.5586, 43.4832}));  // Biarritz
  EXPECT_FALSE(r.contains({2.3522, 48.8566}));  // Paris
  EXPECT_FALSE(r.contains({1.4442, 43.6047}));  // Toulouse
  EXPECT_FALSE(r.contains({-2.0, 45.5}));       // Atlantic
  EXPECT_EQ(r.distance_outside_m({-0.5792, 44.8378}), 0);
  // Toulouse lies roughly 40-60 km beyond the border (Lot-et-Garonne / Tarn-et-Garonne).
  double d = r.distance_outside_m({1.4442, 43.6047}) / 1000;
  EXPECT_GT(d, 30);
  EXPECT_LT(d, 120);
  // Paris is far away.
  EXPECT_GT(r.distance_outside_m({2.3522, 48.8566}) / 1000, 150);
}

TEST(Communes, ResolveCodesAndUniqueNames) {
  auto& t = territory::CommuneTable::bundled();
  EXPECT_EQ(t.resolve("33063"), "33063");
  EXPECT_EQ(t.resolve("Guéret"), "23096");
  EXPECT_EQ(t.resolve("gueret"), "23096");
  size_t n = 99;
  EXPECT_EQ(t.resolve("Nowhere-sur-Mer", &n), "");
  EXPECT_EQ(n, 0u);
  // A name borne by several communes of the region is ambiguous.
  std::map<std::string, int> names;
  std::string dup;
  for (auto& c : t.all())
    if (++names[c.name] == 2) dup = c.name;
  ASSERT_FALSE(dup.empty());
  EXPECT_EQ(t.resolve(dup, &n), "");
  EXPECT_GE(n, 2u);
}

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "registry/io_formats.hpp"

using namespace maillage;
using namespace maillage::registry;

namespace {
// A valid record at line 7 of "in.csv", with each field in its own column.
Record base() {
  Record r;
  r.file = "in.csv";
  r.line = 7;
  for (size_t i = 0; i < kFieldCount; ++i) r.column[i] = static_cast<int>(i + 1);
  std::vector<Problem> ignore;
  set_record_value(r, Field::name, "La Coopérative", ignore);
  set_record_value(r, Field::insee_code, "33063", ignore);
  set_record_value(r, Field::status, "open", ignore);
  return r;
}

std::vector<Problem> check(Record& r) {
  std::vector<Problem> out;
  test::validator().check(r, out);
  return out;
}

bool has(const std::vector<Problem>& v, const std::string& needle, bool error = true) {
  for (auto& p : v)
    if (p.is_error() == error && p.str().find(needle) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST(Validate, ValidRecordHasNoProblem) {
  auto r = base();
  EXPECT_TRUE(check(r).empty());
}

TEST(Validate, NameIsRequired) {
  auto r = base();
  r.place.name = " ";
  EXPECT_TRUE(has(check(r), "in.csv:7:2: name: a place needs a name"));
}

TEST(Validate, InseeCodeMustExistInTheCommuneTable) {
  auto r = base();
  r.place.insee_code = "75056";
  auto v = check(r);
  EXPECT_TRUE(has(v, "in.csv:7:11: insee_code: '75056' is not a commune of Nouvelle-Aquitaine")) << v[0].str();
}

TEST(Validate, FormerInseeCodeIsMappedWithAWarning) {
  auto& communes = territory::CommuneTable::bundled();
  std::string former;
  for (auto code : {"16004", "16006", "16010"})
    if (!communes.find(code) && !communes.current_code(code).empty()) former = code;
  ASSERT_FALSE(former.empty());
  auto r = base();
  r.place.insee_code = former;
  auto v = check(r);
  EXPECT_TRUE(has(v, "former commune code", false));
  EXPECT_EQ(r.place.insee_code, communes.current_code(former));
}

TEST(Validate, CommuneNameFindsTheCodeOrExplainsAmbiguity) {
  auto r = base();
  r.place.insee_code.clear();
  r.commune_name = "Guéret";
  EXPECT_TRUE(check(r).empty());
  EXPECT_EQ(r.place.insee_code, "23096");
  r.place.insee_code.clear();
  r.commune_name = "Nowhere-sur-Mer";
  EXPECT_TRUE(has(check(r), "not the name of a commune"));
}

TEST(Validate, MissingPositionGoesToCommuneCentre) {
  auto r = base();
  EXPECT_TRUE(check(r).empty());
  ASSERT_TRUE(r.place.lon);
  EXPECT_NEAR(*r.place.lon, territory::CommuneTable::bundled().find("33063")->centre.lon, 1e-12);
  EXPECT_EQ(r.place.precision, Precision::Commune);
}

TEST(Validate, PositionOutsideTheRegionMarginIsAnError) {
  auto r = base();
  r.place.lon = 2.3522;  // Paris
  r.place.lat = 48.8566;
  auto v = check(r);
  EXPECT_TRUE(has(v, "km outside the region (limit 30 km)"));
  // Swapped coordinates get a hint.
  r = base();
  r.place.lon = 44.8378;
  r.place.lat = -0.5792;
  EXPECT_TRUE(has(check(r), "look swapped"));
}

TEST(Validate, PositionJustOutsideTheRegionIsAccepted) {
  auto r = base();
  r.place.insee_code = "47157";  // a commune of Lot-et-Garonne near the border
  r.place.lon = 0.95;            // a few km into Tarn-et-Garonne
  r.place.lat = 44.05;
  auto& region = territory::Outline::bundled_region();
  ASSERT_FALSE(region.contains({0.95, 44.05}));
  ASSERT_GT(region.distance_outside_m({0.95, 44.05}), 1000);
  ASSERT_LT(region.distance_outside_m({0.95, 44.05}), 30000);
  auto v = check(r);
  EXPECT_FALSE(has(v, "outside the region"));
}

TEST(Validate, PositionFarFromItsCommuneIsAWarningWithTheDistance) {
  auto r = base();
  r.place.lon = 1.2611;  // Limoges, declared in Bordeaux
  r.place.lat = 45.8336;
  auto v = check(r);
  EXPECT_TRUE(has(v, "km from the centre of Bordeaux (33063)", false));
  EXPECT_FALSE(has(v, "", true));  // only a warning
}

TEST(Validate, HalfAPositionIsAnError) {
  auto r = base();
  r.place.lon = -0.57;
  EXPECT_TRUE(has(check(r), "longitude and latitude go together"));
}

TEST(Validate, DatesMustBeConsistent) {
  auto r = base();
  r.place.opening_date = "2020-01-01";
  r.place.closing_date = "2019-01-01";
  r.place.status = Status::Closed;
  EXPECT_TRUE(has(check(r), "closing date 2019-01-01 is before the opening date 2020-01-01"));

  r = base();
  r.place.closing_date = "2023-01-01";  // status open, closed last year
  EXPECT_TRUE(has(check(r), "use status closed"));

  r = base();
  r.place.opening_date = "2025-01-01";  // status open, opens next year
  EXPECT_TRUE(has(check(r), "use status project"));

  r = base();
  r.place.status = Status::Project;
  r.place.closing_date = "2023-01-01";
  EXPECT_TRUE(has(check(r), "a project has no closing date"));

  r = base();
  r.place.status = Status::Closed;
  r.place.closing_date = "2030-01-01";
  EXPECT_TRUE(has(check(r), "closing date 2030-01-01 is in the future"));

  r = base();
  r.place.status = Status::Closed;
  EXPECT_TRUE(has(check(r), "closed without a closing date", false));
}

TEST(Validate, PostcodeOfAnotherCommuneIsAWarning) {
  auto r = base();
  r.place.postcode = "87000";
  EXPECT_TRUE(has(check(r), "postal code 87000 is not one of Bordeaux", false));
}

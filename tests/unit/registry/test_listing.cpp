// The network's charter, the Région's five criteria and the listing of places, on a real SQLite file.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "fixtures.hpp"
#include "helpers.hpp"
#include "registry/filter.hpp"
#include "registry/io_formats.hpp"
#include "registry/listing.hpp"
#include "registry/store.hpp"

using namespace maillage;
using namespace maillage::registry;

namespace {

struct Listed : ::testing::Test {
  test::TempDir dir;
  PlaceStore store{dir.database("l.db"), &territory::CommuneTable::bundled()};
  ImportReport import(const std::string& csv, const std::string& origin) {
    ImportOptions o;
    o.origin = origin;
    return import_file(store, test::validator(), dir.write("p.csv", csv), o);
  }
  // Changes fields of a stored place, as `origin` (one transaction, through the import).
  ImportReport set(const std::string& id, const std::vector<std::pair<Field, std::string>>& values,
                   const std::string& origin) {
    Record r;
    r.file = "test";
    std::vector<Problem> problems;
    set_record_value(r, Field::id, id, problems);
    for (auto& [f, v] : values) set_record_value(r, f, v, problems);
    ImportOptions o;
    o.origin = origin;
    o.mode = ImportOptions::Mode::UpdateOnly;
    return import_records(store, test::validator(), {r}, o, problems);
  }
  void SetUp() override {
    auto rep = import(
        "id,name,insee_code,types,status,opening_date\n"
        "a,La Ruche,23096,coworking,open,2018\nb,Le Bocal,17300,coworking,open,2019\n"
        "c,Projet,79191,hybride,project,\n",
        "import initial");
    ASSERT_TRUE(rep.committed);
  }
};

}  // namespace

TEST(Criteria, FieldsReadYesNoUnknownInFrenchOrEnglish) {
  Place p;
  EXPECT_EQ(parse_field(p, Field::criterion_broadband, "Oui"), "");
  EXPECT_EQ(p.criteria[2], Tri::Yes);
  EXPECT_EQ(parse_field(p, Field::criterion_broadband, "non"), "");
  EXPECT_EQ(p.criteria[2], Tri::No);
  EXPECT_EQ(parse_field(p, Field::criterion_broadband, ""), "");
  EXPECT_EQ(p.criteria[2], Tri::Unknown);
  EXPECT_NE(parse_field(p, Field::criterion_broadband, "peut-être"), "");
  EXPECT_EQ(format_field(p, Field::criterion_broadband), "unknown");
  EXPECT_NE(parse_field(p, Field::charter_signed_on, "2026-02-30"), "");
}

TEST_F(Listed, CharterVersionsAreAppendOnlyAndInForceByDate) {
  EXPECT_EQ(current_charter(store.db(), "2026-01-01"), "");
  auto rev = store.revision();
  adopt_charter(store, {"2024", "2024-03-01", "Charte 2024", "", "test"});
  adopt_charter(store, {"2026", "2026-01-15", "Charte 2026", "", "test"});
  EXPECT_GT(store.revision(), rev);  // listings may change: caches must follow
  EXPECT_EQ(current_charter(store.db(), "2024-02-29"), "");
  EXPECT_EQ(current_charter(store.db(), "2025-12-31"), "2024");
  EXPECT_EQ(current_charter(store.db(), "2026-01-15"), "2026");
  EXPECT_THROW(adopt_charter(store, {"2026", "2026-02-01", "again", "", "test"}), InputError);
  EXPECT_THROW(adopt_charter(store, {"x", "2026-13-01", "t", "", "test"}), InputError);
  EXPECT_THROW(adopt_charter(store, {"y", "2026-02-01", "  ", "", "test"}), InputError);
  EXPECT_THROW(store.db().exec("UPDATE charter_versions SET text = 'autre' WHERE version = '2024'"), Error);
  EXPECT_THROW(store.db().exec("DELETE FROM charter_versions"), Error);
  EXPECT_EQ(charter_versions(store.db()).size(), 2u);
}

TEST_F(Listed, AListedPlaceIsOpenSignedTheCharterInForceAndMeetsTheFiveCriteria) {
  adopt_charter(store, {"2024", "2024-03-01", "Charte 2024", "", "test"});
  using F = Field;
  auto sign = [&](const std::string& id, const std::string& broadband) {
    return set(id,
               {{F::charter_version, "2024"},
                {F::charter_signed_on, "2024-04-02"},
                {F::charter_signatory, "A. M."},
                {F::criterion_open_to_all, "yes"},
                {F::criterion_flexible, "oui"},
                {F::criterion_broadband, broadband},
                {F::criterion_human_welcome, "yes"},
                {F::criterion_collective_governance, "yes"}},
               "import déclarations 2024");
  };
  ASSERT_TRUE(sign("a", "yes").committed);
  ASSERT_TRUE(sign("b", "non").committed);
  ASSERT_TRUE(sign("c", "yes").committed);
  auto a = *store.get("a");
  auto l = listing(a, "2025-01-01", "2024");
  EXPECT_TRUE(l.listed);
  EXPECT_TRUE(l.failures.empty());
  auto b = listing(*store.get("b"), "2025-01-01", "2024");
  EXPECT_FALSE(b.listed);
  ASSERT_EQ(b.failures.size(), 1u);
  EXPECT_EQ(b.failures[0].item, "criterion_broadband");
  auto c = listing(*store.get("c"), "2025-01-01", "2024");
  ASSERT_EQ(c.failures.size(), 1u);
  EXPECT_EQ(c.failures[0].item, "status");  // a project is not listed
  // The filter: listed today (the charter in force today is 2024).
  PlaceFilter f;
  f.listed = true;
  auto listed = store.list(f);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, "a");
  f.listed = false;
  EXPECT_EQ(store.list(f).size(), 2u);
  // A new charter in force: the signature of 2024 no longer lists it.
  adopt_charter(store, {"2026", "2026-01-01", "Charte 2026", "", "test"});
  f.listed = true;
  f.open_on = "2025-06-01";
  EXPECT_EQ(store.list(f).size(), 1u);  // on a date before 2026, the 2024 charter is in force
  f.open_on = "2026-06-01";
  EXPECT_EQ(store.list(f).size(), 0u);
  auto after = listing(a, "2026-06-01", "2026");
  ASSERT_EQ(after.failures.size(), 1u);
  EXPECT_NE(after.failures[0].message.find("la version en vigueur est la 2026"), std::string::npos);
  // As text: the filter's parameter.
  FilterText t;
  t.listed = "oui";
  EXPECT_TRUE(*parse_filter(t).listed);
  t.listed = "peut-être";
  EXPECT_THROW(parse_filter(t), FilterError);
}

TEST_F(Listed, WhoStatedEachCriterionAndWhenComesFromTheHistory) {
  using F = Field;
  ASSERT_TRUE(set("a",
                  {{F::criterion_open_to_all, "yes"},
                   {F::criterion_flexible, "yes"},
                   {F::criterion_human_welcome, "yes"},
                   {F::criterion_collective_governance, "yes"}},
                  "import visite 2024")
                  .committed);
  ASSERT_TRUE(set("a", {{F::criterion_broadband, "yes"}}, "api user:7 (Gérante)").committed);
  ASSERT_TRUE(set("a", {{F::criterion_open_to_all, "no"}}, "import visite 2025").committed);
  auto said = criteria_provenance(store.history("a"), *store.get("a"));
  ASSERT_EQ(said.size(), 5u);
  EXPECT_EQ(said[0].criterion, "open_to_all");
  EXPECT_EQ(said[0].value, "no");
  EXPECT_EQ(said[0].said_by, "import visite 2025");
  EXPECT_EQ(said[1].said_by, "import visite 2024");
  EXPECT_EQ(said[2].value, "yes");
  EXPECT_EQ(said[2].said_by, "api user:7 (Gérante)");
  EXPECT_FALSE(said[2].said_at.empty());
  // Never stated: no one said it.
  auto b = criteria_provenance(store.history("b"), *store.get("b"));
  EXPECT_EQ(b[0].value, "unknown");
  EXPECT_EQ(b[0].said_by, "");
}

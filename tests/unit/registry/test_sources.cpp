// The readers of the lists the field keeps elsewhere: GoGoCarto (CSV and API JSON) and the national mednum
// schema, on small hand-made fixtures of real places and on the real Charente file.
#include <gtest/gtest.h>

#include <sstream>

#include "core/io.hpp"
#include "core/paths.hpp"
#include "fixtures.hpp"
#include "helpers.hpp"
#include "registry/io_formats.hpp"
#include "registry/source_formats.hpp"
#include "registry/store.hpp"
#include "territory/communes.hpp"

using namespace maillage;
using namespace maillage::registry;

namespace {

struct Sources : ::testing::Test {
  test::TempDir dir;
  std::unique_ptr<PlaceStore> store =
      std::make_unique<PlaceStore>(dir.database("s.db"), &territory::CommuneTable::bundled());
  ImportReport import(const std::string& path, ImportOptions o = {}) {
    return import_file(*store, test::validator(), path, o);
  }
  std::optional<Place> named(const std::string& name) {
    PlaceFilter f;
    f.text = name;
    auto l = store->list(f);
    return l.empty() ? std::nullopt : std::optional<Place>(l[0]);
  }
};

std::string problems_text(const ImportReport& r) {
  std::string s;
  for (auto& p : r.problems) s += p.str() + "\n";
  return s;
}

const std::string kFixtures = std::string(MAILLAGE_TEST_DATA) + "/sources/";
const std::string kCharente = paths::data_dir() + "/tiers_lieux/sources/mednum_charente_2023-07-11.json";

}  // namespace

TEST(SourceWords, TypesAndServicesInFreeText) {
  std::vector<std::string> unknown;
  EXPECT_EQ(mask_to_keys(types_in_text("Tiers-lieu hybride, Fablab", &unknown), place_types()), "fablab;hybride");
  EXPECT_EQ(mask_to_keys(types_in_text("Espace de coworking;Conciergerie", &unknown), place_types()), "coworking");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0], "Conciergerie");
  EXPECT_EQ(types_in_text(""), 0u);
  EXPECT_EQ(mask_to_keys(services_in_text("Salle de réunion, Wi-Fi, Impression 3D"), service_items()),
            "wifi;meeting_room;printing");
  EXPECT_TRUE(mednum_is_tiers_lieu("AFPA;TIERS_LIEUX", "x"));
  EXPECT_TRUE(mednum_is_tiers_lieu("PIJ_BIJ|TIERS_LIEUX", "x"));
  EXPECT_TRUE(mednum_is_tiers_lieu("RFS", "Le Coworking du bourg"));
  EXPECT_FALSE(mednum_is_tiers_lieu("RFS;MUNI", "Médiathèque"));
}

TEST(SourceWords, CommunesOfTheSourcesSpelling) {
  auto& c = territory::CommuneTable::bundled();
  EXPECT_EQ(c.locate("BARBEZIEUX ST HILAIRE", "16300"), "16028");
  // Mosnac (Charente-Maritime) by name; in 16120 it is the commune nouvelle Mosnac-Saint-Simeux.
  EXPECT_EQ(c.locate("MOSNAC", "17240"), c.find_by_name("Mosnac")[0]->code);
  auto simeux = c.find_by_name("Mosnac-Saint-Simeux");
  ASSERT_EQ(simeux.size(), 1u);
  EXPECT_EQ(c.locate("MOSNAC", "16120"), simeux[0]->code);
  std::string why;
  EXPECT_EQ(c.locate("Nulle-Part", "16250", &why), "");
  EXPECT_NE(why.find("shared by"), std::string::npos) << why;
}

TEST_F(Sources, GoGoCartoCsvExportImports) {
  auto rep = import(kFixtures + "gogocarto_na_sample.csv");
  ASSERT_TRUE(rep.committed) << problems_text(rep);
  EXPECT_EQ(rep.format, Format::GoGoCarto);
  EXPECT_EQ(rep.rows, 4);
  EXPECT_EQ(rep.inserted, 4);
  auto q = named("Quincaillerie");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->insee_code, "23096");
  EXPECT_EQ(q->address, "22 Avenue Charles de Gaulle");
  EXPECT_EQ(mask_to_keys(q->types, place_types()), "fablab;hybride");
  // Salle de réunion, Café, Formation + Accès fibre + Accès PMR; "Conciergerie" kept in the notes.
  EXPECT_EQ(mask_to_keys(q->services, service_items()), "fibre;pmr;meeting_room;cafe;training");
  EXPECT_NE(q->notes.find("Conciergerie"), std::string::npos) << q->notes;
  EXPECT_NE(q->notes.find("engagement écologique"), std::string::npos);
  EXPECT_EQ(q->legal_form, "association");
  EXPECT_EQ(q->contact_last_name, "Anne Exemple");
  EXPECT_EQ(q->contact_email, "contact@example.org");
  EXPECT_EQ(q->instagram, "https://www.instagram.com/laquincaillerie");
  EXPECT_EQ(q->precision, Precision::Address);
  auto chai = named("Chai 2.0");
  ASSERT_TRUE(chai);
  EXPECT_EQ(chai->insee_code, "33272");  // "MARSAS" in capitals
  EXPECT_EQ(chai->legal_form, "");       // NR
  auto p = named("Parenthèse");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->linkedin, "https://www.linkedin.com/company/exemple");
  auto t = named("Tanneries");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->precision, Precision::Commune);  // no position: the commune centre
  // The same file again changes nothing: matched on name + commune.
  auto again = import(kFixtures + "gogocarto_na_sample.csv");
  EXPECT_EQ(again.unchanged, 4) << problems_text(again);
}

TEST_F(Sources, GoGoCartoApiJsonImportsAndNamesBadElements) {
  auto rep = import(kFixtures + "gogocarto_api_sample.json");
  EXPECT_FALSE(rep.committed);
  EXPECT_EQ(rep.rows, 3);
  EXPECT_NE(problems_text(rep).find("data[2]"), std::string::npos) << problems_text(rep);
  ImportOptions o;
  o.skip_invalid = true;
  rep = import(kFixtures + "gogocarto_api_sample.json", o);
  ASSERT_TRUE(rep.committed) << problems_text(rep);
  EXPECT_EQ(rep.inserted, 2);
  auto v = named("Valfontaine");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->insee_code, "16176");
  EXPECT_EQ(v->address, "1 Impasse des Jardiniers");
  EXPECT_EQ(v->source_date, "2024-02-01");
  EXPECT_EQ(v->website, "https://example.org/valfontaine");
  EXPECT_EQ(mask_to_keys(v->types, place_types()), "hybride");
}

TEST_F(Sources, CharenteMednumFileDryRunReports188Rows) {
  ImportOptions o;
  o.dry_run = true;
  o.skip_invalid = true;
  auto rep = import(kCharente, o);
  EXPECT_EQ(rep.format, Format::Mednum);
  EXPECT_EQ(rep.rows, 188);
  EXPECT_EQ(rep.source.rows, 188);
  EXPECT_EQ(rep.source.typologies.at("RFS"), 93);
  EXPECT_GT(rep.inserted, 150) << problems_text(rep);
  EXPECT_EQ(store->count_all(), 0);  // a dry run writes nothing
  // Only the tiers-lieux-like rows.
  o.dry_run = false;
  o.source.only_tiers_lieux = true;
  rep = import(kCharente, o);
  ASSERT_TRUE(rep.committed) << problems_text(rep);
  EXPECT_EQ(rep.source.filtered_out, 181);
  EXPECT_EQ(rep.inserted + rep.rejected, 7);
  auto v = named("Valfontaine");
  ASSERT_TRUE(v);
  EXPECT_EQ(mask_to_keys(v->types, place_types()), "hybride;mediation_numerique");
  EXPECT_NE(v->source.find("typologie TIERS_LIEUX"), std::string::npos) << v->source;
  auto c = named("CoWorking Cognac");
  ASSERT_TRUE(c);
  EXPECT_EQ(mask_to_keys(c->types, place_types()), "coworking;mediation_numerique");
}

TEST_F(Sources, MednumCsvReadsBackTheMednumExport) {
  ASSERT_TRUE(import(kFixtures + "gogocarto_na_sample.csv").committed);
  std::ostringstream out;
  export_places(store->list({}), Format::Mednum, false, territory::CommuneTable::bundled(), out);
  auto path = dir.write("export.csv", out.str());
  PlaceStore other(dir.database("other.db"), &territory::CommuneTable::bundled());
  auto rep = import_file(other, test::validator(), path, {});
  ASSERT_TRUE(rep.committed) << problems_text(rep);
  EXPECT_EQ(rep.format, Format::Mednum);
  EXPECT_EQ(rep.inserted, static_cast<int>(other.count_all()));
  EXPECT_GE(rep.inserted, 2);
}

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <map>
#include <sstream>

#include "fixtures.hpp"
#include "helpers.hpp"
#include "registry/io_formats.hpp"
#include "registry/store.hpp"

using namespace maillage;
using namespace maillage::registry;

namespace {
struct StoreTest : ::testing::Test {
  test::TempDir dir;
  PlaceStore store{dir.database("s.db"), &territory::CommuneTable::bundled()};

  void load(const std::string& csv) {
    auto rep = import_file(store, test::validator(), dir.write("in.csv", csv), {});
    ASSERT_TRUE(rep.committed);
  }
  std::vector<std::string> ids(const PlaceFilter& f) {
    std::vector<std::string> out;
    for (auto& p : store.list(f)) out.push_back(p.id);
    return out;
  }
};

const char* kPlaces =
    "id,name,types,status,opening_date,closing_date,insee_code,address\n"
    "a,Coworking de la Gare,coworking,open,2016-03-01,,33063,1 place de la Gare\n"
    "b,Fablab Pau,fablab,open,2014,,64445,\n"
    "c,L'Atelier Éphémère,atelier_partage;fablab,closed,2012,2019-12-31,23096,\n"
    "d,Projet du Bourg,hybride,project,,,87085,\n"
    "e,Tiers-lieu Limousin,hybride;coworking,open,,,87085,rue de Limoges\n";
}  // namespace

TEST_F(StoreTest, WalModeAndSchemaVersion) {
  if (store.db().backend() == db::Backend::SQLite) {
    auto st = store.db().prepare("PRAGMA journal_mode");
    st.step();
    EXPECT_EQ(st.text(0), "wal");
  }
  EXPECT_EQ(store.schema_version(), PlaceStore::kSchemaVersion);
}

TEST_F(StoreTest, FiltersCombine) {
  load(kPlaces);
  PlaceFilter f;
  EXPECT_EQ(ids(f).size(), 5u);
  f.types_any = 1u << 1;  // fablab
  EXPECT_EQ(ids(f), (std::vector<std::string>{"b", "c"}));
  f = {};
  f.status = Status::Open;
  EXPECT_EQ(ids(f).size(), 3u);
  f = {};
  f.department = "87";
  EXPECT_EQ(ids(f), (std::vector<std::string>{"d", "e"}));
  f = {};
  f.insee_code = "64445";
  EXPECT_EQ(ids(f), (std::vector<std::string>{"b"}));
  f = {};
  f.text = "EPHEMERE atelier";  // accents, case and word order ignored
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c"}));
  f.text = "limoges";  // commune name is searchable
  EXPECT_EQ(ids(f), (std::vector<std::string>{"d", "e"}));
  f = {};
  f.bbox = PlaceFilter::BBox{-1, 43, 0, 45};  // Bordeaux and Pau
  EXPECT_EQ(ids(f), (std::vector<std::string>{"a", "b"}));
  f = {};
  f.limit = 2;
  f.offset = 1;
  EXPECT_EQ(store.list(f).size(), 2u);
  EXPECT_EQ(store.count(f), 5);
}

TEST_F(StoreTest, EveryPageIsTheSliceOfTheFullSelection) {
  load(kPlaces);
  for (int dep : {0, 87}) {
    PlaceFilter f;
    if (dep) f.department = std::to_string(dep);
    auto all = ids(f);
    for (int limit = 0; limit <= 6; ++limit)
      for (int offset = 0; offset <= 6; ++offset) {
        f.limit = limit, f.offset = offset;
        auto sel = store.select(f);
        EXPECT_EQ(sel.total, static_cast<int64_t>(all.size()));
        std::vector<std::string> got, want;
        for (auto i : sel.page) got.push_back(sel.snapshot->places[i].id);
        for (size_t i = offset; i < all.size() && (limit == 0 || want.size() < static_cast<size_t>(limit)); ++i)
          want.push_back(all[i]);
        EXPECT_EQ(got, want) << "limit " << limit << " offset " << offset;
        EXPECT_EQ(ids(f), want);
      }
  }
}

TEST_F(StoreTest, OpenOnAgreesWithThePlaceRule) {
  load(kPlaces);
  for (auto d : {"2013-06-01", "2015-01-01", "2016-03-01", "2019-12-31", "2020-01-01", "2026-01-01"}) {
    PlaceFilter f;
    f.open_on = d;
    std::vector<std::string> expected;
    for (auto& p : store.list({}))
      if (p.open_on(d)) expected.push_back(p.id);
    EXPECT_EQ(ids(f), expected) << d;
  }
  PlaceFilter f;
  f.open_on = "2019-06-01";
  EXPECT_EQ(ids(f), (std::vector<std::string>{"a", "b", "c", "e"}));
}

TEST_F(StoreTest, ListSeesWritesOfAnotherConnection) {
  load(kPlaces);
  PlaceFilter f;
  f.department = "23";
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c"}));
  // Another connection (as another process would) adds a place in Creuse.
  PlaceStore other(dir.database("s.db"), &territory::CommuneTable::bundled());
  auto rep = import_file(other, test::validator(), dir.write("more.csv", "id,name,insee_code\nz,Zèbre,23096\n"), {});
  ASSERT_TRUE(rep.committed);
  EXPECT_EQ(ids(f), (std::vector<std::string>{"c", "z"}));
  EXPECT_EQ(store.count(f), 2);
}

TEST_F(StoreTest, HistoryIsAppendOnlyAndPlacesAreNeverDeleted) {
  load(kPlaces);
  EXPECT_THROW(store.db().exec("UPDATE place_history SET origin = 'x'"), Error);
  EXPECT_THROW(store.db().exec("DELETE FROM place_history"), Error);
  EXPECT_THROW(store.db().exec("DELETE FROM places WHERE id = 'a'"), Error);
  EXPECT_EQ(store.count_all(), 5);
  EXPECT_EQ(store.history("a").size(), 1u);
}

TEST_F(StoreTest, DatabaseRefusesInvalidRowsEvenBehindTheApi) {
  EXPECT_THROW(store.db().exec("INSERT INTO places (id, name, status, insee_code, lon, lat, position_precision, "
                               "name_folded, search_text, created_at, updated_at) VALUES ('z', 'Z', 'bientot', "
                               "'33063', 0, 45, 'address', 'z', 'z', 'now', 'now')"),
               Error);
}

TEST_F(StoreTest, NewerSchemaIsRefused) {
  // A migration this program does not know: the database was migrated by a newer Maillage.
  store.db().exec(
      "INSERT INTO schema_migrations (file, version, stage, applied_at) VALUES ('x/0099_future.sql', 99, 'x', 'now')");
  EXPECT_THROW(PlaceStore(dir.database("s.db"), nullptr), Error);
}

TEST_F(StoreTest, GeneratedIdsAreReadableAndUnique) {
  Place p;
  p.name = "Le Café des Possibles";
  p.insee_code = "33063";
  EXPECT_EQ(store.make_id(p), "33063-le-cafe-des-possibles");
}

// Adding a field is one row of the field table (issue #29): every field with a value reaches every format — the
// store (SQL columns bound and read through the table), Maillage CSV and GeoJSON (exported and read back), JSON —
// and has a French label. A field without a sample here, or that a format drops, fails this test.
TEST(FieldTable, EveryFieldReachesEveryFormat) {
  const std::map<std::string, std::string> sample = {{"id", "33063-essai-champs"},
                                                     {"name", "Essai « champs » ; 2"},
                                                     {"siret", "73282932000074"},
                                                     {"legal_form", "SCIC"},
                                                     {"types", "coworking;fablab"},
                                                     {"status", "closed"},
                                                     {"opening_date", "2019-05"},
                                                     {"closing_date", "2024-01-31"},
                                                     {"address", "1, rue \"Sainte-Catherine\""},
                                                     {"postcode", "33000"},
                                                     {"insee_code", "33063"},
                                                     {"lon", "-0.5792"},
                                                     {"lat", "44.8378"},
                                                     {"position_precision", "commune"},
                                                     {"staff_fte", "1.5"},
                                                     {"seats_permanent", "12"},
                                                     {"seats_dropin", "7"},
                                                     {"seats_training", "3"},
                                                     {"services", "wifi;fibre"},
                                                     {"website", "https://essai.example/"},
                                                     {"facebook", "https://facebook.com/essai"},
                                                     {"twitter", "@essai"},
                                                     {"instagram", "essai"},
                                                     {"linkedin", "https://linkedin.com/company/essai"},
                                                     {"contact_last_name", "Martin"},
                                                     {"contact_first_name", "Léa"},
                                                     {"contact_email", "lea@essai.example"},
                                                     {"contact_phone", "05 56 00 00 00"},
                                                     {"contact_mobile", "06 00 00 00 00"},
                                                     {"source", "test"},
                                                     {"source_date", "2026-01"},
                                                     {"notes", "ligne 1\nligne 2"},
                                                     {"criterion_open_to_all", "yes"},
                                                     {"criterion_flexible", "no"},
                                                     {"criterion_broadband", "yes"},
                                                     {"criterion_human_welcome", "no"},
                                                     {"criterion_collective_governance", "yes"},
                                                     {"charter_version", "2026"},
                                                     {"charter_signed_on", "2026-02-01"},
                                                     {"charter_signatory", "Léa Martin"}};
  Place p;
  for (auto& d : fields()) {
    EXPECT_FALSE(d.label.empty()) << d.name << " has no label";
    if (!d.is_input || d.field == Field::commune) continue;
    auto it = sample.find(std::string(d.name));
    ASSERT_NE(it, sample.end()) << "no sample value for the field " << d.name << ": add one";
    ASSERT_EQ(parse_field(p, d.field, it->second), "") << d.name;
  }
  test::TempDir dir;
  PlaceStore store{dir.database("s.db"), &territory::CommuneTable::bundled()};
  auto stored = p;
  store.insert(stored, 1, "test");
  auto back = store.get(p.id);
  ASSERT_TRUE(back);
  auto json = to_json(*back, true, "Bordeaux");
  for (auto format : {Format::Maillage, Format::GeoJSON}) {
    std::ostringstream out;
    export_places({*back}, format, true, territory::CommuneTable::bundled(), out);
    std::vector<Problem> problems;
    auto read = parse_records(out.str(), "round-trip", format, problems);
    ASSERT_EQ(read.size(), 1u) << format_name(format);
    for (auto& pr : problems) ADD_FAILURE() << format_name(format) << ": " << pr.str();
    for (auto& d : fields()) {
      if (!d.is_input || d.field == Field::commune) continue;
      EXPECT_EQ(format_field(read[0].place, d.field), format_field(p, d.field))
          << d.name << " in " << format_name(format);
      EXPECT_TRUE(read[0].present.test(static_cast<size_t>(d.field)))
          << d.name << " missing from " << format_name(format);
    }
  }
  for (auto& d : fields()) {
    if (!d.is_input || d.field == Field::commune) continue;
    EXPECT_EQ(format_field(*back, d.field), format_field(p, d.field)) << d.name << " in SQL";
    EXPECT_TRUE(json.contains(d.name) && !json[std::string(d.name)].is_null()) << d.name << " in JSON";
  }
}

// Contributions and their moderation, the yearly confirmation and the data-quality report, on a real SQLite
// file with hand-checkable places.
#include <gtest/gtest.h>

#include <random>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/paths.hpp"
#include "helpers.hpp"
#include "moderation/moderation.hpp"
#include "moderation/quality.hpp"
#include "registry/io_formats.hpp"
#include "unit/registry/fixtures.hpp"

using namespace maillage;
using namespace maillage::moderation;

namespace {

struct Mod : ::testing::Test {
  test::TempDir dir;
  std::unique_ptr<registry::PlaceStore> store =
      std::make_unique<registry::PlaceStore>(dir.database("m.db"), &territory::CommuneTable::bundled());
  Moderation mod{*store, test::validator()};

  void SetUp() override {
    auto csv = dir.write("p.csv",
                         "name,insee_code,types,status,lon,lat,siret,website\n"
                         "La Quincaillerie,23096,hybride,open,1.87425,46.170683,73282932000074,\n"
                         "Le Bocal,17300,coworking,open,-1.1508,46.1591,,\n");
    auto rep = registry::import_file(*store, test::validator(), csv, {});
    ASSERT_TRUE(rep.committed);
  }
  Proposal new_place(const std::string& name, const std::string& commune) {
    Proposal p;
    p.fields = {{"name", name}, {"commune", commune}, {"types", "coworking"}};
    p.name = "Anne Exemple";
    p.email = "Anne@Example.org";
    p.consent = true;
    p.comment = "Ouvert depuis mars.";
    return p;
  }
};

}  // namespace

TEST(NameSimilarity, HandCases) {
  EXPECT_EQ(name_similarity("La Quincaillerie", "la quincaillerie"), 1);
  EXPECT_EQ(name_similarity("Le Chai 2.0", "Le Chai 2.0 MARSAS"), 1);          // one holds the other
  EXPECT_EQ(name_similarity("Tiers-lieu La Parenthèse", "La Parenthese"), 1);  // generic words dropped
  EXPECT_GT(name_similarity("La Cocotte-Minute", "Cocotte Minute"), 0.99);
  EXPECT_LT(name_similarity("CoWorking Cognac", "CoCowork"), 0.7);
  EXPECT_LT(name_similarity("Le Bocal", "La Quincaillerie"), 0.2);
  EXPECT_EQ(name_similarity("", "x"), 0);
}

TEST(Duplicates, PairsFoundThroughGridAndCommunesAreAllThePairs) {
  // Property: the fast finder (commune groups, SIRET groups, 200 m grid) finds exactly the pairs the rule
  // finds over all pairs.
  auto& communes = territory::CommuneTable::bundled();
  std::mt19937 rng(16);
  const char* names[] = {"La Ruche",          "Ruche",         "Le Bocal",         "Bocal Coworking",
                         "Atelier du Marais", "Fablab Marais", "La Quincaillerie", "Quincaillerie numérique"};
  const char* codes[] = {"23096", "17300", "79191", "33063"};
  for (int round = 0; round < 20; ++round) {
    std::vector<registry::Place> places;
    for (int i = 0; i < 60; ++i) {
      registry::Place p;
      p.id = "p" + std::to_string(i);
      p.name = names[rng() % 8];
      p.insee_code = codes[rng() % 4];
      // Clustered positions around a few points, so that some lie within 200 m across communes.
      double cx = -0.5 + (rng() % 3) * 0.01, cy = 45.0 + (rng() % 3) * 0.01;
      p.lon = cx + (rng() % 1000) / 1e6 * 3, p.lat = cy + (rng() % 1000) / 1e6 * 3;
      if (rng() % 10 == 0) p.siret = "73282932000074";
      places.push_back(p);
    }
    std::set<std::pair<std::string, std::string>> brute, fast;
    for (size_t i = 0; i < places.size(); ++i)
      for (size_t j = i + 1; j < places.size(); ++j)
        if (!likely_duplicates(places[i], {places[j]}, communes).empty())
          brute.insert({std::min(places[i].id, places[j].id), std::max(places[i].id, places[j].id)});
    for (auto& d : duplicate_pairs(places, communes)) fast.insert({d.a, d.b});
    ASSERT_EQ(fast, brute) << "round " << round;
    ASSERT_FALSE(brute.empty());
  }
}

TEST_F(Mod, AProposalChangesNothingUntilAcceptedAndTheHistoryNamesIt) {
  auto before = store->revision();
  auto s = mod.submit(new_place("Le Chai 2.0", "Marsas"), "192.0.2.7");
  EXPECT_EQ(s.key.size(), 43u);
  EXPECT_EQ(store->revision(), before);
  EXPECT_EQ(store->count_all(), 2);
  auto c = mod.get(s.id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, "pending");
  EXPECT_EQ(c->email, "anne@example.org");
  EXPECT_EQ(mod.by_key(s.key)->id, s.id);
  EXPECT_FALSE(mod.by_key("x"));
  auto d = mod.accept(s.id, "user:1 (Marie Modératrice)", {{"website", "https://example.org/chai"}});
  EXPECT_EQ(store->count_all(), 3);
  auto placed = store->get(d.place_id);
  ASSERT_TRUE(placed);
  EXPECT_EQ(placed->insee_code, "33272");
  EXPECT_EQ(placed->website, "https://example.org/chai");
  auto h = store->history(d.place_id);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].origin, fmt::format("contribution n° {} acceptée par user:1 (Marie Modératrice)", s.id));
  EXPECT_EQ(mod.get(s.id)->status, "accepted");
  EXPECT_EQ(mod.get(s.id)->result_place_id, d.place_id);
  EXPECT_CODE(mod.accept(s.id, "user:1", {}), Errc::not_pending);  // decided once
}

TEST_F(Mod, LikelyDuplicatesAreFlaggedWithTheirCandidates) {
  auto s = mod.submit(new_place("Quincaillerie", "Guéret"), "");
  ASSERT_EQ(s.candidates.size(), 1u);
  EXPECT_EQ(s.candidates[0].place_id, store->ids_by_name_commune("La Quincaillerie", "23096")[0]);
  // A second proposal of the same new place: the first one is its candidate.
  auto a = mod.submit(new_place("La Ruche du bourg", "Marsas"), "");
  auto b = mod.submit(new_place("Ruche du bourg", "Marsas"), "");
  EXPECT_TRUE(a.candidates.empty());
  ASSERT_EQ(b.candidates.size(), 1u);
  EXPECT_EQ(b.candidates[0].contribution, a.id);
  // Same SIRET elsewhere.
  auto p = new_place("Autre nom", "Niort");
  p.fields["siret"] = "73282932000074";
  auto x = mod.submit(p, "");
  ASSERT_EQ(x.candidates.size(), 1u);
  EXPECT_EQ(x.candidates[0].reasons[0], "même SIRET");
  // Accepting a proposal that repeats a stored place is refused; merging it writes only what the place lacks.
  EXPECT_CODE(mod.accept(s.id, "user:1", {}), Errc::likely_duplicate);
  auto q = store->ids_by_name_commune("La Quincaillerie", "23096")[0];
  auto m = mod.merge(s.id, q, "user:1 (M)");
  EXPECT_EQ(mod.get(s.id)->status, "duplicate");
  EXPECT_EQ(store->get(q)->name, "La Quincaillerie");  // the name is not taken by a merge
  EXPECT_EQ(registry::mask_to_keys(store->get(q)->types, registry::place_types()), "hybride");  // it had types
}

TEST_F(Mod, CorrectionsRejectionsWithdrawalsAndRefusals) {
  auto id = store->ids_by_name_commune("Le Bocal", "17300")[0];
  Proposal p;
  p.kind = "correction";
  p.place_id = id;
  p.fields = {{"website", "https://lebocal.example"}, {"seats_dropin", "12"}};
  p.name = "Paul";
  p.email = "paul@example.org";
  p.consent = true;
  auto s = mod.submit(p, "");
  auto diff = mod.diff(*mod.get(s.id));
  ASSERT_EQ(diff.size(), 2u);
  EXPECT_EQ(diff[0].field, "seats_dropin");
  EXPECT_EQ(diff[0].current, "");
  EXPECT_TRUE(diff[0].changed);
  mod.accept(s.id, "user:2 (E)");
  EXPECT_EQ(store->get(id)->seats_dropin, 12);

  auto r = mod.submit(p, "");
  EXPECT_THROW(mod.reject(r.id, "user:2", ""), Refused);  // a reason is needed
  mod.reject(r.id, "user:2", "déjà à jour");
  EXPECT_EQ(mod.get(r.id)->status, "rejected");
  EXPECT_EQ(mod.get(r.id)->reason, "déjà à jour");

  auto w = mod.submit(p, "");
  EXPECT_EQ(mod.withdraw(w.key).status, "withdrawn");
  EXPECT_THROW(mod.withdraw(w.key), Refused);

  auto refused_field = [&](Proposal x) {
    try {
      mod.submit(x, "");
    } catch (const Refused& e) {
      return e.field();
    }
    return std::string("accepted");
  };
  auto bad = p;
  bad.consent = false;
  EXPECT_EQ(refused_field(bad), "consent");
  bad = p, bad.fields = {{"contact_email", "x@example.org"}};
  EXPECT_EQ(refused_field(bad), "contact_email");  // private fields are not collected here
  bad = p, bad.fields = {{"lat", "NaN"}};
  EXPECT_EQ(refused_field(bad), "lat");
  bad = p, bad.email = "pas une adresse";
  EXPECT_EQ(refused_field(bad), "contributor_email");
  bad = p, bad.place_id = "nowhere";
  EXPECT_EQ(refused_field(bad), "place_id");
  bad = new_place("X", "Nulle-Part-sur-Mer");
  EXPECT_EQ(refused_field(bad), "commune");
  bad = p, bad.comment = "a\x01";
  EXPECT_EQ(refused_field(bad), "comment");
  bad = p, bad.fields = {{"notes", std::string(1001, 'x')}};
  EXPECT_EQ(refused_field(bad), "notes");
}

TEST_F(Mod, PersonalDataAreExportedAndErased) {
  auto s = mod.submit(new_place("Le Chai 2.0", "Marsas"), "192.0.2.7");
  EXPECT_EQ(mod.personal_data("anne@example.org").size(), 1u);
  EXPECT_NE(test::stored_bytes(dir.database("m.db")).find("anne@example.org"), std::string::npos);
  EXPECT_EQ(mod.erase_person("anne@example.org"), 1);
  // Not in the database's files either (issue #30): not in a freed page, nor in the WAL, nor in a dead row.
  EXPECT_EQ(test::stored_bytes(dir.database("m.db")).find("anne@example.org"), std::string::npos);
  auto c = mod.get(s.id);
  EXPECT_EQ(c->email, "");
  EXPECT_EQ(c->name, "");
  EXPECT_EQ(c->fields.at("name"), "Le Chai 2.0");  // the proposal itself stays
  EXPECT_TRUE(mod.personal_data("anne@example.org").empty());
}

TEST_F(Mod, ConfirmationsAndTheQualityReport) {
  auto q = store->ids_by_name_commune("La Quincaillerie", "23096")[0];
  mod.confirm(q, "user:3", "Gérante");
  EXPECT_THROW(mod.confirm("nowhere", "user:3", ""), NotFound);
  auto conf = last_confirmations(store->db());
  ASSERT_EQ(conf.size(), 1u);
  auto published = read_published_counts(paths::data_dir() + "/tiers_lieux/sources/published_counts.csv");
  auto today = conf[q].substr(0, 10);
  auto r = quality_report(store->list({}), conf, territory::CommuneTable::bundled(), published, today);
  EXPECT_EQ(r.region.listed, 2);
  EXPECT_EQ(r.region.confirmed, 1);
  EXPECT_EQ(r.region.at_address, 2);
  EXPECT_EQ(r.stale_places.size(), 1u);  // Le Bocal
  EXPECT_EQ(r.departments.size(), 12u);
  auto creuse = std::find_if(r.departments.begin(), r.departments.end(), [](auto& d) { return d.department == "23"; });
  EXPECT_EQ(creuse->open, 1);
  ASSERT_TRUE(creuse->published);
  EXPECT_EQ(creuse->published->value, 20);  // "about twenty" (2021)
  EXPECT_TRUE(creuse->far_below);
  // A confirmation older than a year no longer counts.
  auto later = quality_report(store->list({}), conf, territory::CommuneTable::bundled(), published, "2099-01-01");
  EXPECT_EQ(later.region.confirmed, 0);
  EXPECT_EQ(later.region.stale, 2);
}

TEST(PublishedCounts, TheBundledFiguresGiveOneReferencePerDepartment) {
  auto c = read_published_counts(paths::data_dir() + "/tiers_lieux/sources/published_counts.csv");
  auto value = [&](const std::string& dep) {
    auto r = reference_count(c, dep);
    return r ? r->value : -1;
  };
  EXPECT_EQ(value(""), 315);   // open tiers-lieux, Région map 2023
  EXPECT_EQ(value("33"), 65);  // 2018 (the later "more than 80" is not dated)
  EXPECT_EQ(value("16"), 35);  // "more than 35 (tripled in five years)", 2025
  EXPECT_EQ(value("87"), 12);  // "about a dozen", 2017
  EXPECT_EQ(value("40"), 18);  // "18 open + 6 in project", 2020
  EXPECT_EQ(value("24"), -1);  // nothing published
}

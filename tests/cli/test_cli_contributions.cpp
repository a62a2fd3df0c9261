// The moderation queue and the data-quality commands of the real binary, on a database seeded from the bundled
// data; proposals are submitted through the library, as the API does.
#include <gtest/gtest.h>

#include "moderation/moderation.hpp"
#include "seeded_db.hpp"
#include "unit/registry/fixtures.hpp"

using maillage::test::json_of;
using maillage::test::run_cli;

namespace {

int64_t propose(maillage::test::SeededDb& s, const std::string& name, const std::string& commune) {
  maillage::moderation::Proposal p;
  p.fields = {{"name", name}, {"commune", commune}, {"types", "fablab"}};
  p.name = "Paul Contributeur";
  p.email = "paul@maillage.test";
  p.consent = true;
  return maillage::moderation::Moderation(*s.store, maillage::test::validator()).submit(p, "").id;
}

}  // namespace

TEST(CliContributions, ListShowAcceptRejectMerge) {
  maillage::test::SeededDb s;
  auto db = " --db " + s.db_path + " ";
  auto a = propose(s, "Fablab des Marais", "Niort");
  auto b = propose(s, "Le Chai 2.0", "Marsas");  // listed already
  auto list = json_of("contributions list --json" + db);
  EXPECT_EQ(list["counts"]["pending"], 2);
  auto shown = run_cli("contributions show " + std::to_string(b) + db);
  ASSERT_EQ(shown.exit_code, 0) << shown.out;
  EXPECT_NE(shown.out.find("likely duplicate"), std::string::npos) << shown.out;
  // The likely duplicate is not written as a new place without --distinct; merged instead.
  auto refused = run_cli("contributions accept " + std::to_string(b) + db);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.out.find("distinct"), std::string::npos) << refused.out;
  auto target = json_of("places list --json --text 'Chai 2.0'" + db)["items"][0]["id"].get<std::string>();
  EXPECT_EQ(run_cli("contributions merge " + std::to_string(b) + " --into " + target + db).exit_code, 0);
  auto before = json_of("places list --json" + db)["total"].get<int>();
  auto ok = run_cli("contributions accept " + std::to_string(a) + " --set website=https://fablab.example" + db);
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(json_of("places list --json" + db)["total"].get<int>(), before + 1);
  auto created = json_of("places list --json --text 'Fablab des Marais'" + db)["items"][0];
  EXPECT_EQ(created["website"], "https://fablab.example");
  auto c = propose(s, "Autre", "Niort");
  EXPECT_NE(run_cli("contributions reject " + std::to_string(c) + db).exit_code, 0);  // a reason is needed
  EXPECT_EQ(run_cli("contributions reject " + std::to_string(c) + " --reason 'hors réseau'" + db).exit_code, 0);
  auto counts = json_of("contributions list --json" + db)["counts"];
  EXPECT_EQ(counts["accepted"], 1);
  EXPECT_EQ(counts["duplicate"], 1);
  EXPECT_EQ(counts["rejected"], 1);
  // GDPR: the contributor's data, then erased.
  EXPECT_NE(run_cli("contributions export-person paul@maillage.test" + db).out.find("Paul Contributeur"),
            std::string::npos);
  EXPECT_NE(run_cli("contributions erase-person paul@maillage.test" + db).out.find("3 contributions anonymised"),
            std::string::npos);
}

TEST(CliContributions, QualityConfirmAndRemind) {
  maillage::test::SeededDb s;
  auto db = " --db " + s.db_path + " ";
  auto q = json_of("places quality --json" + db);
  EXPECT_EQ(q["region"]["listed"], 207);
  EXPECT_EQ(q["region"]["counts"]["confirmed_12_months"], 0);
  auto id = json_of("places list --json --limit 1" + db)["items"][0]["id"].get<std::string>();
  // A manager of that place is reminded once, not twice within 30 days; after confirming, not at all.
  auto pw = s.dir.write("pw", "un-mot-de-passe-assez-long\n");
  run_cli("users add --email gerante@maillage.test --name Gérante --role manager:" + id + " --password-stdin" + db +
          " < " + pw);
  auto r1 = run_cli("places remind" + db);
  ASSERT_EQ(r1.exit_code, 0) << r1.out;
  EXPECT_NE(r1.out.find("1 reminders queued"), std::string::npos) << r1.out;
  EXPECT_NE(run_cli("places remind" + db).out.find("0 reminders queued, 1 already sent"), std::string::npos);
  EXPECT_EQ(run_cli("places confirm " + id + db).exit_code, 0);
  EXPECT_EQ(json_of("places quality --json" + db)["region"]["counts"]["confirmed_12_months"], 1);
  EXPECT_NE(run_cli("places confirm nowhere" + db).exit_code, 0);
  auto text = run_cli("places quality" + db).out;
  EXPECT_NE(text.find("Charente"), std::string::npos);
  EXPECT_NE(text.find("far below"), std::string::npos) << text;
}

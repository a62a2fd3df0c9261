// The network's commands on the real binary: contacts (CSV, vCard read back by Python's vobject, erasure),
// events (invitations by drive time, the communes without an event), resources, members, the charter.
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "seeded_db.hpp"

using maillage::test::json_of;
using maillage::test::run_cli;

namespace {
std::string sh(const std::string& cmd) { return maillage::test::run_shell(cmd); }
}  // namespace

TEST(CliNetwork, ContactsInAndOutAndErased) {
  maillage::test::SeededDb s;
  auto db = " --db " + s.db_path + " ";
  ASSERT_EQ(
      run_cli("contacts add --first-name Anne --last-name Martin --email anne@maillage.test --organisation "
              "'Mairie d'\"'\"'Aubusson' --organisation-kind commune --commune Aubusson --tags 'élus;financeurs'" +
              db)
          .exit_code,
      0);
  ASSERT_EQ(
      run_cli("contacts add --first-name Jean --last-name 'Dupont, fils' --email jean@maillage.test" + db).exit_code,
      0);
  EXPECT_EQ(json_of("contacts list --json" + db)["total"], 2);
  EXPECT_EQ(json_of("contacts list --json --tag élus" + db)["total"], 1);
  // vCard out, read by a reference reader (Python's vobject), and back in another registry.
  auto vcf = s.dir.file("c.vcf");
  ASSERT_EQ(run_cli("contacts export --format vcard -o " + vcf + db).exit_code, 0);
  auto read =
      sh("/usr/bin/python3 -c \"import vobject,sys; [print(c.fn.value, '|', c.email.value, '|', c.org.value[0] "
         "if hasattr(c, 'org') else '') for c in vobject.readComponents(open(sys.argv[1]))]\" " +
         vcf);
  EXPECT_NE(read.find("Anne Martin | anne@maillage.test | Mairie d'Aubusson"), std::string::npos) << read;
  EXPECT_NE(read.find("Jean Dupont, fils | jean@maillage.test"), std::string::npos) << read;
  maillage::test::SeededDb other;
  auto r = run_cli("contacts import --format vcard " + vcf + " --db " + other.db_path);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(json_of("contacts list --json --db " + other.db_path)["total"], 2);
  // CSV: a bad row refuses the file, naming the line.
  auto bad = s.dir.write("bad.csv", "first_name,last_name,email\nA,B,a@b.fr\nC,D,nope\n");
  auto refused = run_cli("contacts import " + bad + db);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.out.find("bad.csv:3"), std::string::npos) << refused.out;
  EXPECT_EQ(json_of("contacts list --json" + db)["total"], 2);
  // Erased: the GDPR export is empty of the person; the count stays.
  EXPECT_NE(run_cli("contacts personal-data 1" + db).out.find("anne@maillage.test"), std::string::npos);
  EXPECT_EQ(run_cli("contacts erase 1" + db).exit_code, 0);
  EXPECT_EQ(run_cli("contacts personal-data 1" + db).out.find("anne@maillage.test"), std::string::npos);
  EXPECT_EQ(json_of("contacts list --json" + db)["total"], 1);  // an erased contact is no longer listed
}

TEST(CliNetwork, EventsInvitationsResourcesMembersAndTheCharter) {
  maillage::test::SeededDb s;
  auto db = " --db " + s.db_path + " --graph " + s.dir.file("g.graph") + " ";
  run_cli("contacts add --first-name Anne --last-name Martin --email anne@maillage.test --commune Aubusson" + db);
  run_cli("contacts add --first-name Jean --last-name Loin --email jean@maillage.test --commune Bayonne" + db);
  auto made = run_cli(
      "events add --title 'Journée d'\"'\"'information' --starts 2099-03-02T09:30 --ends 2099-03-02T12:30 "
      "--commune Guéret --capacity 20" +
      db);
  ASSERT_EQ(made.exit_code, 0) << made.out;
  auto inv = run_cli("events invitations 1 --minutes 60" + db);
  EXPECT_NE(inv.out.find("Anne Martin"), std::string::npos) << inv.out;
  EXPECT_EQ(inv.out.find("Jean Loin"), std::string::npos);
  auto gaps = run_cli("events gaps --year 2099 --minutes 30" + db);
  EXPECT_NE(gaps.out.find("1 events in 2099"), std::string::npos) << gaps.out;
  // Resources and members.
  auto doc = s.dir.write("guide.txt", "Les subventions de fonctionnement.");
  ASSERT_EQ(run_cli("resources add --title 'Guide' --file " + doc + db).exit_code, 0);
  EXPECT_NE(run_cli("resources search subvention" + db).out.find("Guide"), std::string::npos);
  auto place = json_of("places list --json --limit 1 --department 23" + db)["items"][0]["id"].get<std::string>();
  ASSERT_EQ(run_cli("members record --place " + place + " --year 2026 --fee-paid" + db).exit_code, 0);
  EXPECT_EQ(json_of("members census --year 2026" + db)["places"], 1);
  // The charter: adopted, signed, the criteria stated: the place is listed.
  auto text = s.dir.write("charte.txt", "Charte du réseau des tiers-lieux.");
  ASSERT_EQ(run_cli("charter adopt --version 2026 --adopted-on 2026-01-01 --text-file " + text + db).exit_code, 0);
  EXPECT_EQ(json_of("places list --json --listed true" + db)["total"], 0);
  auto signed_ = run_cli("charter sign " + place + " --signatory 'Anne Martin'" + db);
  EXPECT_NE(signed_.out.find("critère non renseigné"), std::string::npos) << signed_.out;
  run_cli("places update " + place +
          " --set criterion_open_to_all=oui --set criterion_flexible=oui --set "
          "criterion_broadband=oui --set criterion_human_welcome=oui --set criterion_collective_governance=oui" +
          db);
  EXPECT_EQ(json_of("places list --json --listed true" + db)["total"], 1);
  EXPECT_NE(run_cli("places show " + place + db).out.find("listed today         yes"), std::string::npos);
}

// `maillage ami ...` on the real binary with the bundled data.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/csv.hpp"
#include "helpers.hpp"
#include "territory/communes.hpp"

using maillage::test::run_cli;
using maillage::test::slurp;
using maillage::test::TempDir;

TEST(CliAmi, BatchChecksWriteOneRowEachAndNameBadRows) {
  TempDir dir;
  auto base = " --db " + dir.database("m.db") + " --graph " + dir.file("g.graph") + " ";
  auto in = dir.write("sites.csv", "id,lon,lat,insee\ns1,-0.5792,44.8378,\ns2,,,23008\ns3,2.35,48.85,\n");
  auto out = dir.file("out.csv");
  auto r = run_cli(base + "ami check-creation --csv " + in + " -o " + out + " --date 2024-01-15");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto text = slurp(out);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
  EXPECT_NE(text.find("s1,-0.5792,44.8378,not_eligible"), std::string::npos) << text;  // Bordeaux
  EXPECT_NE(text.find("s3,2.35,48.85,cannot_decide"), std::string::npos) << text;      // Paris: off the network
  // The single check of the same site agrees with its batch row.
  auto j = maillage::test::json_of(base + "ami check-creation --at -0.5792,44.8378 --date 2024-01-15 --json");
  EXPECT_EQ(j["verdict"], "not_eligible");
  EXPECT_NE(text.find(j["nearest"]["id"].get<std::string>()), std::string::npos);
  // A bad row: file:line:column and nothing else.
  auto bad = dir.write("bad.csv", "id,lon,lat\nok,-0.5,44.8\nko,-0.5,nord\n");
  r = run_cli(base + "ami check-creation --csv " + bad + " --date 2024-01-15");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find(bad + ":3:3"), std::string::npos) << r.out;
}

TEST(CliAmi, ApplicationLifecycleAndWindow) {
  TempDir dir;
  auto base = " --db " + dir.database("m.db") + " --graph " + dir.file("g.graph") + " ";
  auto r = run_cli(base +
                   "ami apply --kind development --applicant Coop --project Extension --place "
                   "23096-la-quincaillerie-numerique --by agent");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_cli(base + "ami submit 1 --date 2024-09-02 --by agent");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("open from 2022-07-01 to 2024-09-01"), std::string::npos) << r.out;
  r = run_cli(base + "ami submit 1 --date 2024-09-01 --by agent");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // No charter adopted and no criterion stated on the bundled list: not listed, so not eligible, naming why.
  EXPECT_NE(r.out.find("not_eligible"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("charte"), std::string::npos) << r.out;
  EXPECT_EQ(run_cli(base + "ami decide 1 accept --by chef").exit_code != 0, true);  // not under review yet
  EXPECT_EQ(run_cli(base + "ami review 1 --by chef").exit_code, 0);
  EXPECT_EQ(run_cli(base + "ami decide 1 accept --by chef --reason ok").exit_code, 0);
  auto j = maillage::test::json_of(base + "ami show 1");
  EXPECT_EQ(j["status"], "accepted");
  EXPECT_EQ(j["events"].size(), 4u);
  EXPECT_EQ(j["eligibility"]["verdict"], "not_eligible");
  auto csv = run_cli(base + "ami applications --csv").out;
  EXPECT_NE(csv.find("accepted,2024-09-01,not_eligible"), std::string::npos) << csv;
}

TEST(CliAmi, TimesWithinTheMarginOfTheThresholdAreToVerifyAndConfirmedByTheOfficer) {
  TempDir dir;
  auto base = " --db " + dir.database("m.db") + " --graph " + dir.file("g.graph") + " --no-seed ";
  // One open place, at Guéret; every commune of the Creuse checked against it.
  auto r = run_cli(base + "places add --name Lieu --commune 23096 --type coworking --status open --opening 2019");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::string sites = "id,insee\n";
  for (auto& c : maillage::territory::CommuneTable::bundled().all())
    if (c.dep == "23") sites += c.code + "," + c.code + "\n";
  auto in = dir.write("sites.csv", sites), out = dir.file("out.csv");
  r = run_cli(base + "ami check-creation --csv " + in + " -o " + out + " --date 2024-01-15");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto profile = nlohmann::json::parse(slurp(std::string(MAILLAGE_TEST_DATA) + "/../../data/profiles/car.json"));
  double e = profile["calibration"]["cross_validated"]["all"]["median"];
  ASSERT_GT(e, 0);
  auto t = maillage::csv::read(out);
  int cv = t.column("verdict"), cm = t.column("minutes"), ci = t.column("id");
  int to_verify = 0;
  std::string a_site;
  for (auto& row : t.rows) {
    auto& verdict = row.fields[cv];
    if (verdict == "cannot_decide") continue;
    double m = std::stod(row.fields[cm]);
    // The rule, restated: to verify exactly when the error could put the time either side of the threshold.
    std::string expected = m * (1 - e) <= 20 && m * (1 + e) > 20 ? "to_verify" : m <= 20 ? "not_eligible" : "eligible";
    EXPECT_EQ(verdict, expected) << row.fields[ci] << " at " << m << " min";
    if (verdict == "to_verify") ++to_verify, a_site = row.fields[ci];
  }
  EXPECT_GT(t.rows.size(), 200u);
  ASSERT_GT(to_verify, 0);
  auto j = maillage::test::json_of(base + "ami check-creation --commune " + a_site + " --date 2024-01-15 --json");
  EXPECT_EQ(j["verdict"], "to_verify");
  EXPECT_GT(j["margin_minutes"].get<double>(), 0.5);
  EXPECT_GT(j["route_to_nearest"].size(), 0u);  // the route to check
  // An application there cannot be accepted before the officer confirms its eligibility, with what was checked.
  r = run_cli(base + "ami apply --kind creation --applicant Mairie --project Projet --commune " + a_site +
              " --by agent");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_EQ(run_cli(base + "ami submit 1 --date 2024-01-15 --by agent").exit_code, 0);
  ASSERT_EQ(run_cli(base + "ami review 1 --by chef").exit_code, 0);
  r = run_cli(base + "ami decide 1 accept --by chef");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("confirm it first"), std::string::npos) << r.out;
  EXPECT_NE(run_cli(base + "ami confirm 1 eligible --by chef").exit_code, 0);  // the reason is required
  ASSERT_EQ(run_cli(base + "ami confirm 1 eligible --by chef --reason 'route driven: 21 min'").exit_code, 0);
  EXPECT_NE(run_cli(base + "ami confirm 1 not_eligible --by chef --reason again").exit_code, 0);  // once
  EXPECT_EQ(run_cli(base + "ami decide 1 accept --by chef").exit_code, 0);
  auto listed = run_cli(base + "ami applications --json").out;
  auto apps = nlohmann::json::parse(listed.substr(listed.find('[')));
  EXPECT_EQ(apps[0]["eligibility_confirmed"], "eligible");
}

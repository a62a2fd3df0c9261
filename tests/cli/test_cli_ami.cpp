// `maillage ami ...` on the real binary with the bundled data.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

using maillage::test::run_cli;
using maillage::test::slurp;
using maillage::test::TempDir;

TEST(CliAmi, BatchChecksWriteOneRowEachAndNameBadRows) {
  TempDir dir;
  auto base = " --db " + dir.file("m.db") + " --graph " + dir.file("g.graph") + " ";
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
  auto base = " --db " + dir.file("m.db") + " --graph " + dir.file("g.graph") + " ";
  auto r = run_cli(base + "ami apply --kind development --applicant Coop --project Extension --place 23096-la-quincaillerie-numerique --by agent");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_cli(base + "ami submit 1 --date 2024-09-02 --by agent");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("open from 2022-07-01 to 2024-09-01"), std::string::npos) << r.out;
  r = run_cli(base + "ami submit 1 --date 2024-09-01 --by agent");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("incomplete"), std::string::npos) << r.out;  // no staff figure in the bundled list
  EXPECT_EQ(run_cli(base + "ami decide 1 accept --by chef").exit_code != 0, true);  // not under review yet
  EXPECT_EQ(run_cli(base + "ami review 1 --by chef").exit_code, 0);
  EXPECT_EQ(run_cli(base + "ami decide 1 accept --by chef --reason ok").exit_code, 0);
  auto j = maillage::test::json_of(base + "ami show 1");
  EXPECT_EQ(j["status"], "accepted");
  EXPECT_EQ(j["events"].size(), 4u);
  EXPECT_EQ(j["eligibility"]["verdict"], "incomplete");
  auto csv = run_cli(base + "ami applications --csv").out;
  EXPECT_NE(csv.find("accepted,2024-09-01,incomplete"), std::string::npos) << csv;
}

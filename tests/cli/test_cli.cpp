// End-to-end tests of the real `maillage` binary: exit codes, messages, the database left untouched by a
// refused import, and two processes importing at the same time.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <set>
#include <thread>

#include "core/io.hpp"
#include "helpers.hpp"

using maillage::test::json_of;
using maillage::test::run_cli;
using maillage::test::slurp;
using maillage::test::TempDir;

namespace {
std::string header =
    "id,siret,str_nom,categorie,typologie,adresse,code_postal,numcom,nomcom,url_web,facebook,twitter,instagram,"
    "ct_nom,ct_prenom,ct_courriel,ct_tel_fixe,ct_tel_mobile,x_wgs84,y_wgs84,date_sai\n";
std::string row(int i, const std::string& insee = "33063") {
  return "g" + std::to_string(i) + ",,Lieu " + std::to_string(i) + ",,Coworking,,," + insee +
         ",,,,,,,,,,,,,2024-01-01\n";
}
}  // namespace

TEST(Cli, HelpListsTheCommands) {
  auto r = run_cli("places --help");
  EXPECT_EQ(r.exit_code, 0);
  for (auto cmd : {"import", "export", "list", "show", "add", "update", "close"})
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  EXPECT_EQ(run_cli("places import --help").exit_code, 0);
}

TEST(Cli, DefaultDatabaseIsCreatedFromTheBundledData) {
  TempDir dir;
  auto r = run_cli("--db " + dir.database("m.db") + " places list --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("creating"), std::string::npos);
  EXPECT_NE(r.out.find("La Quincaillerie Num\xC3\xA9rique"), std::string::npos);
  // Same through MAILLAGE_DB, and the second run does not seed again.
  auto again = run_cli("--db " + dir.database("m.db") + " places list --department 23");
  EXPECT_EQ(again.out.find("creating"), std::string::npos);
  EXPECT_NE(again.out.find("Guéret (23)"), std::string::npos);
}

TEST(Cli, GlobalOptionsBeforeOrAfterTheCommand) {
  TempDir dir;
  auto db = dir.database("x.db"), other = dir.database("y.db");
  // After the command: the named database is the one created and read, not maillage.db.
  auto after = maillage::test::json_of("places list --db " + db + " --json");
  EXPECT_EQ(after["total"], 207);
  if (!maillage::test::on_postgresql()) EXPECT_TRUE(std::filesystem::exists(db));
  auto before = maillage::test::json_of("--db " + db + " places list --json");
  EXPECT_EQ(before["registry_revision"], after["registry_revision"]);
  EXPECT_EQ(before["total"], after["total"]);
  // An import writes into the database named at the end of the line, and only there.
  auto file = dir.write("one.csv", header + row(1));
  auto imp = run_cli("places import " + file + " --no-seed --db " + other);
  ASSERT_EQ(imp.exit_code, 0) << imp.out;
  EXPECT_EQ(maillage::test::json_of("places list --json --db " + other)["total"], 1);
  EXPECT_EQ(maillage::test::json_of("places list --json --db " + db)["total"], 207);
  // Between a command and its verb too; an unknown option is still refused.
  EXPECT_EQ(maillage::test::json_of("places --db " + other + " list --json")["total"], 1);
  auto bad = run_cli("places list --db " + db + " --bogus");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("--bogus"), std::string::npos) << bad.out;
}

TEST(Cli, BadRowFailsWithFileLineColumnAndLeavesTheDatabaseByteForByte) {
  TempDir dir;
  auto db = dir.database("m.db");
  ASSERT_EQ(run_cli("--db " + db + " places summary").exit_code, 0);
  auto before = slurp(db);
  auto file = dir.write("bad.csv", header + row(1) + row(2, "99999") + row(3));
  auto r = run_cli("--db " + db + " places import " + file);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find(file + ":3:8: numcom"), std::string::npos) << r.out;  // numcom is column 8
  EXPECT_NE(r.out.find("nothing was written"), std::string::npos) << r.out;
  EXPECT_EQ(slurp(db), before);
  EXPECT_FALSE(std::filesystem::exists(db + "-wal") && std::filesystem::file_size(db + "-wal") > 0 &&
               slurp(db) != before);
}

TEST(Cli, SkipInvalidWritesARejectsReport) {
  TempDir dir;
  auto db = dir.database("m.db");
  auto file = dir.write("mixed.csv", header + row(1) + row(2, "99999") + row(3));
  auto rejects = dir.file("rej.csv");
  auto r = run_cli("--no-seed --db " + db + " places import --skip-invalid --rejects " + rejects + " " + file);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("2 inserted"), std::string::npos) << r.out;
  EXPECT_NE(slurp(rejects).find("'99999' is not a commune"), std::string::npos);
}

TEST(Cli, AddUpdateCloseAndShow) {
  TempDir dir;
  auto db = " --no-seed --db " + dir.database("m.db");
  auto r = run_cli(db +
                   " places add --name 'Le Relais' --commune Guéret --type coworking --type fablab --opening 2018 "
                   "--fte 0.5 --set seats_dropin=4 --set 'services=wifi;pmr'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("added 23096-le-relais"), std::string::npos) << r.out;
  // Adding it again (commune given by name) is refused instead of updating it.
  auto again = run_cli(db + " places add --name 'le relais' --commune gueret");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.out.find("already exists as '23096-le-relais'"), std::string::npos) << again.out;
  r = run_cli(db + " places show 23096-le-relais");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("seats_dropin         4"), std::string::npos) << r.out;
  r = run_cli(db + " places update 23096-le-relais --fte -1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("staff cannot be negative"), std::string::npos) << r.out;
  r = run_cli(db + " places update 23096-le-relais --set staff_fte=1.5");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = run_cli(db + " places close 23096-le-relais --date 2024-01-31 --reason 'fin du bail'");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = run_cli(db + " places show 23096-le-relais --json --history");
  EXPECT_NE(r.out.find("\"closing_date\": \"2024-01-31\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fin du bail"), std::string::npos);
  EXPECT_NE(r.out.find("\"action\": \"update\""), std::string::npos);
  r = run_cli(db + " places list --open-on 2024-02-01 --json");
  EXPECT_NE(r.out.find("\"total\": 0"), std::string::npos) << r.out;
  r = run_cli(db + " places list --open-on 2023-02-01 --json");
  EXPECT_NE(r.out.find("\"total\": 1"), std::string::npos) << r.out;
  EXPECT_NE(run_cli(db + " places show nope").exit_code, 0);
}

TEST(Cli, BadFilterValuesAreExplained) {
  TempDir dir;
  auto db = " --no-seed --db " + dir.database("m.db");
  auto r = run_cli(db + " places list --type piscine");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("accepted values are coworking"), std::string::npos) << r.out;
  r = run_cli(db + " places list --department 75");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(run_cli(db + " places list --open-on 2024-02-30").exit_code, 0);
}

TEST(Cli, TwoConcurrentImportsNeverCorruptTheDatabase) {
  TempDir dir;
  auto db = dir.database("m.db");
  std::string a = header, b = header;
  for (int i = 0; i < 2000; ++i) a += row(i);
  for (int i = 2000; i < 4000; ++i) b += row(i);
  auto fa = dir.write("a.csv", a), fb = dir.write("b.csv", b);
  ASSERT_EQ(run_cli("--no-seed --db " + db + " places list").exit_code, 0);
  maillage::test::RunResult ra, rb;
  std::thread ta([&] { ra = run_cli("--db " + db + " places import " + fa); });
  std::thread tb([&] { rb = run_cli("--db " + db + " places import " + fb); });
  ta.join();
  tb.join();
  EXPECT_EQ(ra.exit_code, 0) << ra.out;
  EXPECT_EQ(rb.exit_code, 0) << rb.out;
  auto check = maillage::test::run_cli("--db " + db + " places list --json --limit 1");
  EXPECT_NE(check.out.find("\"total\": 4000"), std::string::npos) << check.out.substr(0, 300);
  EXPECT_NE(check.out.find("\"registry_revision\": 2"), std::string::npos);  // two imports, two revisions
  auto integrity = run_cli("--db " + db + " db check");
  EXPECT_NE(integrity.out.find("integrity ok, 0 broken foreign keys"), std::string::npos) << integrity.out;
}

TEST(Cli, ExportFormats) {
  TempDir dir;
  auto db = " --db " + dir.database("m.db");
  for (auto f : {"csv", "maillage", "geojson", "mednum"}) {
    auto r = run_cli(db + " places export --format " + f + " --department 23 -o " + dir.file(std::string("x.") + f));
    EXPECT_EQ(r.exit_code, 0) << f << r.out;
    EXPECT_GT(slurp(dir.file(std::string("x.") + f)).size(), 200u) << f;
  }
  EXPECT_NE(slurp(dir.file("x.geojson")).find("\"FeatureCollection\""), std::string::npos);
  EXPECT_NE(run_cli(db + " places export --format xml").exit_code, 0);
}

// Issue #14: backups with SQLite's online backup API while a writer imports; each copy is one consistent state
// (all of the import or none of it), and a restore brings the registry back to a copy exactly.
TEST(Cli, OnlineBackupDuringAnImportAndRestore) {
  SKIP_ON_POSTGRESQL("SQLite's online backup; PostgreSQL's are pg_dump and base backups (docs/deploy.md)");
  TempDir dir;
  auto db = dir.database("m.db");
  ASSERT_EQ(run_cli("--db " + db + " places summary").exit_code, 0);
  std::string rows = header;
  for (int i = 0; i < 20000; ++i) rows += row(i, i % 2 ? "33063" : "23096");
  auto file = dir.write("big.csv", rows);
  std::thread writer([&] { EXPECT_EQ(run_cli("--db " + db + " places import " + file).exit_code, 0); });
  std::set<long long> counts;
  for (int i = 0; i < 6; ++i) {
    auto copy = dir.file("copy" + std::to_string(i) + ".db");
    auto r = run_cli("--db " + db + " db backup " + copy);
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("integrity ok"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(copy + "-wal"));
    auto n = maillage::test::json_of("--db " + copy + " places summary --json")["places"].get<long long>();
    EXPECT_TRUE(n == 207 || n == 20207) << n;  // never half an import
    counts.insert(n);
  }
  writer.join();
  auto last = dir.database("last.db");
  ASSERT_EQ(run_cli("--db " + db + " db backup " + last).exit_code, 0);
  auto exported = run_cli("--db " + db + " places export --format maillage").out;
  // A change after the backup, then the restore: the registry is the copy again, byte for byte in its export.
  ASSERT_EQ(run_cli("--db " + db + " places add --name Apres --commune 23096").exit_code, 0);
  auto r = run_cli("--db " + db + " db restore " + last);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(run_cli("--db " + db + " places export --format maillage").out, exported);
  EXPECT_EQ(run_cli("--db " + db + " db check").exit_code, 0);
  // A damaged file is not restored.
  auto bad = dir.write("bad.db", "not a database at all");
  EXPECT_NE(run_cli("--db " + db + " db restore " + bad).exit_code, 0);
  EXPECT_EQ(run_cli("--db " + db + " places export --format maillage").out, exported);
}

// Issue #14: a small .csv.gz that inflates to 100 MB on one line is refused at 64 MiB, without holding it all.
TEST(Cli, CompressedImportsAreBoundedOnceInflated) {
  TempDir dir;
  auto db = dir.database("m.db");
  ASSERT_EQ(run_cli("--db " + db + " places summary").exit_code, 0);
  std::string big = header + "x,";
  big.append(100u << 20, 'a');
  auto gz = dir.write("bomb.csv.gz", maillage::io::gzip(big, 1));
  big.clear();
  big.shrink_to_fit();
  EXPECT_LT(std::filesystem::file_size(gz), 1u << 20);
  auto before = slurp(db);
  auto r = run_cli("--db " + db + " places import " + gz);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("more than 64 MiB once decompressed"), std::string::npos) << r.out;
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  EXPECT_LT(ru.ru_maxrss / 1024, 400) << "peak MiB of a child process";
  EXPECT_EQ(slurp(db), before);
}

// `db port` (issue #30): SQLite -> the backend of the run (PostgreSQL on the postgresql label, another SQLite file
// otherwise) -> SQLite gives the same rows and checksums in every table, and the same exports; a non-empty target
// is refused and left as it was.
TEST(Cli, DbPortRoundTripKeepsEverything) {
  TempDir dir;
  auto src = " --db " + dir.file("src.db") + " --graph " + dir.file("g.graph") + " ";
  auto place =
      json_of(src + "places list --department 23 --status open --json --limit 1")["items"][0]["id"].get<std::string>();
  run_cli(src + "booking hours --place " + place + " --weekday 2 --hours-of-day 09:00-18:00");
  ASSERT_EQ(run_cli(src + "booking add-resource --place " + place +
                    " --kind desk --desk-kind dropin --name Nomades --units 3 --price-day 12.5")
                .exit_code,
            0);
  for (int i = 1; i <= 3; ++i) {
    run_cli(src + "booking add-member --name M" + std::to_string(i) + " --email m" + std::to_string(i) +
            "@example.org");
    run_cli(src + "booking membership --member " + std::to_string(i) + " --place " + place);
    ASSERT_EQ(run_cli(src + "booking book --resource 1 --member " + std::to_string(i) + " --date 2027-03-02").exit_code,
              0);
  }
  ASSERT_EQ(run_cli(src + "users add --email anne@example.org --name 'Anne Lévêque' --role editor").exit_code, 0);
  ASSERT_EQ(run_cli(src + "events add --title 'Journée « tiers-lieux »' --starts 2027-04-01T09:30 --ends "
                          "2027-04-01T12:00 --commune 23096 --capacity 30")
                .exit_code,
            0);
  auto mid = dir.database("mid.db");
  auto there = run_cli(src + "db port --to " + mid);
  ASSERT_EQ(there.exit_code, 0) << there.out;
  auto back = run_cli("--db " + mid + " db port --to " + dir.file("back.db"));
  ASSERT_EQ(back.exit_code, 0) << back.out;
  // The same tables, rows and checksums both ways (the lines name the databases only in the last one).
  auto tables = [](const std::string& out) { return out.substr(0, out.rfind('\n', out.size() - 2)); };
  EXPECT_EQ(tables(there.out), tables(back.out));
  EXPECT_NE(there.out.find("places"), std::string::npos) << there.out;
  EXPECT_NE(there.out.find("bookings                             3 rows"), std::string::npos) << there.out;
  EXPECT_EQ(there.out.find("sessions "), std::string::npos) << there.out;
  auto back_db = " --db " + dir.file("back.db") + " --graph " + dir.file("g.graph") + " ";
  for (auto f : {"maillage", "geojson"}) {
    run_cli(src + "places export --format " + std::string(f) + " -o " + dir.file(std::string("a.") + f));
    run_cli(back_db + "places export --format " + std::string(f) + " -o " + dir.file(std::string("b.") + f));
    EXPECT_EQ(slurp(dir.file(std::string("a.") + f)), slurp(dir.file(std::string("b.") + f))) << f;
  }
  EXPECT_EQ(run_cli(src + "booking export --place " + place).out,
            run_cli(back_db + "booking export --place " + place).out);
  // The target now holds data: a second port into it is refused, and it is unchanged.
  auto again = run_cli(src + "db port --to " + mid);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.out.find("not empty"), std::string::npos) << again.out;
  EXPECT_EQ(json_of("--db " + mid + " places list --json --limit 1")["total"], 207);
}

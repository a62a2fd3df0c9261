#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/io.hpp"
#include "helpers.hpp"

using namespace maillage;

TEST(Csv, QuotedFieldsAndLineNumbers) {
  auto t = csv::parse("a,b,c\n1,\"x, y\",3\n\n4,\"multi\nline\",6\n7,8,9\n", "f.csv");
  ASSERT_EQ(t.header.size(), 3u);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].line, 2);
  EXPECT_EQ(t.rows[0].fields[1], "x, y");
  EXPECT_EQ(t.rows[1].line, 4);  // blank line 3 skipped
  EXPECT_EQ(t.rows[1].fields[1], "multi\nline");
  EXPECT_EQ(t.rows[2].line, 6);
}

TEST(Csv, DetectsSemicolonAndSkipsBom) {
  auto t = csv::parse("\xEF\xBB\xBFid;nom\n1;\"Caf\xC3\xA9; bar\"\n", "f.csv");
  EXPECT_EQ(t.delimiter, ';');
  EXPECT_EQ(t.header[0], "id");
  EXPECT_EQ(t.rows[0].fields[1], "Caf\xC3\xA9; bar");
}

TEST(Csv, WrongFieldCountNamesTheLine) {
  try {
    csv::parse("a,b\n1,2\n3,4,5\n", "f.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("f.csv:3: row has 3 fields but the header has 2"), std::string::npos)
        << e.what();
  }
}

TEST(Csv, UnclosedQuoteAndBadEncodingAreErrors) {
  EXPECT_THROW(csv::parse("a,b\n1,\"open\n", "f.csv"), InputError);
  try {
    csv::parse("a,b\n1,2\n3,Gu\xE9ret\n", "f.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos);
  }
}

TEST(Csv, WriterQuotesOnlyWhenNeededAndRoundTrips) {
  std::ostringstream out;
  csv::Writer w(out);
  w.row({"plain", "a,b", "say \"hi\"", "two\nlines", ""});
  EXPECT_EQ(out.str(), "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
  auto t = csv::parse("h1,h2,h3,h4,h5\n" + out.str(), "x");
  EXPECT_EQ(t.rows[0].fields[2], "say \"hi\"");
  EXPECT_EQ(t.rows[0].fields[3], "two\nlines");
}

TEST(Csv, ReadsGzipFiles) {
  test::TempDir dir;
  auto plain = dir.write("t.csv", "a,b\n1,2\n");
  ASSERT_EQ(std::system(("gzip -k " + plain).c_str()), 0);
  auto t = csv::read(plain + ".gz");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].fields[1], "2");
}

// Issue #14: spreadsheet formulas are neutralised on the way out and restored on the way in.
TEST(Csv, FormulaStartsAreNeutralisedButNumbersAreNot) {
  EXPECT_EQ(csv::neutralise_formula("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(csv::neutralise_formula("+33 5 55"), "'+33 5 55");
  EXPECT_EQ(csv::neutralise_formula("-Lab"), "'-Lab");
  EXPECT_EQ(csv::neutralise_formula("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv::neutralise_formula("\tx"), "'\tx");
  EXPECT_EQ(csv::neutralise_formula("-0.579"), "-0.579");
  EXPECT_EQ(csv::neutralise_formula("-33"), "-33");
  EXPECT_EQ(csv::neutralise_formula("Guéret"), "Guéret");
  EXPECT_EQ(csv::neutralise_formula(""), "");
  for (std::string s : {"=1+1", "-Lab", "@x", "Guéret", "-0.5", "'quoted"})
    EXPECT_EQ(csv::unneutralise_formula(csv::neutralise_formula(s)), s);
  std::ostringstream out;
  csv::Writer(out).row({"=1+1", "-0.5", "ok"});
  EXPECT_EQ(out.str(), "'=1+1,-0.5,ok\n");
  std::ostringstream raw;
  csv::Writer(raw, ',', true).row({"=1+1"});
  EXPECT_EQ(raw.str(), "=1+1\n");
}

TEST(Csv, AStrayQuoteNamesLineColumnAndField) {
  try {
    csv::parse("id,name,commune\n1,Le \"Relais\" bar,Guéret\n", "f.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 2);
    EXPECT_EQ(e.where().column, 2);
    EXPECT_EQ(e.where().field, "name");
    EXPECT_NE(std::string(e.what()).find("f.csv:2:2"), std::string::npos) << e.what();
  }
}

TEST(Csv, HugeFieldsAndLinesAreRefused) {
  EXPECT_THROW(csv::parse("a,b\n1," + std::string(2 << 20, 'x') + "\n", "f.csv"), InputError);
  // A quoted field spanning many short lines.
  std::string many = "a,b\n1,\"";
  for (int i = 0; i < 20000; ++i) many += "0123456789\n";
  EXPECT_THROW(csv::parse(many + "\"\n", "f.csv"), InputError);
}

TEST(Csv, DecompressedSizeIsBounded) {
  test::TempDir dir;
  auto path = dir.write("bomb.csv.gz", io::gzip("a,b\n1," + std::string(3 << 20, 'x') + "\n", 9));
  EXPECT_LT(std::filesystem::file_size(path), 20000u);
  try {
    csv::read(path, 1 << 20);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("more than 1 MiB once decompressed"), std::string::npos) << e.what();
  }
}

TEST(Csv, ColumnAnyCase) {
  auto t = maillage::csv::parse("IdCar_200m,Ind,lcog_geo\nx,1,33522\n", "t.csv");
  EXPECT_EQ(t.column("Idcar_200m"), -1);
  EXPECT_EQ(t.column_any_case("Idcar_200m"), 0);
  EXPECT_EQ(t.column_any_case("IND"), 1);
  EXPECT_EQ(t.column_any_case("lcog"), -1);
}

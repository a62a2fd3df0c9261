// The printed documents of the real binary, checked with the reference PDF tools (poppler-utils): pdfinfo reads
// them, pdftotext finds one chapter per department and every open place's name in the bottin, pdftoppm renders
// pages as images (kept in build/test-artifacts/publish for a person to look at).
#include <gtest/gtest.h>

#include <filesystem>

#include "helpers.hpp"
#include "seeded_db.hpp"

using maillage::test::run_cli;
using maillage::test::slurp;

namespace {

std::string sh(const std::string& cmd) { return maillage::test::run_shell(cmd); }

// Whitespace (no-break spaces included) as one space, typographic apostrophes as straight ones, a line broken
// after a hyphen joined again: names compare as the registry holds them.
std::string normal(const std::string& s) {
  std::string t;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "\u2019") == 0)
      t += '\'', i += 2;
    else if (s.compare(i, 2, "\u00A0") == 0)
      t += ' ', i += 1;
    else if (s.compare(i, 3, "\u202F") == 0)
      t += ' ', i += 2;
    else if (s[i] == '-' && i + 1 < s.size() && s[i + 1] == '\n')
      t += '-', i += 1;
    else
      t += (s[i] == '\n' || s[i] == '\t' || s[i] == '\r' || s[i] == '\f') ? ' ' : s[i];
  }
  std::string out;
  for (char c : t)
    if (!(c == ' ' && !out.empty() && out.back() == ' ')) out += c;
  return out;
}

std::string artifacts() {
  auto dir = std::string(MAILLAGE_ARTIFACTS) + "/publish";
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST(CliPublish, TheBottinHasAChapterPerDepartmentAndEveryOpenPlace) {
  maillage::test::SeededDb s;
  auto db = " --db " + s.db_path + " --graph " + s.dir.file("g.graph") + " ";
  auto pdf = s.dir.file("bottin.pdf");
  auto r = run_cli("publish bottin -o " + pdf + " --date 2026-11-30" + db);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto info = sh("pdfinfo " + pdf);
  EXPECT_NE(info.find("Page size:       594.96 x 841.92 pts (A4)"), std::string::npos) << info;
  EXPECT_NE(info.find("Title:           Bottin des tiers-lieux de Nouvelle-Aquitaine"), std::string::npos) << info;
  int pages = std::stoi(info.substr(info.find("Pages:") + 6));
  EXPECT_GE(pages, 14);  // cover, contents, 12 chapters, index
  // -raw: the order the text was drawn in (an entry's lines stay together in the two columns).
  auto text = normal(sh("pdftotext -raw -enc UTF-8 " + pdf + " -"));
  for (auto dep : {"Charente", "Charente-Maritime", "Corrèze", "Creuse", "Dordogne", "Gironde", "Landes",
                   "Lot-et-Garonne", "Pyrénées-Atlantiques", "Deux-Sèvres", "Vienne", "Haute-Vienne"})
    EXPECT_NE(text.find(dep), std::string::npos) << dep;
  EXPECT_NE(text.find("Index des communes"), std::string::npos);
  auto open = maillage::test::json_of("places list --json --limit 1000 --open-on 2026-11-30" + db);
  int missing = 0;
  for (auto& p : open["items"]) {
    auto name = normal(p["name"].get<std::string>());
    if (text.find(name) == std::string::npos) {
      ++missing;
      ADD_FAILURE() << "not in the bottin: " << name;
    }
  }
  EXPECT_EQ(open["items"].size(), 165u);
  EXPECT_EQ(missing, 0);
  // Two pages as images for the artifacts: the cover and the first chapter.
  auto dir = artifacts();
  sh("pdftoppm -r 60 -png -f 1 -l 1 " + pdf + " " + dir + "/bottin-cover");
  sh("pdftoppm -r 60 -png -f 3 -l 3 " + pdf + " " + dir + "/bottin-chapter");
  EXPECT_TRUE(std::filesystem::exists(dir + "/bottin-cover-01.png") ||
              std::filesystem::exists(dir + "/bottin-cover-1.png"));
  std::filesystem::copy_file(pdf, dir + "/bottin.pdf", std::filesystem::copy_options::overwrite_existing);
}

TEST(CliPublish, ThePanoramaHasItsFiguresChartsAndTable) {
  maillage::test::SeededDb s;
  auto db = " --db " + s.db_path + " --graph " + s.dir.file("g.graph") + " ";
  auto pdf = s.dir.file("panorama.pdf");
  auto html = s.dir.file("panorama.html");
  auto r = run_cli("publish panorama -o " + pdf + " --html " + html + " --date 2026-11-30" + db);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto info = sh("pdfinfo " + pdf);
  EXPECT_NE(info.find("(A4)"), std::string::npos) << info;
  auto text = normal(sh("pdftotext -enc UTF-8 " + pdf + " -"));
  for (auto want : {"Panorama des tiers-lieux", "165 tiers-lieux ouverts", "Tiers-lieux ouverts par département",
                    "Département par département", "L'évolution du réseau", "Méthode et sources", "Haute-Vienne"})
    EXPECT_NE(text.find(want), std::string::npos) << want;
  // French typography in the source: a narrow no-break space before %, no straight apostrophe in the text.
  auto page = slurp(html);
  EXPECT_NE(page.find("\u202F%"), std::string::npos);
  EXPECT_NE(page.find("L\u2019évolution"), std::string::npos);
  auto dir = artifacts();
  sh("pdftoppm -r 60 -png -f 2 -l 3 " + pdf + " " + dir + "/panorama");
  std::filesystem::copy_file(pdf, dir + "/panorama.pdf", std::filesystem::copy_options::overwrite_existing);
}

TEST(CliPublish, WithoutChromiumOrOutputTheErrorSaysWhatToDo) {
  maillage::test::SeededDb s;
  auto db = " --db " + s.db_path + " ";
  setenv("MAILLAGE_CHROMIUM", "/nowhere/chromium", 1);
  auto r = run_cli("publish bottin -o " + s.dir.file("x.pdf") + db);
  unsetenv("MAILLAGE_CHROMIUM");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("MAILLAGE_CHROMIUM=/nowhere/chromium: not an executable"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(s.dir.file("x.pdf")));
  auto none = run_cli("publish bottin" + db);
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.out.find("-o FILE.pdf"), std::string::npos) << none.out;
}

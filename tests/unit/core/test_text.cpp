#include <gtest/gtest.h>

#include "core/text.hpp"

using namespace maillage;

TEST(Text, FoldRemovesAccentsCaseAndPunctuation) {
  EXPECT_EQ(text::fold("Saint-Émilion"), "saint emilion");
  EXPECT_EQ(text::fold("  La Quincaillerie   Numérique! "), "la quincaillerie numerique");
  EXPECT_EQ(text::fold("Cœur de Bastide"), "coeur de bastide");
  EXPECT_EQ(text::fold("Lab'Rousse"), "lab rousse");
  EXPECT_EQ(text::fold("ÇA VA"), "ca va");
  EXPECT_EQ(text::fold(""), "");
}

TEST(Text, SplitListTrimsAndDropsEmptyItems) {
  auto v = text::split_list(" coworking ; fablab||hybride, ");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], "coworking");
  EXPECT_EQ(v[2], "hybride");
}

TEST(Text, Utf8Validation) {
  EXPECT_TRUE(text::is_valid_utf8("Gu\xC3\xA9ret"));
  EXPECT_FALSE(text::is_valid_utf8("Gu\xE9ret"));  // Latin-1 é
  EXPECT_FALSE(text::is_valid_utf8("\xC3"));       // truncated sequence
  EXPECT_TRUE(text::is_valid_utf8("\xF0\x9F\x98\x80"));
}

TEST(Text, NumbersAcceptFrenchDecimalComma) {
  double d = 0;
  EXPECT_TRUE(text::parse_double("0,5", d));
  EXPECT_DOUBLE_EQ(d, 0.5);
  EXPECT_TRUE(text::parse_double(" -0.579 ", d));
  EXPECT_DOUBLE_EQ(d, -0.579);
  EXPECT_FALSE(text::parse_double("1.5 ETP", d));
  EXPECT_FALSE(text::parse_double("", d));
  long long i = 0;
  EXPECT_TRUE(text::parse_int("12", i));
  EXPECT_FALSE(text::parse_int("12.5", i));
}

// Issue #14: every number read is finite; nan, infinities and overflows are refused.
TEST(Text, NumbersAreFinite) {
  double d = 7;
  for (auto s : {"nan", "NaN", "-nan", "inf", "-inf", "infinity", "1e999", "-1e999", "1e400"})
    EXPECT_FALSE(text::parse_double(s, d)) << s;
  EXPECT_EQ(d, 7);  // untouched
  EXPECT_TRUE(text::parse_double("1e300", d));
  EXPECT_FALSE(text::parse_double(std::string(100, '1'), d));  // absurdly long
}

TEST(Text, StrictUtf8) {
  EXPECT_FALSE(text::is_valid_utf8("\xC0\x80"));          // overlong NUL
  EXPECT_FALSE(text::is_valid_utf8("\xE0\x80\xAF"));      // overlong '/'
  EXPECT_FALSE(text::is_valid_utf8("\xED\xA0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(text::is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(text::is_valid_utf8("\xFF"));
  EXPECT_TRUE(text::is_valid_utf8("\xE2\x82\xAC \xF4\x8F\xBF\xBF"));  // € and U+10FFFF
}

TEST(Text, ControlCharactersAreRefusedWithoutRepeatingTheText) {
  EXPECT_EQ(text::text_problem("Le Relais — Guéret"), "");
  for (std::string s :
       {std::string("a\0b", 3), std::string("\x1b[31mred"), std::string("bell\a"), std::string("cr\rhere"),
        std::string("line\nbreak"), std::string("tab\there"), std::string("del\x7f"), std::string("c1 \xC2\x9B")}) {
    auto why = text::text_problem(s);
    EXPECT_NE(why, "") << s;
    EXPECT_EQ(why.find(s), std::string::npos);  // the message does not carry the text
  }
  EXPECT_NE(text::text_problem("\x1b[31m").find("U+001B"), std::string::npos);
  EXPECT_NE(text::text_problem("x\xFF"), "");
  // Multi-line fields take line breaks and tabs, never other controls.
  EXPECT_EQ(text::text_problem("one\r\ntwo\tthree", true), "");
  EXPECT_NE(text::text_problem("one\x1b", true), "");
}

TEST(Text, PrintableShowsControlsAsEscapes) {
  EXPECT_EQ(text::printable("a\x1b[2Jb"), "a\\x1b[2Jb");
  EXPECT_EQ(text::printable("Gu\xC3\xA9ret\xFF"), "Gu\xC3\xA9ret\\xff");
  EXPECT_EQ(text::printable("abcdef", 3), "abc…");
}

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

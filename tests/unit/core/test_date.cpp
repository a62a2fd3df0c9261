#include <gtest/gtest.h>

#include "core/date.hpp"

using namespace maillage;

TEST(Date, FullAndPartialIsoDates) {
  std::string why;
  EXPECT_EQ(date::parse("2021-03-15", why)->iso, "2021-03-15");
  EXPECT_EQ(date::parse("2015", why)->iso, "2015");
  EXPECT_EQ(date::parse("2015-06", why)->iso, "2015-06");
  EXPECT_FALSE(date::parse("2015", why, /*allow_partial=*/false));
}

TEST(Date, RejectsImpossibleDatesWithReason) {
  std::string why;
  EXPECT_FALSE(date::parse("2023-02-29", why));
  EXPECT_NE(why.find("day 29 does not exist"), std::string::npos) << why;
  EXPECT_TRUE(date::parse("2024-02-29", why));  // leap year
  EXPECT_FALSE(date::parse("2021-13-01", why));
  EXPECT_NE(why.find("month 13"), std::string::npos) << why;
  EXPECT_FALSE(date::parse("15/03/2021", why));
  EXPECT_NE(why.find("not an ISO date"), std::string::npos);
  EXPECT_FALSE(date::parse("2021-04-31", why));
  EXPECT_FALSE(date::parse("1700-01-01", why));
}

TEST(Date, TimeOnlyWhenAllowed) {
  std::string why;
  EXPECT_FALSE(date::parse("2019-05-14 10:22:00", why));
  auto d = date::parse("2019-05-14 10:22:00", why, true, true);
  ASSERT_TRUE(d) << why;
  EXPECT_EQ(d->iso, "2019-05-14");
  EXPECT_TRUE(date::parse("2019-05-14T10:22Z", why, true, true));
  EXPECT_FALSE(date::parse("2019-05-14T25:00", why, true, true));
}

TEST(Date, PartialDatesCompareAsTheirFirstDay) {
  EXPECT_LE(std::string("2015"), std::string("2015-01-01"));
  EXPECT_LT(std::string("2015"), std::string("2015-03-01"));
  EXPECT_GT(std::string("2016"), std::string("2015-12-31"));
}

TEST(Date, TodayCanBeFixed) {
  setenv("MAILLAGE_TODAY", "2023-06-30", 1);
  EXPECT_EQ(date::today(), "2023-06-30");
  unsetenv("MAILLAGE_TODAY");
  EXPECT_EQ(date::today().size(), 10u);
}

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/date.hpp"
#include "core/error.hpp"

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

// Today is the date in Europe/Paris, from an injected clock (no environment variable in the date code).
TEST(Date, TodayIsTheParisDateOfTheInstalledClock) {
  auto at = [](const char* utc) {
    clock::install(std::make_shared<clock::Fixed>(clock::parse_utc(utc)));
    return date::today() + " " + date::paris_now().substr(11);
  };
  EXPECT_EQ(at("2023-06-30T12:00:00Z"), "2023-06-30 14:00");  // summer: UTC+2
  EXPECT_EQ(at("2026-12-31T23:30:00Z"), "2027-01-01 00:30");  // winter: already next year in Paris
  EXPECT_EQ(at("2026-03-29T00:59:00Z"), "2026-03-29 01:59");  // the last Sunday of March, before 01:00 UTC
  EXPECT_EQ(at("2026-03-29T01:00:00Z"), "2026-03-29 03:00");  // ... and after: summer time
  EXPECT_EQ(at("2026-10-25T00:59:00Z"), "2026-10-25 02:59");  // the last Sunday of October
  EXPECT_EQ(at("2026-10-25T01:00:00Z"), "2026-10-25 02:00");  // back to winter time
  EXPECT_EQ(at("2024-02-29T22:59:00Z"), "2024-02-29 23:59");  // a leap day
  EXPECT_EQ(date::now_utc(), "2024-02-29T22:59:00Z");         // UTC stamps come from the same clock
  clock::install(nullptr);
  EXPECT_EQ(date::today().size(), 10u);
  EXPECT_THROW(clock::parse_utc("2026-02-30"), Error);
}

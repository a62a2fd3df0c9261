#pragma once
// Dates as ISO 8601 text. A date may be partial ("2015" or "2015-06") when the source only knows the year or
// the month: stored as written, it compares as text like the first day of that period, which is what the
// registry's "open at date D" rule needs ("2015" <= "2015-03-01" < "2016").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maillage::date {

struct Parsed {
  int year = 0, month = 0, day = 0;  // month/day 0 when the date is partial
  std::string iso;                   // normalised text: YYYY, YYYY-MM or YYYY-MM-DD
};

// Accepts YYYY, YYYY-MM, YYYY-MM-DD (also with a time part "YYYY-MM-DD[T ]HH:MM[:SS][Z]" when allow_time).
// Returns nullopt and fills `why` when the text is not a valid date (month 13, 31 April, 29 Feb 2023...).
std::optional<Parsed> parse(std::string_view text, std::string& why, bool allow_partial = true,
                            bool allow_time = false);
bool is_leap(int year);
int days_in_month(int year, int month);
// Today's date in Europe/Paris as YYYY-MM-DD, from the process's clock (core/clock.hpp: tests install a fixed one).
std::string today();
// The time in Europe/Paris now, "YYYY-MM-DDTHH:MM".
std::string paris_now();
// Current UTC time as YYYY-MM-DDTHH:MM:SSZ.
std::string now_utc();
// The UTC time `seconds` from now, as now_utc writes it (the texts compare in time order).
std::string utc_after(int64_t seconds);
// "HH:MM" for minutes since midnight (0 to 1440).
std::string clock_text(int minutes);
// Seconds since 1970-01-01T00:00:00Z.
int64_t unix_now();

}  // namespace maillage::date

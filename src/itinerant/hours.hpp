#pragma once
// When an itinerant place is at a stop: hours in the OpenStreetMap opening_hours syntax, parsed and evaluated by
// KOpeningHours (the KDE library behind OSM's validators), as wall-clock times (Europe/Paris hours as written). Week
// parity is the syntax's own week selector ("week 01-53/2" odd ISO weeks, "week 02-52/2" even ones). Public holidays
// ("PH off") are France's eleven legal ones (Code du travail, L3133-1), computed here: the holiday data KOpeningHours
// reads (KHolidays, region fr) lacks Easter Monday and Whit Monday, so every PH rule is repeated for the computed dates
// of the years evaluated.
#include <string>
#include <string_view>
#include <vector>

namespace maillage::itinerant {

// "" when the expression is valid; else the parser's reason, in words.
std::string hours_error(std::string_view expr);

// The expression as the library writes it: the parser accepts common variants ("Ve 8h-12h" is "Fr 08:00-12:00"),
// and the registry stores the normalised form. Throws maillage::Error on an invalid expression.
std::string normalized_hours(std::string_view expr);

// One window at a stop: a day (ISO date) and minutes from local midnight, [start, end).
struct Slot {
  std::string date;
  int weekday = 0;  // 0 = Monday ... 6 = Sunday
  int start = 0, end = 0;
  double hours() const { return (end - start) / 60.0; }
};
// The open windows of a (valid) expression in the `days` days from `from` (YYYY-MM-DD), day by day (a window
// over midnight is cut there). Throws maillage::Error on an invalid expression.
std::vector<Slot> open_slots(std::string_view expr, const std::string& from, int days);

// France's legal public holidays of a year (metropolitan, Alsace-Moselle's two extra days aside), ISO, ascending.
std::vector<std::string> french_holidays(int year);

// Parity of a week in the sources' words: "Semaine impaire" -> 1, "Semaine paire" -> 2, "" or "toutes" -> 0;
// -1 for anything else.
int week_parity(std::string_view words);
// The expression restricted to odd (1) or even (2) ISO weeks: each rule that is not a holiday rule gets the week
// selector; parity 0 returns it unchanged.
std::string with_week_parity(std::string_view expr, int parity);

// Date helpers (proleptic Gregorian): the day `n` days after an ISO date, its weekday (0 = Monday), its ISO week
// and the Monday of the ISO week holding it.
std::string add_days(const std::string& iso, int n);
int weekday_of(const std::string& iso);
int iso_week(const std::string& iso);
std::string monday_of(const std::string& iso);
// Minutes since midnight now on the Paris wall clock (daylight saving included): where "the next passage" starts.
int minute_now_in_paris();
// Whole days from one ISO date to another (negative when `to` comes first).
int days_between(const std::string& from, const std::string& to);
// "Mo".."Su" and "lundi".."dimanche".
std::string_view day_code(int weekday);
std::string_view day_name_fr(int weekday);

}  // namespace maillage::itinerant

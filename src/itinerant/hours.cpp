#include "itinerant/hours.hpp"

#include <chrono>

#include <KOpeningHours/Interval>
#include <KOpeningHours/OpeningHours>
#include <QDateTime>
#include <QTimeZone>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace maillage::itinerant {
namespace chr = std::chrono;
namespace {

chr::sys_days parse_day(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(iso.c_str(), "%d-%d-%d", &y, &m, &d) != 3) throw Error("not a date (YYYY-MM-DD): " + iso);
  chr::year_month_day ymd{chr::year{y}, chr::month{static_cast<unsigned>(m)}, chr::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) throw Error("not a date (YYYY-MM-DD): " + iso);
  return chr::sys_days{ymd};
}

std::string to_iso(chr::sys_days d) {
  chr::year_month_day ymd{d};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

const char* error_words(KOpeningHours::OpeningHours::Error e) {
  using OH = KOpeningHours::OpeningHours;
  switch (e) {
    case OH::Null: return "empty expression";
    case OH::NoError: return "";
    case OH::SyntaxError: return "syntax error (not the opening_hours syntax, e.g. 'Mo 09:30-12:30; PH off')";
    case OH::MissingRegion: return "refers to holidays the library cannot resolve";
    case OH::MissingLocation: return "needs a position (sunrise/sunset times)";
    case OH::IncompatibleMode: return "describes points in time, not time ranges";
    case OH::UnsupportedFeature: return "uses a feature the parser does not support";
    case OH::EvaluationError: return "cannot be evaluated";
  }
  return "invalid";
}

std::vector<Slot> slots_of(const KOpeningHours::OpeningHours& oh, const std::string& from, int days);

KOpeningHours::OpeningHours make(std::string_view expr) {
  KOpeningHours::OpeningHours oh(expr.data(), expr.size());
  oh.setRegion(QStringLiteral("fr"));
  // Wall-clock times: evaluated in UTC (no daylight-saving jumps), read back as the local hours they name.
  oh.setTimeZone(QTimeZone::utc());
  oh.setLocation(45.5f, 0.0f);  // Nouvelle-Aquitaine: only sunrise/sunset rules would use it
  return oh;
}

// Rules split at ';' outside quoted comments.
std::vector<std::string> rules_of(std::string_view expr) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : expr) {
    if (c == '"') quoted = !quoted;
    if (c == ';' && !quoted) {
      out.push_back(std::string(text::trim(cur)));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!std::string(text::trim(cur)).empty()) out.push_back(std::string(text::trim(cur)));
  return out;
}

bool is_holiday_token(std::string_view token) {
  for (auto& part : text::split_list(token, ","))
    if (part == "PH") return true;
  return false;
}

// Each rule naming PH repeated for the computed holidays of the years [y0, y1]: "2026 Apr 06,2026 May 25 off".
std::string with_french_holidays(std::string_view expr, int y0, int y1) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string dates;
  for (int y = y0; y <= y1; ++y)
    for (auto& h : french_holidays(y)) {
      if (!dates.empty()) dates += ',';
      dates += fmt::format("{} {} {}", y, months[std::stoi(h.substr(5, 2)) - 1], h.substr(8, 2));
    }
  std::string out(expr);
  for (auto& rule : rules_of(expr)) {
    auto words = text::split_list(rule, " ");
    for (size_t i = 0; i < words.size(); ++i) {
      if (!is_holiday_token(words[i])) continue;
      std::string extra = dates;
      for (size_t j = i + 1; j < words.size(); ++j) extra += " " + words[j];
      out += "; " + extra;
      break;
    }
  }
  return out;
}

}  // namespace

std::string hours_error(std::string_view expr) {
  if (text::trim(expr).empty()) return "empty expression";
  if (expr.size() > 2000) return "longer than 2000 characters";
  auto oh = make(expr);
  if (oh.error() != KOpeningHours::OpeningHours::NoError) return error_words(oh.error());
  // The holiday rules are evaluated through their rewriting: check it parses too.
  auto again = make(with_french_holidays(expr, 2026, 2026));
  if (again.error() != KOpeningHours::OpeningHours::NoError)
    return "holiday rules (PH) must stand as a day selector, e.g. 'PH off'";
  try {  // it must also evaluate: a week of windows, with progress
    (void)slots_of(again, "2026-06-01", 7);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

namespace {
// The open windows of a compiled expression; Error when the library makes no progress (KOpeningHours 22.12 returns
// empty intervals forever for "24:00-24:00") or when the windows exceed 200 a day.
std::vector<Slot> slots_of(const KOpeningHours::OpeningHours& oh, const std::string& from, int days) {
  QTimeZone tz = QTimeZone::utc();
  QDate d0 = QDate::fromString(QString::fromStdString(from), Qt::ISODate);
  QDateTime begin(d0, QTime(0, 0), tz), end(d0.addDays(days), QTime(0, 0), tz);
  std::vector<Slot> out;
  auto iv = oh.interval(begin);
  const int max_steps = 200 * std::max(days, 1);
  QDateTime last = begin;
  for (int step = 0; iv.isValid(); ++step) {
    if (step > max_steps) throw Error("more than 200 windows a day: not a timetable");
    if (iv.hasOpenBegin() == false && iv.begin().isValid() && iv.begin() >= end) break;
    if (iv.state() == KOpeningHours::Interval::Open) {
      QDateTime a = iv.begin().isValid() && iv.begin() > begin ? iv.begin().toTimeZone(tz) : begin;
      QDateTime b = iv.hasOpenEnd() || !iv.end().isValid() || iv.end() > end ? end : iv.end().toTimeZone(tz);
      while (a < b) {  // day by day
        QDateTime midnight(a.date().addDays(1), QTime(0, 0), tz);
        QDateTime stop = std::min(b, midnight);
        Slot s;
        s.date = a.date().toString(Qt::ISODate).toStdString();
        s.weekday = a.date().dayOfWeek() - 1;
        s.start = a.time().hour() * 60 + a.time().minute();
        s.end = stop == midnight ? 24 * 60 : stop.time().hour() * 60 + stop.time().minute();
        if (s.end > s.start) out.push_back(s);
        a = stop;
      }
    }
    if (iv.hasOpenEnd() || !iv.end().isValid() || iv.end() >= end) break;
    if (iv.end() <= last) throw Error("cannot be evaluated: the parser's intervals make no progress");
    last = iv.end();
    iv = oh.nextInterval(iv);
  }
  return out;
}
}  // namespace

std::vector<Slot> open_slots(std::string_view expr, const std::string& from, int days) {
  if (auto why = hours_error(expr); !why.empty()) throw Error(fmt::format("hours '{}': {}", expr, why));
  auto first = parse_day(from);
  int y0 = static_cast<int>(chr::year_month_day{first}.year());
  int y1 = static_cast<int>(chr::year_month_day{first + chr::days{days}}.year());
  return slots_of(make(with_french_holidays(expr, y0, y1)), from, days);
}

std::string normalized_hours(std::string_view expr) {
  if (auto why = hours_error(expr); !why.empty()) throw Error(fmt::format("hours '{}': {}", expr, why));
  return make(expr).normalizedExpression().toStdString();
}

std::vector<std::string> french_holidays(int year) {
  // Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
  int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451, month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  auto easter =
      chr::sys_days{chr::year{year} / chr::month{static_cast<unsigned>(month)} / chr::day{static_cast<unsigned>(day)}};
  auto fixed = [&](int mo, int da) { return fmt::format("{:04}-{:02}-{:02}", year, mo, da); };
  std::vector<std::string> v = {fixed(1, 1),
                                to_iso(easter + chr::days{1}),
                                fixed(5, 1),
                                fixed(5, 8),
                                to_iso(easter + chr::days{39}),
                                to_iso(easter + chr::days{50}),
                                fixed(7, 14),
                                fixed(8, 15),
                                fixed(11, 1),
                                fixed(11, 11),
                                fixed(12, 25)};
  std::sort(v.begin(), v.end());
  return v;
}

int week_parity(std::string_view words) {
  auto f = text::fold(words);
  if (f.empty() || f == "toutes" || f == "toutes les semaines" || f == "chaque semaine") return 0;
  if (f == "semaine impaire" || f == "semaines impaires" || f == "impaire" || f == "odd") return 1;
  if (f == "semaine paire" || f == "semaines paires" || f == "paire" || f == "even") return 2;
  return -1;
}

std::string with_week_parity(std::string_view expr, int parity) {
  if (parity == 0) return std::string(expr);
  const char* sel = parity == 1 ? "week 01-53/2 " : "week 02-52/2 ";
  std::string out;
  for (auto& rule : rules_of(expr)) {
    if (!out.empty()) out += "; ";
    auto words = text::split_list(rule, " ");
    bool holiday = !words.empty() && is_holiday_token(words[0]);
    out += (holiday || rule.starts_with("week ") ? "" : sel) + rule;
  }
  return out;
}

std::string add_days(const std::string& iso, int n) { return to_iso(parse_day(iso) + chr::days{n}); }
int weekday_of(const std::string& iso) { return static_cast<int>(chr::weekday{parse_day(iso)}.iso_encoding()) - 1; }
int iso_week(const std::string& iso) {
  return QDate::fromString(QString::fromStdString(iso), Qt::ISODate).weekNumber();
}
std::string monday_of(const std::string& iso) { return add_days(iso, -weekday_of(iso)); }
int days_between(const std::string& from, const std::string& to) {
  return static_cast<int>((parse_day(to) - parse_day(from)).count());
}
int minute_now_in_paris() {
  auto t = QDateTime::currentDateTimeUtc().toTimeZone(QTimeZone("Europe/Paris")).time();
  return t.hour() * 60 + t.minute();
}
std::string_view day_code(int weekday) {
  static const char* v[] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
  return v[weekday];
}
std::string_view day_name_fr(int weekday) {
  static const char* v[] = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"};
  return v[weekday];
}

}  // namespace maillage::itinerant

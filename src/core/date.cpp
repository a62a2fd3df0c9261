#include "core/clock.hpp"
#include "core/date.hpp"

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "core/text.hpp"

namespace maillage::date {

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

namespace {
bool digits_at(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  auto part = s.substr(pos, n);
  if (!text::all_digits(part)) return false;
  out = 0;
  for (char c : part) out = out * 10 + (c - '0');
  return true;
}
}  // namespace

std::optional<Parsed> parse(std::string_view s, std::string& why, bool allow_partial, bool allow_time) {
  s = text::trim(s);
  Parsed p;
  const char* expected =
      allow_partial ? "expected YYYY-MM-DD (or YYYY-MM, YYYY when only those are known)" : "expected YYYY-MM-DD";
  if (!digits_at(s, 0, 4, p.year)) {
    why = fmt::format("'{}' is not an ISO date: {}", s, expected);
    return std::nullopt;
  }
  size_t end = 4;
  if (s.size() > 4) {
    if (s[4] != '-' || !digits_at(s, 5, 2, p.month)) {
      why = fmt::format("'{}' is not an ISO date: {}", s, expected);
      return std::nullopt;
    }
    end = 7;
    if (s.size() > 7) {
      if (s[7] != '-' || !digits_at(s, 8, 2, p.day)) {
        why = fmt::format("'{}' is not an ISO date: {}", s, expected);
        return std::nullopt;
      }
      end = 10;
    }
  }
  if (end < s.size()) {
    int hh = 0, mm = 0, ss = 0;
    auto rest = s.substr(end);
    bool ok = allow_time && end == 10 && rest.size() >= 6 && (rest[0] == 'T' || rest[0] == ' ') &&
              digits_at(rest, 1, 2, hh) && rest[3] == ':' && digits_at(rest, 4, 2, mm) && hh < 24 && mm < 60;
    size_t k = 6;
    if (ok && rest.size() > k && rest[k] == ':') {
      ok = digits_at(rest, k + 1, 2, ss) && ss < 61;
      k += 3;
    }
    if (ok && rest.size() > k) ok = rest.substr(k) == "Z" || rest.substr(k) == "+00:00";
    if (!ok) {
      why = fmt::format("'{}' is not an ISO date: {}", s, expected);
      return std::nullopt;
    }
  }
  if (p.year < 1800 || p.year > 2200) {
    why = fmt::format("'{}': year {} is out of range (1800-2200)", s, p.year);
    return std::nullopt;
  }
  if (end >= 7 && (p.month < 1 || p.month > 12)) {
    why = fmt::format("'{}': month {} does not exist", s, p.month);
    return std::nullopt;
  }
  if (end == 10 && (p.day < 1 || p.day > days_in_month(p.year, p.month))) {
    why = fmt::format("'{}': day {} does not exist in {:04}-{:02}", s, p.day, p.year, p.month);
    return std::nullopt;
  }
  if (!allow_partial && end < 10) {
    why = fmt::format("'{}' is not a full date: {}", s, expected);
    return std::nullopt;
  }
  p.iso = std::string(s.substr(0, end));
  return p;
}

std::string clock_text(int minutes) { return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60); }

std::string paris_now() {
  auto now = std::chrono::floor<std::chrono::minutes>(clock::now());
  auto local = now + std::chrono::minutes(clock::paris_offset_minutes(now));
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{local - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), hms.hours().count(), hms.minutes().count());
}

std::string today() { return paris_now().substr(0, 10); }

std::string now_utc() { return utc_after(0); }

int64_t unix_now() { return std::chrono::duration_cast<std::chrono::seconds>(clock::now().time_since_epoch()).count(); }

std::string utc_after(int64_t seconds) {
  auto now = std::chrono::floor<std::chrono::seconds>(clock::now()) + std::chrono::seconds(seconds);
  auto day = std::chrono::floor<std::chrono::days>(now);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{now - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

}  // namespace maillage::date

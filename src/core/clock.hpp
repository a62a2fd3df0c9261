#pragma once
// The one source of "now" for the whole process (issue #29): the system clock, unless a test installs another
// (a fixed instant, or a shift) through an injected interface instead of an environment variable read in the date
// code. "Today" is the date in Europe/Paris, where the network works: at 23:30 UTC on 31 December it is already
// 1 January there.
#include <chrono>
#include <memory>
#include <string>

namespace maillage::clock {

using TimePoint = std::chrono::system_clock::time_point;

class Source {
 public:
  virtual ~Source() = default;
  virtual TimePoint now() const = 0;
};

// The instant now (UTC), from the installed source.
TimePoint now();
// Installs a source for the whole process (tests); null restores the system clock.
void install(std::shared_ptr<const Source> source);

// A source that always answers the same instant (tests).
class Fixed : public Source {
 public:
  explicit Fixed(TimePoint t) : t_(t) {}
  TimePoint now() const override { return t_; }

 private:
  TimePoint t_;
};
// The instant of an ISO date and time in UTC ("2026-12-31T23:30:00Z" or "2026-12-31"); Error when not one.
TimePoint parse_utc(const std::string& iso);

// Europe/Paris offset from UTC at `t` in minutes: 60 (CET), or 120 (CEST) from the last Sunday of March 01:00 UTC
// to the last Sunday of October 01:00 UTC (EU rule since 1996, directive 2000/84/EC).
int paris_offset_minutes(TimePoint t);

}  // namespace maillage::clock

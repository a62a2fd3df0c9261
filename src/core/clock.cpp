#include "core/clock.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "core/error.hpp"

namespace maillage::clock {

namespace {
std::mutex mu;
std::shared_ptr<const Source> installed;  // guarded by mu; null: the system clock
std::atomic<bool> any{false};             // so that the common path takes no lock

using namespace std::chrono;

// The last Sunday of `month` (March, October) of `y` at 01:00 UTC.
TimePoint last_sunday_1h(int y, unsigned month) {
  sys_days end{year{y} / month / std::chrono::last};
  sys_days sunday = end - days{weekday{end}.c_encoding()};  // Sunday is 0
  return sunday + hours{1};
}
}  // namespace

TimePoint now() {
  if (!any.load(std::memory_order_acquire)) return std::chrono::system_clock::now();
  std::lock_guard l(mu);
  return installed ? installed->now() : std::chrono::system_clock::now();
}

void install(std::shared_ptr<const Source> source) {
  std::lock_guard l(mu);
  installed = std::move(source);
  any.store(installed != nullptr, std::memory_order_release);
}

TimePoint parse_utc(const std::string& iso) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int n = std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s);
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (n < 3 || !ymd.ok() || h > 23 || mi > 59 || s > 60) throw Error("not an ISO date and time: " + iso);
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
}

int paris_offset_minutes(TimePoint t) {
  int y = static_cast<int>(year_month_day{floor<days>(t)}.year());
  return t >= last_sunday_1h(y, 3) && t < last_sunday_1h(y, 10) ? 120 : 60;
}

}  // namespace maillage::clock

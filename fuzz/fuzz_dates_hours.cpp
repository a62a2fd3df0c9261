// Dates (full, partial, with a time), opening hours ("09:00-12:30,14:00-18:00"; and the itinerant stops' opening_hours
// syntax), numbers and the text rules.
// Properties: a parsed date re-parses to itself; printable text is valid UTF-8 without control characters; a
// parsed number is finite.
#include <cmath>
#include <string>

#include "booking/booking.hpp"
#include "itinerant/hours.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "fuzz_common.hpp"

using namespace maillage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto s = fuzz::as_text(data, size);
  for (int flags = 0; flags < 4; ++flags) {
    std::string why;
    auto d = date::parse(s, why, flags & 1, flags & 2);
    if (d) {
      std::string why2;
      auto again = date::parse(d->iso, why2, true, false);
      if (!again || again->iso != d->iso) __builtin_trap();
    } else if (why.empty()) {
      __builtin_trap();  // a refusal says why
    }
  }
  try {
    auto iv = booking::parse_intervals(std::string(s));
    for (auto& i : iv)
      if (i.opens.size() != 5 || i.closes.size() != 5 || !(i.opens < i.closes)) __builtin_trap();
  } catch (const Error&) {}
  // Itinerant stops' hours (opening_hours through KOpeningHours, with the computed French holidays): a valid
  // expression evaluates over a fortnight to windows inside their day, in order; an invalid one says why.
  if (size <= 200) {
    auto why = itinerant::hours_error(s);
    if (why.empty()) {
      for (auto& w : itinerant::open_slots(s, "2026-04-06", 14))
        if (w.start < 0 || w.end > 24 * 60 || w.start >= w.end || w.weekday < 0 || w.weekday > 6) __builtin_trap();
      (void)itinerant::with_week_parity(s, 1);
    }
  }
  double v = 0;
  if (text::parse_double(s, v) && !std::isfinite(v)) __builtin_trap();
  auto shown = text::printable(s, 1000);
  if (!text::text_problem(shown).empty()) __builtin_trap();
  (void)text::fold(s);
  (void)text::split_list(s);
  return 0;
}

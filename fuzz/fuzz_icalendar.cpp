// iCalendar export round trip: a resource and a member named by the input, a booking, the member's feed parsed
// by libical — it must parse without errors and give the resource's name back in the event's summary.
#include <libical/ical.h>

#include <fmt/format.h>

#include "booking/booking.hpp"
#include "core/date.hpp"
#include "core/text.hpp"
#include "fuzz_common.hpp"

using namespace maillage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto& store = fuzz::seeded_store();
  static const std::string place = store.list({}).at(0).id;
  static int64_t member = [] {
    booking::Bookings b(store.db());
    for (int d = 1; d <= 7; ++d) b.set_hours(place, d, {{"00:00", "24:00"}});
    auto m = b.add_member("Membre", "ical@example.org");
    b.add_membership(m, place, "", 0);
    return m;
  }();
  static int serial = 0;
  auto text = std::string(fuzz::as_text(data, size));
  booking::Bookings b(store.db());
  booking::Resource r;
  r.place_id = place, r.kind = "room", r.units = 1, r.people = 4;
  r.name = text + " #" + std::to_string(++serial);  // unique
  int64_t id = 0;
  try {
    id = b.add_resource(r);
  } catch (const Error&) {
    return 0;  // a name the rules refuse (control characters, too long)
  }
  booking::Request q;
  q.resource_id = id, q.member_id = member, q.unit = booking::Unit::Day, q.actor = "fuzz";
  q.date = fmt::format("2030-01-{:02}", serial % 28 + 1);
  b.book(q);
  auto feed = b.icalendar_resource(id);
  icalcomponent* cal = icalparser_parse_string(feed.c_str());
  if (!cal || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT || icalcomponent_count_errors(cal) != 0)
    __builtin_trap();
  icalcomponent* ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
  if (!ev) __builtin_trap();
  std::string summary = icalcomponent_get_summary(ev) ? icalcomponent_get_summary(ev) : "";
  // The name comes back unchanged (names are stored trimmed, as the registry's).
  if (summary.find(std::string(text::trim(r.name))) == std::string::npos) __builtin_trap();
  icalcomponent_free(cal);
  return 0;
}

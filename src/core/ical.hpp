#pragma once
// iCalendar (RFC 5545) for the feeds (and its text rules, which vCard shares) Maillage publishes (bookings, events): a
// calendar in Europe/Paris time with its VTIMEZONE, events with escaped text and lines folded at 75 octets (never
// inside a UTF-8 sequence).
#include <string>

namespace maillage::ical {

struct Event {
  std::string uid;           // unique and stable: "booking-12@maillage"
  std::string starts, ends;  // local time in Europe/Paris, "YYYY-MM-DDTHH:MM"
  std::string summary, location, description, url;
  std::string status;  // CONFIRMED, TENTATIVE, CANCELLED
};

// RFC 5545 3.3.11 text escaping (\\ ; , and line breaks), the same for vCard (RFC 6350 3.4).
std::string escape_text(const std::string& s);
// Appends one content line, folded at 75 octets (RFC 5545 3.1, RFC 6350 3.2), never inside a UTF-8 sequence.
void append_line(std::string& out, const std::string& line);

class Calendar {
 public:
  explicit Calendar(const std::string& name);
  void add(const Event& e);
  std::string finish();

 private:
  std::string out_, dtstamp_;
};

}  // namespace maillage::ical

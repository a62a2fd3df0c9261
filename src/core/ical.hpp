#pragma once
// iCalendar (RFC 5545) for the feeds Maillage publishes (bookings, events): a calendar in Europe/Paris time with
// its VTIMEZONE, events with escaped text and lines folded at 75 octets (never inside a UTF-8 sequence).
#include <string>

namespace maillage::ical {

struct Event {
  std::string uid;            // unique and stable: "booking-12@maillage"
  std::string starts, ends;   // local time in Europe/Paris, "YYYY-MM-DDTHH:MM"
  std::string summary, location, description, url;
  std::string status;         // CONFIRMED, TENTATIVE, CANCELLED
};

class Calendar {
 public:
  explicit Calendar(const std::string& name);
  void add(const Event& e);
  std::string finish();

 private:
  std::string out_, dtstamp_;
};

}  // namespace maillage::ical

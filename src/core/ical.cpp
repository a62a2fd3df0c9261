#include "core/ical.hpp"

#include "core/date.hpp"

namespace maillage::ical {

namespace {
std::string ical_time(const std::string& s) {  // 2026-03-02T09:00 -> 20260302T090000
  return s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2) + "T" + s.substr(11, 2) + s.substr(14, 2) + "00";
}
}  // namespace

std::string escape_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ';' || c == ',')
      out += '\\', out += c;
    else if (c == '\n')
      out += "\\n";
    else if (c != '\r')
      out += c;
  }
  return out;
}

void append_line(std::string& out, const std::string& l) {
  size_t pos = 0, width = 75;
  while (l.size() - pos > width) {
    size_t cut = pos + width;
    while (cut > pos && (static_cast<unsigned char>(l[cut]) & 0xC0) == 0x80) --cut;
    out += l.substr(pos, cut - pos) + "\r\n ";
    pos = cut, width = 74;
  }
  out += l.substr(pos) + "\r\n";
}

Calendar::Calendar(const std::string& name) {
  append_line(out_, "BEGIN:VCALENDAR");
  append_line(out_, "VERSION:2.0");
  append_line(out_, "PRODID:-//Maillage//Tiers-lieux Nouvelle-Aquitaine//FR");
  append_line(out_, "CALSCALE:GREGORIAN");
  append_line(out_, "X-WR-CALNAME:" + escape_text(name));
  // Europe/Paris: CET/CEST with the EU rules (last Sunday of March and October).
  for (auto& l : {"BEGIN:VTIMEZONE", "TZID:Europe/Paris", "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
                  "TZNAME:CEST", "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
                  "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19701025T030000",
                  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD", "END:VTIMEZONE"})
    append_line(out_, l);
  std::string now = date::now_utc();
  dtstamp_ = now.substr(0, 4) + now.substr(5, 2) + now.substr(8, 2) + "T" + now.substr(11, 2) + now.substr(14, 2) +
             now.substr(17, 2) + "Z";
}

void Calendar::add(const Event& e) {
  append_line(out_, "BEGIN:VEVENT");
  append_line(out_, "UID:" + e.uid);
  append_line(out_, "DTSTAMP:" + dtstamp_);
  append_line(out_, "DTSTART;TZID=Europe/Paris:" + ical_time(e.starts));
  append_line(out_, "DTEND;TZID=Europe/Paris:" + ical_time(e.ends));
  append_line(out_, "SUMMARY:" + escape_text(e.summary));
  if (!e.location.empty()) append_line(out_, "LOCATION:" + escape_text(e.location));
  if (!e.description.empty()) append_line(out_, "DESCRIPTION:" + escape_text(e.description));
  if (!e.url.empty()) append_line(out_, "URL:" + e.url);
  if (!e.status.empty()) append_line(out_, "STATUS:" + e.status);
  append_line(out_, "END:VEVENT");
}

std::string Calendar::finish() {
  append_line(out_, "END:VCALENDAR");
  return out_;
}

}  // namespace maillage::ical

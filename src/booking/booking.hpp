#pragma once
// Booking of the places' desks, rooms and machines, by the hour, half-day, day or month, in the registry's SQLite
// file (migration 4). Times are local (Europe/Paris) "YYYY-MM-DDTHH:MM".
//
// Never overbooked: a booking is checked and written inside one BEGIN IMMEDIATE transaction (the database write
// lock is taken first, so two writers — threads or processes — queue instead of both reading the same free
// seats); the check is the maximum number of units in use at any instant of the requested interval, plus the
// request, against the resource's units. Requested and confirmed bookings hold their units. A killed process
// leaves no half-written booking: SQLite rolls the unfinished transaction back.
//
// Rules: within the place's opening hours and not on a closure day (hour: whole hours inside one opening
// interval; half-day: the morning (opening to 13:00) or the afternoon (13:00 to closing); day: the whole opening
// day; month: the calendar month, on a place with opening hours); the member has a membership at the place; a
// machine that needs training needs a training record valid on the day; a member may cancel until the resource's
// `cancel_hours` before the start, a manager always; no-show only once the booking has started. Prices (unit
// price, plan, discount) are copied into the booking when it is made.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "db/db.hpp"

namespace maillage::booking {

// Now in Europe/Paris as YYYY-MM-DDTHH:MM (CET, CEST between the last Sundays of March and October, 01:00 UTC).
std::string local_now();

// Refusals that depend on the state (full, closed, too late to cancel...): the API maps them to 409.
// A booking or a set-up the state of things refuses (full, closed, not a member, the wrong status...).
class Conflict : public Error {
 public:
  explicit Conflict(const std::string& message, Errc code = Errc::conflict) : Error(code, message) {}
};

struct Interval {
  std::string opens, closes;  // HH:MM
};
// "09:00-12:30,14:00-18:00" (empty: closed that day); InputError (field "hours") naming what is wrong. The times
// are checked here (HH:MM, within the day, each interval closing after it opens, no overlap).
std::vector<Interval> parse_intervals(const std::string& text);
struct Resource {
  int64_t id = 0;
  std::string place_id, kind, desk_kind, name;  // kind: desk, room, machine; desk_kind: permanent, dropin, training
  int units = 1;
  std::optional<int> people;
  bool training_required = false, auto_confirm = true;
  std::optional<double> price_hour, price_half_day, price_day, price_month;
  int cancel_hours = 24;
  nlohmann::json to_json() const;
};
struct Member {
  int64_t id = 0;
  std::string name, email;
};
// A booking's status and unit are enums (issue #29), stored and written as their keys.
enum class Status { Requested, Confirmed, Cancelled, NoShow };
enum class Unit { Hour, HalfDay, Day, Month };
std::string_view key(Status s);          // requested, confirmed, cancelled, no_show
std::string_view key(Unit u);            // hour, half_day, day, month
Status status_of(std::string_view key);  // InputError naming "status" when unknown
Unit unit_of(std::string_view key);      // InputError naming "unit" when unknown

struct Booking {
  int64_t id = 0, resource_id = 0, member_id = 0;
  Unit unit = Unit::Day;
  Status status = Status::Requested;
  std::string starts, ends, plan, recorded_by, channel, created_at;
  double quantity = 0, discount_pct = 0;
  std::optional<double> unit_price, amount;
  int64_t series_id = 0;                // the first booking of its weekly series, 0 when alone
  std::string place_id, resource_name;  // joined, for display
  nlohmann::json to_json() const;
};

// A JSON array of bookings.
nlohmann::json to_json(const std::vector<Booking>& bookings);

// What to book. hour: date + start "HH:MM" + hours; half_day: date + half ("am" or "pm"); day: date; month:
// month "YYYY-MM".
struct Request {
  int64_t resource_id = 0, member_id = 0;
  Unit unit = Unit::Day;
  std::string date, start, half, month;
  int hours = 1;
  std::string actor;       // who asks (member:ID or manager:...), kept in the events
  bool on_behalf = false;  // a manager records it for the member (phone, e-mail): `channel` says how
  std::string channel = "self";
  int weeks = 1;  // weekly occurrences (1 to 52) of an hour, half-day or day booking: a series
};

class Bookings {
 public:
  explicit Bookings(db::Database& db) : db_(db) {}

  // ---- set-up (managers) ----
  void set_hours(const std::string& place_id, int weekday, const std::vector<Interval>& intervals);
  std::vector<std::vector<Interval>> hours(const std::string& place_id);  // [0] Monday ... [6] Sunday
  void add_closure(const std::string& place_id, const std::string& day, const std::string& reason);
  int64_t add_resource(const Resource& r);
  Resource resource(int64_t id);  // NotFound
  std::vector<Resource> resources(const std::string& place_id = "");
  int64_t add_member(const std::string& name, const std::string& email);
  Member member(int64_t id);  // NotFound
  void add_membership(int64_t member_id, const std::string& place_id, const std::string& plan = "standard",
                      double discount_pct = 0);
  void record_training(int64_t member_id, int64_t resource_id, const std::string& valid_until, const std::string& by);

  // ---- bookings ----
  // The interval a request covers (checked against the opening hours); InputError for a malformed request,
  // Conflict when the place is closed then.
  std::pair<std::string, std::string> interval(const Request& r, double* quantity = nullptr);
  // One transaction; Conflict when full, closed, not a member, untrained. With `weeks` > 1, every weekly
  // occurrence is checked and written in that same transaction: all of them or none (the refusal names the
  // week); they share the series id. Returns the bookings made, in date order.
  std::vector<Booking> book_series(const Request& r);
  Booking book(const Request& r);  // one booking (InputError when r.weeks != 1)
  Booking get(int64_t id);
  void confirm(int64_t id, const std::string& actor);
  // `now` (local time) decides whether a member may still cancel.
  void cancel(int64_t id, const std::string& actor, bool manager, const std::string& now, const std::string& reason);
  // This booking and the later active ones of its series, under the same rule (a later occurrence starts later,
  // so whoever may cancel this one may cancel them). Returns the bookings cancelled, in date order.
  std::vector<Booking> cancel_series(int64_t id, const std::string& actor, bool manager, const std::string& now,
                                     const std::string& reason);
  void no_show(int64_t id, const std::string& actor, const std::string& now);
  std::vector<Booking> list(int64_t member_id, const std::string& place_id, const std::string& from,
                            const std::string& to);
  // Units still free for the whole interval (the resource's units minus the most in use at once).
  int free_units(int64_t resource_id, const std::string& starts, const std::string& ends);

  // ---- outputs ----
  // RFC 5545 calendar of a resource's or a member's active bookings (TZID Europe/Paris).
  std::string icalendar_resource(int64_t resource_id);
  std::string icalendar_member(int64_t member_id);
  void export_csv(const std::vector<Booking>& bookings, std::ostream& out);  // for the accountant

 private:
  void cancel_one(const Booking& b, const std::string& actor, bool manager, const std::string& now,
                  const std::string& reason);
  int in_use(int64_t resource_id, const std::string& starts, const std::string& ends, int64_t except = 0);
  void event(int64_t id, const std::string& actor, std::string_view from, std::string_view to,
             const std::string& reason);
  std::string icalendar(const std::vector<Booking>& bookings, const std::string& name);
  db::Database& db_;
};

// ---- occupancy ----
struct Occupancy {
  std::string month, place_id, resource_name;  // resource_name empty for a place total
  int64_t resource_id = 0;
  double booked_unit_hours = 0, open_unit_hours = 0, rate = 0;
};
// Utilisation of every resource and place for a month: confirmed and no-show bookings' unit-hours within the
// opening hours, over the opening hours times the units.
std::vector<Occupancy> occupancy(db::Database& db, const std::string& month);
// The regional aggregate: by department, only the totals; departments with fewer than 3 places that have
// resources are merged into "other" so that no single place can be read from it.
nlohmann::json regional_occupancy(db::Database& db, const std::string& month);

}  // namespace maillage::booking

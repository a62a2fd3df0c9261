#include "booking/booking.hpp"
#include "core/faults.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <cstdlib>
#include <ostream>
#include <thread>

#include <fmt/format.h>

#include "core/text.hpp"
#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/ical.hpp"

namespace maillage::booking {

using nlohmann::json;
namespace chr = std::chrono;

namespace {

// ---- local times as minutes since 1970-01-01 00:00 ----
std::optional<chr::sys_days> day_of(const std::string& d) {
  std::string why;
  auto p = date::parse(d, why, false);
  if (!p || d.size() != 10) return std::nullopt;
  return chr::sys_days{chr::year{p->year} / p->month / p->day};
}
chr::sys_days require_day(const std::string& d, const std::string& field) {
  auto x = day_of(d);
  if (!x) throw InputError(field, fmt::format("'{}' is not a date YYYY-MM-DD", text::printable(d, 40)));
  return *x;
}
int hhmm(const std::string& t, const std::string& field) {
  auto digit = [&](size_t i) { return std::isdigit(static_cast<unsigned char>(t[i])) != 0; };
  if (t.size() != 5 || t[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4))
    throw InputError(field, fmt::format("'{}' is not a time HH:MM", text::printable(t, 40)));
  int h = std::stoi(t.substr(0, 2)), m = std::stoi(t.substr(3));
  if (h > 24 || m > 59 || (h == 24 && m > 0)) throw InputError(field, fmt::format("'{}' is not a time", t));
  return h * 60 + m;
}
void check_intervals(const std::vector<Interval>& intervals) {
  for (size_t i = 0; i < intervals.size(); ++i) {
    if (hhmm(intervals[i].closes, "closes") <= hhmm(intervals[i].opens, "opens"))
      throw InputError("closes", "an interval closes after it opens");
    for (size_t j = 0; j < i; ++j)
      if (intervals[i].opens < intervals[j].closes && intervals[j].opens < intervals[i].closes)
        throw InputError("opens", "opening intervals overlap");
  }
}
int64_t minutes(chr::sys_days d, int minute_of_day) {
  return int64_t{d.time_since_epoch().count()} * 1440 + minute_of_day;
}
std::string stamp(int64_t m) {
  auto d = chr::sys_days{chr::days{m >= 0 ? m / 1440 : (m - 1439) / 1440}};
  int mod = static_cast<int>(m - int64_t{d.time_since_epoch().count()} * 1440);
  chr::year_month_day ymd{d};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                     mod / 60, mod % 60);
}
int64_t parse_stamp(const std::string& s) {
  if (s.size() != 16 || s[10] != 'T') throw InputError("time", fmt::format("'{}' is not YYYY-MM-DDTHH:MM", s));
  return minutes(require_day(s.substr(0, 10), "time"), hhmm(s.substr(11), "time"));
}
int weekday(chr::sys_days d) { return static_cast<int>(chr::weekday{d}.iso_encoding()); }  // 1 = Monday
std::string day_text(chr::sys_days d) { return stamp(minutes(d, 0)).substr(0, 10); }       // YYYY-MM-DD
// The first day of a month "YYYY-MM" and the first day of the next one.
std::pair<chr::sys_days, chr::sys_days> month_span(const std::string& month) {
  auto first = require_day(month + "-01", "month");
  chr::year_month_day ymd{first};
  return {first, chr::sys_days{(ymd.year() / ymd.month() / 1) + chr::months{1}}};
}
// The reason a place is closed that day, when it is a closure day.
std::optional<std::string> closure_reason(db::Database& db, const std::string& place_id, chr::sys_days d) {
  auto st = db.prepare("SELECT reason FROM closure_days WHERE place_id = ? AND day = ?");
  st.bind(1, place_id).bind(2, day_text(d));
  return st.step() ? std::optional<std::string>(st.text(0)) : std::nullopt;
}

std::optional<double> opt_real(db::Statement& st, int c) {
  return st.is_null(c) ? std::nullopt : std::optional<double>(st.real(c));
}

Resource read_resource(db::Statement& st) {
  Resource r;
  r.id = st.int64(0), r.place_id = st.text(1), r.kind = st.text(2), r.desk_kind = st.text(3), r.name = st.text(4);
  r.units = static_cast<int>(st.int64(5));
  if (!st.is_null(6)) r.people = static_cast<int>(st.int64(6));
  r.training_required = st.int64(7) != 0;
  r.price_hour = opt_real(st, 8), r.price_half_day = opt_real(st, 9), r.price_day = opt_real(st, 10),
  r.price_month = opt_real(st, 11);
  r.cancel_hours = static_cast<int>(st.int64(12));
  r.auto_confirm = st.int64(13) != 0;
  return r;
}
constexpr const char* kResourceColumns =
    "id, place_id, kind, COALESCE(desk_kind, ''), name, units, people, training_required, price_hour, price_half_day, "
    "price_day, price_month, cancel_hours, auto_confirm";

constexpr const char* kBookingSelect =
    "SELECT b.id, b.resource_id, b.member_id, b.unit, b.starts, b.ends, b.status, b.plan, COALESCE(b.recorded_by, ''), "
    "b.channel, b.created_at, b.quantity, b.discount_pct, b.unit_price, b.amount, r.place_id, r.name, "
    "COALESCE(b.series_id, 0) "
    "FROM bookings b JOIN resources r ON r.id = b.resource_id ";
Booking read_booking(db::Statement& st) {
  Booking b;
  b.id = st.int64(0), b.resource_id = st.int64(1), b.member_id = st.int64(2);
  b.unit = unit_of(st.text(3)), b.starts = st.text(4), b.ends = st.text(5), b.status = status_of(st.text(6));
  b.plan = st.text(7);
  b.recorded_by = st.text(8), b.channel = st.text(9), b.created_at = st.text(10);
  b.quantity = st.real(11), b.discount_pct = st.real(12), b.unit_price = opt_real(st, 13), b.amount = opt_real(st, 14);
  b.place_id = st.text(15), b.resource_name = st.text(16), b.series_id = st.int64(17);
  return b;
}

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

std::string local_now() { return date::paris_now(); }

namespace {
constexpr std::string_view kStatusKeys[] = {"requested", "confirmed", "cancelled", "no_show"};
constexpr std::string_view kUnitKeys[] = {"hour", "half_day", "day", "month"};
}  // namespace

std::string_view key(Status s) { return kStatusKeys[static_cast<int>(s)]; }
std::string_view key(Unit u) { return kUnitKeys[static_cast<int>(u)]; }

Status status_of(std::string_view k) {
  for (size_t i = 0; i < std::size(kStatusKeys); ++i)
    if (kStatusKeys[i] == k) return static_cast<Status>(i);
  throw InputError("status", "status is requested, confirmed, cancelled or no_show");
}

Unit unit_of(std::string_view k) {
  for (size_t i = 0; i < std::size(kUnitKeys); ++i)
    if (kUnitKeys[i] == k) return static_cast<Unit>(i);
  throw InputError("unit", "unit is hour, half_day, day or month");
}

json Resource::to_json() const {
  return {{"id", id},
          {"place_id", place_id},
          {"kind", kind},
          {"desk_kind", desk_kind.empty() ? json(nullptr) : json(desk_kind)},
          {"name", name},
          {"units", units},
          {"people", people ? json(*people) : json(nullptr)},
          {"training_required", training_required},
          {"auto_confirm", auto_confirm},
          {"cancel_hours", cancel_hours},
          {"prices",
           {{"hour", opt(price_hour)},
            {"half_day", opt(price_half_day)},
            {"day", opt(price_day)},
            {"month", opt(price_month)}}}};
}

json Booking::to_json() const {
  return {{"id", id},
          {"resource_id", resource_id},
          {"resource", resource_name},
          {"place_id", place_id},
          {"member_id", member_id},
          {"unit", key(unit)},
          {"starts", starts},
          {"ends", ends},
          {"quantity", quantity},
          {"status", key(status)},
          {"plan", plan},
          {"unit_price", opt(unit_price)},
          {"discount_pct", discount_pct},
          {"amount", opt(amount)},
          {"recorded_by", recorded_by.empty() ? json(nullptr) : json(recorded_by)},
          {"channel", channel},
          {"created_at", created_at},
          {"series_id", series_id ? json(series_id) : json(nullptr)}};
}

json to_json(const std::vector<Booking>& bookings) {
  json arr = json::array();
  for (auto& b : bookings) arr.push_back(b.to_json());
  return arr;
}

// ---- set-up ----
std::vector<Interval> parse_intervals(const std::string& text) {
  std::vector<Interval> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    auto part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    auto dash = part.find('-');
    if (dash == std::string::npos)
      throw InputError("hours", fmt::format("'{}': expected HH:MM-HH:MM[,HH:MM-HH:MM]", text::printable(text, 80)));
    out.push_back({part.substr(0, dash), part.substr(dash + 1)});
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  check_intervals(out);
  return out;
}

void Bookings::set_hours(const std::string& place_id, int wd, const std::vector<Interval>& intervals) {
  if (wd < 1 || wd > 7) throw InputError("weekday", "weekday is 1 (Monday) to 7 (Sunday)");
  check_intervals(intervals);
  db::Transaction tx(db_);
  db_.prepare("DELETE FROM opening_hours WHERE place_id = ? AND weekday = ?").bind(1, place_id).bind(2, wd).step();
  for (auto& iv : intervals)
    db_.prepare("INSERT INTO opening_hours (place_id, weekday, opens, closes) VALUES (?, ?, ?, ?)")
        .bind(1, place_id)
        .bind(2, wd)
        .bind(3, iv.opens)
        .bind(4, iv.closes)
        .step();
  tx.commit();
}

std::vector<std::vector<Interval>> Bookings::hours(const std::string& place_id) {
  std::vector<std::vector<Interval>> out(7);
  auto st = db_.prepare("SELECT weekday, opens, closes FROM opening_hours WHERE place_id = ? ORDER BY weekday, opens");
  st.bind(1, place_id);
  while (st.step()) out[static_cast<size_t>(st.int64(0) - 1)].push_back({st.text(1), st.text(2)});
  return out;
}

void Bookings::add_closure(const std::string& place_id, const std::string& day, const std::string& reason) {
  require_day(day, "day");
  text::require_clean(reason, "reason", false, 500);
  db_.prepare(
         "INSERT INTO closure_days (place_id, day, reason) VALUES (?, ?, ?) "
         "ON CONFLICT (place_id, day) DO UPDATE SET reason = excluded.reason")
      .bind(1, place_id)
      .bind(2, day)
      .bind(3, reason, false)
      .step();
}

int64_t Bookings::add_resource(const Resource& given) {
  Resource r = given;
  r.name = std::string(text::trim(r.name));  // as every name of the registry
  if (r.name.empty()) throw InputError("name", "a resource has a name");
  text::require_clean(r.name, "name", false, 200);
  auto place = db_.prepare("SELECT 1 FROM places WHERE id = ?");
  place.bind(1, r.place_id);
  if (!place.step()) throw NotFound(fmt::format("no place with id '{}'", r.place_id), Errc::place_not_found);
  if (r.kind != "desk" && r.kind != "room" && r.kind != "machine")
    throw InputError("kind", "kind is desk, room or machine");
  if ((r.kind == "desk") != (r.desk_kind == "permanent" || r.desk_kind == "dropin" || r.desk_kind == "training"))
    throw InputError("desk_kind", "a desk pool is permanent, dropin or training (and only desks have one)");
  if (r.units < 1 || (r.kind == "room" && r.units != 1))
    throw InputError("units", "units >= 1 (a room is one unit; its capacity is `people`)");
  for (auto p : {r.price_hour, r.price_half_day, r.price_day, r.price_month})
    if (p && *p < 0) throw InputError("price", "prices are >= 0");
  auto st = db_.prepare(
      "INSERT INTO resources (place_id, kind, desk_kind, name, units, people, training_required, price_hour, "
      "price_half_day, price_day, price_month, cancel_hours, auto_confirm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?) RETURNING id");
  st.bind(1, r.place_id).bind(2, r.kind).bind(3, r.desk_kind).bind(4, r.name).bind(5, r.units);
  st.bind(6, r.people ? std::optional<int64_t>(*r.people) : std::nullopt).bind(7, r.training_required ? 1 : 0);
  st.bind(8, r.price_hour).bind(9, r.price_half_day).bind(10, r.price_day).bind(11, r.price_month);
  st.bind(12, r.cancel_hours).bind(13, r.auto_confirm ? 1 : 0);
  try {
    st.step();
  } catch (const Error& e) {
    throw Conflict(fmt::format("resource '{}' already exists at {} ({})", r.name, r.place_id, e.what()),
                   Errc::conflict);
  }
  return st.int64(0);
}

Resource Bookings::resource(int64_t id) {
  auto st = db_.prepare(fmt::format("SELECT {} FROM resources WHERE id = ?", kResourceColumns));
  st.bind(1, id);
  if (!st.step()) throw NotFound(fmt::format("no resource {}", id), Errc::resource_not_found);
  return read_resource(st);
}

std::vector<Resource> Bookings::resources(const std::string& place_id) {
  auto st = db_.prepare(
      fmt::format("SELECT {} FROM resources WHERE ?1 = '' OR place_id = ?1 ORDER BY place_id, id", kResourceColumns));
  st.bind(1, place_id, false);
  std::vector<Resource> out;
  while (st.step()) out.push_back(read_resource(st));
  return out;
}

int64_t Bookings::add_member(const std::string& name, const std::string& email) {
  if (text::trim(name).empty()) throw InputError("name", "a member has a name");
  text::require_clean(name, "name", false, 200);
  text::require_clean(email, "email", false, 254);
  if (email.find('@') == std::string::npos)
    throw InputError("email", fmt::format("'{}' is not an e-mail address", email));
  auto st = db_.prepare("INSERT INTO members (name, email, created_at) VALUES (?, ?, ?) RETURNING id");
  st.bind(1, name).bind(2, email).bind(3, date::now_utc());
  try {
    st.step();
  } catch (const Error&) {
    throw Conflict(fmt::format("a member with e-mail {} exists", email), Errc::email_taken);
  }
  return st.int64(0);
}

Member Bookings::member(int64_t id) {
  auto st = db_.prepare("SELECT id, name, email FROM members WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) throw NotFound(fmt::format("no member {}", id));
  return {st.int64(0), st.text(1), st.text(2)};
}

void Bookings::add_membership(int64_t member_id, const std::string& place_id, const std::string& plan,
                              double discount) {
  member(member_id);
  text::require_clean(plan, "plan", false, 200);
  if (!(discount >= 0 && discount <= 100)) throw InputError("discount_pct", "a discount is 0 to 100 %");
  db_.prepare(
         "INSERT INTO memberships (member_id, place_id, plan, discount_pct) VALUES (?, ?, ?, ?) ON CONFLICT "
         "(member_id, place_id) DO UPDATE SET plan = excluded.plan, discount_pct = excluded.discount_pct")
      .bind(1, member_id)
      .bind(2, place_id)
      .bind(3, plan.empty() ? std::string("standard") : plan)  // the column's default, as SQLite's OR REPLACE gave it
      .bind(4, discount)
      .step();
}

void Bookings::record_training(int64_t member_id, int64_t resource_id, const std::string& valid_until,
                               const std::string& by) {
  member(member_id);
  if (resource(resource_id).kind != "machine") throw InputError("resource", "trainings are for machines");
  require_day(valid_until, "valid_until");
  db_.prepare(
         "INSERT INTO trainings (member_id, resource_id, valid_until, recorded_by) VALUES (?, ?, ?, ?) ON CONFLICT "
         "(member_id, resource_id) DO UPDATE SET valid_until = excluded.valid_until, recorded_by = "
         "excluded.recorded_by")
      .bind(1, member_id)
      .bind(2, resource_id)
      .bind(3, valid_until)
      .bind(4, by, false)
      .step();
}

// ---- intervals ----
std::pair<std::string, std::string> Bookings::interval(const Request& r, double* quantity) {
  auto res = resource(r.resource_id);
  auto hrs = hours(res.place_id);
  auto closed = [&](chr::sys_days d) { return closure_reason(db_, res.place_id, d); };
  auto open_day = [&](chr::sys_days d) -> const std::vector<Interval>& {
    static const std::vector<Interval> none;
    if (closed(d)) return none;
    return hrs[static_cast<size_t>(weekday(d) - 1)];
  };
  auto refuse_closed = [&](chr::sys_days d) {
    auto why = closed(d);
    throw Conflict(why ? fmt::format("the place is closed on {} ({})", day_text(d), *why)
                       : fmt::format("the place is not open then on {}", day_text(d)),
                   Errc::closed_then);
  };
  double q = 0;
  std::pair<std::string, std::string> out;
  if (r.unit == Unit::Hour) {
    auto d = require_day(r.date, "date");
    int s = hhmm(r.start, "start");
    if (s % 60) throw InputError("start", "hourly bookings start on the hour");
    if (r.hours < 1 || r.hours > 24) throw InputError("hours", "1 to 24 hours");
    int e = s + 60 * r.hours;
    auto& ivs = open_day(d);
    bool inside = std::any_of(ivs.begin(), ivs.end(), [&](const Interval& iv) {
      return hhmm(iv.opens, "opens") <= s && e <= hhmm(iv.closes, "closes");
    });
    if (!inside) refuse_closed(d);
    out = {stamp(minutes(d, s)), stamp(minutes(d, e))}, q = r.hours;
  } else if (r.unit == Unit::HalfDay) {
    auto d = require_day(r.date, "date");
    if (r.half != "am" && r.half != "pm") throw InputError("half", "half is am (to 13:00) or pm (from 13:00)");
    auto& ivs = open_day(d);
    int first = 24 * 60, last = 0;
    for (auto& iv : ivs) {
      int o = hhmm(iv.opens, "opens"), c = hhmm(iv.closes, "closes");
      if (r.half == "am" && o < 13 * 60) first = std::min(first, o), last = std::max(last, std::min(c, 13 * 60));
      if (r.half == "pm" && c > 13 * 60) first = std::min(first, std::max(o, 13 * 60)), last = std::max(last, c);
    }
    if (last <= first) refuse_closed(d);
    out = {stamp(minutes(d, first)), stamp(minutes(d, last))}, q = 1;
  } else if (r.unit == Unit::Day) {
    auto d = require_day(r.date, "date");
    auto& ivs = open_day(d);
    if (ivs.empty()) refuse_closed(d);
    out = {stamp(minutes(d, hhmm(ivs.front().opens, "opens"))), stamp(minutes(d, hhmm(ivs.back().closes, "closes")))},
    q = 1;
  } else {
    auto [first, next] = month_span(r.month);
    if (std::all_of(hrs.begin(), hrs.end(), [](auto& v) { return v.empty(); }))
      throw Conflict("the place has no opening hours: it cannot be booked by the month", Errc::closed_then);
    out = {stamp(minutes(first, 0)), stamp(minutes(next, 0))}, q = 1;
  }
  if (quantity) *quantity = q;
  return out;
}

int Bookings::in_use(int64_t resource_id, const std::string& starts, const std::string& ends, int64_t except) {
  // The most units held at once within [starts, ends): a sweep over the overlapping bookings' ends.
  auto st = db_.prepare(
      "SELECT starts, ends FROM bookings WHERE resource_id = ? AND ends > ? AND starts < ? "
      "AND status IN ('requested', 'confirmed') AND id <> ?");
  st.bind(1, resource_id).bind(2, starts).bind(3, ends).bind(4, except);
  std::vector<std::pair<std::string, int>> events;
  while (st.step()) {
    events.push_back({std::max(st.text(0), starts), +1});
    events.push_back({std::min(st.text(1), ends), -1});
  }
  std::sort(events.begin(), events.end());  // at the same instant an end (-1) comes before a start (+1)
  int now = 0, most = 0;
  for (auto& [t, d] : events) most = std::max(most, now += d);
  return most;
}

int Bookings::free_units(int64_t resource_id, const std::string& starts, const std::string& ends) {
  return resource(resource_id).units - in_use(resource_id, starts, ends);
}

void Bookings::event(int64_t id, const std::string& actor, std::string_view from, std::string_view to,
                     const std::string& reason) {
  db_.prepare(
         "INSERT INTO booking_events (booking_id, at, actor, from_status, to_status, reason) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, date::now_utc())
      .bind(3, actor)
      .bind(4, from)
      .bind(5, to)
      .bind(6, reason)
      .step();
}

namespace {
// What the member may book at the resource's place: their plan and discount, and until when they are trained on a
// machine that needs it; not_allowed_now without a membership or a needed training.
struct Entitlement {
  std::string plan;
  double discount = 0;
  std::optional<std::string> trained_until;
};
Entitlement entitlement(db::Database& db, const Resource& res, const Request& r) {
  Entitlement e;
  auto ms = db.prepare("SELECT plan, discount_pct FROM memberships WHERE member_id = ? AND place_id = ?");
  ms.bind(1, r.member_id).bind(2, res.place_id);
  if (!ms.step())
    throw Conflict(fmt::format("member {} has no membership at {}", r.member_id, res.place_id), Errc::not_allowed_now);
  e.plan = ms.text(0);
  e.discount = ms.real(1);
  if (res.training_required) {
    auto tr = db.prepare("SELECT valid_until FROM trainings WHERE member_id = ? AND resource_id = ?");
    tr.bind(1, r.member_id).bind(2, r.resource_id);
    if (!tr.step())
      throw Conflict(fmt::format("'{}' needs a training: member {} has none recorded", res.name, r.member_id),
                     Errc::not_allowed_now);
    e.trained_until = tr.text(0);
  }
  return e;
}

std::optional<double> price_of(const Resource& res, Unit unit) {
  switch (unit) {
    case Unit::Hour: return res.price_hour;
    case Unit::HalfDay: return res.price_half_day;
    case Unit::Day: return res.price_day;
    default: return res.price_month;
  }
}
}  // namespace

std::vector<Booking> Bookings::book_series(const Request& r) {
  if (r.weeks < 1 || r.weeks > 52) throw InputError("weeks", "1 to 52 weekly occurrences");
  if (r.weeks > 1 && r.unit == Unit::Month)
    throw InputError("weeks", "a month booking does not repeat weekly: book each month");
  db::Transaction tx(db_);  // BEGIN IMMEDIATE: the write lock before the capacity is read
  auto res = resource(r.resource_id);
  member(r.member_id);
  auto [plan, discount, trained_until] = entitlement(db_, res, r);
  std::optional<double> price = price_of(res, r.unit);
  const Status status = res.auto_confirm ? Status::Confirmed : Status::Requested;
  auto insert = db_.prepare(
      "INSERT INTO bookings (resource_id, member_id, unit, starts, ends, quantity, status, plan, unit_price, "
      "discount_pct, amount, recorded_by, channel, created_at, series_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
  std::vector<int64_t> ids;
  std::optional<int64_t> series;  // the first booking's id, once written, when there are several weeks
  for (int week = 0; week < r.weeks; ++week) {
    Request o = r;
    if (week > 0) o.date = day_text(require_day(r.date, "date") + chr::days{7 * week});
    // A refusal of one occurrence refuses the series, and says which week.
    auto in_series = [&](const std::string& why) {
      return r.weeks == 1 ? why : fmt::format("week {} of {} ({}): {}", week + 1, r.weeks, o.date, why);
    };
    double quantity = 0;
    std::pair<std::string, std::string> span;
    try {
      span = interval(o, &quantity);
    } catch (const Conflict& e) {
      throw Conflict(in_series(e.what()), e.code());
    }
    auto& [starts, ends] = span;
    if (trained_until && *trained_until < ends.substr(0, 10))
      throw Conflict(in_series(fmt::format("'{}' needs a training valid on the day: member {}'s ended on {}", res.name,
                                           r.member_id, *trained_until)),
                     Errc::not_allowed_now);
    int used = in_use(r.resource_id, starts, ends);
    if (used + 1 > res.units)
      throw Conflict(in_series(fmt::format("'{}' is full from {} to {}: {} of {} in use", res.name, starts, ends, used,
                                           res.units)),
                     Errc::seat_taken);
    std::optional<double> amount;
    if (price) amount = std::round(*price * quantity * (100 - discount)) / 100;
    insert.bind(1, r.resource_id)
        .bind(2, r.member_id)
        .bind(3, key(r.unit))
        .bind(4, starts)
        .bind(5, ends)
        .bind(6, quantity);
    insert.bind(7, key(status)).bind(8, plan).bind(9, price).bind(10, discount).bind(11, amount);
    insert.bind(12, r.on_behalf ? r.actor : std::string()).bind(13, r.on_behalf ? r.channel : std::string("self"));
    insert.bind(14, date::now_utc()).bind(15, series);
    insert.step();
    ids.push_back(insert.int64(0));
    insert.reset();
    if (r.weeks > 1 && !series) {
      series = ids.front();
      db_.prepare("UPDATE bookings SET series_id = id WHERE id = ?").bind(1, *series).step();
    }
    event(ids.back(), r.actor, "", key(status),
          r.on_behalf ? "recorded on behalf of the member (" + r.channel + ")" : "");
  }
  MAILLAGE_FAULT_POINT("booking.before_commit");  // crash tests: killed here, inside the transaction
  tx.commit();
  std::vector<Booking> out;
  for (auto id : ids) out.push_back(get(id));
  return out;
}

Booking Bookings::book(const Request& r) {
  if (r.weeks != 1) throw InputError("weeks", "one booking: a series is booked with book_series");
  return book_series(r).front();
}

Booking Bookings::get(int64_t id) {
  auto st = db_.prepare(std::string(kBookingSelect) + "WHERE b.id = ?");
  st.bind(1, id);
  if (!st.step()) throw NotFound(fmt::format("no booking {}", id), Errc::booking_not_found);
  return read_booking(st);
}

void Bookings::confirm(int64_t id, const std::string& actor) {
  db::Transaction tx(db_);
  auto b = get(id);
  if (b.status != Status::Requested)
    throw Conflict(fmt::format("booking {} is {}, not requested", id, key(b.status)), Errc::wrong_state);
  db_.prepare("UPDATE bookings SET status = 'confirmed' WHERE id = ?").bind(1, id).step();
  event(id, actor, key(b.status), "confirmed", "");
  tx.commit();
}

void Bookings::cancel_one(const Booking& b, const std::string& actor, bool manager, const std::string& now,
                          const std::string& reason) {
  if (b.status != Status::Requested && b.status != Status::Confirmed)
    throw Conflict(fmt::format("booking {} is {}: it cannot be cancelled", b.id, key(b.status)), Errc::wrong_state);
  if (!manager) {
    auto res = resource(b.resource_id);
    int64_t limit = parse_stamp(b.starts) - 60 * res.cancel_hours;
    if (parse_stamp(now) > limit)
      throw Conflict(
          fmt::format("too late to cancel: '{}' can be cancelled until {} h before the start ({}); ask the place",
                      res.name, res.cancel_hours, stamp(limit)),
          Errc::not_allowed_now);
  }
  db_.prepare("UPDATE bookings SET status = 'cancelled' WHERE id = ?").bind(1, b.id).step();
  event(b.id, actor, key(b.status), "cancelled", reason);
}

void Bookings::cancel(int64_t id, const std::string& actor, bool manager, const std::string& now,
                      const std::string& reason) {
  text::require_clean(reason, "reason", true);
  db::Transaction tx(db_);
  cancel_one(get(id), actor, manager, now, reason);
  tx.commit();
}

std::vector<Booking> Bookings::cancel_series(int64_t id, const std::string& actor, bool manager, const std::string& now,
                                             const std::string& reason) {
  text::require_clean(reason, "reason", true);
  db::Transaction tx(db_);  // all of the series or nothing
  auto b = get(id);
  if (b.series_id == 0) throw InputError("series", fmt::format("booking {} is not part of a series", id));
  auto st = db_.prepare(
      "SELECT id FROM bookings WHERE series_id = ? AND starts > ? AND status IN ('requested', 'confirmed') "
      "ORDER BY starts");
  st.bind(1, b.series_id).bind(2, b.starts);
  std::vector<int64_t> ids{id};
  while (st.step()) ids.push_back(st.int64(0));  // read them all before the updates
  cancel_one(b, actor, manager, now, reason);
  for (size_t i = 1; i < ids.size(); ++i) cancel_one(get(ids[i]), actor, manager, now, reason);
  tx.commit();
  std::vector<Booking> out;
  for (auto x : ids) out.push_back(get(x));
  return out;
}

void Bookings::no_show(int64_t id, const std::string& actor, const std::string& now) {
  db::Transaction tx(db_);
  auto b = get(id);
  if (b.status != Status::Confirmed)
    throw Conflict(fmt::format("booking {} is {}, not confirmed", id, key(b.status)), Errc::wrong_state);
  if (parse_stamp(now) < parse_stamp(b.starts))
    throw Conflict(fmt::format("booking {} has not started yet ({})", id, b.starts), Errc::wrong_state);
  db_.prepare("UPDATE bookings SET status = 'no_show' WHERE id = ?").bind(1, id).step();
  event(id, actor, key(b.status), "no_show", "");
  tx.commit();
}

std::vector<Booking> Bookings::list(int64_t member_id, const std::string& place_id, const std::string& from,
                                    const std::string& to) {
  auto st =
      db_.prepare(std::string(kBookingSelect) +
                  "WHERE (?1 = 0 OR b.member_id = ?1) AND (?2 = '' OR r.place_id = ?2) AND (?3 = '' OR b.ends > ?3) "
                  "AND (?4 = '' OR b.starts < ?4) ORDER BY b.starts, b.id");
  st.bind(1, member_id).bind(2, place_id, false).bind(3, from, false).bind(4, to, false);
  std::vector<Booking> out;
  while (st.step()) out.push_back(read_booking(st));
  return out;
}

// ---- iCalendar ----
std::string Bookings::icalendar(const std::vector<Booking>& bookings, const std::string& name) {
  ical::Calendar cal(name);
  for (auto& b : bookings) {
    if (b.status != Status::Confirmed && b.status != Status::Requested) continue;
    cal.add({fmt::format("booking-{}@maillage", b.id), b.starts, b.ends,
             fmt::format("{} ({})", b.resource_name, b.place_id), "", "", "",
             b.status == Status::Confirmed ? "CONFIRMED" : "TENTATIVE"});
  }
  return cal.finish();
}

std::string Bookings::icalendar_resource(int64_t resource_id) {
  auto r = resource(resource_id);
  std::vector<Booking> bs;
  auto st = db_.prepare(std::string(kBookingSelect) + "WHERE b.resource_id = ? ORDER BY b.starts");
  st.bind(1, resource_id);
  while (st.step()) bs.push_back(read_booking(st));
  return icalendar(bs, r.name + " — " + r.place_id);
}

std::string Bookings::icalendar_member(int64_t member_id) {
  auto m = member(member_id);
  return icalendar(list(member_id, "", "", ""), "Réservations de " + m.name);
}

void Bookings::export_csv(const std::vector<Booking>& bookings, std::ostream& out) {
  csv::Writer w(out);
  w.row({"booking_id", "created_at", "place_id", "resource", "member_id", "unit", "starts", "ends", "quantity",
         "status", "plan", "unit_price_eur", "discount_pct", "amount_eur", "recorded_by", "channel"});
  auto money = [](const std::optional<double>& v) { return v ? fmt::format("{:.2f}", *v) : std::string(); };
  for (auto& b : bookings)
    w.row({std::to_string(b.id), b.created_at, b.place_id, b.resource_name, std::to_string(b.member_id),
           std::string(key(b.unit)), b.starts, b.ends, fmt::format("{:g}", b.quantity), std::string(key(b.status)),
           b.plan, money(b.unit_price), fmt::format("{:g}", b.discount_pct), money(b.amount), b.recorded_by,
           b.channel});
}

// ---- occupancy ----
std::vector<Occupancy> occupancy(db::Database& db, const std::string& month) {
  auto [first, next] = month_span(month);
  Bookings bk(db);
  std::vector<Occupancy> out;
  std::map<std::string, Occupancy> places;
  for (auto& r : bk.resources()) {
    auto hrs = bk.hours(r.place_id);
    std::vector<std::pair<int64_t, int64_t>> open;  // opening intervals of the month, in minutes
    for (auto d = first; d < next; d += chr::days{1}) {
      if (closure_reason(db, r.place_id, d)) continue;
      for (auto& iv : hrs[static_cast<size_t>(weekday(d) - 1)])
        open.push_back({minutes(d, hhmm(iv.opens, "opens")), minutes(d, hhmm(iv.closes, "closes"))});
    }
    Occupancy o{month, r.place_id, r.name, r.id};
    for (auto& [a, b] : open) o.open_unit_hours += (b - a) / 60.0 * r.units;
    auto st = db.prepare(
        "SELECT starts, ends FROM bookings WHERE resource_id = ? AND status IN ('confirmed', 'no_show') "
        "AND ends > ? AND starts < ?");
    st.bind(1, r.id).bind(2, stamp(minutes(first, 0))).bind(3, stamp(minutes(next, 0)));
    while (st.step()) {
      int64_t s = parse_stamp(st.text(0)), e = parse_stamp(st.text(1));
      for (auto& [a, b] : open) o.booked_unit_hours += std::max<int64_t>(0, std::min(e, b) - std::max(s, a)) / 60.0;
    }
    o.rate = o.open_unit_hours > 0 ? o.booked_unit_hours / o.open_unit_hours : 0;
    auto& p = places[r.place_id];
    p.month = month, p.place_id = r.place_id;
    p.booked_unit_hours += o.booked_unit_hours, p.open_unit_hours += o.open_unit_hours;
    out.push_back(o);
  }
  for (auto& [id, p] : places) {
    p.rate = p.open_unit_hours > 0 ? p.booked_unit_hours / p.open_unit_hours : 0;
    out.push_back(p);
  }
  return out;
}

json regional_occupancy(db::Database& db, const std::string& month) {
  std::map<std::string, std::pair<double, double>> by_dep;  // booked, open
  std::map<std::string, int> places_in;
  for (auto& o : occupancy(db, month)) {
    if (!o.resource_name.empty()) continue;
    auto st = db.prepare("SELECT substr(insee_code, 1, 2) FROM places WHERE id = ?");
    st.bind(1, o.place_id);
    std::string dep = st.step() ? st.text(0) : "?";
    by_dep[dep].first += o.booked_unit_hours, by_dep[dep].second += o.open_unit_hours;
    ++places_in[dep];
  }
  auto row = [](const std::string& dep, int places, const std::pair<double, double>& v) {
    return json{{"department", dep},
                {"places", places},
                {"booked_unit_hours", v.first},
                {"open_unit_hours", v.second},
                {"rate", v.second > 0 ? v.first / v.second : 0}};
  };
  json deps = json::array();
  std::pair<double, double> other{0, 0};
  int other_places = 0;
  double booked = 0, open = 0;
  for (auto& [dep, v] : by_dep) {
    booked += v.first, open += v.second;
    if (places_in[dep] < 3) {
      other.first += v.first, other.second += v.second, other_places += places_in[dep];
      continue;
    }
    deps.push_back(row(dep, places_in[dep], v));
  }
  if (other_places > 0) deps.push_back(row("other", other_places, other));
  return {{"month", month},
          {"booked_unit_hours", booked},
          {"open_unit_hours", open},
          {"rate", open > 0 ? booked / open : 0},
          {"departments", deps},
          {"rule", "totals only; departments with fewer than 3 places offering bookings are merged into 'other'"}};
}

}  // namespace maillage::booking

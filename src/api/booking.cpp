// Booking over HTTP: a place's resources and hours, the network search of free desks, the regional occupancy,
// bookings (a member's own; a manager's place's; any for admins) and their calendars. Who may see or act on a
// booking is decided here, from the token; the capacity rule is the booking library's.
#include <cmath>

#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "booking/booking.hpp"
#include "booking/search.hpp"
#include "core/date.hpp"

namespace maillage::api::booking_api {

using nlohmann::json;

namespace {

// Who may act on a booking: an admin; a manager of its place; the member it belongs to.
bool may_manage(const Principal* who, const std::string& place_id) { return who && who->manages(place_id); }
int64_t number_param(const std::string& text, const std::string& what) {
  return path_id(text, Errc::booking_not_found, fmt::format("no {} '{}'", what, text));
}
std::string actor_of(const Principal* who) { return fmt::format("{} ({})", who->actor(), who->name); }
// A booking they may see, else 404 (not 403: whether it exists is not told).
booking::Booking visible_booking(booking::Bookings& b, const std::string& id_text, const Principal* who) {
  auto bk = b.get(number_param(id_text, "booking"));
  bool own = who->member_id != 0 && who->member_id == bk.member_id;
  if (!own && !may_manage(who, bk.place_id))
    throw Error(Errc::booking_not_found, fmt::format("no booking {}", id_text));
  return bk;
}

// Tells the member by mail what became of their booking (the caller holds a StoreLease). A member without an
// address on record gets nothing; mail never makes a booking fail.
void notify(State& s, booking::Bookings& b, const booking::Booking& bk, const std::string& event,
            const std::string& by) {
  auto m = b.member(bk.member_id);
  if (m.email.find('@') == std::string::npos) return;
  auto place = s.store->get(bk.place_id);
  std::string amount;
  if (bk.amount) {
    auto euros = fmt::format("{:.2f}", *bk.amount);
    euros[euros.find('.')] = ',';  // French decimal comma
    amount = fmt::format(" Montant : {} €.", euros);
  }
  send_mail(s, event, m.email,
            {{"name", m.name},
             {"booking", std::to_string(bk.id)},
             {"resource", bk.resource_name},
             {"place", place ? place->name : bk.place_id},
             {"when",
              fmt::format("le {} de {} à {}", bk.starts.substr(0, 10), bk.starts.substr(11, 5), bk.ends.substr(11, 5))},
             {"amount", amount},
             {"by", by},
             {"link", page_link(s, "reserver")}});
}

booking::Request booking_request(const json& body, int64_t& member) {
  booking::Request q;
  for (auto& [k, v] : body.items()) {
    constexpr int64_t kMaxId = int64_t{1} << 53;
    if (k == "resource")
      q.resource_id = body_int(v, k, 1, kMaxId);
    else if (k == "member")
      member = body_int(v, k, 1, kMaxId);
    else if (k == "weeks")
      q.weeks = static_cast<int>(body_int(v, k, 1, 104));
    else if (k == "hours")
      q.hours = static_cast<int>(body_int(v, k, 1, 24));
    if (k == "resource" || k == "member" || k == "hours" || k == "weeks") continue;
    auto x = body_text(v, k, false, 100);
    if (k == "unit")
      q.unit = booking::unit_of(x);
    else if (k == "date")
      q.date = x;
    else if (k == "start")
      q.start = x;
    else if (k == "half")
      q.half = x;
    else if (k == "month")
      q.month = x;
    else if (k == "channel")
      q.channel = x;
    else
      throw bad(
          k, fmt::format("unknown field '{}' (resource, member, unit, date, start, hours, half, month, weeks, channel)",
                         k));
  }
  if (q.resource_id == 0) throw bad("resource", "the resource id is required");
  return q;
}

}  // namespace

Response resources(const Call& c) {
  auto& place = c.params[0];
  require_place(c.s, place);
  StoreLease l(c.s);
  booking::Bookings b(c.s.store->db());
  json res = json::array(), hours = json::array();
  for (auto& x : b.resources(place)) res.push_back(x.to_json());
  for (auto& day : b.hours(place)) {
    json d = json::array();
    for (auto& iv : day) d.push_back({iv.opens, iv.closes});
    hours.push_back(d);
  }
  return json_response({{"place_id", place}, {"resources", res}, {"opening_hours_monday_first", hours}});
}

Response search(const Call& c) {
  auto& r = c.r;
  booking::DeskQuery dq;
  dq.at = q_point(r);
  dq.desk_kind = q(r, "desk_kind", "dropin"), dq.unit = booking::unit_of(q(r, "unit", "day")), dq.date = q_date(r);
  if (dq.unit == booking::Unit::Month) throw bad("unit", "hour, half_day or day");
  dq.start = q(r, "start"), dq.half = q(r, "half");
  dq.hours = static_cast<int>(q_number(r, "hours", 1, 1, 24));
  dq.max_minutes = q_number(r, "minutes", 20, 1, 180);
  std::vector<registry::Place> places;
  StoreLease l(c.s);  // the store first, then the search: always in this order
  places = c.s.store->list({});
  booking::Bookings b(c.s.store->db());
  auto search = c.s.searches->acquire();
  auto found = booking::find_free_desks(b, places, c.s.graph, *c.s.snapper, *search, dq);
  json arr = json::array();
  for (auto& f : found) arr.push_back(f.to_json());
  return json_response({{"items", arr}});
}

Response occupancy(const Call& c) {
  auto m = q(c.r, "month");
  std::string why;
  if (m.size() != 7 || !date::parse(m, why, true)) throw bad("month", "expected YYYY-MM");
  StoreLease l(c.s);
  return json_response(booking::regional_occupancy(c.s.store->db(), m));
}

Response list(const Call& c) {
  auto& r = c.r;
  auto* who = c.who;
  StoreLease l(c.s);
  booking::Bookings b(c.s.store->db());
  int64_t member = 0;
  std::string place = q(r, "place");
  // mine=true (or anyone who manages nothing): one's own bookings; else a place's (its managers) or any (admins).
  bool mine = q_bool(r, "mine") || (!who->admin && who->places.empty());
  if (mine) {
    if (!who->member_id)
      throw Error(Errc::forbidden, "bookings are seen by their members, their place's managers and admins");
    member = who->member_id;
  } else if (!who->admin) {
    if (place.empty() && who->places.size() == 1) place = who->places[0];
    if (place.empty()) throw bad("place", "which of your places (place=ID)");
    if (!who->manages(place)) throw Error(Errc::forbidden, "a manager sees their own places' bookings");
  }
  if (member == 0 && !q(r, "member").empty()) member = number_param(q(r, "member"), "member");
  auto day = [&](const std::string& name) {
    auto v = q(r, name);
    if (v.empty()) return v;
    std::string why;
    if (!date::parse(v, why, false) || v.size() != 10) throw bad(name, "expected YYYY-MM-DD");
    return v + "T00:00";
  };
  return json_response({{"items", booking::to_json(b.list(member, place, day("from"), day("to")))},
                        {"member_id", who->member_id},
                        {"places", who->places},
                        {"admin", who->admin}});
}

Response create(const Call& c) {
  auto* who = c.who;
  int64_t member = 0;
  auto q = booking_request(body_object(c.r), member);
  StoreLease l(c.s);
  booking::Bookings b(c.s.store->db());
  auto res = b.resource(q.resource_id);
  if (member == 0 || member == who->member_id) {
    if (!who->member_id) throw bad("member", "the member booked for is required");
    q.member_id = who->member_id;
    q.actor = actor_of(who);
  } else {
    if (!may_manage(who, res.place_id))
      throw Error(Errc::forbidden, "only this place's managers (or an admin) book for others");
    q.member_id = member, q.actor = actor_of(who), q.on_behalf = true;
    if (q.channel == "self") q.channel = "phone";
  }
  auto made = b.book_series(q);
  auto& first = made.front();
  notify(c.s, b, first, first.status == booking::Status::Confirmed ? "booking_confirmed" : "booking_requested", "");
  if (q.weeks == 1) return json_response(first.to_json(), 201);
  return json_response({{"series_id", first.series_id}, {"bookings", booking::to_json(made)}}, 201);
}

Response get(const Call& c) {
  StoreLease l(c.s);
  booking::Bookings b(c.s.store->db());
  return json_response(visible_booking(b, c.params[0], c.who).to_json());
}

Response action(const Call& c) {
  std::string action(c.action);
  auto* who = c.who;
  auto body = c.r.body.empty() ? json::object() : body_object(c.r);
  std::string reason;
  bool series = false;
  for (auto& [k, v] : body.items()) {
    if (k == "reason" && v.is_string())
      reason = body_text(v, k, true);
    else if (k == "series" && v.is_boolean() && action == "cancel")
      series = v.get<bool>();
    else
      throw bad(k, action == "cancel" ? "a reason (string) and series (boolean) may be given"
                                      : "only a reason (string) may be given");
  }
  StoreLease l(c.s);
  booking::Bookings b(c.s.store->db());
  auto bk = visible_booking(b, c.params[0], who);
  bool manager = may_manage(who, bk.place_id);
  auto by = manager && who->member_id != bk.member_id ? std::string("par le lieu") : std::string("à votre demande");
  if (action == "cancel" && series) {
    auto cancelled = b.cancel_series(bk.id, actor_of(who), manager, booking::local_now(), reason);
    if (!cancelled.empty()) notify(c.s, b, cancelled.front(), "booking_cancelled", by);
    return json_response({{"series_id", bk.series_id}, {"bookings", booking::to_json(cancelled)}});
  }
  if (action == "cancel")
    b.cancel(bk.id, actor_of(who), manager, booking::local_now(), reason),
        notify(c.s, b, b.get(bk.id), "booking_cancelled", by);
  else if (!manager)
    throw Error(Errc::forbidden, fmt::format("only the place's manager may {} a booking",
                                             action == "no_show" ? "record a no-show for" : action));
  else if (action == "confirm")
    b.confirm(bk.id, actor_of(who)), notify(c.s, b, b.get(bk.id), "booking_confirmed", "");
  else
    b.no_show(bk.id, actor_of(who), booking::local_now());
  return json_response(b.get(bk.id).to_json());
}

Response member_calendar(const Call& c) {
  if (!c.who->member_id) throw Error(Errc::forbidden, "the calendar of one's own bookings: members only");
  StoreLease l(c.s);
  return Response{200, "text/calendar", booking::Bookings(c.s.store->db()).icalendar_member(c.who->member_id),
                  "bookings.ics"};
}

Response resource_calendar(const Call& c) {
  StoreLease l(c.s);
  booking::Bookings b(c.s.store->db());
  auto res = b.resource(number_param(c.params[0], "resource"));
  if (!may_manage(c.who, res.place_id))
    throw Error(Errc::forbidden, "the calendar of a resource is its place's manager's");
  return Response{200, "text/calendar", b.icalendar_resource(res.id), "resource.ics"};
}

}  // namespace maillage::api::booking_api

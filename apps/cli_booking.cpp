// `maillage booking ...`: the places' desks, rooms and machines (src/booking).
#include <functional>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "booking/booking.hpp"
#include "booking/search.hpp"
#include "cli.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "routing/engine.hpp"
#include "territory/communes.hpp"

namespace maillage::cli {

using nlohmann::json;

namespace {
struct BookingArgs {
  std::string place, name, kind, desk_kind, email, plan = "standard", unit = "day", date, start, half, month, by,
                                                   channel = "phone", reason, from, to, valid_until, now, at, commune,
                                                   day, intervals;
  int units = 1, hours = 1, cancel_hours = 24, weekday = 0, weeks = 1;
  int64_t resource = 0, member = 0, id = 0;
  std::optional<int> people;
  std::optional<double> price_hour, price_half_day, price_day, price_month;
  double discount = 0, minutes = 20;
  bool training = false, approval = false, json_out = false, manager = false, series = false;
};

booking::Request request_of(const BookingArgs& a) {
  booking::Request r;
  r.resource_id = a.resource, r.member_id = a.member, r.unit = booking::unit_of(a.unit), r.date = a.date,
  r.start = a.start;
  r.half = a.half, r.month = a.month, r.hours = a.hours, r.weeks = a.weeks;
  r.on_behalf = !a.by.empty();
  r.actor = r.on_behalf ? "manager:" + a.by : "member:" + std::to_string(a.member);
  r.channel = r.on_behalf ? a.channel : "self";
  return r;
}

// The slot within a day, as booking::Request and DeskQuery take it.
void add_slot_options(CLI::App* c, BookingArgs& a) {
  c->add_option("--start", a.start, "HH:00 (hour)");
  c->add_option("--hours", a.hours, "number of hours (hour)");
  c->add_option("--half", a.half, "am or pm (half_day)");
}

void print_booking(const booking::Booking& b, bool as_json) {
  if (as_json) {
    std::cout << b.to_json().dump(2) << '\n';
    return;
  }
  std::cout << fmt::format("booking {}: {} ({}) {} -> {}, {} {}, {}{}\n", b.id, b.resource_name, b.place_id, b.starts,
                           b.ends, b.quantity, booking::key(b.unit), booking::key(b.status),
                           b.amount ? fmt::format(", {:.2f} EUR (plan {})", *b.amount, b.plan) : std::string());
}
// The command's work on the registry's store and its bookings.
template <class F>
std::function<void()> with_store(Globals& g, F f) {
  return [&g, f] {
    auto store = open_store(g);
    booking::Bookings b(store->db());
    f(*store, b);
  };
}

using Args = std::shared_ptr<BookingArgs>;

// Set-up: opening hours, closures, resources, members, memberships, trainings.
void add_setup(CLI::App* bk, Globals& g, const Args& a) {
  auto* hours = bk->add_subcommand("hours", "set the opening hours of a place for one weekday");
  hours->add_option("--place", a->place, "place id")->required();
  hours->add_option("--weekday", a->weekday, "1 (Monday) to 7 (Sunday)")->required()->check(CLI::Range(1, 7));
  hours->add_option("--hours-of-day", a->intervals, "e.g. 09:00-12:30,14:00-18:00 (empty: closed)");
  hours->callback(with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) {
    b.set_hours(a->place, a->weekday, booking::parse_intervals(a->intervals));
    std::cout << fmt::format("{} weekday {}: {}\n", a->place, a->weekday,
                             a->intervals.empty() ? "closed" : a->intervals);
  }));

  auto* closure = bk->add_subcommand("closure", "a day the place is closed");
  closure->add_option("--place", a->place, "place id")->required();
  closure->add_option("--day", a->day, "YYYY-MM-DD")->required();
  closure->add_option("--reason", a->reason, "why");
  closure->callback(
      with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) { b.add_closure(a->place, a->day, a->reason); }));

  auto* res = bk->add_subcommand("add-resource", "a desk pool, a room or a machine of a place");
  res->add_option("--place", a->place, "place id")->required();
  res->add_option("--kind", a->kind, "desk, room or machine")
      ->required()
      ->check(CLI::IsMember({"desk", "room", "machine"}));
  res->add_option("--desk-kind", a->desk_kind, "for desks: permanent, dropin or training");
  res->add_option("--name", a->name, "name shown to members")->required();
  res->add_option("--units", a->units, "desks in the pool, machines alike (rooms: 1)");
  res->add_option("--people", a->people, "a room's capacity");
  res->add_flag("--training-required", a->training, "machines: members need a valid training record");
  res->add_flag("--approval", a->approval, "bookings stay 'requested' until the manager confirms them");
  res->add_option("--cancel-hours", a->cancel_hours, "members may cancel until this many hours before (default 24)");
  res->add_option("--price-hour", a->price_hour, "EUR");
  res->add_option("--price-half-day", a->price_half_day, "EUR");
  res->add_option("--price-day", a->price_day, "EUR");
  res->add_option("--price-month", a->price_month, "EUR");
  res->callback(with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) {
    booking::Resource r;
    r.place_id = a->place, r.kind = a->kind, r.desk_kind = a->desk_kind, r.name = a->name, r.units = a->units;
    r.people = a->people, r.training_required = a->training, r.auto_confirm = !a->approval,
    r.cancel_hours = a->cancel_hours;
    r.price_hour = a->price_hour, r.price_half_day = a->price_half_day, r.price_day = a->price_day,
    r.price_month = a->price_month;
    std::cout << fmt::format("resource {} added\n", b.add_resource(r));
  }));

  auto* list_res = bk->add_subcommand("resources", "resources of a place (or all)");
  list_res->add_option("--place", a->place, "place id");
  list_res->callback(with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) {
    json arr = json::array();
    for (auto& r : b.resources(a->place)) arr.push_back(r.to_json());
    std::cout << arr.dump(2) << '\n';
  }));

  auto* mem = bk->add_subcommand("add-member", "a person who books");
  mem->add_option("--name", a->name, "name")->required();
  mem->add_option("--email", a->email, "e-mail (unique)")->required();
  mem->callback(with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) {
    std::cout << fmt::format("member {} added\n", b.add_member(a->name, a->email));
  }));

  auto* ship = bk->add_subcommand("membership", "a member's account at a place, with its plan");
  ship->add_option("--member", a->member, "member id")->required();
  ship->add_option("--place", a->place, "place id")->required();
  ship->add_option("--plan", a->plan, "plan name (default standard)");
  ship->add_option("--discount", a->discount, "percent off the resource prices")->check(CLI::Range(0.0, 100.0));
  ship->callback(with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) {
    b.add_membership(a->member, a->place, a->plan, a->discount);
  }));

  auto* tr = bk->add_subcommand("training", "record that a member is trained on a machine");
  tr->add_option("--member", a->member, "member id")->required();
  tr->add_option("--resource", a->resource, "machine id")->required();
  tr->add_option("--valid-until", a->valid_until, "YYYY-MM-DD")->required();
  tr->add_option("--by", a->by, "who trained them")->required();
  tr->callback(with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) {
    b.record_training(a->member, a->resource, a->valid_until, a->by);
  }));
}

// Booking, and the steps of a booking's life (confirm, cancel, no-show).
void add_book(CLI::App* bk, Globals& g, const Args& a) {
  auto* book = bk->add_subcommand("book", "book a resource (refused when full, closed, not a member or untrained)");
  book->add_option("--resource", a->resource, "resource id")->required();
  book->add_option("--member", a->member, "member id")->required();
  book->add_option("--unit", a->unit, "hour, half_day, day or month")
      ->check(CLI::IsMember({"hour", "half_day", "day", "month"}));
  book->add_option("--date", a->date, "YYYY-MM-DD (hour, half_day, day)");
  add_slot_options(book, *a);
  book->add_option("--month", a->month, "YYYY-MM (month)");
  book->add_option("--by", a->by, "a manager recording the booking on behalf of the member");
  book->add_option("--channel", a->channel, "how the member asked, with --by (phone, email, desk)");
  book->add_option("--weeks", a->weeks,
                   "book the same slot every week, N weeks in all (all or none; hour, half_day, day)")
      ->check(CLI::Range(1, 52));
  book->add_flag("--json", a->json_out, "JSON output (an array with --weeks)");
  book->callback(with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) {
    auto made = b.book_series(request_of(*a));
    if (a->json_out && a->weeks > 1) {
      std::cout << booking::to_json(made).dump(2) << '\n';
      return;
    }
    for (auto& x : made) print_booking(x, a->json_out);
  }));

  auto state = [&](const std::string& name, const std::string& help) {
    auto* c = bk->add_subcommand(name, help);
    c->add_option("ID", a->id, "booking id")->required();
    c->add_option("--by", a->by, "who (member:ID or the manager's name)");
    return c;
  };
  state("confirm", "confirm a requested booking (manager)")
      ->callback(with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) {
        b.confirm(a->id, a->by.empty() ? "manager" : a->by);
        print_booking(b.get(a->id), false);
      }));
  auto* cancel = state("cancel", "cancel a booking (a member until the resource's cancel-hours; --manager always)");
  cancel->add_flag("--manager", a->manager, "the place's manager cancels (no time limit)");
  cancel->add_option("--reason", a->reason, "why");
  cancel->add_option("--now", a->now,
                     "local time YYYY-MM-DDTHH:MM deciding the time limit (default: now, Europe/Paris)");
  cancel->add_flag("--series", a->series, "also cancel the later bookings of its weekly series");
  cancel->callback(with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) {
    auto who = a->by.empty() ? "member" : a->by;
    auto now = a->now.empty() ? booking::local_now() : a->now;
    if (a->series) {
      for (auto& x : b.cancel_series(a->id, who, a->manager, now, a->reason)) print_booking(x, false);
      return;
    }
    b.cancel(a->id, who, a->manager, now, a->reason);
    print_booking(b.get(a->id), false);
  }));
  auto* ns = state("no-show", "record that the member did not come (once the booking has started)");
  ns->add_option("--now", a->now, "local time YYYY-MM-DDTHH:MM (default: now)");
  ns->callback(with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) {
    b.no_show(a->id, a->by.empty() ? "manager" : a->by, a->now.empty() ? booking::local_now() : a->now);
    print_booking(b.get(a->id), false);
  }));
}

// Lists, the accountant's export, calendars and occupancy.
void add_lists(CLI::App* bk, Globals& g, const Args& a) {
  auto* list = bk->add_subcommand("list", "bookings of a member or a place, optionally within dates");
  list->add_option("--member", a->member, "member id");
  list->add_option("--place", a->place, "place id");
  list->add_option("--from", a->from, "YYYY-MM-DD");
  list->add_option("--to", a->to, "YYYY-MM-DD (excluded)");
  list->add_flag("--json", a->json_out, "JSON output");
  auto* exp = bk->add_subcommand("export", "bookings as CSV for the accountant (prices, plan, discount, amount)");
  exp->add_option("--place", a->place, "place id");
  exp->add_option("--from", a->from, "YYYY-MM-DD");
  exp->add_option("--to", a->to, "YYYY-MM-DD (excluded)");
  auto listing = [a](booking::Bookings& b) {
    return b.list(a->member, a->place, a->from.empty() ? "" : a->from + "T00:00",
                  a->to.empty() ? "" : a->to + "T00:00");
  };
  list->callback(with_store(g, [a, listing](registry::PlaceStore&, booking::Bookings& b) {
    auto all = listing(b);
    if (a->json_out) {
      std::cout << booking::to_json(all).dump(2) << '\n';
      return;
    }
    for (auto& x : all) print_booking(x, false);
  }));
  exp->callback(
      with_store(g, [listing](registry::PlaceStore&, booking::Bookings& b) { b.export_csv(listing(b), std::cout); }));

  auto* ical = bk->add_subcommand("ical", "iCalendar (RFC 5545) of a resource's or a member's bookings");
  ical->add_option("--resource", a->resource, "resource id");
  ical->add_option("--member", a->member, "member id");
  ical->callback(with_store(g, [a](registry::PlaceStore&, booking::Bookings& b) {
    if ((a->resource > 0) == (a->member > 0)) throw Error("give --resource or --member");
    std::cout << (a->resource > 0 ? b.icalendar_resource(a->resource) : b.icalendar_member(a->member));
  }));

  auto* occ = bk->add_subcommand(
      "occupancy", "utilisation of each resource and place for a month, and the anonymised regional aggregate");
  occ->add_option("--month", a->month, "YYYY-MM")->required();
  occ->add_flag("--json", a->json_out, "the regional aggregate as JSON");
  occ->callback(with_store(g, [a](registry::PlaceStore& s, booking::Bookings&) {
    if (a->json_out) {
      std::cout << booking::regional_occupancy(s.db(), a->month).dump(2) << '\n';
      return;
    }
    std::cout << fmt::format("{:<40}{:<28}{:>10}{:>10}{:>8}\n", "place", "resource", "booked h", "open h", "rate");
    for (auto& o : booking::occupancy(s.db(), a->month))
      std::cout << fmt::format("{:<40}{:<28}{:>10.1f}{:>10.1f}{:>7.1f}%\n", o.place_id.substr(0, 39),
                               o.resource_name.empty() ? "(place)" : o.resource_name.substr(0, 27), o.booked_unit_hours,
                               o.open_unit_hours, 100 * o.rate);
  }));
}

// Free desks within N minutes' drive.
void add_search(CLI::App* bk, Globals& g, const Args& a) {
  auto* search = bk->add_subcommand("search", "free desks of a kind at a time within N minutes' drive, nearest first");
  search->add_option("--at", a->at, "lon,lat");
  search->add_option("--commune", a->commune, "INSEE code or name (its centre)");
  search->add_option("--desk-kind", a->desk_kind, "permanent, dropin (default) or training");
  search->add_option("--unit", a->unit, "hour, half_day or day (default day)")
      ->check(CLI::IsMember({"hour", "half_day", "day"}));
  search->add_option("--date", a->date, "YYYY-MM-DD")->required();
  add_slot_options(search, *a);
  search->add_option("--minutes", a->minutes, "drive time limit (default 20)");
  search->add_flag("--json", a->json_out, "JSON output");
  search->callback([&g, a] {
    auto store = open_store(g);
    booking::Bookings b(store->db());
    auto graph = open_graph(g);
    routing::Snapper snapper(graph, routing::SnapOptions::from(graph_profile(graph)));
    routing::Search s(graph);
    booking::DeskQuery q;
    if (!a->at.empty()) {
      auto p = parse_lonlat(a->at, "--at ");
      if (!p) throw Error("--at: expected lon,lat");
      q.at = *p;
    } else {
      auto code = territory::CommuneTable::bundled().resolve(a->commune);
      if (code.empty()) throw Error(fmt::format("--commune '{}': not a commune of the region", a->commune));
      q.at = territory::CommuneTable::bundled().find(code)->centre;
    }
    q.desk_kind = a->desk_kind.empty() ? "dropin" : a->desk_kind;
    q.unit = booking::unit_of(a->unit), q.date = a->date, q.start = a->start, q.half = a->half, q.hours = a->hours,
    q.max_minutes = a->minutes;
    auto found = booking::find_free_desks(b, store->list({}), graph, snapper, s, q);
    if (a->json_out) {
      json arr = json::array();
      for (auto& f : found) arr.push_back(f.to_json());
      std::cout << arr.dump(2) << '\n';
      return;
    }
    if (found.empty()) std::cout << "no free desk of that kind within the drive time\n";
    for (auto& f : found)
      std::cout << fmt::format("{:>6.1f} min  {} ({}) — {}: {} free, {} -> {}\n", f.minutes, f.place_name, f.commune,
                               f.resource_name, f.free, f.starts, f.ends);
  });
}

}  // namespace

void add_booking_commands(CLI::App& app, Globals& g) {
  auto a = std::make_shared<BookingArgs>();
  auto* bk = app.add_subcommand(
      "booking", "desks, rooms and machines of the places: set-up, bookings, calendars, occupancy, search");
  bk->require_subcommand(1);
  add_setup(bk, g, a);
  add_book(bk, g, a);
  add_lists(bk, g, a);
  add_search(bk, g, a);
}

}  // namespace maillage::cli

#include "ami/ami.hpp"

#include "registry/listing.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/date.hpp"
#include "core/error.hpp"
#include "territory/communes.hpp"

namespace maillage::ami {

using nlohmann::json;
using roads::kInfinity;
using roads::kInvalid;

json Call::to_json() const {
  return {{"id", id},
          {"name", name},
          {"opens", opens},
          {"closes", closes},
          {"threshold_minutes", threshold_min},
          {"min_years_open", min_years_open},
          {"min_fte", min_fte},
          {"margin", margin},
          {"itinerant_stops", itinerant_stops}};
}

std::vector<Call> list_calls(db::Database& db) {
  auto st = db.prepare(
      "SELECT id, name, opens, closes, threshold_min, min_years_open, min_fte, margin, itinerant_stops "
      "FROM calls ORDER BY opens, id");
  std::vector<Call> out;
  while (st.step())
    out.push_back(
        {st.text(0), st.text(1), st.text(2), st.text(3), st.real(4), st.real(5), st.real(6), st.text(7), st.text(8)});
  return out;
}

Call get_call(db::Database& db, const std::string& id) {
  auto all = list_calls(db);
  for (auto& c : all)
    if (c.id == id) return c;
  std::vector<std::string> ids;
  for (auto& c : all) ids.push_back(c.id);
  throw NotFound(fmt::format("no call '{}' (known calls: {})", id, fmt::join(ids, ", ")));
}

void add_call(db::Database& db, const Call& c) {
  std::string why;
  if (c.id.empty() || c.name.empty()) throw Error("a call needs an id and a name");
  for (auto* d : {&c.opens, &c.closes})
    if (!date::parse(*d, why, false)) throw Error("call dates: " + why);
  if (c.closes < c.opens) throw Error(fmt::format("the call closes ({}) before it opens ({})", c.closes, c.opens));
  if (c.threshold_min <= 0 || c.min_years_open < 0 || c.min_fte < 0)
    throw Error("threshold must be > 0, minimum years and FTE >= 0");
  if (c.margin != "none" && c.margin != "median" && c.margin != "p90") throw Error("margin: none, median or p90");
  if (c.itinerant_stops != "ignore" && c.itinerant_stops != "block") throw Error("itinerant_stops: ignore or block");
  for (auto& k : list_calls(db))
    if (k.id == c.id) throw Error(fmt::format("a call '{}' already exists", c.id));
  auto st = db.prepare(
      "INSERT INTO calls (id, name, opens, closes, threshold_min, min_years_open, min_fte, created_at, "
      "margin, itinerant_stops) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, c.id).bind(2, c.name).bind(3, c.opens).bind(4, c.closes).bind(5, c.threshold_min);
  st.bind(6, c.min_years_open)
      .bind(7, c.min_fte)
      .bind(8, date::now_utc())
      .bind(9, c.margin)
      .bind(10, c.itinerant_stops);
  st.run();
}

json DataUsed::to_json() const {
  return {{"date", date},
          {"call", call_id},
          {"graph", graph_source},
          {"graph_checksum", fmt::format("{:08x}", graph_checksum)},
          {"registry_revision", registry_revision},
          {"margin_fraction", margin_fraction},
          {"margin_basis", margin_basis}};
}

std::pair<double, std::string> margin_of(const Call& call, double error_median, double error_p90) {
  if (call.margin == "none") return {0.0, "no margin (the call applies the times as computed)"};
  double e = call.margin == "p90" ? error_p90 : error_median;
  if (e <= 0) return {0.0, "no margin: the profile carries no calibration (graph calibrate --fit)"};
  return {e, fmt::format("the car profile's cross-validated {} error, {:.1f} % of the time (docs/profile.md)",
                         call.margin == "p90" ? "90th-percentile" : "median", 100 * e)};
}

const char* verdict_name(CreationCheck::Verdict v) {
  switch (v) {
    case CreationCheck::Verdict::Eligible: return "eligible";
    case CreationCheck::Verdict::NotEligible: return "not_eligible";
    case CreationCheck::Verdict::ToVerify: return "to_verify";
    default: return "cannot_decide";
  }
}

json CreationCheck::to_json() const {
  auto place = [](const NearbyPlace& p) {
    return json{{"id", p.id}, {"name", p.name}, {"commune", p.commune}, {"minutes", std::round(p.minutes * 100) / 100}};
  };
  json near = json::array();
  for (auto& p : nearby) near.push_back(place(p));
  auto stop = [](const NearbyStop& n) {
    return json{{"place_id", n.stop.place_id}, {"place", n.stop.place_name},
                {"stop", n.stop.stop_name},    {"commune", n.stop.commune},
                {"hours", n.stop.hours},       {"lon", n.stop.at.lon},
                {"lat", n.stop.at.lat},        {"minutes", std::round(n.minutes * 100) / 100}};
  };
  json stops_near = json::array();
  for (auto& n : stops_nearby) stops_near.push_back(stop(n));
  json legs = json::array();
  for (auto& l : route)
    legs.push_back({{"road", l.name},
                    {"class", l.road_class},
                    {"km", std::round(l.distance_m / 100) / 10},
                    {"minutes", std::round(l.ms / 600.0) / 100}});
  json line = nullptr;
  if (!route_geometry.empty()) {
    line = {{"type", "LineString"}, {"coordinates", json::array()}};
    for (auto& p : route_geometry)
      line["coordinates"].push_back({std::round(p.lon * 1e5) / 1e5, std::round(p.lat * 1e5) / 1e5});
  }
  return {{"verdict", verdict_name(verdict)},
          {"reason", reason},
          {"at", {at.lon, at.lat}},
          {"threshold_minutes", threshold_min},
          {"margin_minutes", std::round(margin_min * 10) / 10},
          {"nearest", nearest ? place(*nearest) : json(nullptr)},
          {"within_1_5_threshold", near},
          {"itinerant_stops_rule", itinerant_rule},
          {"nearest_itinerant_stop", nearest_stop ? stop(*nearest_stop) : json(nullptr)},
          {"itinerant_stops_within_1_5_threshold", stops_near},
          {"route_to_nearest", legs},
          {"route_geometry", line},
          {"access_m", std::round(access_m)},
          {"data_used", data.to_json()}};
}

CreationChecker::CreationChecker(const roads::RoadGraph& g, const routing::Snapper& snapper,
                                 std::vector<registry::Place> open_places, const Call& call, DataUsed data,
                                 std::vector<StopSite> stops)
    : g_(g),
      snapper_(snapper),
      places_(std::move(open_places)),
      call_(call),
      data_(std::move(data)),
      nearest_(g, snapper),
      stops_(std::move(stops)),
      stop_nearest_(g, snapper),
      search_(g) {
  std::vector<geo::LonLat> at;
  for (auto& p : places_) at.push_back({*p.lon, *p.lat});
  nearest_.compute(at);
  far_unsnapped_ = nearest_.unsnapped();
  at.clear();
  for (auto& s : stops_) at.push_back(s.at);
  stop_nearest_.compute(at, static_cast<roads::Millis>(std::llround(call_.threshold_min * 60000)));
}

namespace {
NearbyPlace describe(const registry::Place& p, double minutes) {
  auto* c = territory::CommuneTable::bundled().find(p.insee_code);
  return {p.id, p.name, c ? c->name : p.insee_code, minutes};
}
}  // namespace

CreationCheck CreationChecker::quick(geo::LonLat at) const { return evaluate(at, snapper_.snap(at)); }

// The fixed places' verdict, then the call's rule on itinerant stops, named either way.
CreationCheck CreationChecker::evaluate(geo::LonLat at, const routing::Snap& snap) const {
  CreationCheck r = evaluate_fixed(at, snap);
  r.itinerant_rule = call_.itinerant_stops;
  if (!snap.ok || stops_.empty()) return r;
  auto n = stop_nearest_.from(snap);
  if (!n.reachable || n.ms > call_.threshold_min * 60000) return r;
  r.nearest_stop = NearbyStop{stops_[n.place], n.ms / 60000.0};
  auto& s = r.nearest_stop->stop;
  std::string stop = fmt::format("the itinerant stop '{}' of '{}' ({}, {}) is {:.1f} min away by car", s.stop_name,
                                 s.place_name, s.commune, s.hours, r.nearest_stop->minutes);
  if (call_.itinerant_stops == "block" && r.verdict == CreationCheck::Verdict::Eligible) {
    r.verdict = CreationCheck::Verdict::NotEligible;
    r.reason = fmt::format(
        "{}, within the {:g} minutes, and this call counts itinerant stops (itinerant_stops = "
        "block). Without it: {}",
        stop, call_.threshold_min, r.reason);
  } else if (r.verdict == CreationCheck::Verdict::Eligible) {
    r.reason += fmt::format(
        "; {}, but this call does not count itinerant stops (a part-time stop is not a tiers-lieu "
        "open to all: itinerant_stops = ignore)",
        stop);
  } else {
    r.reason += fmt::format("; also, {}", stop);
  }
  return r;
}

CreationCheck CreationChecker::evaluate_fixed(geo::LonLat at, const routing::Snap& snap) const {
  CreationCheck r;
  r.at = at;
  r.threshold_min = call_.threshold_min;
  r.data = data_;
  r.access_m = snap.distance_m;
  if (!snap.ok) {
    r.reason = "the point cannot be joined to the road network: " + snap.why;
    return r;
  }
  auto n = nearest_.from(snap);
  const double limit_ms = call_.threshold_min * 60000;
  if (n.reachable) r.nearest = describe(places_[n.place], n.ms / 60000.0);
  // An open place that cannot be joined to the network, close enough to matter, leaves the answer open.
  for (auto i : far_unsnapped_) {
    double km = geo::haversine_m(at, {*places_[i].lon, *places_[i].lat}) / 1000;
    if (km < call_.threshold_min * 130.0 / 60) {  // reachable in the threshold at 130 km/h as the crow flies
      r.reason = fmt::format(
          "the open place '{}' ({:.1f} km away) cannot be joined to the road network: its drive "
          "time is unknown",
          places_[i].name, km);
      return r;
    }
  }
  if (!n.reachable) {
    if (places_.empty()) {
      r.verdict = CreationCheck::Verdict::Eligible;
      r.reason = fmt::format("no tiers-lieu is open on {}", data_.date);
    } else {
      r.reason = "no open place can be reached from this point by road: drive times unknown";
    }
    return r;
  }
  // The margin: the nearest time may be off by the profile's error, either way.
  double t = n.ms / 60000.0, f = data_.margin_fraction;
  r.margin_min = t * f;
  if (f > 0 && t * (1 - f) <= call_.threshold_min && t * (1 + f) > call_.threshold_min) {
    r.verdict = CreationCheck::Verdict::ToVerify;
    r.reason = fmt::format(
        "'{}' ({}) is open {:.1f} min away by car: within the margin (± {:.1f} min, {}) of the {:g} "
        "minutes of the call. To verify: drive or measure the route below, then record the verdict",
        r.nearest->name, r.nearest->commune, t, r.margin_min, data_.margin_basis, call_.threshold_min);
    return r;
  }
  if (n.ms <= limit_ms) {
    r.verdict = CreationCheck::Verdict::NotEligible;
    r.reason = fmt::format("'{}' ({}) is open {:.1f} min away by car, within the {:g} minutes of the call",
                           r.nearest->name, r.nearest->commune, r.nearest->minutes, call_.threshold_min);
  } else {
    r.verdict = CreationCheck::Verdict::Eligible;
    r.reason = fmt::format(
        "the nearest open tiers-lieu, '{}' ({}), is {:.1f} min away by car, beyond the {:g} minutes "
        "of the call",
        r.nearest->name, r.nearest->commune, r.nearest->minutes, call_.threshold_min);
  }
  return r;
}

CreationCheck CreationChecker::explain(geo::LonLat at) {
  const auto snap = snapper_.snap(at);
  CreationCheck r = evaluate(at, snap);
  if (!r.nearest) return r;
  // Places within 1.5 x the threshold: one bounded search from the point.
  const roads::Millis limit = static_cast<roads::Millis>(std::llround(call_.threshold_min * 1.5 * 60000));
  search_.run(routing::snap_sources(g_, snap, routing::Direction::Forward, 0), routing::Direction::Forward, limit);
  const auto& ps = nearest_.place_snaps();
  for (size_t i = 0; i < places_.size(); ++i) {
    if (!ps[i].ok) continue;
    roads::Millis best = routing::arrival(g_, search_, snap, ps[i]);
    if (best <= limit) r.nearby.push_back(describe(places_[i], best / 60000.0));
  }
  std::sort(r.nearby.begin(), r.nearby.end(),
            [](auto& a, auto& b) { return a.minutes != b.minutes ? a.minutes < b.minutes : a.id < b.id; });
  const auto& ss = stop_nearest_.place_snaps();
  for (size_t i = 0; i < stops_.size() && i < ss.size(); ++i) {
    if (!ss[i].ok) continue;
    roads::Millis best = routing::arrival(g_, search_, snap, ss[i]);
    if (best <= limit) r.stops_nearby.push_back({stops_[i], best / 60000.0});
  }
  std::sort(r.stops_nearby.begin(), r.stops_nearby.end(), [](auto& a, auto& b) { return a.minutes < b.minutes; });
  auto& target = places_[std::find_if(places_.begin(), places_.end(), [&](auto& p) { return p.id == r.nearest->id; }) -
                         places_.begin()];
  auto route = routing::route(snapper_, search_, at, {*target.lon, *target.lat});
  if (route.ok) r.route = route.legs, r.route_geometry = route.geometry;
  return r;
}

std::string add_years(const std::string& from, int years) {
  int y = std::stoi(from.substr(0, 4)) + years, m = std::stoi(from.substr(5, 2)), d = std::stoi(from.substr(8, 2));
  if (m == 2 && d == 29 && !date::is_leap(y)) m = 3, d = 1;
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

json DevelopmentCheck::to_json() const {
  json cs = json::array();
  for (auto& c : criteria)
    cs.push_back({{"criterion", c.name}, {"value", c.value}, {"rule", c.rule}, {"verdict", c.verdict}});
  return {{"verdict", verdict},
          {"reason", reason},
          {"place", place_id},
          {"date", date},
          {"call", call_id},
          {"criteria", cs},
          {"missing_fields", missing_fields},
          {"registry_revision", registry_revision}};
}

DevelopmentCheck check_development(const std::optional<registry::Place>& place, const std::string& place_id,
                                   const std::string& d, const Call& call, int64_t revision,
                                   const std::string& charter) {
  DevelopmentCheck r{"", "", place_id, d, call.id};
  r.registry_revision = revision;
  if (!place) {
    r.criteria.push_back(
        {"in_directory", "not in the regional directory", "a place of the regional directory", "not_met"});
    r.verdict = "not_eligible";
    r.reason = fmt::format("'{}' is not a place of the regional directory", place_id);
    return r;
  }
  const auto& p = *place;
  r.criteria.push_back(
      {"in_directory", fmt::format("'{}' ({})", p.name, p.id), "a place of the regional directory", "met"});
  // Listed ("référencé"): open, the charter in force signed, the five criteria met; each failure named.
  auto l = registry::listing(p, d, charter);
  std::vector<std::string> said;
  for (auto& f : l.failures) said.push_back(f.message);
  for (auto& u : l.unknown) said.push_back(u.message), r.missing_fields.push_back(u.item);
  r.criteria.push_back({"listed", l.listed ? std::string("listed") : fmt::format("{}", fmt::join(said, " ; ")),
                        "listed on the regional map: open, the network's charter in force signed, the Région's five "
                        "criteria met",
                        !l.failures.empty()  ? "not_met"
                        : !l.unknown.empty() ? "missing"
                                             : "met"});
  bool open = p.open_on(d);
  r.criteria.push_back({"open_at_date",
                        open ? "open"
                             : fmt::format("not open (status {}{})", registry::status_key(p.status),
                                           p.closing_date.empty() ? "" : ", closed " + p.closing_date),
                        "open on " + d, open ? "met" : "not_met"});
  int years = static_cast<int>(call.min_years_open);
  std::string years_verdict;
  if (p.opening_date.empty()) {
    years_verdict = "missing";
    r.missing_fields.push_back("opening_date");
    r.criteria.push_back(
        {"years_open", "opening date unknown", fmt::format("open since at least {} years", years), "missing"});
  } else {
    // A partial date (2019, 2019-06) covers a period: decide only if its first and last days agree.
    std::string first = p.opening_date.size() == 4   ? p.opening_date + "-01-01"
                        : p.opening_date.size() == 7 ? p.opening_date + "-01"
                                                     : p.opening_date;
    std::string last = p.opening_date.size() == 4 ? p.opening_date + "-12-31"
                       : p.opening_date.size() == 7
                           ? fmt::format("{}-{:02}", p.opening_date,
                                         date::days_in_month(std::stoi(p.opening_date.substr(0, 4)),
                                                             std::stoi(p.opening_date.substr(5, 2))))
                           : p.opening_date;
    bool early = add_years(first, years) <= d, late = add_years(last, years) <= d;
    std::string value = fmt::format("opened {} ({} years on {} from {})", p.opening_date, years, add_years(last, years),
                                    p.opening_date);
    if (early && late)
      years_verdict = "met";
    else if (!early && !late)
      years_verdict = "not_met";
    else {
      years_verdict = "missing";
      r.missing_fields.push_back("opening_date (day)");
      value = fmt::format("opening date known only as {}: {} years reached between {} and {}", p.opening_date, years,
                          add_years(first, years), add_years(last, years));
    }
    r.criteria.push_back(
        {"years_open", value, fmt::format("open for at least {} years on {}", years, d), years_verdict});
  }
  std::string fte_verdict;
  if (!p.staff_fte) {
    fte_verdict = "missing";
    r.missing_fields.push_back("staff_fte");
    r.criteria.push_back({"staff_fte", "unknown", fmt::format(">= {:g} FTE", call.min_fte), "missing"});
  } else {
    fte_verdict = *p.staff_fte + 1e-9 >= call.min_fte ? "met" : "not_met";
    r.criteria.push_back(
        {"staff_fte", fmt::format("{:g} FTE", *p.staff_fte), fmt::format(">= {:g} FTE", call.min_fte), fte_verdict});
  }
  std::vector<std::string> failed;
  for (auto& c : r.criteria)
    if (c.verdict == "not_met") failed.push_back(c.name);
  if (!failed.empty()) {
    r.verdict = "not_eligible";
    r.reason = fmt::format("criteria not met: {}", fmt::join(failed, ", "));
    for (auto& c : r.criteria)
      if (c.name == "listed" && c.verdict == "not_met") r.reason += " (" + c.value + ")";
  } else if (!r.missing_fields.empty()) {
    r.verdict = "incomplete";
    r.reason = fmt::format("missing data: {}", fmt::join(r.missing_fields, ", "));
  } else {
    r.verdict = "eligible";
    r.reason = "every criterion is met";
  }
  return r;
}

}  // namespace maillage::ami

// The timetables in the registry database: validation, reading, writing with history.
#include <cmath>

#include <fmt/format.h>

#include "core/date.hpp"
#include "core/geo.hpp"
#include "core/text.hpp"
#include "itinerant/itinerant.hpp"
#include "db/db.hpp"
#include "registry/store.hpp"
#include "territory/communes.hpp"

namespace maillage::itinerant {
namespace {

constexpr size_t kMaxStops = 200, kMaxName = 200, kMaxText = 2000;
constexpr double kMaxKmFromCommune = 15;

std::string stop_label(size_t index, const std::string& name) {
  return index == 0 ? std::string("vehicle") : fmt::format("stop {} '{}'", index, name);
}

void check_text(size_t index, const std::string& stop, const char* field, const std::string& v, size_t max,
                bool required) {
  if (required && text::trim(v).empty()) throw StopError(index, stop, field, "required");
  if (v.size() > max) throw StopError(index, stop, field, fmt::format("longer than {} characters", max));
  if (!text::is_valid_utf8(v)) throw StopError(index, stop, field, "not valid UTF-8");
  for (unsigned char c : v)
    if (c < 0x20 && c != '\t') throw StopError(index, stop, field, "holds a control character");
}

}  // namespace

StopError::StopError(size_t index_, std::string stop_, std::string field_, std::string why_)
    : Error(Errc::field_invalid, fmt::format("{}: {}: {}", stop_label(index_, stop_), field_, why_),
            index_ == 0 ? field_ : fmt::format("stops[{}].{}", index_, field_)),
      index(index_),
      stop(std::move(stop_)),
      field(std::move(field_)),
      why(std::move(why_)) {}

void validate(const Itinerant& it, const territory::CommuneTable& communes) {
  check_text(0, "", "operator", it.operator_name, kMaxName, false);
  check_text(0, "", "vehicle", it.vehicle, kMaxName, false);
  if (!it.base_insee.empty() && !communes.find(it.base_insee))
    throw StopError(0, "", "base_insee", fmt::format("unknown commune code '{}'", it.base_insee));
  if (it.stops.empty()) throw StopError(0, "", "stops", "a timetable needs at least one stop");
  if (it.stops.size() > kMaxStops) throw StopError(0, "", "stops", fmt::format("more than {} stops", kMaxStops));
  for (size_t i = 0; i < it.stops.size(); ++i) {
    auto& s = it.stops[i];
    size_t n = i + 1;
    check_text(n, s.name, "name", s.name, kMaxName, true);
    check_text(n, s.name, "address", s.address, kMaxName, false);
    check_text(n, s.name, "note", s.note, kMaxText, false);
    check_text(n, s.name, "hours", s.hours, kMaxText, true);
    auto* c = communes.find(s.insee_code);
    if (!c) throw StopError(n, s.name, "insee_code", fmt::format("unknown commune code '{}'", s.insee_code));
    if (!std::isfinite(s.lon) || !std::isfinite(s.lat) || s.lon < -180 || s.lon > 180 || s.lat < -90 || s.lat > 90)
      throw StopError(n, s.name, "lon/lat", "not a WGS84 position");
    double km = geo::haversine_m(s.at(), c->centre) / 1000;
    if (km > kMaxKmFromCommune)
      throw StopError(n, s.name, "lon/lat",
                      fmt::format("{:.0f} km from the centre of {} ({}): not in that commune", km, c->name, c->code));
    if (auto why = hours_error(s.hours); !why.empty())
      throw StopError(n, s.name, "hours", fmt::format("'{}': {}", s.hours, why));
  }
}

nlohmann::json to_json(const Itinerant& it) {
  nlohmann::json stops = nlohmann::json::array();
  for (auto& s : it.stops)
    stops.push_back({{"name", s.name},
                     {"insee_code", s.insee_code},
                     {"address", s.address},
                     {"lon", s.lon},
                     {"lat", s.lat},
                     {"hours", s.hours},
                     {"note", s.note}});
  return {
      {"place_id", it.place_id}, {"operator", it.operator_name}, {"base_insee", it.base_insee}, {"vehicle", it.vehicle},
      {"stops", stops},          {"updated_at", it.updated_at}};
}

Itinerant from_json(const nlohmann::json& j, const std::string& place_id) {
  if (!j.is_object()) throw StopError(0, "", "body", "a JSON object with 'stops' is expected");
  auto text_of = [](const nlohmann::json& o, const char* k, size_t idx, const std::string& stop) -> std::string {
    if (!o.contains(k) || o[k].is_null()) return "";
    if (!o[k].is_string()) throw StopError(idx, stop, k, "a string is expected");
    return o[k].get<std::string>();
  };
  Itinerant it;
  it.place_id = place_id;
  for (auto& [k, v] : j.items()) {
    (void)v;
    if (k != "operator" && k != "base_insee" && k != "vehicle" && k != "stops" && k != "place_id" && k != "updated_at")
      throw StopError(0, "", k, "unknown field (operator, base_insee, vehicle, stops)");
  }
  it.operator_name = text_of(j, "operator", 0, ""), it.base_insee = text_of(j, "base_insee", 0, "");
  it.vehicle = text_of(j, "vehicle", 0, "");
  if (!j.contains("stops") || !j["stops"].is_array()) throw StopError(0, "", "stops", "an array is expected");
  size_t n = 0;
  for (auto& o : j["stops"]) {
    ++n;
    if (!o.is_object()) throw StopError(n, "", "stop", "an object is expected");
    Stop s;
    s.name = text_of(o, "name", n, "");
    for (auto& [k, v] : o.items()) {
      (void)v;
      if (k != "name" && k != "insee_code" && k != "address" && k != "lon" && k != "lat" && k != "hours" && k != "note")
        throw StopError(n, s.name, k, "unknown field (name, insee_code, address, lon, lat, hours, note)");
    }
    s.insee_code = text_of(o, "insee_code", n, s.name), s.address = text_of(o, "address", n, s.name);
    s.hours = text_of(o, "hours", n, s.name), s.note = text_of(o, "note", n, s.name);
    for (auto* k : {"lon", "lat"})
      if (!o.contains(k) || !o[k].is_number()) throw StopError(n, s.name, k, "a number is expected");
    s.lon = o["lon"].get<double>(), s.lat = o["lat"].get<double>();
    it.stops.push_back(std::move(s));
  }
  return it;
}

std::optional<Itinerant> get(db::Database& db, const std::string& place_id) {
  auto st = db.prepare("SELECT operator, base_insee, vehicle, updated_at FROM itinerant_places WHERE place_id = ?");
  st.bind(1, place_id);
  if (!st.step()) return std::nullopt;
  Itinerant it;
  it.place_id = place_id;
  it.operator_name = st.text(0), it.base_insee = st.text(1), it.vehicle = st.text(2), it.updated_at = st.text(3);
  auto ss = db.prepare(
      "SELECT name, insee_code, address, lon, lat, hours, note FROM itinerant_stops "
      "WHERE place_id = ? ORDER BY seq");
  ss.bind(1, place_id);
  while (ss.step())
    it.stops.push_back({ss.text(0), ss.text(1), ss.text(2), ss.text(5), ss.text(6), ss.real(3), ss.real(4)});
  return it;
}

std::vector<Itinerant> all(db::Database& db) {
  std::vector<std::string> ids;
  auto st = db.prepare("SELECT place_id FROM itinerant_places ORDER BY place_id");
  while (st.step()) ids.push_back(st.text(0));
  std::vector<Itinerant> out;
  for (auto& id : ids)
    if (auto it = get(db, id)) out.push_back(std::move(*it));
  return out;
}

void put(registry::PlaceStore& store, Itinerant it, int64_t revision, const std::string& origin) {
  auto place = store.get(it.place_id);
  if (!place) throw NotFound(fmt::format("no place with id '{}'", it.place_id), Errc::place_not_found);
  if (!registry::is_itinerant(*place))
    throw StopError(0, "", "types", fmt::format("place '{}' is not of type itinerant", it.place_id));
  validate(it, territory::CommuneTable::bundled());
  for (auto& s : it.stops) s.hours = normalized_hours(s.hours);
  auto& db = store.db();
  auto before = get(db, it.place_id);
  auto now = date::now_utc();
  auto h =
      db.prepare("INSERT INTO itinerant_history (revision, place_id, at, origin, before_json) VALUES (?, ?, ?, ?, ?)");
  h.bind(1, revision).bind(2, it.place_id).bind(3, now).bind(4, origin, false);
  h.bind(5, before ? to_json(*before).dump() : std::string("null"));
  h.step();
  auto up = db.prepare(
      "INSERT INTO itinerant_places (place_id, operator, base_insee, vehicle, updated_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (place_id) DO UPDATE SET operator = excluded.operator, "
      "base_insee = excluded.base_insee, vehicle = excluded.vehicle, updated_at = excluded.updated_at");
  up.bind(1, it.place_id).bind(2, it.operator_name, false).bind(3, it.base_insee, false).bind(4, it.vehicle, false);
  up.bind(5, now).step();
  auto del = db.prepare("DELETE FROM itinerant_stops WHERE place_id = ?");
  del.bind(1, it.place_id).step();
  auto ins = db.prepare(
      "INSERT INTO itinerant_stops (place_id, seq, name, insee_code, address, lon, lat, hours, note) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (size_t i = 0; i < it.stops.size(); ++i) {
    auto& s = it.stops[i];
    ins.reset();
    ins.bind(1, it.place_id).bind(2, static_cast<int64_t>(i + 1)).bind(3, s.name).bind(4, s.insee_code);
    ins.bind(5, s.address, false).bind(6, s.lon).bind(7, s.lat).bind(8, s.hours).bind(9, s.note, false);
    ins.step();
  }
}

std::vector<HistoryEntry> history(db::Database& db, const std::string& place_id) {
  auto st =
      db.prepare("SELECT revision, at, origin, before_json FROM itinerant_history WHERE place_id = ? ORDER BY id");
  st.bind(1, place_id);
  std::vector<HistoryEntry> out;
  while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), nlohmann::json::parse(st.text(3))});
  return out;
}

}  // namespace maillage::itinerant

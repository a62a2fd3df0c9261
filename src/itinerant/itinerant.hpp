#pragma once
// Itinerant tiers-lieux: a place of type "itinerant" (a bus, a truck, a "colporteur de services") whose sheet is
// a registry place like any other (its position is its base), with a vehicle and its stops. Each stop has a
// position, a commune and its hours in the opening_hours syntax (itinerant/hours.hpp). The timetable is written
// as a whole; each change bumps the registry revision and keeps the timetable before it (itinerant_history,
// append-only), as place_history does for sheets.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/geo.hpp"
#include "itinerant/hours.hpp"
#include "registry/place.hpp"

namespace maillage::registry {
class PlaceStore;
}
namespace maillage::territory {
class CommuneTable;
}
namespace maillage::db {
class Database;
}

namespace maillage::itinerant {

struct Stop {
  std::string name, insee_code, address, hours, note;
  double lon = 0, lat = 0;
  geo::LonLat at() const { return {lon, lat}; }
};

struct Itinerant {
  std::string place_id, operator_name, base_insee, vehicle;
  std::vector<Stop> stops;
  std::string updated_at;  // managed by the store
};

// A timetable refused: which stop (1-based, 0 for the vehicle itself), its name, the field and why.
class StopError : public Error {
 public:
  StopError(size_t index, std::string stop, std::string field, std::string why);
  size_t index;
  std::string stop, field, why;
};

// Checks every field (names, commune codes, positions in the region and near their commune, hours parsed).
// Limits: 200 stops, 200 characters a name, 2000 an hours expression.
void validate(const Itinerant& it, const territory::CommuneTable& communes);

std::optional<Itinerant> get(db::Database& db, const std::string& place_id);
std::vector<Itinerant> all(db::Database& db);  // every itinerant place that has a timetable, by place id
// Writes the timetable (validated; the place must exist and be of type itinerant). Call inside a transaction,
// with the revision taken by PlaceStore::next_revision().
void put(registry::PlaceStore& store, Itinerant it, int64_t revision, const std::string& origin);

struct HistoryEntry {
  int64_t revision = 0;
  std::string at, origin;
  nlohmann::json before;  // the timetable as it was (null for the first one)
};
std::vector<HistoryEntry> history(db::Database& db, const std::string& place_id);

nlohmann::json to_json(const Itinerant& it);
Itinerant from_json(const nlohmann::json& j, const std::string& place_id);  // StopError naming the field

// --- When the vehicle is where ---
struct Passage {
  size_t stop = 0;  // index in Itinerant::stops
  Slot slot;
};
// Every passage in the `days` days from `from`, by date then time.
std::vector<Passage> passages(const Itinerant& it, const std::string& from, int days);
// The next passage at or after (date, minute of the day) within `horizon_days`.
std::optional<Passage> next_passage(const Itinerant& it, const std::string& date, int minute, int horizon_days = 56);
// Hours a week at each stop, averaged over the `weeks` weeks from the Monday of `from`'s week.
std::vector<double> weekly_hours(const Itinerant& it, const std::string& from, int weeks);

// --- Exports ---
// One row per stop: place_id, seq, name, insee_code, commune, address, lon, lat, hours, note.
std::string stops_csv(const std::vector<Itinerant>& its, const territory::CommuneTable& communes);
// Points (one per stop) with the same properties.
nlohmann::json stops_geojson(const std::vector<Itinerant>& its, const territory::CommuneTable& communes);
// iCalendar of the passages in the `days` days from `from`.
std::string stops_ical(const Itinerant& it, const std::string& place_name, const std::string& from, int days);

// --- Import of a published timetable ---
struct ImportedTimetable {
  std::string name, siret, website, phone, parent;  // of the place, from the rows
  uint32_t services = 0;
  Itinerant timetable;                // place_id empty: given by the caller
  std::vector<std::string> warnings;  // positions corrected, rows skipped, with the stop named
};
// The national mednum schema's rows of one itinerant service (a JSON array, like the Charente bus file): each row
// a stop ("horaires" opening_hours, "ouverture" week parity, "code_insee", "latitude"/"longitude"). A stop whose
// position lies more than 15 km from its commune is placed at the commune's centre, with a warning (the
// Charente file geocodes Valence, 16392, in the Bouches-du-Rhône). Bad hours are refused (StopError).
ImportedTimetable read_mednum_stops(const std::string& content, const std::string& file_label,
                                    const territory::CommuneTable& communes);
// Maillage's own stops CSV (stops_csv's columns; place_id, seq and commune are ignored).
ImportedTimetable read_stops_csv(const std::string& content, const std::string& file_label,
                                 const territory::CommuneTable& communes);

// Writes an imported timetable in one transaction: onto the itinerant place `id`, else onto the one a previous
// import of the same name and base made, else onto a new place (its name, types, services and contact from the rows,
// at its base's centre). Empty options keep what the rows or the stored timetable say. With `dry_run` everything is
// checked and nothing is written.
struct TimetableWrite {
  std::string id, name, vehicle, operator_name, origin, source;
  bool dry_run = false;
};
struct TimetableWritten {
  registry::Place place;
  bool created = false;
  int64_t revision = 0;
  size_t stops = 0;
};
TimetableWritten write_timetable(registry::PlaceStore& store, ImportedTimetable t, const TimetableWrite& o,
                                 const territory::CommuneTable& communes);

}  // namespace maillage::itinerant

#pragma once
// The place model of the registry ("carte et annuaire"), with one table of fields that every format (Maillage
// CSV, GeoJSON properties, `places add/update --set`) reads and writes, so that a field is parsed, checked and
// printed in exactly one place.
#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace maillage::registry {

enum class Status { Open, Project, Closed };
// A criterion of the Région's definition, as stated for a place: yes, no, or not known.
enum class Tri { Unknown, Yes, No };
// The Région's five criteria of a tiers-lieu: shared work spaces (1) open to every kind of professional, (2)
// flexible and accessible, (3) with broadband or fibre, (4) with a human welcome, (5) with a collective governance.
inline constexpr size_t kCriteria = 5;
enum class Precision { Address, Commune };

struct EnumItem {
  std::string_view key;    // stored and exported value
  std::string_view label;  // French label shown to people; also accepted on input
};

// Types of places and services are small fixed sets, stored as bit masks (bit i = item i of the list).
const std::vector<EnumItem>& place_types();
const std::vector<EnumItem>& service_items();
// The bit of a place type, by key ("itinerant"); 0 for an unknown key.
uint32_t type_bit(std::string_view key);
struct Place;
// An itinerant place (type itinerant): a vehicle with stops (itinerant/), not a place open to all at one address.
bool is_itinerant(const Place& p);
const std::vector<EnumItem>& status_items();
const std::vector<EnumItem>& precision_items();
const std::vector<EnumItem>& tri_items();        // yes, no, unknown
const std::vector<EnumItem>& criterion_items();  // the five criteria: key (open_to_all ...) and French label
std::string_view tri_key(Tri t);

std::string_view status_key(Status s);
std::string_view precision_key(Precision p);
// Mask -> "key1;key2" (in list order) and back. parse_mask returns the unknown item or "" on success.
std::string mask_to_keys(uint32_t mask, const std::vector<EnumItem>& items);
std::vector<std::string> mask_to_list(uint32_t mask, const std::vector<EnumItem>& items, bool labels = false);
std::string parse_mask(std::string_view text, const std::vector<EnumItem>& items, uint32_t& mask);
// "open|project|closed": accepted values, for error messages.
std::string accepted_values(const std::vector<EnumItem>& items);

struct Place {
  std::string id;
  std::string name;
  std::string siret;
  std::string legal_form;
  uint32_t types = 0;
  Status status = Status::Open;
  std::string opening_date;  // ISO, possibly partial (YYYY or YYYY-MM); "" unknown
  std::string closing_date;
  std::string address;
  std::string postcode;
  std::string insee_code;
  std::optional<double> lon, lat;  // WGS84
  Precision precision = Precision::Address;
  std::optional<double> staff_fte;
  std::optional<int> seats_permanent, seats_dropin, seats_training;
  uint32_t services = 0;
  std::string website, facebook, twitter, instagram, linkedin;
  // Private contact person: never exported or shown without explicit permission.
  std::string contact_last_name, contact_first_name, contact_email, contact_phone, contact_mobile;
  std::string source;       // where the record comes from
  std::string source_date;  // when the source stated it (ISO date, possibly partial)
  std::string notes;
  std::array<Tri, kCriteria> criteria{};  // the Région's five criteria, in criterion_items() order
  // The last signature of the network's charter: its version, date and signatory (earlier ones: the history).
  std::string charter_version, charter_signed_on, charter_signatory;
  std::string created_at, updated_at;  // managed by the store (UTC)

  // Open at date D (YYYY-MM-DD), derived from the dates, never stored:
  //   status != project, opening_date unknown or <= D, and closing_date > D
  //   (or, when no closing date is known, status == open).
  bool open_on(std::string_view date) const;
};

enum class Field : uint8_t {
  id,
  name,
  siret,
  legal_form,
  types,
  status,
  opening_date,
  closing_date,
  address,
  postcode,
  insee_code,
  commune,
  lon,
  lat,
  position_precision,
  staff_fte,
  seats_permanent,
  seats_dropin,
  seats_training,
  services,
  website,
  facebook,
  twitter,
  instagram,
  linkedin,
  contact_last_name,
  contact_first_name,
  contact_email,
  contact_phone,
  contact_mobile,
  source,
  source_date,
  notes,
  criterion_open_to_all,
  criterion_flexible,
  criterion_broadband,
  criterion_human_welcome,
  criterion_collective_governance,
  charter_version,
  charter_signed_on,
  charter_signatory,
  created_at,
  updated_at,
  count_
};
constexpr size_t kFieldCount = static_cast<size_t>(Field::count_);
using FieldSet = std::bitset<kFieldCount>;

// One row per field: everything a format, the store or a screen needs to know of it (issue #29). Adding a field
// is one row here, its member in Place, its cases in format_field/parse_field (and sql_value when not text), and
// a migration adding its column; `FieldTable.EveryFieldReachesEveryFormat` proves it reaches every format.
struct FieldDef {
  enum class Sql { None, Text, Integer, Real };  // its column in `places` (None: derived, not stored)
  Field field;
  std::string_view name;  // column name in SQL and Maillage CSV, property name in GeoJSON/JSON
  bool is_private;        // contact person fields
  bool is_input;          // false: derived or managed (commune name, created_at, updated_at)
  Sql sql;
  std::string_view label;  // French, for people (the web app reads it from `maillage places fields --json`)
  std::string_view help;
};

const std::vector<FieldDef>& fields();
const FieldDef& field_def(Field f);
// The position of a criterion field in Place::criteria, or -1 for another field.
int criterion_index(Field f);
const FieldDef* find_field(std::string_view name);
// Help text listing the fields, for --help.
std::string fields_help();

// Text form of a field as written in Maillage CSV ("" when absent). `commune` needs the commune table and is
// filled by the caller.
std::string format_field(const Place& p, Field f);
// Parses text into a field; "" clears it. Returns an error message ("" on success). Field-local checks only
// (number format, enumerations, SIRET check digit, date syntax); rules that need other fields or reference
// data are in validate.hpp.
std::string parse_field(Place& p, Field f, std::string_view text);
void copy_field(Place& dst, const Place& src, Field f);

// A field's value as stored in its SQL column (null when absent), and back: the store binds and reads every
// column through these, in the order of fields().
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;
SqlValue sql_value(const Place& p, Field f);
void set_sql_value(Place& p, Field f, const SqlValue& v);

// JSON object with typed values (arrays for types/services, numbers, null when absent). With compact, absent
// fields are left out instead of null (history records).
nlohmann::json to_json(const Place& p, bool include_private, std::string_view commune_name = {}, bool compact = false);

// Luhn check of a SIRET (14 digits), with La Poste's exception (SIREN 356000000: digit sum divisible by 5).
bool siret_checksum_ok(std::string_view siret);

}  // namespace maillage::registry

#include "registry/place.hpp"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/date.hpp"
#include "core/text.hpp"

namespace maillage::registry {

const std::vector<EnumItem>& place_types() {
  static const std::vector<EnumItem> v = {{"coworking", "Coworking"},
                                          {"fablab", "Fablab"},
                                          {"atelier_partage", "Atelier partagé"},
                                          {"hybride", "Hybride"},
                                          {"terres_agricoles", "Terres agricoles"},
                                          {"telecentre", "Télécentre"},
                                          {"mediation_numerique", "Médiation numérique"},
                                          {"itinerant", "Itinérant"}};
  return v;
}

const std::vector<EnumItem>& service_items() {
  static const std::vector<EnumItem> v = {{"wifi", "Wi-Fi"},
                                          {"fibre", "Fibre optique"},
                                          {"pmr", "Accès PMR"},
                                          {"meeting_room", "Salle de réunion"},
                                          {"cafe", "Café"},
                                          {"training", "Formation"},
                                          {"digital_mediation", "Médiation numérique"},
                                          {"childcare", "Garde d'enfants"},
                                          {"printing", "Impression"},
                                          {"domiciliation", "Domiciliation"},
                                          {"videoconference", "Visioconférence"},
                                          {"kitchen", "Cuisine partagée"},
                                          {"parking", "Parking"},
                                          {"accommodation", "Hébergement"},
                                          {"public_services", "Services publics (France services)"}};
  return v;
}

const std::vector<EnumItem>& status_items() {
  static const std::vector<EnumItem> v = {{"open", "Ouvert"}, {"project", "En projet"}, {"closed", "Fermé"}};
  return v;
}

const std::vector<EnumItem>& precision_items() {
  static const std::vector<EnumItem> v = {{"address", "Adresse"}, {"commune", "Centre de la commune"}};
  return v;
}

const std::vector<EnumItem>& tri_items() {
  static const std::vector<EnumItem> v = {{"unknown", "Inconnu"}, {"yes", "Oui"}, {"no", "Non"}};
  return v;
}

const std::vector<EnumItem>& criterion_items() {
  static const std::vector<EnumItem> v = {{"open_to_all", "Ouvert à tous les professionnels"},
                                          {"flexible", "Espaces flexibles et accessibles"},
                                          {"broadband", "Haut débit ou fibre"},
                                          {"human_welcome", "Accueil humain"},
                                          {"collective_governance", "Gouvernance collective"}};
  return v;
}

std::string_view tri_key(Tri t) { return tri_items()[static_cast<int>(t)].key; }

std::string_view status_key(Status s) { return status_items()[static_cast<int>(s)].key; }
std::string_view precision_key(Precision p) { return precision_items()[static_cast<int>(p)].key; }

namespace {
// Finds an item by key or label, ignoring case, accents and punctuation; extra synonyms for the status.
int find_item(std::string_view text, const std::vector<EnumItem>& items) {
  auto f = text::fold(text);
  for (size_t i = 0; i < items.size(); ++i)
    if (f == text::fold(items[i].key) || f == text::fold(items[i].label)) return static_cast<int>(i);
  if (&items == &status_items()) {
    if (f == "ouvert" || f == "en activite" || f == "actif" || f == "ouverte") return 0;
    if (f == "in project" || f == "projet" || f == "en projet" || f == "en creation") return 1;
    if (f == "ferme" || f == "fermee") return 2;
  }
  if (&items == &place_types()) {
    if (f == "fab lab" || f == "mini fab lab") return 1;
    if (f == "tiers lieu hybride") return 3;
    if (f == "espace de coworking") return 0;
    if (f == "tiers lieu itinerant" || f == "itinerance") return 7;
  }
  return -1;
}
}  // namespace

uint32_t type_bit(std::string_view key) {
  auto& items = place_types();
  for (size_t i = 0; i < items.size(); ++i)
    if (items[i].key == key) return 1u << i;
  return 0;
}

bool is_itinerant(const Place& p) {
  static const uint32_t bit = type_bit("itinerant");
  return (p.types & bit) != 0;
}

std::string accepted_values(const std::vector<EnumItem>& items) {
  std::vector<std::string> keys;
  for (auto& i : items) keys.emplace_back(i.key);
  return text::join(keys, ", ");
}

std::string mask_to_keys(uint32_t mask, const std::vector<EnumItem>& items) {
  return text::join(mask_to_list(mask, items), ";");
}

std::vector<std::string> mask_to_list(uint32_t mask, const std::vector<EnumItem>& items, bool labels) {
  std::vector<std::string> out;
  for (size_t i = 0; i < items.size(); ++i)
    if (mask & (1u << i)) out.emplace_back(labels ? items[i].label : items[i].key);
  return out;
}

std::string parse_mask(std::string_view txt, const std::vector<EnumItem>& items, uint32_t& mask) {
  mask = 0;
  // The regional dictionary writes combinations in words: "Coworking, fablab et atelier partagé".
  std::string s(txt);
  for (size_t pos; (pos = s.find(" et ")) != std::string::npos;) s.replace(pos, 4, ";");
  for (auto& item : text::split_list(s, ";|,/+")) {
    auto f = text::fold(item);
    if (f == "nr" || f == "non renseigne") continue;
    int i = find_item(item, items);
    if (i < 0) return item;
    mask |= 1u << i;
  }
  return {};
}

bool Place::open_on(std::string_view d) const {
  if (status == Status::Project) return false;
  if (!opening_date.empty() && opening_date > d) return false;  // partial dates compare as their first day
  if (!closing_date.empty()) return closing_date > d;
  return status == Status::Open;
}

// Long: the field table is one list, a row a field (issue #29: adding a field is one row).
const std::vector<FieldDef>& fields() {
  using F = Field;
  using Sql = FieldDef::Sql;
  static const std::vector<FieldDef> v = {
      {F::id, "id", false, true, Sql::Text, "Identifiant",
       "stable identifier (letters, digits, . _ : -); generated when empty"},
      {F::name, "name", false, true, Sql::Text, "Nom du lieu", "name of the place (required)"},
      {F::siret, "siret", false, true, Sql::Text, "SIRET",
       "SIRET of the operating structure (14 digits, check digit verified)"},
      {F::legal_form, "legal_form", false, true, Sql::Text, "Forme juridique",
       "legal form (Association, SCIC, SAS...)"},
      {F::types, "types", false, true, Sql::Integer, "Types",
       "types, separated by ';': coworking, fablab, atelier_partage, hybride, terres_agricoles, telecentre, "
       "mediation_numerique, itinerant (a vehicle with stops: maillage itinerant)"},
      {F::status, "status", false, true, Sql::Text, "Statut", "open, project or closed"},
      {F::opening_date, "opening_date", false, true, Sql::Text, "Date d'ouverture",
       "opening date YYYY-MM-DD (YYYY-MM or YYYY when only that is known)"},
      {F::closing_date, "closing_date", false, true, Sql::Text, "Date de fermeture", "closing date, same format"},
      {F::address, "address", false, true, Sql::Text, "Adresse", "street address"},
      {F::postcode, "postcode", false, true, Sql::Text, "Code postal", "postal code (5 digits)"},
      {F::insee_code, "insee_code", false, true, Sql::Text, "Code INSEE",
       "INSEE code of the commune (COG 2026; former codes are mapped)"},
      {F::commune, "commune", false, true, Sql::None, "Commune",
       "commune name: output only, or used to find insee_code when that is empty"},
      {F::lon, "lon", false, true, Sql::Real, "Longitude", "longitude WGS84 (empty: commune centre)"},
      {F::lat, "lat", false, true, Sql::Real, "Latitude", "latitude WGS84"},
      {F::position_precision, "position_precision", false, true, Sql::Text, "Précision de la position",
       "address or commune"},
      {F::staff_fte, "staff_fte", false, true, Sql::Real, "Salariés (ETP)", "staff in full-time equivalents (>= 0)"},
      {F::seats_permanent, "seats_permanent", false, true, Sql::Integer, "Postes permanents (résidents)",
       "permanent desks"},
      {F::seats_dropin, "seats_dropin", false, true, Sql::Integer, "Postes nomades", "drop-in desks"},
      {F::seats_training, "seats_training", false, true, Sql::Integer, "Places de formation", "training seats"},
      {F::services, "services", false, true, Sql::Integer, "Services",
       "services, separated by ';': wifi, fibre, pmr, meeting_room, cafe, training, digital_mediation, childcare, "
       "printing, domiciliation, videoconference, kitchen, parking, accommodation, public_services"},
      {F::website, "website", false, true, Sql::Text, "Site web", "web site URL"},
      {F::facebook, "facebook", false, true, Sql::Text, "Facebook", "Facebook page"},
      {F::twitter, "twitter", false, true, Sql::Text, "X (Twitter)", "X/Twitter account"},
      {F::instagram, "instagram", false, true, Sql::Text, "Instagram", "Instagram account"},
      {F::linkedin, "linkedin", false, true, Sql::Text, "LinkedIn", "LinkedIn page"},
      {F::contact_last_name, "contact_last_name", true, true, Sql::Text, "Contact : nom",
       "contact person: last name (private)"},
      {F::contact_first_name, "contact_first_name", true, true, Sql::Text, "Contact : prénom",
       "contact person: first name (private)"},
      {F::contact_email, "contact_email", true, true, Sql::Text, "Contact : courriel",
       "contact person: e-mail (private)"},
      {F::contact_phone, "contact_phone", true, true, Sql::Text, "Contact : téléphone fixe",
       "contact person: landline (private)"},
      {F::contact_mobile, "contact_mobile", true, true, Sql::Text, "Contact : téléphone mobile",
       "contact person: mobile (private)"},
      {F::source, "source", false, true, Sql::Text, "Source", "source of the record"},
      {F::source_date, "source_date", false, true, Sql::Text, "Date de la source", "date of the source (ISO)"},
      {F::notes, "notes", false, true, Sql::Text, "Notes", "free notes"},
      {F::criterion_open_to_all, "criterion_open_to_all", false, true, Sql::Text,
       "Critère : ouvert à tous les professionnels",
       "Région criterion 1, open to every kind of professional: yes, no or unknown"},
      {F::criterion_flexible, "criterion_flexible", false, true, Sql::Text,
       "Critère : espaces flexibles et accessibles",
       "Région criterion 2, flexible and accessible spaces: yes, no or unknown"},
      {F::criterion_broadband, "criterion_broadband", false, true, Sql::Text, "Critère : haut débit ou fibre",
       "Région criterion 3, broadband or fibre: yes, no or unknown"},
      {F::criterion_human_welcome, "criterion_human_welcome", false, true, Sql::Text, "Critère : accueil humain",
       "Région criterion 4, a human welcome: yes, no or unknown"},
      {F::criterion_collective_governance, "criterion_collective_governance", false, true, Sql::Text,
       "Critère : gouvernance collective", "Région criterion 5, a collective governance: yes, no or unknown"},
      {F::charter_version, "charter_version", false, true, Sql::Text, "Charte du réseau signée (version)",
       "the version of the network's charter the place signed last"},
      {F::charter_signed_on, "charter_signed_on", false, true, Sql::Text, "Charte signée le",
       "when it signed it (YYYY-MM-DD)"},
      {F::charter_signatory, "charter_signatory", false, true, Sql::Text, "Signataire de la charte",
       "who signed it for the place"},
      {F::created_at, "created_at", false, false, Sql::Text, "Créé le", "first stored (UTC), managed by Maillage"},
      {F::updated_at, "updated_at", false, false, Sql::Text, "Modifié le", "last changed (UTC), managed by Maillage"},
  };
  return v;
}

const FieldDef& field_def(Field f) { return fields()[static_cast<size_t>(f)]; }

const FieldDef* find_field(std::string_view name) {
  for (auto& d : fields())
    if (d.name == name) return &d;
  return nullptr;
}

std::string fields_help() {
  std::string out;
  for (auto& d : fields()) out += fmt::format("  {:<20} {}\n", d.name, d.help);
  return out;
}

namespace {
std::string fmt_num(const std::optional<double>& v) {
  if (!v) return {};
  // Shortest text that reads back to the same double: exports are lossless.
  return fmt::format("{}", *v);
}
std::string fmt_int(const std::optional<int>& v) { return v ? std::to_string(*v) : std::string(); }

}  // namespace

int criterion_index(Field f) {
  auto i = static_cast<int>(f) - static_cast<int>(Field::criterion_open_to_all);
  return i >= 0 && i < static_cast<int>(kCriteria) ? i : -1;
}

namespace {

std::string* text_member(Place& p, Field f) {
  switch (f) {
    case Field::id: return &p.id;
    case Field::name: return &p.name;
    case Field::legal_form: return &p.legal_form;
    case Field::address: return &p.address;
    case Field::website: return &p.website;
    case Field::facebook: return &p.facebook;
    case Field::twitter: return &p.twitter;
    case Field::instagram: return &p.instagram;
    case Field::linkedin: return &p.linkedin;
    case Field::contact_last_name: return &p.contact_last_name;
    case Field::contact_first_name: return &p.contact_first_name;
    case Field::contact_email: return &p.contact_email;
    case Field::contact_phone: return &p.contact_phone;
    case Field::contact_mobile: return &p.contact_mobile;
    case Field::source: return &p.source;
    case Field::notes: return &p.notes;
    case Field::charter_version: return &p.charter_version;
    case Field::charter_signatory: return &p.charter_signatory;
    case Field::created_at: return &p.created_at;
    case Field::updated_at: return &p.updated_at;
    default: return nullptr;
  }
}

std::string parse_seats(std::optional<int>& out, std::string_view t) {
  long long v = 0;
  if (!text::parse_int(t, v)) return fmt::format("'{}' is not a whole number", t);
  if (v < 0 || v > 100000) return fmt::format("{} is out of range (0-100000)", v);
  out = static_cast<int>(v);
  return {};
}

std::string parse_date_field(std::string& out, std::string_view t) {
  std::string why;
  auto d = date::parse(t, why, true, false);
  if (!d) return why;
  out = d->iso;
  return {};
}
}  // namespace

std::string format_field(const Place& p, Field f) {
  switch (f) {
    case Field::siret: return p.siret;
    case Field::types: return mask_to_keys(p.types, place_types());
    case Field::status: return std::string(status_key(p.status));
    case Field::opening_date: return p.opening_date;
    case Field::closing_date: return p.closing_date;
    case Field::postcode: return p.postcode;
    case Field::insee_code: return p.insee_code;
    case Field::commune: return {};
    case Field::lon: return fmt_num(p.lon);
    case Field::lat: return fmt_num(p.lat);
    case Field::position_precision: return std::string(precision_key(p.precision));
    case Field::staff_fte: return fmt_num(p.staff_fte);
    case Field::seats_permanent: return fmt_int(p.seats_permanent);
    case Field::seats_dropin: return fmt_int(p.seats_dropin);
    case Field::seats_training: return fmt_int(p.seats_training);
    case Field::services: return mask_to_keys(p.services, service_items());
    case Field::source_date: return p.source_date;
    case Field::charter_signed_on: return p.charter_signed_on;
    default:
      if (auto c = criterion_index(f); c >= 0) return std::string(tri_key(p.criteria[c]));
      return *text_member(const_cast<Place&>(p), f);
  }
}

SqlValue sql_value(const Place& p, Field f) {
  auto opt_int = [](const std::optional<int>& v) { return v ? SqlValue(int64_t{*v}) : SqlValue(); };
  auto opt_real = [](const std::optional<double>& v) { return v ? SqlValue(*v) : SqlValue(); };
  switch (f) {
    case Field::types: return int64_t{p.types};
    case Field::services: return int64_t{p.services};
    case Field::seats_permanent: return opt_int(p.seats_permanent);
    case Field::seats_dropin: return opt_int(p.seats_dropin);
    case Field::seats_training: return opt_int(p.seats_training);
    case Field::lon: return opt_real(p.lon);
    case Field::lat: return opt_real(p.lat);
    case Field::staff_fte: return opt_real(p.staff_fte);
    default: {
      auto t = format_field(p, f);  // text columns hold the field's text form ("" is stored as NULL)
      return t.empty() ? SqlValue() : SqlValue(std::move(t));
    }
  }
}

void set_sql_value(Place& p, Field f, const SqlValue& v) {
  auto text = std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : std::string();
  auto integer = std::holds_alternative<int64_t>(v) ? std::optional<int64_t>(std::get<int64_t>(v)) : std::nullopt;
  auto real = std::holds_alternative<double>(v) ? std::optional<double>(std::get<double>(v))
              : integer                         ? std::optional<double>(static_cast<double>(*integer))
                                                : std::nullopt;
  auto opt_int = [&](std::optional<int>& out) {
    out = integer ? std::optional<int>(static_cast<int>(*integer)) : std::nullopt;
  };
  switch (f) {
    case Field::types: p.types = static_cast<uint32_t>(integer.value_or(0)); return;
    case Field::services: p.services = static_cast<uint32_t>(integer.value_or(0)); return;
    case Field::seats_permanent: return opt_int(p.seats_permanent);
    case Field::seats_dropin: return opt_int(p.seats_dropin);
    case Field::seats_training: return opt_int(p.seats_training);
    case Field::lon: p.lon = real; return;
    case Field::lat: p.lat = real; return;
    case Field::staff_fte: p.staff_fte = real; return;
    case Field::commune: return;
    // Stored values are read as written, without the input checks (a rule added later must not hide a row).
    case Field::status:
      p.status = text == "open" ? Status::Open : text == "project" ? Status::Project : Status::Closed;
      return;
    case Field::position_precision: p.precision = text == "commune" ? Precision::Commune : Precision::Address; return;
    case Field::siret: p.siret = text; return;
    case Field::opening_date: p.opening_date = text; return;
    case Field::closing_date: p.closing_date = text; return;
    case Field::postcode: p.postcode = text; return;
    case Field::insee_code: p.insee_code = text; return;
    case Field::source_date: p.source_date = text; return;
    case Field::charter_signed_on: p.charter_signed_on = text; return;
    default:
      if (auto c = criterion_index(f); c >= 0) {
        p.criteria[c] = text == "yes" ? Tri::Yes : text == "no" ? Tri::No : Tri::Unknown;
        return;
      }
      *text_member(p, f) = text;
  }
}

// Long: one case per field, each a few lines; splitting them would scatter the rules of the field table.
std::string parse_field(Place& p, Field f, std::string_view raw) {
  // Every field's text: valid UTF-8 without control characters (the notes may hold line breaks and tabs).
  if (auto why = text::text_problem(raw, f == Field::notes); !why.empty()) return why;
  auto t = text::trim(raw);
  switch (f) {
    case Field::id:
      for (char c : t)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':'))
          return fmt::format("'{}' is not a valid id: use letters, digits and . _ : - only", t);
      if (t.size() > 64) return "id is longer than 64 characters";
      p.id = std::string(t);
      return {};
    case Field::siret: {
      std::string s;
      for (char c : t)
        if (c != ' ' && c != '.') s += c;
      if (!s.empty()) {
        if (s.size() != 14 || !text::all_digits(s)) return fmt::format("'{}' is not a SIRET: expected 14 digits", t);
        if (!siret_checksum_ok(s)) return fmt::format("'{}' fails the SIRET check digit (Luhn)", t);
      }
      p.siret = s;
      return {};
    }
    case Field::types: {
      uint32_t m = 0;
      auto bad = parse_mask(t, place_types(), m);
      if (!bad.empty())
        return fmt::format("unknown type '{}': accepted values are {}", bad, accepted_values(place_types()));
      p.types = m;
      return {};
    }
    case Field::services: {
      uint32_t m = 0;
      auto bad = parse_mask(t, service_items(), m);
      if (!bad.empty())
        return fmt::format("unknown service '{}': accepted values are {}", bad, accepted_values(service_items()));
      p.services = m;
      return {};
    }
    case Field::status: {
      int i = find_item(t, status_items());
      if (i < 0) return fmt::format("unknown status '{}': accepted values are {}", t, accepted_values(status_items()));
      p.status = static_cast<Status>(i);
      return {};
    }
    case Field::position_precision: {
      if (t.empty()) {
        p.precision = Precision::Address;
        return {};
      }
      int i = find_item(t, precision_items());
      if (i < 0)
        return fmt::format("unknown position precision '{}': accepted values are {}", t,
                           accepted_values(precision_items()));
      p.precision = static_cast<Precision>(i);
      return {};
    }
    case Field::opening_date:
      if (t.empty()) return p.opening_date.clear(), std::string();
      return parse_date_field(p.opening_date, t);
    case Field::closing_date:
      if (t.empty()) return p.closing_date.clear(), std::string();
      return parse_date_field(p.closing_date, t);
    case Field::source_date: {
      if (t.empty()) return p.source_date.clear(), std::string();
      std::string why;
      auto d = date::parse(t, why, true, true);  // the regional date_sai is a date-time
      if (!d) return why;
      p.source_date = d->iso;
      return {};
    }
    case Field::postcode:
      if (!t.empty() && (t.size() != 5 || !text::all_digits(t)))
        return fmt::format("'{}' is not a postal code: expected 5 digits", t);
      p.postcode = std::string(t);
      return {};
    case Field::insee_code:
      if (!t.empty() &&
          (t.size() != 5 || !(text::all_digits(t) ||
                              (text::all_digits(t.substr(2)) && (t.substr(0, 2) == "2A" || t.substr(0, 2) == "2B")))))
        return fmt::format("'{}' is not an INSEE commune code: expected 5 characters like 33063", t);
      p.insee_code = std::string(t);
      return {};
    case Field::commune: return {};
    case Field::charter_signed_on:
      if (t.empty()) return p.charter_signed_on.clear(), std::string();
      {
        std::string why;
        auto d = date::parse(t, why, false, false);
        if (!d) return why;
        p.charter_signed_on = d->iso;
      }
      return {};
    case Field::criterion_open_to_all:
    case Field::criterion_flexible:
    case Field::criterion_broadband:
    case Field::criterion_human_welcome:
    case Field::criterion_collective_governance: {
      auto f2 = text::fold(t);
      Tri v = Tri::Unknown;
      if (f2 == "yes" || f2 == "oui" || f2 == "true" || f2 == "1")
        v = Tri::Yes;
      else if (f2 == "no" || f2 == "non" || f2 == "false" || f2 == "0")
        v = Tri::No;
      else if (!(f2.empty() || f2 == "unknown" || f2 == "inconnu" || f2 == "nr"))
        return fmt::format("'{}' is not yes, no or unknown", t);
      p.criteria[criterion_index(f)] = v;
      return {};
    }
    case Field::lon:
    case Field::lat: {
      auto& out = f == Field::lon ? p.lon : p.lat;
      if (t.empty()) return out.reset(), std::string();
      double v = 0;
      if (!text::parse_double(t, v) || !std::isfinite(v)) return fmt::format("'{}' is not a number", t);
      double lim = f == Field::lon ? 180 : 90;
      if (v < -lim || v > lim) return fmt::format("{} is out of range (-{}..{})", v, lim, lim);
      out = v;
      return {};
    }
    case Field::staff_fte: {
      if (t.empty()) return p.staff_fte.reset(), std::string();
      double v = 0;
      if (!text::parse_double(t, v) || !std::isfinite(v)) return fmt::format("'{}' is not a number", t);
      if (v < 0) return fmt::format("staff cannot be negative ({})", v);
      if (v > 1000) return fmt::format("{} FTE is not plausible for one place (max 1000)", v);
      p.staff_fte = v;
      return {};
    }
    case Field::seats_permanent:
    case Field::seats_dropin:
    case Field::seats_training: {
      auto& out = f == Field::seats_permanent ? p.seats_permanent
                  : f == Field::seats_dropin  ? p.seats_dropin
                                              : p.seats_training;
      if (t.empty()) return out.reset(), std::string();
      return parse_seats(out, t);
    }
    case Field::contact_email:
      if (!t.empty() && (t.find('@') == std::string_view::npos || t.find(' ') != std::string_view::npos))
        return fmt::format("'{}' is not an e-mail address", t);
      p.contact_email = std::string(t);
      return {};
    case Field::website:
    case Field::facebook:
    case Field::twitter:
    case Field::instagram:
    case Field::linkedin:
      // A web address: http(s) or no scheme at all ("www.example.org", "@handle"); never javascript:, data:...
      if (auto colon = t.find(':'); colon != std::string_view::npos && colon < t.find('/')) {
        auto scheme = text::to_lower_ascii(t.substr(0, colon));
        if (scheme != "http" && scheme != "https")
          return fmt::format("'{}' is not a web address: only http:// and https:// addresses are accepted", t);
      }
      [[fallthrough]];
    default:
      if (t.size() > 2000) return "text is longer than 2000 characters";
      *text_member(p, f) = std::string(t);
      return {};
  }
}

void copy_field(Place& dst, const Place& src, Field f) {
  switch (f) {
    case Field::siret: dst.siret = src.siret; break;
    case Field::types: dst.types = src.types; break;
    case Field::status: dst.status = src.status; break;
    case Field::opening_date: dst.opening_date = src.opening_date; break;
    case Field::closing_date: dst.closing_date = src.closing_date; break;
    case Field::postcode: dst.postcode = src.postcode; break;
    case Field::insee_code: dst.insee_code = src.insee_code; break;
    case Field::commune: break;
    case Field::lon: dst.lon = src.lon; break;
    case Field::lat: dst.lat = src.lat; break;
    case Field::position_precision: dst.precision = src.precision; break;
    case Field::staff_fte: dst.staff_fte = src.staff_fte; break;
    case Field::seats_permanent: dst.seats_permanent = src.seats_permanent; break;
    case Field::seats_dropin: dst.seats_dropin = src.seats_dropin; break;
    case Field::seats_training: dst.seats_training = src.seats_training; break;
    case Field::services: dst.services = src.services; break;
    case Field::source_date: dst.source_date = src.source_date; break;
    case Field::charter_signed_on: dst.charter_signed_on = src.charter_signed_on; break;
    default:
      if (auto c = criterion_index(f); c >= 0)
        dst.criteria[c] = src.criteria[c];
      else
        *text_member(dst, f) = *text_member(const_cast<Place&>(src), f);
  }
}

nlohmann::json to_json(const Place& p, bool include_private, std::string_view commune_name, bool compact) {
  nlohmann::json j = nlohmann::json::object();
  auto str = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  auto opt = [](const auto& o) { return o ? nlohmann::json(*o) : nlohmann::json(nullptr); };
  for (auto& d : fields()) {
    if (d.is_private && !include_private) continue;
    switch (d.field) {
      case Field::types: j["types"] = mask_to_list(p.types, place_types()); break;
      case Field::services: j["services"] = mask_to_list(p.services, service_items()); break;
      case Field::commune:
        j["commune"] = commune_name.empty() ? nlohmann::json(nullptr) : nlohmann::json(commune_name);
        break;
      case Field::lon: j["lon"] = opt(p.lon); break;
      case Field::lat: j["lat"] = opt(p.lat); break;
      case Field::staff_fte: j["staff_fte"] = opt(p.staff_fte); break;
      case Field::seats_permanent: j["seats_permanent"] = opt(p.seats_permanent); break;
      case Field::seats_dropin: j["seats_dropin"] = opt(p.seats_dropin); break;
      case Field::seats_training: j["seats_training"] = opt(p.seats_training); break;
      default: j[std::string(d.name)] = str(format_field(p, d.field));
    }
  }
  if (compact)
    for (auto it = j.begin(); it != j.end();)
      it = it->is_null() || (it->is_array() && it->empty()) ? j.erase(it) : std::next(it);
  return j;
}

bool siret_checksum_ok(std::string_view s) {
  if (s.size() != 14 || !text::all_digits(s)) return false;
  if (s.substr(0, 9) == "356000000") {  // La Poste: sum of digits divisible by 5
    int sum = 0;
    for (char c : s) sum += c - '0';
    return sum % 5 == 0;
  }
  int sum = 0;
  for (int i = 0; i < 14; ++i) {
    int d = s[13 - i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

}  // namespace maillage::registry

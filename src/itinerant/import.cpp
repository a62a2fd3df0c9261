// Published timetables read into an itinerant place: the national mednum schema's rows (one per stop, like the
// Charente France Services bus) and Maillage's own stops CSV.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/csv.hpp"
#include "registry/store.hpp"
#include "core/error.hpp"
#include "core/date.hpp"
#include "core/geo.hpp"
#include "core/text.hpp"
#include "itinerant/itinerant.hpp"
#include "registry/place.hpp"
#include "territory/communes.hpp"

namespace maillage::itinerant {
namespace {

constexpr double kCorrectBeyondKm = 15;

uint32_t service_bit(const char* key) {
  uint32_t m = 0;
  registry::parse_mask(key, registry::service_items(), m);
  return m;
}

std::string cell(const nlohmann::json& row, const char* key) {
  if (!row.contains(key) || row[key].is_null()) return "";
  if (row[key].is_string()) {  // line breaks and other control characters become ", " and spaces
    std::string v;
    for (char c : row[key].get<std::string>()) {
      if (c == '\n')
        v += ", ";
      else if (static_cast<unsigned char>(c) < 0x20)
        v += ' ';
      else
        v += c;
    }
    return std::string(text::trim(v));
  }
  if (row[key].is_number_integer()) return std::to_string(row[key].get<int64_t>());
  if (row[key].is_number()) return fmt::format("{}", row[key].get<double>());
  return "";
}

// "Bus France Services - [Place de la poste]" -> ("Bus France Services", "Place de la poste").
std::pair<std::string, std::string> split_name(const std::string& nom) {
  auto open = nom.find('['), close = nom.rfind(']');
  if (open == std::string::npos || close == std::string::npos || close < open) return {nom, ""};
  std::string head(text::trim(nom.substr(0, open)));
  while (!head.empty() && (head.back() == '-' || head.back() == ' ')) head.pop_back();
  return {head, std::string(text::trim(nom.substr(open + 1, close - open - 1)))};
}

// A French phone number written as a number (33630392518) back to "+33 6 30 39 25 18".
std::string phone_of(const std::string& v) {
  std::string digits;
  for (char c : v)
    if (c >= '0' && c <= '9') digits += c;
  if (digits.size() == 11 && digits.starts_with("33"))
    return fmt::format("+33 {} {} {} {} {}", digits.substr(2, 1), digits.substr(3, 2), digits.substr(5, 2),
                       digits.substr(7, 2), digits.substr(9, 2));
  return v;
}

// Position checked against the commune: beyond kCorrectBeyondKm, the commune's centre (and a warning).
void place_stop(Stop& s, const territory::Commune& c, std::vector<std::string>& warnings, size_t n) {
  bool have = std::isfinite(s.lon) && std::isfinite(s.lat) && (s.lon != 0 || s.lat != 0);
  double km = have ? geo::haversine_m(s.at(), c.centre) / 1000 : 0;
  if (!have || km > kCorrectBeyondKm) {
    warnings.push_back(
        have ? fmt::format("stop {} '{}': lon/lat ({:.5f}, {:.5f}) lie {:.0f} km from {} ({}): placed at "
                           "the commune's centre",
                           n, s.name, s.lon, s.lat, km, c.name, c.code)
             : fmt::format("stop {} '{}': no position: placed at the centre of {} ({})", n, s.name, c.name, c.code));
    s.lon = c.centre.lon, s.lat = c.centre.lat;
  }
}

}  // namespace

ImportedTimetable read_mednum_stops(const std::string& content, const std::string& file_label,
                                    const territory::CommuneTable& communes) {
  nlohmann::json rows;
  try {
    rows = nlohmann::json::parse(content);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not JSON: {}", file_label, e.what()));
  }
  if (rows.is_object() && rows.contains("data")) rows = rows["data"];
  if (!rows.is_array() || rows.empty()) throw Error(file_label + ": a JSON array of stops (one row each) is expected");
  ImportedTimetable out;
  size_t n = 0;
  for (auto& row : rows) {
    ++n;
    if (!row.is_object()) throw StopError(n, "", "row", "an object is expected");
    auto [service, where] = split_name(cell(row, "nom"));
    std::string commune_name = cell(row, "commune");
    Stop s;
    s.name = where.empty() ? commune_name : fmt::format("{} ({})", commune_name, where);
    if (s.name.empty()) s.name = service;
    std::string code = cell(row, "code_insee");
    if (code.size() == 4) code = "0" + code;
    auto* c = communes.find(code);
    if (!c) {
      auto found = communes.locate(commune_name, cell(row, "code_postal"));
      c = found.empty() ? nullptr : communes.find(found);
    }
    if (!c) throw StopError(n, s.name, "code_insee", fmt::format("unknown commune '{}' ({})", commune_name, code));
    s.insee_code = c->code;
    s.address = cell(row, "adresse");
    try {
      s.lat = std::stod(cell(row, "latitude")), s.lon = std::stod(cell(row, "longitude"));
    } catch (const std::exception&) {
      s.lat = s.lon = 0;
    }
    place_stop(s, *c, out.warnings, n);
    int parity = week_parity(cell(row, "ouverture"));
    if (parity < 0)
      throw StopError(n, s.name, "ouverture",
                      fmt::format("'{}': 'Semaine paire', 'Semaine impaire' or empty", cell(row, "ouverture")));
    std::string hours = cell(row, "horaires");
    if (auto why = hours_error(hours); !why.empty())
      throw StopError(n, s.name, "horaires", fmt::format("'{}': {}", hours, why));
    s.hours = with_week_parity(normalized_hours(hours), parity);
    s.note = cell(row, "presentation_resume");
    if (out.name.empty()) {
      out.name = service;
      for (char ch : cell(row, "SIRET"))
        if (ch >= '0' && ch <= '9') out.siret += ch;
      if (!out.siret.empty() && out.siret.size() != 14) {
        out.warnings.push_back(fmt::format("SIRET '{}' left out: not 14 digits", cell(row, "SIRET")));
        out.siret.clear();
      }
      out.website = cell(row, "site_web");
      out.phone = phone_of(cell(row, "telephone"));
      out.parent = cell(row, "structure_parente");
      auto services = text::fold(cell(row, "services") + " " + cell(row, "labels_nationaux"));
      if (services.find("france services") != std::string::npos || services.find("administrativ") != std::string::npos)
        out.services |= service_bit("public_services");
      if (services.find("numerique") != std::string::npos || services.find("internet") != std::string::npos ||
          services.find("materiel") != std::string::npos)
        out.services |= service_bit("digital_mediation");
    }
    out.timetable.stops.push_back(std::move(s));
  }
  out.timetable.operator_name = out.parent;
  // The base: a commune named in the operator's name ("Emmaus Ruffec"), in a department of the stops.
  auto words = text::split_list(out.parent, " ");
  for (size_t i = 0; i < words.size() && out.timetable.base_insee.empty(); ++i)
    for (size_t j = words.size(); j > i && out.timetable.base_insee.empty(); --j) {
      std::string name;
      for (size_t k = i; k < j; ++k) name += (k > i ? " " : "") + words[k];
      for (auto* c : communes.find_by_name(name))
        if (c->dep == out.timetable.stops.front().insee_code.substr(0, 2)) out.timetable.base_insee = c->code;
    }
  return out;
}

ImportedTimetable read_stops_csv(const std::string& content, const std::string& file_label,
                                 const territory::CommuneTable& communes) {
  auto t = csv::parse(content, file_label);
  for (auto* k : {"name", "insee_code", "lon", "lat", "hours"})
    if (t.column(k) < 0)
      throw Error(fmt::format("{}: no column '{}' (name, insee_code, lon, lat, hours)", file_label, k));
  ImportedTimetable out;
  size_t n = 0;
  for (auto& r : t.rows) {
    ++n;
    auto get = [&](const char* k) {
      int c = t.column(k);
      return c < 0 || c >= static_cast<int>(r.fields.size()) ? std::string()
                                                             : std::string(csv::unneutralise_formula(r.fields[c]));
    };
    Stop s;
    s.name = get("name"), s.insee_code = get("insee_code"), s.address = get("address"), s.hours = get("hours");
    s.note = get("note");
    try {
      s.lon = std::stod(get("lon")), s.lat = std::stod(get("lat"));
    } catch (const std::exception&) {
      throw StopError(n, s.name, "lon/lat", fmt::format("{}:{}: not numbers", file_label, r.line));
    }
    if (!communes.find(s.insee_code))
      throw StopError(n, s.name, "insee_code", fmt::format("unknown commune code '{}'", s.insee_code));
    out.timetable.stops.push_back(std::move(s));
  }
  return out;
}

namespace {
// The imported place's name: the option, else the rows' service and its parent structure.
std::string place_name(const ImportedTimetable& t, const TimetableWrite& o) {
  if (!o.name.empty()) return o.name;
  return t.parent.empty() ? t.name : fmt::format("{} ({})", t.name, t.parent);
}

// The place a new import makes, at its base's centre.
registry::Place new_place(const ImportedTimetable& t, const TimetableWrite& o, const territory::Commune& base) {
  registry::Place p;
  p.name = place_name(t, o);
  if (p.name.empty()) throw InputError("name", "the rows name no service");
  p.types = registry::type_bit("itinerant");
  uint32_t mediation = 0;
  registry::parse_mask("mediation_numerique", registry::place_types(), mediation);
  if (t.services) p.types |= mediation;
  p.services = t.services;
  p.siret = t.siret;
  p.website = t.website;
  p.insee_code = base.code;
  p.lon = base.centre.lon, p.lat = base.centre.lat;
  p.precision = registry::Precision::Commune;
  p.status = registry::Status::Open;
  p.source = o.source;
  p.source_date = date::today();
  p.notes = t.phone.empty() ? "" : "Téléphone : " + t.phone;
  return p;
}
}  // namespace

TimetableWritten write_timetable(registry::PlaceStore& store, ImportedTimetable t, const TimetableWrite& o,
                                 const territory::CommuneTable& communes) {
  if (t.timetable.stops.empty()) throw InputError("stops", "the timetable has no stop");
  db::Transaction tx(store.db());
  TimetableWritten out;
  out.revision = store.next_revision();
  auto* base =
      communes.find(t.timetable.base_insee.empty() ? t.timetable.stops.front().insee_code : t.timetable.base_insee);
  if (!base) throw InputError("base", "the timetable's base is not a commune of the territory");
  std::string id = o.id;
  // Without an id, a second import of the same timetable updates the place it made (same name and base).
  if (id.empty()) {
    for (auto& found : store.ids_by_name_commune(place_name(t, o), base->code))
      if (auto q = store.get(found); q && registry::is_itinerant(*q)) id = found;
  }
  auto old = id.empty() ? std::nullopt : get(store.db(), id);
  if (!id.empty()) {
    auto existing = store.get(id);
    if (!existing) throw NotFound(fmt::format("no place with id '{}'", id), Errc::place_not_found);
    out.place = *existing;
    if (t.timetable.base_insee.empty() && old) t.timetable.base_insee = old->base_insee;
    if (t.timetable.operator_name.empty() && old) t.timetable.operator_name = old->operator_name;
  } else {
    out.place = new_place(t, o, *base);
    out.place.id = store.make_id(out.place);
    store.insert(out.place, out.revision, o.origin);
    out.created = true;
  }
  t.timetable.place_id = out.place.id;
  if (!o.vehicle.empty())
    t.timetable.vehicle = o.vehicle;
  else if (old)
    t.timetable.vehicle = old->vehicle;
  if (!o.operator_name.empty()) t.timetable.operator_name = o.operator_name;
  out.stops = t.timetable.stops.size();
  put(store, t.timetable, out.revision, o.origin);
  if (o.dry_run)
    tx.rollback();
  else
    tx.commit();
  return out;
}

}  // namespace maillage::itinerant

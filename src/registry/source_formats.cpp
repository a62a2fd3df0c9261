#include "registry/source_formats.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "registry/io_formats.hpp"

namespace maillage::registry {

using nlohmann::json;

namespace {

// One row of a source as (its own key, text value) pairs, whatever the file's shape.
struct Row {
  std::vector<std::pair<std::string, std::string>> cells;
  int line = 0;           // CSV
  std::string json_path;  // JSON ("[3]", "data[3]")
  const std::string* get(std::string_view key) const {
    for (auto& [k, v] : cells)
      if (k == key) return &v;
    return nullptr;
  }
  std::string text(std::string_view key) const {
    auto* v = get(key);
    return v ? std::string(text::trim(*v)) : std::string();
  }
};

// Builds records field by field, each value from a named source cell (for the messages).
struct Builder {
  Record r;
  std::vector<Problem>& problems;
  std::shared_ptr<std::vector<std::string>> header = std::make_shared<std::vector<std::string>>();
  std::vector<std::string> notes;

  Builder(const Row& row, const std::string& label, std::vector<Problem>& p) : problems(p) {
    r.file = label;
    r.line = row.line;
    r.json_path = row.json_path;
    for (auto& [k, v] : row.cells) header->push_back(k);
    r.header = header;
  }
  void set(Field f, std::string_view source_key, std::string_view value) {
    auto it = std::find(header->begin(), header->end(), source_key);
    if (it != header->end()) r.column[static_cast<size_t>(f)] = static_cast<int>(it - header->begin()) + 1;
    set_record_value(r, f, value, problems);
  }
  void warn(std::string_view source_key, std::string msg) {
    std::string where = r.json_path.empty() ? std::string(source_key) : r.json_path + "." + std::string(source_key);
    auto it = std::find(header->begin(), header->end(), source_key);
    int col = it == header->end() ? 0 : static_cast<int>(it - header->begin()) + 1;
    problems.push_back({Location{r.file, r.line, r.line > 0 ? col : 0, r.line > 0 ? std::string(source_key) : where},
                        Problem::Severity::Warning, std::move(msg)});
  }
  Record finish(const std::string& source) {
    set_record_value(r, Field::source, source, problems);
    r.present.set(static_cast<size_t>(Field::source));
    if (!notes.empty()) set_record_value(r, Field::notes, text::join(notes, " ; "), problems);
    return std::move(r);
  }
};

bool yes(std::string_view v) {
  auto f = text::fold(v);
  return f == "oui" || f == "yes" || f == "true" || f == "1" || f == "x" || f.rfind("oui ", 0) == 0;
}

bool contains(const std::string& folded, std::string_view word) { return folded.find(word) != std::string::npos; }

// "Une SAS" -> "SAS": the dictionary's long labels of the management mode.
std::string management_mode(std::string_view v) {
  std::string s(text::trim(v));
  for (std::string_view prefix : {"Une ", "Un ", "une ", "un "})
    if (s.rfind(prefix, 0) == 0) return s.substr(prefix.size());
  return s;
}

// A social network link by its host: instagram, linkedin, twitter (x.com); "" otherwise.
Field social_field(const std::string& url, bool& known) {
  auto f = text::to_lower_ascii(url);
  known = true;
  if (contains(f, "instagram.")) return Field::instagram;
  if (contains(f, "linkedin.")) return Field::linkedin;
  if (contains(f, "twitter.") || contains(f, "//x.com") || f.rfind("x.com", 0) == 0) return Field::twitter;
  if (contains(f, "facebook.")) return Field::facebook;
  known = false;
  return Field::notes;
}

std::string number_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return fmt::format("{}", v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "oui" : "non";
  return {};
}

// A JSON object's members as text cells: strings and numbers as they are, arrays of strings joined with ";",
// objects flattened one level ("geo.latitude"). Other values (nested arrays) are left out.
Row json_row(const json& obj, std::string path) {
  Row row;
  row.json_path = std::move(path);
  for (auto& [k, v] : obj.items()) {
    if (v.is_object()) {
      for (auto& [k2, v2] : v.items())
        if (!v2.is_object() && !v2.is_array()) row.cells.emplace_back(k + "." + k2, number_text(v2));
    } else if (v.is_array()) {
      std::vector<std::string> items;
      for (auto& e : v) {
        if (e.is_object() && e.contains("name") && e["name"].is_string())
          items.push_back(e["name"].get<std::string>());
        else if (!e.is_object() && !e.is_array())
          items.push_back(number_text(e));
      }
      row.cells.emplace_back(k, text::join(items, ";"));
    } else {
      row.cells.emplace_back(k, number_text(v));
    }
  }
  return row;
}

json parse_json(std::string_view content, const std::string& label) {
  try {
    return json::parse(content, nullptr, true, false);
  } catch (const json::parse_error& e) {
    throw InputError(Location{label, 0, 0, {}}, fmt::format("not valid JSON (byte {}): {}", e.byte, e.what()));
  } catch (const json::exception& e) {
    throw InputError(Location{label, 0, 0, {}}, fmt::format("not valid JSON: {}", e.what()));
  }
}

// The rows of a JSON source: a top-level array, or the first array member among `members` of an object.
std::vector<Row> json_rows(const json& doc, const std::string& label, std::initializer_list<const char*> members,
                           std::vector<Problem>& problems) {
  const json* list = nullptr;
  std::string prefix;
  if (doc.is_array()) {
    list = &doc;
  } else if (doc.is_object()) {
    for (auto* m : members)
      if (doc.contains(m) && doc[m].is_array()) {
        list = &doc[m];
        prefix = m;
        break;
      }
  }
  if (!list) {
    std::vector<std::string> names(members.begin(), members.end());
    throw InputError(Location{label, 0, 0, {}},
                     fmt::format("expected an array of places, or an object with one of: {}", text::join(names, ", ")));
  }
  std::vector<Row> rows;
  for (size_t i = 0; i < list->size(); ++i) {
    auto path = fmt::format("{}[{}]", prefix, i);
    if (!(*list)[i].is_object()) {
      problems.push_back({Location{label, 0, 0, path}, Problem::Severity::Error, "expected an object (one place)"});
      rows.push_back(Row{{}, 0, path});
      continue;
    }
    rows.push_back(json_row((*list)[i], path));
  }
  return rows;
}

std::vector<Row> csv_rows(std::string_view content, const std::string& label) {
  auto t = csv::parse(content, label);
  std::vector<Row> rows;
  for (auto& r : t.rows) {
    Row row;
    row.line = r.line;
    for (size_t i = 0; i < t.header.size() && i < r.fields.size(); ++i)
      row.cells.emplace_back(t.header[i], r.fields[i]);
    rows.push_back(std::move(row));
  }
  return rows;
}

bool starts_json(std::string_view content) {
  for (char c : content) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c == '[' || c == '{';
  }
  return false;
}

std::string first_line(std::string_view content) {
  auto end = content.find('\n');
  return std::string(content.substr(0, std::min(end, size_t{4096})));
}

// --- GoGoCarto ---

// One GoGoCarto element, from the CSV export (the GIS team's columns) or the API's JSON (name, geo, address...).
Record gogocarto_record(const Row& row, const std::string& label, std::vector<Problem>& problems,
                        SourceSummary* summary) {
  Builder b(row, label, problems);
  auto pick = [&](std::initializer_list<const char*> keys) -> std::pair<std::string, std::string> {
    for (auto* k : keys)
      if (auto* v = row.get(k); v && !text::trim(*v).empty()) return {k, std::string(text::trim(*v))};
    return {};
  };
  auto [name_key, name] = pick({"Nom", "name", "title"});
  b.set(Field::name, name_key.empty() ? "Nom" : name_key, name);

  // Types: the typology column, else the categories of the API.
  auto [type_key, typology] = pick({"typologie", "Typologie", "categories", "taxonomy"});
  std::vector<std::string> unknown;
  uint32_t types = types_in_text(typology, &unknown);
  if (summary)
    for (auto& t : text::split_list(typology)) ++summary->typologies[t];
  if (types)
    b.set(Field::types, type_key, mask_to_keys(types, place_types()));
  else if (!typology.empty())
    b.warn(type_key, fmt::format("no Maillage type in '{}': kept in the notes", typology));
  if (!unknown.empty()) b.notes.push_back("typologie (GoGoCarto) : " + text::join(unknown, ", "));

  auto [svc_key, services_text] = pick({"Services_annexes", "services_annexes", "services"});
  std::vector<std::string> other_services;
  uint32_t services = services_in_text(services_text, &other_services);
  if (auto [k, v] = pick({"Accès_fibre", "acces_fibre"}); !k.empty() && yes(v)) services |= 1u << 1;
  if (auto [k, v] = pick({"Accès_PMR", "acces_pmr"}); !k.empty() && yes(v)) services |= 1u << 2;
  if (services)
    b.set(Field::services, svc_key.empty() ? "Services_annexes" : svc_key, mask_to_keys(services, service_items()));
  if (!other_services.empty()) b.notes.push_back("services (GoGoCarto) : " + text::join(other_services, ", "));
  if (auto [k, v] = pick({"Engagement_écolo", "engagement_ecolo"}); !k.empty() && yes(v))
    b.notes.push_back("engagement écologique déclaré");

  if (auto [k, v] = pick({"Mode_de_gestion", "mode_gestion"}); !k.empty())
    b.set(Field::legal_form, k, management_mode(v));

  // Address: number + street (CSV) or the API's address object.
  auto [num_key, number] = pick({"N°", "num_rue"});
  auto [street_key, street] = pick({"rue", "address.streetAddress"});
  std::string address(text::trim(number + " " + street));
  if (!address.empty()) b.set(Field::address, street_key.empty() ? num_key : street_key, address);
  if (auto [k, v] = pick({"cp", "code_postal", "address.postalCode"}); !k.empty())
    b.set(Field::postcode, k, v.size() == 4 && text::all_digits(v) ? "0" + v : v);
  if (auto [k, v] = pick({"Commune", "address.addressLocality"}); !k.empty()) b.set(Field::commune, k, v);
  auto [lon_key, lon] = pick({"longitude", "geo.longitude", "lng", "long"});
  auto [lat_key, lat] = pick({"latitude", "geo.latitude", "lat"});
  if (!lon.empty() && !lat.empty()) {
    b.set(Field::lon, lon_key, lon);
    b.set(Field::lat, lat_key, lat);
    b.set(Field::position_precision, lon_key, "address");
  }

  if (auto [k, v] = pick({"Personne_référente", "pers_referente"}); !k.empty()) b.set(Field::contact_last_name, k, v);
  if (auto [k, v] = pick({"Tél", "telephone"}); !k.empty()) b.set(Field::contact_phone, k, v);
  if (auto [k, v] = pick({"Mail", "email", "courriel"}); !k.empty()) b.set(Field::contact_email, k, v);
  if (auto [k, v] = pick({"Web", "website", "url_web"}); !k.empty()) b.set(Field::website, k, v);
  if (auto [k, v] = pick({"Facebook", "facebook"}); !k.empty()) b.set(Field::facebook, k, v);
  if (auto [k, v] = pick({"Autre_réseau_social", "autre_res_social"}); !k.empty()) {
    for (auto& link : text::split_list(v, " ;|,")) {
      bool known = false;
      auto f = social_field(link, known);
      if (known && !b.r.present.test(static_cast<size_t>(f)))
        b.set(f, k, link);
      else
        b.notes.push_back("autre réseau : " + link);
    }
  }
  if (auto [k, v] = pick({"updatedAt", "date_maj"}); !k.empty() && v.size() >= 10)
    b.set(Field::source_date, k, v.substr(0, 10));

  auto [id_key, id] = pick({"id"});
  return b.finish(id.empty() ? "GoGoCarto" : "GoGoCarto, élément " + id);
}

// --- the national mednum schema ---

Record mednum_record(const Row& row, const std::string& label, const std::string& typology,
                     std::vector<Problem>& problems) {
  Builder b(row, label, problems);
  auto t = [&](const char* k) { return row.text(k); };
  b.set(Field::name, "nom", t("nom"));
  // The schema's typologies stay in the source; the Maillage types add what the name or TIERS_LIEUX say.
  uint32_t types = 1u << 6;  // mediation_numerique
  if (mednum_is_tiers_lieu(typology, t("nom"))) {
    uint32_t named = types_in_text(t("nom"));
    named &= ~(1u << 6);
    types |= named ? named : (1u << 3);  // hybride when the name says no more
  }
  b.set(Field::types, "typologie", mask_to_keys(types, place_types()));
  auto pivot = t("pivot");
  if (pivot.size() == 14 && text::all_digits(pivot) && pivot != std::string(14, '0')) {
    if (siret_checksum_ok(pivot))
      b.set(Field::siret, "pivot", pivot);
    else
      b.warn("pivot", fmt::format("'{}' is not a valid SIRET (check digit): left out", pivot));
  }
  auto address = t("adresse");
  if (!t("complement_adresse").empty()) address += ", " + t("complement_adresse");
  if (!address.empty()) b.set(Field::address, "adresse", address);
  if (!t("code_postal").empty()) b.set(Field::postcode, "code_postal", t("code_postal"));
  if (!t("code_insee").empty()) b.set(Field::insee_code, "code_insee", t("code_insee"));
  if (!t("commune").empty()) b.set(Field::commune, "commune", t("commune"));
  if (!t("longitude").empty() && !t("latitude").empty()) {
    b.set(Field::lon, "longitude", t("longitude"));
    b.set(Field::lat, "latitude", t("latitude"));
    b.set(Field::position_precision, "longitude", "address");
  }
  uint32_t services = t("services").empty() ? 0 : 1u << 6;  // digital_mediation
  if (text::fold(t("labels_nationaux")).find("france services") != std::string::npos) services |= 1u << 14;
  if (services) b.set(Field::services, "services", mask_to_keys(services, service_items()));
  if (!t("telephone").empty()) b.set(Field::contact_phone, "telephone", t("telephone"));
  if (!t("courriel").empty()) b.set(Field::contact_email, "courriel", t("courriel"));
  if (auto sites = text::split_list(t("site_web"), ";|"); !sites.empty()) b.set(Field::website, "site_web", sites[0]);
  if (t("date_maj").size() >= 10) b.set(Field::source_date, "date_maj", t("date_maj").substr(0, 10));
  if (!t("horaires").empty()) b.notes.push_back("horaires : " + t("horaires"));
  std::string source = "lieux de médiation numérique (ANCT)";
  if (!t("id").empty()) source += ", id " + t("id");
  source += ", typologie " + (typology.empty() ? std::string("non renseignée") : typology);
  if (!t("source").empty()) source += ", source " + t("source");
  return b.finish(source);
}

}  // namespace

uint32_t types_in_text(std::string_view text, std::vector<std::string>* unknown) {
  uint32_t mask = 0;
  for (auto& item : text::split_list(text, ";|,/+")) {
    auto f = text::fold(item);
    uint32_t m = 0;
    if (contains(f, "cowork") || contains(f, "bureau partage") || contains(f, "espace de travail")) m |= 1u << 0;
    if (contains(f, "fablab") || contains(f, "fab lab") || contains(f, "makerspace") || contains(f, "hackerspace") ||
        contains(f, "fabrique"))
      m |= 1u << 1;
    if (contains(f, "atelier")) m |= 1u << 2;
    if (contains(f, "hybride") || contains(f, "tiers lieu") || contains(f, "tiers lieux") || contains(f, "tierslieu"))
      m |= 1u << 3;
    if (contains(f, "agricole") || contains(f, "ferme") || contains(f, "terres")) m |= 1u << 4;
    if (contains(f, "telecentre") || contains(f, "teletravail")) m |= 1u << 5;
    if (contains(f, "mediation") || contains(f, "numerique") || f == "epn") m |= 1u << 6;
    if (!m && unknown) unknown->push_back(item);
    mask |= m;
  }
  return mask;
}

uint32_t services_in_text(std::string_view text, std::vector<std::string>* unknown) {
  static const std::vector<std::pair<std::vector<std::string_view>, int>> words = {
      {{"wifi", "wi fi", "internet"}, 0},
      {{"fibre", "tres haut debit", "thd"}, 1},
      {{"pmr", "handicap", "accessib"}, 2},
      {{"salle de reunion", "reunion", "salle"}, 3},
      {{"cafe", "restauration", "bar", "buvette", "epicerie"}, 4},
      {{"formation"}, 5},
      {{"mediation", "accompagnement numerique"}, 6},
      {{"garde", "creche", "enfant"}, 7},
      {{"impression", "imprimante", "reprographie", "photocop"}, 8},
      {{"domiciliation"}, 9},
      {{"visio"}, 10},
      {{"cuisine"}, 11},
      {{"parking", "stationnement"}, 12},
      {{"hebergement", "gite", "logement"}, 13},
      {{"france services", "services publics", "msap"}, 14},
  };
  uint32_t mask = 0;
  for (auto& item : text::split_list(text, ";|,/")) {
    auto f = text::fold(item);
    uint32_t m = 0;
    for (auto& [keys, bit] : words)
      for (auto k : keys)
        if (contains(f, k)) m |= 1u << bit;
    if (!m && unknown) unknown->push_back(item);
    mask |= m;
  }
  return mask;
}

bool mednum_is_tiers_lieu(std::string_view typologies, std::string_view name) {
  for (auto& t : text::split_list(typologies, ";|,"))
    if (t == "TIERS_LIEUX" || t == "FABLAB") return true;
  auto f = text::fold(name);
  return contains(f, "tiers lieu") || contains(f, "cowork") || contains(f, "fablab") || contains(f, "fab lab");
}

bool looks_like_gogocarto(std::string_view content) {
  if (starts_json(content)) {
    auto head = content.substr(0, 4096);
    return head.find("\"geo\"") != std::string_view::npos || head.find("\"ontology\"") != std::string_view::npos ||
           head.find("\"categories\"") != std::string_view::npos;
  }
  auto h = first_line(content);
  return h.find("Nom") != std::string::npos && h.find("typologie") != std::string::npos &&
         h.find("Commune") != std::string::npos;
}

bool looks_like_mednum(std::string_view content) {
  auto head = starts_json(content) ? std::string(content.substr(0, 4096)) : first_line(content);
  return head.find("nom") != std::string::npos && head.find("pivot") != std::string::npos;
}

std::vector<Record> read_gogocarto(std::string_view content, const std::string& label, std::vector<Problem>& problems,
                                   SourceSummary* summary) {
  std::vector<Row> rows;
  if (starts_json(content)) {
    rows = json_rows(parse_json(content, label), label, {"data", "elements"}, problems);
  } else {
    rows = csv_rows(content, label);
    if (!rows.empty() && !rows[0].get("Nom"))
      throw InputError(Location{label, 1, 0, {}}, "missing column 'Nom' (the GoGoCarto export's name column)");
  }
  std::vector<Record> out;
  for (auto& row : rows) {
    if (row.cells.empty()) {  // an element that was no object (reported)
      Record r;
      r.file = label, r.json_path = row.json_path;
      out.push_back(std::move(r));
      continue;
    }
    out.push_back(gogocarto_record(row, label, problems, summary));
  }
  if (summary) summary->rows = static_cast<int>(rows.size());
  return out;
}

std::vector<Record> read_mednum(std::string_view content, const std::string& label, const SourceOptions& options,
                                std::vector<Problem>& problems, SourceSummary* summary) {
  std::vector<Row> rows;
  if (starts_json(content)) {
    rows = json_rows(parse_json(content, label), label, {"lieux", "data", "places"}, problems);
  } else {
    rows = csv_rows(content, label);
    if (!rows.empty() && !rows[0].get("nom"))
      throw InputError(Location{label, 1, 0, {}}, "missing column 'nom' (schema lieux de médiation numérique)");
  }
  std::vector<Record> out;
  SourceSummary local;
  auto& sum = summary ? *summary : local;
  sum.rows = static_cast<int>(rows.size());
  for (auto& row : rows) {
    if (row.cells.empty()) {
      Record r;
      r.file = label, r.json_path = row.json_path;
      out.push_back(std::move(r));
      continue;
    }
    auto typology = text::join(text::split_list(row.text("typologie"), ";|,"), ";");
    ++sum.typologies[typology.empty() ? "(none)" : typology];
    if (options.only_tiers_lieux && !mednum_is_tiers_lieu(typology, row.text("nom"))) {
      ++sum.filtered_out;
      continue;
    }
    out.push_back(mednum_record(row, label, typology, problems));
  }
  return out;
}

}  // namespace maillage::registry

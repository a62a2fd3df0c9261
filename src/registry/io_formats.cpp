#include "registry/io_formats.hpp"

#include <regex>
#include <set>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/geo.hpp"
#include "core/io.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"

namespace maillage::registry {

using nlohmann::json;

std::string_view format_name(Format f) {
  switch (f) {
    case Format::Regional: return "csv";
    case Format::Maillage: return "maillage";
    case Format::GeoJSON: return "geojson";
    case Format::Mednum: return "mednum";
    case Format::GoGoCarto: return "gogocarto";
    default: return "auto";
  }
}

Format parse_format(std::string_view n) {
  for (auto f : {Format::Auto, Format::Regional, Format::Maillage, Format::GeoJSON, Format::Mednum, Format::GoGoCarto})
    if (format_name(f) == n) return f;
  throw Error(
      fmt::format("unknown format '{}': accepted values are auto, csv (regional dictionary), maillage, "
                  "geojson, mednum, gogocarto",
                  n));
}

int ImportReport::errors() const {
  int n = 0;
  for (auto& p : problems) n += p.is_error();
  return n;
}

Record closing_record(const Place& place, std::string_view date, const std::string& reason, const std::string& file,
                      std::vector<Problem>& problems) {
  Record r;
  r.file = file;
  r.place.id = place.id;
  r.present.set(static_cast<size_t>(Field::id));
  set_record_value(r, Field::status, "closed", problems);
  set_record_value(r, Field::closing_date, date, problems);
  if (!reason.empty())
    set_record_value(r, Field::notes, (place.notes.empty() ? "" : place.notes + "; ") + "fermeture: " + reason,
                     problems);
  return r;
}

namespace {

// The regional data dictionary's columns and the fields they feed.
const std::vector<std::pair<std::string_view, Field>>& regional_columns() {
  static const std::vector<std::pair<std::string_view, Field>> v = {
      {"id", Field::id},
      {"siret", Field::siret},
      {"str_nom", Field::name},
      {"categorie", Field::legal_form},
      {"typologie", Field::types},
      {"adresse", Field::address},
      {"code_postal", Field::postcode},
      {"numcom", Field::insee_code},
      {"nomcom", Field::commune},
      {"url_web", Field::website},
      {"facebook", Field::facebook},
      {"twitter", Field::twitter},
      {"instagram", Field::instagram},
      {"ct_nom", Field::contact_last_name},
      {"ct_prenom", Field::contact_first_name},
      {"ct_courriel", Field::contact_email},
      {"ct_tel_fixe", Field::contact_phone},
      {"ct_tel_mobile", Field::contact_mobile},
      {"x_wgs84", Field::lon},
      {"y_wgs84", Field::lat},
      {"date_sai", Field::source_date},
  };
  return v;
}

// Puts a text value into a record's field, recording a problem when it does not parse.
}  // namespace

void set_record_value(Record& r, Field f, std::string_view value, std::vector<Problem>& problems) {
  if (f == Field::created_at || f == Field::updated_at) return;  // managed by the store
  value = csv::unneutralise_formula(value);  // "'=..." as our CSV exports write a formula-looking text
  if (f == Field::commune) {
    r.commune_name = std::string(text::trim(value));
    return;
  }
  if (f == Field::legal_form && text::fold(value) == "nr") value = {};  // "Non renseigné" in the dictionary
  auto err = parse_field(r.place, f, value);
  if (!err.empty()) {
    problems.push_back({r.at(f), Problem::Severity::Error, err});
    return;
  }
  r.present.set(static_cast<size_t>(f));
}

namespace {

std::vector<Record> read_csv_records(const csv::Table& t, Format format, std::vector<Problem>& problems) {
  // Column index -> field.
  std::vector<std::optional<Field>> map(t.header.size());
  std::set<Field> seen;
  for (size_t i = 0; i < t.header.size(); ++i) {
    const auto& h = t.header[i];
    std::optional<Field> f;
    if (format == Format::Regional) {
      for (auto& [name, field] : regional_columns())
        if (name == h) f = field;
      if (!f && h == "geom") continue;  // Lambert-93 geometry of the dictionary: x_wgs84/y_wgs84 are used
    } else if (auto* d = find_field(h)) {
      f = d->field;
    }
    if (!f)
      throw InputError(Location{t.file, 1, static_cast<int>(i + 1), h},
                       fmt::format("unknown column '{}' for the {} format", h,
                                   format == Format::Regional ? "regional dictionary" : "Maillage"));
    if (!seen.insert(*f).second)
      throw InputError(Location{t.file, 1, static_cast<int>(i + 1), h}, fmt::format("column '{}' appears twice", h));
    map[i] = f;
  }
  if (!seen.count(Field::name))
    throw InputError(Location{t.file, 1, 0, {}},
                     format == Format::Regional ? "missing column 'str_nom'" : "missing column 'name'");
  if (!seen.count(Field::insee_code) && !seen.count(Field::commune))
    throw InputError(Location{t.file, 1, 0, {}}, format == Format::Regional
                                                     ? "missing column 'numcom' (INSEE code)"
                                                     : "missing column 'insee_code' (or 'commune')");
  std::vector<Record> out;
  out.reserve(t.rows.size());
  auto header = std::make_shared<const std::vector<std::string>>(t.header);
  for (auto& row : t.rows) {
    Record r;
    r.header = header;
    r.file = t.file;
    r.line = row.line;
    for (size_t i = 0; i < map.size(); ++i)
      if (map[i]) r.column[static_cast<size_t>(*map[i])] = static_cast<int>(i + 1);
    for (size_t i = 0; i < map.size(); ++i)
      if (map[i]) set_record_value(r, *map[i], row.fields[i], problems);
    out.push_back(std::move(r));
  }
  return out;
}

std::string json_value_text(const json& v, bool& ok) {
  ok = true;
  if (v.is_null()) return {};
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return fmt::format("{}", v.get<double>());
  if (v.is_array()) {
    std::vector<std::string> items;
    for (auto& e : v) {
      if (!e.is_string())
        ok = false;
      else
        items.push_back(e.get<std::string>());
    }
    return text::join(items, ";");
  }
  ok = false;
  return {};
}

// A GeoJSON object's "type" when it is a string ("" otherwise: {"type": 5} is no Feature, not an exception).
std::string type_of(const json& j) {
  auto it = j.find("type");
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<Record> read_geojson_records(std::string_view content, const std::string& path,
                                         std::vector<Problem>& problems) {
  json doc;
  try {
    doc = json::parse(content, nullptr, true, false);
  } catch (const json::parse_error& e) {
    throw InputError(Location{path, 0, 0, {}}, fmt::format("not valid JSON (byte {}): {}", e.byte, e.what()));
  } catch (const json::exception& e) {  // a number out of range (1e999)
    throw InputError(Location{path, 0, 0, {}}, fmt::format("not valid JSON: {}", e.what()));
  }
  if (!doc.is_object() || type_of(doc) != "FeatureCollection" || !doc.contains("features") ||
      !doc["features"].is_array())
    throw InputError(Location{path, 0, 0, {}}, "expected a GeoJSON FeatureCollection");
  std::vector<Record> out;
  auto& features = doc["features"];
  for (size_t i = 0; i < features.size(); ++i) {
    auto& f = features[i];
    Record r;
    r.file = path;
    r.json_path = fmt::format("features[{}]", i);
    auto problem = [&](const std::string& where, const std::string& msg) {
      problems.push_back({Location{path, 0, 0, r.json_path + where}, Problem::Severity::Error, msg});
    };
    if (!f.is_object() || type_of(f) != "Feature") {
      problem("", "expected a Feature");
      out.push_back(std::move(r));
      continue;
    }
    r.json_path += ".properties";
    if (f.contains("properties") && f["properties"].is_object()) {
      for (auto& [key, value] : f["properties"].items()) {
        auto* d = find_field(key);
        if (!d) {
          problem("." + key, fmt::format("unknown property '{}'", key));
          continue;
        }
        bool ok = true;
        auto txt = json_value_text(value, ok);
        if (!ok) {
          problem("." + key, "expected a string, a number, null or (types, services) an array of strings");
          continue;
        }
        set_record_value(r, d->field, txt, problems);
      }
    }
    r.json_path = fmt::format("features[{}]", i);
    if (f.contains("geometry") && !f["geometry"].is_null()) {
      auto& g = f["geometry"];
      if (!g.is_object() || type_of(g) != "Point" || !g.contains("coordinates") || !g["coordinates"].is_array() ||
          g["coordinates"].size() < 2 || !g["coordinates"][0].is_number() || !g["coordinates"][1].is_number()) {
        problem(".geometry", "expected a Point geometry with [lon, lat] coordinates");
      } else {
        set_record_value(r, Field::lon, fmt::format("{}", g["coordinates"][0].get<double>()), problems);
        set_record_value(r, Field::lat, fmt::format("{}", g["coordinates"][1].get<double>()), problems);
      }
    }
    r.json_path += ".properties";
    out.push_back(std::move(r));
  }
  return out;
}

bool same_input_fields(const Place& a, const Place& b) {
  for (auto& d : fields())
    if (d.is_input && d.field != Field::commune && format_field(a, d.field) != format_field(b, d.field)) return false;
  return true;
}

}  // namespace

std::vector<Record> read_records(const std::string& path, Format format, std::vector<Problem>& problems,
                                 Format* detected, const SourceOptions& source, SourceSummary* summary) {
  return parse_records(io::read_file(path, kMaxImportBytes), path, format, problems, detected, source, summary);
}

std::vector<Record> parse_records(std::string_view content, const std::string& label, Format format,
                                  std::vector<Problem>& problems, Format* detected, const SourceOptions& source,
                                  SourceSummary* summary) {
  if (format == Format::Auto && content.substr(0, 4096).find("\"FeatureCollection\"") != std::string_view::npos)
    format = Format::GeoJSON;
  if (format == Format::Auto) {
    if (looks_like_gogocarto(content))
      format = Format::GoGoCarto;
    else if (looks_like_mednum(content))
      format = Format::Mednum;
    else if (auto first = content.find_first_not_of(" \t\r\n");
             first != std::string_view::npos && (content[first] == '{' || content[first] == '['))
      format = Format::GeoJSON;
  }
  if (detected) *detected = format;
  if (format == Format::GoGoCarto) return read_gogocarto(content, label, problems, summary);
  if (format == Format::Mednum) return read_mednum(content, label, source, problems, summary);
  if (format == Format::GeoJSON) return read_geojson_records(content, label, problems);
  const std::string& path = label;
  auto table = csv::parse(content, label);
  if (format == Format::Auto) {
    if (table.column("str_nom") >= 0)
      format = Format::Regional;
    else if (table.column("name") >= 0)
      format = Format::Maillage;
    else
      throw InputError(Location{path, 1, 0, {}},
                       "cannot tell the format from the header: the regional dictionary has 'str_nom', Maillage's "
                       "CSV has 'name' (or give --format)");
  }
  if (detected) *detected = format;
  return read_csv_records(table, format, problems);
}

ImportReport import_file(PlaceStore& store, const Validator& validator, const std::string& path,
                         const ImportOptions& options) {
  std::vector<Problem> problems;
  Format detected = options.format;
  SourceSummary summary;
  auto records = read_records(path, options.format, problems, &detected, options.source, &summary);
  ImportOptions o = options;
  o.format = detected;
  if (o.origin.empty()) o.origin = "import " + std::filesystem::path(path).filename().string();
  auto report = import_records(store, validator, std::move(records), o, std::move(problems));
  report.file = path;
  report.source = summary;
  if (detected == Format::GoGoCarto || detected == Format::Mednum) report.rows = summary.rows;
  return report;
}

ImportReport import_records(PlaceStore& store, const Validator& validator, std::vector<Record> records,
                            const ImportOptions& options, std::vector<Problem> problems) {
  ImportReport rep;
  rep.format = options.format;
  rep.rows = static_cast<int>(records.size());
  // Which records already have a reading error.
  auto record_key = [](const Location& l) { return l.file + "\x1f" + std::to_string(l.line); };
  std::set<std::string> bad_lines;
  std::set<std::string> bad_paths;
  auto mark_bad = [&](const Problem& p) {
    if (!p.is_error()) return;
    if (p.where.line > 0)
      bad_lines.insert(record_key(p.where));
    else
      bad_paths.insert(p.where.field.substr(0, p.where.field.find(']') + 1));
  };
  for (auto& p : problems) mark_bad(p);
  auto record_is_bad = [&](const Record& r) {
    if (r.line > 0) return bad_lines.count(record_key(Location{r.file, r.line, 0, {}})) > 0;
    return bad_paths.count(r.json_path.substr(0, r.json_path.find(']') + 1)) > 0;
  };

  db::Transaction txn(store.db());
  int64_t revision = -1;
  std::unordered_map<std::string, std::string> claimed;  // stored/new id -> where it was first met
  std::set<std::pair<std::string, std::string>> duplicate_pairs;

  for (auto& r : records) {
    if (record_is_bad(r)) continue;
    // Match with a stored place: id, else SIRET, else name + commune.
    std::optional<Place> existing;
    if (!r.place.id.empty()) existing = store.get(r.place.id);
    if (!existing && !r.place.siret.empty()) {
      auto ids = store.ids_by_siret(r.place.siret);
      if (ids.size() == 1) existing = store.get(ids[0]);
    }
    std::string insee = r.place.insee_code;
    if (insee.empty() && !r.commune_name.empty()) insee = validator.communes().locate(r.commune_name, r.place.postcode);
    if (!existing && !r.place.name.empty()) {
      auto ids = store.ids_by_name_commune(r.place.name, validator.communes().current_code(insee));
      if (ids.size() == 1) existing = store.get(ids[0]);
    }

    if (existing && options.mode == ImportOptions::Mode::InsertOnly) {
      problems.push_back(
          {r.at(Field::name), Problem::Severity::Error,
           fmt::format("this place already exists as '{}' ({}): update it instead", existing->id, existing->name),
           Errc::place_exists});
      continue;
    }
    if (!existing && options.mode == ImportOptions::Mode::UpdateOnly) {
      problems.push_back({r.at(Field::id), Problem::Severity::Error,
                          fmt::format("no stored place matches '{}'", r.place.id.empty() ? r.place.name : r.place.id),
                          Errc::place_not_found});
      continue;
    }
    Record merged = r;
    if (existing) {
      merged.place = *existing;
      for (auto& d : fields())
        if (d.is_input && d.field != Field::id && r.present.test(static_cast<size_t>(d.field)))
          copy_field(merged.place, r.place, d.field);
      // A commune-level position follows a change of commune unless the input gives a position.
      if (existing->precision == Precision::Commune && merged.place.insee_code != existing->insee_code &&
          !r.present.test(static_cast<size_t>(Field::lon))) {
        merged.place.lon.reset();
        merged.place.lat.reset();
      }
    } else {
      if (!r.present.test(static_cast<size_t>(Field::source))) merged.place.source = options.origin;
    }
    size_t before = problems.size();
    validator.check(merged, problems);
    bool bad = false;
    for (size_t i = before; i < problems.size(); ++i) bad = bad || problems[i].is_error();
    if (bad) continue;

    std::string where = r.line > 0 ? fmt::format("line {}", r.line) : r.json_path;
    std::string key = existing ? existing->id : (merged.place.id.empty() ? "" : merged.place.id);
    if (!key.empty()) {
      auto [it, fresh] = claimed.emplace(key, where);
      if (!fresh) {
        problems.push_back({r.at(Field::id), Problem::Severity::Error,
                            fmt::format("same place ('{}') as {} of this input", key, it->second)});
        continue;
      }
    }
    if (existing && same_input_fields(merged.place, *existing)) {
      ++rep.unchanged;
      continue;
    }
    if (revision < 0) revision = store.next_revision();
    if (existing) {
      store.update(*existing, merged.place, revision, options.origin);
      ++rep.updated;
    } else {
      store.insert(merged.place, revision, options.origin);
      claimed.emplace(merged.place.id, where);
      ++rep.inserted;
    }
    rep.written_ids.push_back(merged.place.id);
    // Likely duplicates: same folded name within 200 m of another stored place.
    for (auto& other : store.by_folded_name(text::fold(merged.place.name))) {
      if (other.id == merged.place.id) continue;
      double d = geo::haversine_m(other.at, {*merged.place.lon, *merged.place.lat});
      auto pair = std::minmax(merged.place.id, other.id);
      if (d <= 200 && duplicate_pairs.emplace(pair.first, pair.second).second)
        problems.push_back({r.at(Field::name), Problem::Severity::Warning,
                            fmt::format("likely duplicate: '{}' ({}) is {:.0f} m from '{}' ({})", merged.place.name,
                                        merged.place.id, d, other.name, other.id)});
    }
  }

  // Rows with errors.
  std::set<std::string> rejected;
  for (auto& p : problems)
    if (p.is_error()) {
      rejected.insert(p.where.line > 0 ? record_key(p.where) : p.where.field.substr(0, p.where.field.find(']') + 1));
      if (p.where.line > 0) rep.rejected_lines.push_back(p.where.line);
    }
  rep.rejected = static_cast<int>(rejected.size());
  std::stable_sort(problems.begin(), problems.end(),
                   [](const Problem& a, const Problem& b) { return a.where.line < b.where.line; });
  rep.problems = std::move(problems);
  bool ok = rep.rejected == 0 || options.skip_invalid;
  if (ok && !options.dry_run) {
    txn.commit();
    rep.committed = true;
  } else {
    txn.rollback();  // nothing is written
    if (!ok) rep.inserted = rep.updated = 0;
  }
  rep.revision = store.revision();
  return rep;
}

void write_rejects(const ImportReport& report, const std::string& path) {
  std::ostringstream out;
  csv::Writer w(out);
  w.row({"file", "line", "column", "field", "severity", "message"});
  for (auto& p : report.problems)
    w.row({p.where.file, p.where.line ? std::to_string(p.where.line) : "",
           p.where.column ? std::to_string(p.where.column) : "", p.where.field, p.is_error() ? "error" : "warning",
           p.message});
  io::write_file_atomic(path, out.str());
}

namespace {
std::string commune_name(const territory::CommuneTable& communes, const std::string& code) {
  auto* c = communes.find(code);
  return c ? c->name : std::string();
}

std::string date_part(const std::string& s) { return s.substr(0, 10); }

// UTF-8 code points of a text (invalid bytes as U+FFFD).
std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      out.push_back(0xFFFD), ++i;
      continue;
    }
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp), i += n;
  }
  return out;
}
// The letters the national schema's library accepts in names: ASCII letters and digits, Latin-1 letters
// (À-Ö, Ø-ö, ø-ÿ), œ-Ÿ, Œ, spaces, and the punctuation given.
bool schema_text(std::string_view s, std::u32string_view punctuation) {
  for (char32_t c : code_points(s)) {
    bool ok = (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z') ||
              (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0xFF) ||
              (c >= 0x153 && c <= 0x178) || c == 0x152 || c == U' ' || c == U'\t' ||
              punctuation.find(c) != std::u32string_view::npos;
    if (!ok) return false;
  }
  return !s.empty();
}
bool digits(std::string_view s, size_t n) { return s.size() == n && text::all_digits(s); }

// The national schema's rules, as its reference library (npm @gouvfr-anct/lieux-de-mediation-numerique) applies
// them: the problems of a row's required fields ("" when none), in the schema's field names.
std::vector<std::pair<std::string, std::string>> mednum_problems(const Place& p, const std::string& commune) {
  std::vector<std::pair<std::string, std::string>> out;
  if (p.address.empty())
    out.push_back({"adresse", "missing: the schema requires the street address"});
  else if (!schema_text(p.address, U"-,()°.&:+–|;'’/"))
    out.push_back({"adresse", "characters the schema refuses"});
  if (p.postcode.empty())
    out.push_back({"code_postal", "missing"});
  else if (!digits(p.postcode, 5))
    out.push_back({"code_postal", "not 5 digits"});
  if (commune.empty())
    out.push_back({"commune", "unknown commune"});
  else if (!schema_text(commune, U"-'’"))
    out.push_back({"commune", "characters the schema refuses"});
  if (p.name.empty()) out.push_back({"nom", "missing"});
  if (!p.siret.empty() && !digits(p.siret, 14)) out.push_back({"pivot", "a SIRET has 14 digits"});
  return out;
}

void export_mednum(const std::vector<Place>& places, bool include_private, const territory::CommuneTable& communes,
                   std::ostream& out, ExportReport& report, bool keep_incomplete) {
  // Schema "lieux de médiation numérique" (schema.data.gouv.fr, LaMednum/standard-mediation-num, v1).
  static const std::regex url(
      R"(^[A-Za-z]{3,9}:(?://)?(?:[;:&=+$,\w-]+@)?[A-Za-z0-9.-]+(?:(?:/[+~,%@/.\w_-]*)?\??[-+=&;%@.\w_]*#?[.!/\\\w]*)?$)");
  static const std::regex phone(
      R"(^(?:(?:\+|00)(?:33|262|269|508|590|594|596|681|687|689)[\s.-]{0,3}(?:\(0\)[\s.-]{0,3})?|0)(?:(?:[1-9](?:[\s.-]?\d{2}){4}|\d{2}(?:[\s.-]\d{3}){2})|\d{6}|\s\d{3}(?:\s\d{2}){3})$)");
  static const std::regex email(
      R"(^(?:[a-zA-Z0-9_][a-zA-Z0-9.!#$%&'*+\\=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])+(?:;|$))+$)");
  csv::Writer w(out);
  std::vector<std::string> header{"id",
                                  "pivot",
                                  "nom",
                                  "commune",
                                  "code_postal",
                                  "code_insee",
                                  "adresse",
                                  "complement_adresse",
                                  "latitude",
                                  "longitude",
                                  "typologie",
                                  "telephone",
                                  "courriels",
                                  "site_web",
                                  "horaires",
                                  "presentation_resume",
                                  "presentation_detail",
                                  "source",
                                  "structure_parente",
                                  "date_maj",
                                  "services",
                                  "publics_specifiquement_adresses",
                                  "prise_en_charge_specifique",
                                  "frais_a_charge",
                                  "itinerance",
                                  "modalites_acces",
                                  "modalites_accompagnement",
                                  "fiche_acces_libre",
                                  "prise_rdv"};
  if (keep_incomplete) header.push_back("a_completer");
  w.row(header);
  for (auto& p : places) {
    auto commune = commune_name(communes, p.insee_code);
    auto problems = mednum_problems(p, commune);
    for (auto& [field, why] : problems) report.skipped.push_back({p.id, field, why});
    if (!problems.empty() && !keep_incomplete) continue;
    auto optional = [&](const std::string& v, const std::regex& re, const char* field) {
      if (v.empty() || std::regex_match(v, re)) return v;
      report.dropped.push_back({p.id, field, "a value the schema refuses: left empty"});
      return std::string();
    };
    std::vector<std::string> services;
    auto has = [&](std::string_view key) {
      auto& items = service_items();
      for (size_t i = 0; i < items.size(); ++i)
        if (items[i].key == key) return (p.services & (1u << i)) != 0;
      return false;
    };
    if (has("wifi") || has("fibre")) services.push_back("Accès internet et matériel informatique");
    if (has("digital_mediation")) services.push_back("Maîtrise des outils numériques du quotidien");
    if (has("public_services")) services.push_back("Aide aux démarches administratives");
    std::vector<std::string> types = mask_to_list(p.types, place_types(), true);
    std::vector<std::string> row{
        p.id,
        p.siret.empty() ? "00000000000000" : p.siret,
        p.name,
        commune,
        p.postcode,
        p.insee_code,
        p.address,
        "",
        p.lat ? fmt::format("{}", *p.lat) : "",
        p.lon ? fmt::format("{}", *p.lon) : "",
        "TIERS_LIEUX",
        include_private ? optional(p.contact_phone.empty() ? p.contact_mobile : p.contact_phone, phone, "telephone")
                        : "",
        include_private ? optional(p.contact_email, email, "courriels") : "",
        optional(p.website, url, "site_web"),
        "",
        text::join(types, ", "),
        p.notes,
        "Maillage (Région Nouvelle-Aquitaine)",
        "",
        date_part(p.updated_at),
        text::join(services, "|"),
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        ""};
    if (keep_incomplete) {
      std::vector<std::string> missing;
      for (auto& [field, why] : problems) missing.push_back(field);
      row.push_back(text::join(missing, ", "));
    }
    w.row(row);
    ++report.written;
  }
}
}  // namespace

size_t ExportReport::skipped_places() const {
  std::set<std::string> ids;
  for (auto& s : skipped) ids.insert(s.place_id);
  return ids.size();
}

void export_places(const std::vector<Place>& places, Format format, bool include_private,
                   const territory::CommuneTable& communes, std::ostream& out, ExportReport* report,
                   bool keep_incomplete) {
  ExportReport local;
  auto& rep = report ? *report : local;
  if (format != Format::Mednum) rep.written = places.size();
  switch (format) {
    case Format::Maillage: {
      csv::Writer w(out);
      std::vector<std::string> header;
      for (auto& d : fields()) header.emplace_back(d.name);
      w.row(header);
      for (auto& p : places) {
        std::vector<std::string> row;
        for (auto& d : fields()) {
          if (d.is_private && !include_private)
            row.emplace_back();
          else if (d.field == Field::commune)
            row.push_back(commune_name(communes, p.insee_code));
          else
            row.push_back(format_field(p, d.field));
        }
        w.row(row);
      }
      return;
    }
    case Format::Regional: {
      csv::Writer w(out);
      std::vector<std::string> header;
      for (auto& [name, f] : regional_columns()) header.emplace_back(name);
      w.row(header);
      for (auto& p : places) {
        std::vector<std::string> row;
        for (auto& [name, f] : regional_columns()) {
          if (field_def(f).is_private && !include_private)
            row.emplace_back();
          else if (f == Field::commune)
            row.push_back(commune_name(communes, p.insee_code));
          else if (f == Field::types)
            row.push_back(text::join(mask_to_list(p.types, place_types(), true), ", "));
          else if (f == Field::source_date)
            row.push_back(p.source_date.empty() ? date_part(p.updated_at) : p.source_date);
          else
            row.push_back(format_field(p, f));
        }
        w.row(row);
      }
      return;
    }
    case Format::GeoJSON: {
      json fc = {{"type", "FeatureCollection"}, {"features", json::array()}};
      for (auto& p : places) {
        json props = to_json(p, include_private, commune_name(communes, p.insee_code));
        json feature = {{"type", "Feature"}, {"id", p.id}, {"properties", std::move(props)}};
        feature["geometry"] = p.lon ? json{{"type", "Point"}, {"coordinates", {*p.lon, *p.lat}}} : json(nullptr);
        fc["features"].push_back(std::move(feature));
      }
      out << fc.dump(1) << '\n';
      return;
    }
    case Format::Mednum: export_mednum(places, include_private, communes, out, rep, keep_incomplete); return;
    default: throw Error("choose an export format: csv, maillage, geojson or mednum");
  }
}

}  // namespace maillage::registry

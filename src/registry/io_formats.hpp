#pragma once
// Import and export of places in the formats of the field:
//  - the regional data dictionary CSV of the Coopérative Tiers-Lieux / Région Nouvelle-Aquitaine
//    (id, siret, str_nom, categorie, typologie, adresse, code_postal, numcom, nomcom, url_web, facebook,
//     twitter, instagram, ct_nom, ct_prenom, ct_courriel, ct_tel_fixe, ct_tel_mobile, x_wgs84, y_wgs84, date_sai);
//  - Maillage's own CSV (every field, see fields());
//  - GeoJSON (FeatureCollection of Points, properties = Maillage fields);
//  - the national "lieux de médiation numérique" schema: CSV export; import of its JSON and CSV, and of
//    GoGoCarto's CSV and JSON (source_formats.hpp).
#include <ostream>
#include <string>
#include <vector>

#include "registry/source_formats.hpp"
#include "registry/store.hpp"
#include "registry/validate.hpp"

namespace maillage::registry {

enum class Format { Auto, Regional, Maillage, GeoJSON, Mednum, GoGoCarto };
// An import file is refused past this size once decompressed (20,000 places take about 4 MB).
constexpr size_t kMaxImportBytes = size_t{64} << 20;
std::string_view format_name(Format f);
// "csv" (the regional dictionary), "maillage", "geojson", "mednum", "gogocarto", "auto"; throws Error listing them.
Format parse_format(std::string_view name);

// Puts a text value into a record's field (as read from a column, a property or `--set`), recording a
// problem at the record's location when it does not parse.
void set_record_value(Record& r, Field f, std::string_view value, std::vector<Problem>& problems);

// An update that records the closing of the place `place` at `date` (the status, the date and, when a reason is
// given, "fermeture: REASON" appended to its notes); places are never deleted. `file` labels the input.
Record closing_record(const Place& place, std::string_view date, const std::string& reason, const std::string& file,
                      std::vector<Problem>& problems);

// Reads records from a file; problems found while reading (bad values, unknown columns) go to `problems`.
// Structural errors (unreadable file, malformed CSV/JSON, unknown header) throw InputError.
// Auto tells the format from the content: a GeoJSON FeatureCollection, GoGoCarto (its columns, or "geo" and
// "categories" members), mednum (nom and pivot), else a CSV told by its header.
std::vector<Record> read_records(const std::string& path, Format format, std::vector<Problem>& problems,
                                 Format* detected = nullptr, const SourceOptions& source = {},
                                 SourceSummary* summary = nullptr);
// The same from a file's content (`label` names it in the messages).
std::vector<Record> parse_records(std::string_view content, const std::string& label, Format format,
                                  std::vector<Problem>& problems, Format* detected = nullptr,
                                  const SourceOptions& source = {}, SourceSummary* summary = nullptr);

struct ImportOptions {
  enum class Mode { Upsert, InsertOnly, UpdateOnly };
  Format format = Format::Auto;
  Mode mode = Mode::Upsert;   // InsertOnly: a row matching a stored place is an error (places add)
  bool skip_invalid = false;  // import the valid rows, report the others
  bool dry_run = false;       // check and match everything, write nothing
  std::string origin;         // recorded in the history (default: the file name)
  SourceOptions source;       // mednum: keep only the tiers-lieux-like rows
};

struct ImportReport {
  std::string file;
  Format format = Format::Auto;
  int rows = 0, inserted = 0, updated = 0, unchanged = 0, rejected = 0;
  std::vector<Problem> problems;  // errors and warnings, in file order
  std::vector<int> rejected_lines;
  std::vector<std::string> written_ids;  // ids of the places inserted or updated, in input order
  int64_t revision = 0;                  // registry revision after the import
  bool committed = false;
  SourceSummary source;  // GoGoCarto, mednum: rows read, left out by the typology filter, typologies met
  int errors() const;
};

// One transaction: with any error and without skip_invalid, nothing is written. Rows are matched with stored
// places on id, else SIRET, else name + commune; a row that changes nothing writes nothing. Likely duplicates
// (same folded name within 200 m) are reported as warnings.
ImportReport import_file(PlaceStore& store, const Validator& validator, const std::string& path,
                         const ImportOptions& options);
// Same, for records built elsewhere (CLI `places add/update`).
ImportReport import_records(PlaceStore& store, const Validator& validator, std::vector<Record> records,
                            const ImportOptions& options, std::vector<Problem> problems = {});

// Writes a rejects report (CSV: line, column, field, severity, message) for --skip-invalid.
void write_rejects(const ImportReport& report, const std::string& path);

// What an export left out: rows a format refuses (mednum: the national schema requires an address, a postcode,
// a commune...), each with the place and the fields, and optional values dropped because the schema would refuse
// them (a telephone number in another format).
struct ExportIssue {
  std::string place_id, field, why;
};
struct ExportReport {
  size_t written = 0;
  std::vector<ExportIssue> skipped;  // one per missing or refused required field of a left-out row
  std::vector<ExportIssue> dropped;  // optional values left empty
  size_t skipped_places() const;
};
// `keep_incomplete` (mednum): write the refused rows too, marked in an extra column `a_completer` naming the
// missing fields (the file is then no longer valid against the schema: for the network's own follow-up).
void export_places(const std::vector<Place>& places, Format format, bool include_private,
                   const territory::CommuneTable& communes, std::ostream& out, ExportReport* report = nullptr,
                   bool keep_incomplete = false);

}  // namespace maillage::registry

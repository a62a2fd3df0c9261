#pragma once
// The data-quality report of the directory (`maillage places quality`, GET /quality, the page "Qualité des
// données"): per department, the places listed and open, the share with an opening date, staff, seats, an
// address-level position and a recent confirmation; the suspected duplicates; the open count against the
// published counts (bundled with their sources), so that a department far below stands out.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/place.hpp"

namespace maillage::territory {
class CommuneTable;
}

namespace maillage::moderation {

// One published figure: "tiers-lieux in Gironde", 65, 2018, its source. `value` is the number the text states
// ("about twenty" -> 20, "more than 35 (tripled…)" -> 35), `text` the value as published.
struct PublishedCount {
  std::string figure, text, scope, department, source_url;  // department: "33" when the scope is the whole department
  int value = 0;
  int year = 0;  // 0: not dated
};
// data/tiers_lieux/sources/published_counts.csv (figure, value, scope, year, source_url): the rows with a
// number. InputError naming the line when a row is malformed.
std::vector<PublishedCount> read_published_counts(const std::string& path);
// The bundled file's counts, read once.
const std::vector<PublishedCount>& bundled_published_counts();
// The reference count of a department ("" for the region): the most recent dated figure of the whole department
// (for the region: of the open places); nullopt when none is published.
std::optional<PublishedCount> reference_count(const std::vector<PublishedCount>& counts, const std::string& department);

// A pair of stored places that may be one (same SIRET, or a similar name in the same commune or within 200 m).
struct DuplicatePair {
  std::string a, b, name_a, name_b;
  double similarity = 0, distance_m = -1;
  std::vector<std::string> reasons;
};
// Every such pair, a < b, found through commune groups and a 200 m grid (the same rule as likely_duplicates,
// tested against all pairs).
std::vector<DuplicatePair> duplicate_pairs(const std::vector<registry::Place>& places,
                                           const territory::CommuneTable& communes);

struct QualityRow {
  std::string department, name;  // "" and "Nouvelle-Aquitaine" for the region
  int listed = 0, open = 0, projects = 0;
  int with_opening_date = 0, with_staff = 0, with_seats = 0, at_address = 0, confirmed = 0;  // among listed
  int never_confirmed = 0, stale = 0;  // not confirmed in 12 months (listed, not closed)
  std::optional<PublishedCount> published;
  double coverage_of_published = -1;  // open / published (-1: no published count)
  bool far_below = false;             // open < half the published count
};

struct QualityReport {
  std::string date;
  std::vector<QualityRow> departments;
  QualityRow region;
  std::vector<DuplicatePair> duplicates;
  std::vector<std::string> stale_places;  // ids of the sheets to confirm (open or project, not confirmed in 12 months)
};

// `confirmations`: place id -> last confirmation (UTC time); a sheet counts as confirmed when that is less than
// 365 days before `date`.
QualityReport quality_report(const std::vector<registry::Place>& places,
                             const std::map<std::string, std::string>& confirmations,
                             const territory::CommuneTable& communes, const std::vector<PublishedCount>& published,
                             const std::string& date);
nlohmann::json to_json(const QualityReport& r);

}  // namespace maillage::moderation

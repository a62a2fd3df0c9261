#pragma once
// Listed ("référencé") places (issue #17): a place is listed on a date when it is open, signed the network's
// charter in force that day, and meets the Région's five criteria. The charter's versions are append-only; the
// criteria and the last signature are fields of the place, so who stated each and when is the place's history.
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "registry/place.hpp"
#include "db/db.hpp"

namespace maillage::registry {

class PlaceStore;
struct HistoryEntry;

struct CharterVersion {
  std::string version, adopted_on, text, created_at, created_by;
};
// Every version, oldest adopted first.
std::vector<CharterVersion> charter_versions(db::Database& db);
// The version in force on `date` (the last adopted on or before it); "" when none was adopted yet.
std::string current_charter(db::Database& db, const std::string& date);
// Adopts a version (never rewritten). Bumps the registry revision: every listing may change. InputError naming
// the field (version, adopted_on, text) when a value is refused or the version exists.
void adopt_charter(PlaceStore& store, const CharterVersion& v);

struct ListingItem {
  std::string item;     // status, charter, criterion_open_to_all ... (the field to look at)
  std::string message;  // in French, for people
};
struct Listing {
  bool listed = false;
  std::vector<ListingItem> failures;  // what is not met (a criterion stated "no", the charter not signed ...)
  std::vector<ListingItem> unknown;   // what nobody stated yet (a criterion "unknown")
};
// The listing of `p` on `date` against the charter in force `current` ("" when none: then nobody is listed).
Listing listing(const Place& p, const std::string& date, const std::string& current);

// One shape per resource (issue #29): a place in a list, the same from `places list --json` and GET /places: its
// fields (the private ones when asked), the commune's name and whether it is listed on the regional map at `date`
// under the charter `current`.
nlohmann::json list_item(const Place& p, bool with_private, const std::string& date, const std::string& current);
// A page of places: {"items": [...], "limit", "offset", "registry_revision", "total"}, the items given as their JSON
// texts (the API keeps them ready per registry revision). Members in nlohmann::json's order (sorted).
std::string list_page(const std::vector<const std::string*>& items, int64_t limit, int64_t offset, int64_t revision,
                      int64_t total);

// Who stated each criterion and when: for each of the five, its value, the origin of the change that set it
// (the history's origin: "api user:3 (…)", "import …") and its time; empty when never stated.
struct CriterionStatement {
  std::string criterion, value, said_by, said_at;
};
// `history`: the place's (PlaceStore::history), oldest first.
std::vector<CriterionStatement> criteria_provenance(const std::vector<HistoryEntry>& history, const Place& p);

}  // namespace maillage::registry

#pragma once
// The places registry in one SQLite file: WAL mode, numbered migrations, prepared statements. Places are never
// deleted (a place closes); every insert and update appends to place_history (an update keeps the whole
// record as it was), which
// the database itself keeps append-only (triggers refuse UPDATE and DELETE). Each committed change bumps the
// registry revision, so a result can say which state of the registry it used.
#include <cstdint>
#include <memory>
#include <mutex>
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "core/geo.hpp"
#include "registry/place.hpp"
#include "db/db.hpp"
#include "db/listen.hpp"

namespace maillage::territory {
class CommuneTable;
}

namespace maillage::registry {

struct PlaceFilter {
  uint32_t types_any = 0;  // any of these types
  std::optional<Status> status;
  std::string department;  // "33"
  std::string insee_code;  // one commune
  std::string text;        // words, all must appear (name, address, commune, id), accent-insensitive
  std::string open_on;     // YYYY-MM-DD
  struct BBox {
    double min_lon, min_lat, max_lon, max_lat;
  };
  std::optional<BBox> bbox;
  std::optional<bool> listed;  // listed (or not) on open_on, else today: open, the charter in force signed, the
                               // five criteria met (registry/listing.hpp)
  bool fixed_only = false;     // only places at a fixed address: itinerant places (type itinerant) left out; what
                               // the coverage, the funding-call rules and planning count as open places
  int limit = 0;               // 0 = no limit
  int offset = 0;
};

struct HistoryEntry {
  int64_t revision;
  std::string place_id, action, at, origin;
  std::string before_json;  // the record before an update ("" for the insert)
};

class PlaceStore {
 public:
  static constexpr int kSchemaVersion = 13;
  // Opens (creating when allowed) and migrates the database. `communes` feeds the search text (commune names)
  // and may be null.
  PlaceStore(const std::string& path, const territory::CommuneTable* communes, bool create = true);
  ~PlaceStore();
  // Another store on a new connection to the same database, sharing this one's read model (the copy of the places,
  // reloaded once per revision for all of them): one per thread of a server (issue #30). No migration.
  std::unique_ptr<PlaceStore> another() const;
  struct Another {};
  PlaceStore(const PlaceStore& other, Another);

  db::Database& db() { return *db_; }
  // True when this opening created the schema (the database was empty).
  bool created() const { return created_; }
  int64_t revision();
  // While held (a server's request: api::StoreLease), the revision is read from the database once and then
  // remembered (until this store writes: then read each time): one round trip a request instead of one per use, which
  // on PostgreSQL is what a read costs (a page of places read 3 times and opened a transaction: 11,000 req/s against
  // SQLite's 19,000). The request sees one revision throughout; the next request reads it again.
  void hold_revision(bool on) { hold_ = on, held_.reset(); }
  // What a server's db::Listener heard on the channel kRevisionChannel (PostgreSQL): while it listens, the stores
  // sharing this one's read model trust the revision they last read until a notification comes (a write anywhere
  // notifies at its commit); a request then reads no revision at all. Other processes (the CLI) read it each time.
  static constexpr const char* kRevisionChannel = "maillage_revision";
  void heard(db::Listener::Event e);
  // The end of a request (api::StoreLease): when this store wrote, the revision it remembered for every store is
  // forgotten now (its own notification may come a little later; its client must not wait for it).
  void request_done();
  int schema_version();
  int64_t count_all();

  std::optional<Place> get(const std::string& id);
  // Places matching a filter, ordered by name. Served from an in-memory copy of the table that is reloaded
  // whenever the registry revision has moved (a write by this or any other process), so a list costs a scan
  // of memory, not of the database.
  std::vector<Place> list(const PlaceFilter& f);
  int64_t count(const PlaceFilter& f);  // ignores limit and offset
  // The in-memory copy itself (shared, never modified once made: callers may keep it and derive from it).
  struct Snapshot {
    int64_t revision = -1;
    std::string day, charter;         // the date it was made and the network's charter in force that day
    std::vector<Place> places;        // ordered by folded name, then id
    std::vector<std::string> search;  // folded search text of each place
  };
  // One pass: the positions in the snapshot of the page the filter selects (limit, offset) and the total.
  struct Selection {
    std::shared_ptr<const Snapshot> snapshot;
    std::vector<uint32_t> page;
    int64_t total = 0;
  };
  Selection select(const PlaceFilter& f);
  // Lookups used to match imported rows with stored places.
  std::vector<std::string> ids_by_siret(const std::string& siret);
  std::vector<std::string> ids_by_name_commune(const std::string& name, const std::string& insee);
  struct NamedPoint {
    std::string id, name;
    geo::LonLat at;
  };
  std::vector<NamedPoint> by_folded_name(const std::string& folded_name);
  std::vector<HistoryEntry> history(const std::string& place_id);
  // The network's charter in force today ("" when none was adopted), from the snapshot.
  std::string charter_in_force();

  // Writes: call inside a db::Transaction; take the revision once with next_revision() before the
  // first write. insert/update set created_at/updated_at and append to place_history.
  int64_t next_revision();
  void insert(Place& p, int64_t revision, const std::string& origin);
  void update(const Place& before, Place& after, int64_t revision, const std::string& origin);
  // A fresh id "<insee>-<slug of name>" not yet used.
  std::string make_id(const Place& p);

 private:
  std::string search_text(const Place& p) const;
  void bind_place(db::Statement& st, const Place& p);
  void append_history(const std::string& id, const Place* before, const std::string& origin, const std::string& at,
                      int64_t revision);

  std::shared_ptr<const Snapshot> snapshot();
  void open(bool create);
  void prepare();

  std::unique_ptr<db::Database> db_;
  struct ReadModel {
    std::mutex mu;
    std::shared_ptr<const Snapshot> snapshot;
    // The revision as last read, trusted while `listening` (db::Listener on PostgreSQL) and nothing was heard
    // since: each notification, connection or loss moves `epoch`.
    std::atomic<bool> listening{false};
    std::atomic<uint64_t> epoch{0};
    std::mutex revision_mu;
    int64_t revision = -1;
    uint64_t revision_epoch = ~uint64_t{0};
  };
  int64_t query_revision();
  int64_t cached_revision();
  bool wrote_ = false;
  const territory::CommuneTable* communes_;
  bool created_ = false;
  struct Cache;
  std::unique_ptr<Cache> cache_;
  std::shared_ptr<ReadModel> model_;
  bool hold_ = false;
  std::optional<int64_t> held_;
  std::string name_;
};

}  // namespace maillage::registry

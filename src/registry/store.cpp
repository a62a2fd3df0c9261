#include "registry/store.hpp"

#include "registry/listing.hpp"

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db/migrate.hpp"
#include "territory/communes.hpp"

namespace maillage::registry {

namespace {

// The columns of `places`, in the order of the field table (fields(): the stored ones), then the two derived search
// columns.
const std::vector<Field>& stored_fields() {
  static const std::vector<Field> v = [] {
    std::vector<Field> out;
    for (auto& d : fields())
      if (d.sql != FieldDef::Sql::None) out.push_back(d.field);
    return out;
  }();
  return v;
}

const std::string& columns() {
  static const std::string c = [] {
    std::string out;
    for (auto f : stored_fields()) out += (out.empty() ? "" : ", ") + std::string(field_def(f).name);
    return out;
  }();
  return c;
}

Place read_place(const db::Statement& st) {
  Place p;
  int c = 0;
  for (auto f : stored_fields()) {
    SqlValue v;
    if (!st.is_null(c)) {
      switch (field_def(f).sql) {
        case FieldDef::Sql::Integer: v = st.int64(c); break;
        case FieldDef::Sql::Real: v = st.real(c); break;
        default: v = st.text(c);
      }
    }
    set_sql_value(p, f, v);
    ++c;
  }
  return p;
}

}  // namespace

struct PlaceStore::Cache {
  db::Statement get, insert, update, history, revision, by_siret, by_name, by_folded;
};

PlaceStore::PlaceStore(const std::string& path, const territory::CommuneTable* communes, bool create)
    : communes_(communes), cache_(std::make_unique<Cache>()), model_(std::make_shared<ReadModel>()), name_(path) {
  open(create);
  created_ = db::schema_version(*db_) == 0;
  db::migrate(*db_);
  prepare();
}

PlaceStore::PlaceStore(const PlaceStore& other, Another)
    : communes_(other.communes_), cache_(std::make_unique<Cache>()), model_(other.model_), name_(other.name_) {
  open(false);
  prepare();
}

std::unique_ptr<PlaceStore> PlaceStore::another() const { return std::make_unique<PlaceStore>(*this, Another{}); }

void PlaceStore::open(bool create) {
  db_ = std::make_unique<db::Database>(name_,
                                       create ? db::Database::Mode::ReadWriteCreate : db::Database::Mode::ReadWrite);
  if (db_->backend() == db::Backend::SQLite)
    db_->exec(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32000; "
        "PRAGMA temp_store = MEMORY;");
}

void PlaceStore::prepare() {
  auto& c = *cache_;
  c.get = db_->prepare(fmt::format("SELECT {} FROM places WHERE id = ?", columns()));
  const int n = static_cast<int>(stored_fields().size()) + 2;  // and name_folded, search_text
  std::string params;
  for (int i = 1; i <= n; ++i) params += (i > 1 ? ", ?" : "?");
  c.insert =
      db_->prepare(fmt::format("INSERT INTO places ({}, name_folded, search_text) VALUES ({})", columns(), params));
  c.update = db_->prepare(
      fmt::format("UPDATE places SET ({}, name_folded, search_text) = ({}) WHERE id = ?{}", columns(), params, n + 1));
  c.history = db_->prepare(
      "INSERT INTO place_history (revision, place_id, action, at, origin, before_json) VALUES (?, ?, ?, ?, ?, ?)");
  c.revision = db_->prepare("SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'revision'");
  c.by_siret = db_->prepare("SELECT id FROM places WHERE siret = ? ORDER BY id");
  c.by_name = db_->prepare("SELECT id FROM places WHERE name_folded = ? AND insee_code = ? ORDER BY id");
  c.by_folded = db_->prepare("SELECT id, name, lon, lat FROM places WHERE name_folded = ? ORDER BY id");
}

PlaceStore::~PlaceStore() = default;

int PlaceStore::schema_version() { return db::schema_version(*db_); }

int64_t PlaceStore::query_revision() {
  auto& st = cache_->revision;
  st.step();
  int64_t r = st.int64(0);
  st.reset();
  return r;
}

// The revision last read by any store of the read model, while nothing was heard since; else read (and kept unless
// something was heard meanwhile: a notification during the read leaves the next reader to read again).
int64_t PlaceStore::cached_revision() {
  auto& m = *model_;
  if (!m.listening) return query_revision();
  uint64_t e = m.epoch.load();
  {
    std::lock_guard l(m.revision_mu);
    if (m.revision_epoch == e) return m.revision;
  }
  int64_t r = query_revision();
  std::lock_guard l(m.revision_mu);
  if (m.epoch.load() == e) m.revision = r, m.revision_epoch = e;
  return r;
}

int64_t PlaceStore::revision() {
  if (hold_ && held_) return *held_;
  int64_t r = wrote_ ? query_revision() : cached_revision();
  if (hold_) held_ = r;
  return r;
}

void PlaceStore::heard(db::Listener::Event e) {
  if (e == db::Listener::Event::Connected) model_->listening = true;
  if (e == db::Listener::Event::Lost) model_->listening = false;
  ++model_->epoch;
}

void PlaceStore::request_done() {
  if (wrote_) ++model_->epoch;
  wrote_ = false;
}

int64_t PlaceStore::count_all() {
  auto st = db_->prepare("SELECT count(*) FROM places");
  st.step();
  return st.int64(0);
}

int64_t PlaceStore::next_revision() {
  db_->exec("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'revision'");
  // Every server listening hears it when this transaction commits (nothing if it rolls back).
  if (db_->backend() == db::Backend::PostgreSQL) db_->exec(std::string("NOTIFY ") + kRevisionChannel);
  wrote_ = true;
  // Not held past a write: the write may yet roll back, and a body cached under a revision that never was would be
  // served when the number comes round again. The rest of this request reads the revision each time.
  hold_revision(false);
  return query_revision();
}

std::string PlaceStore::search_text(const Place& p) const {
  std::string s = p.name + ' ' + p.address + ' ' + p.id + ' ' + p.insee_code;
  if (communes_)
    if (auto* c = communes_->find(p.insee_code)) s += ' ' + c->name;
  return ' ' + text::fold(s) + ' ';
}

void PlaceStore::bind_place(db::Statement& st, const Place& p) {
  int i = 0;
  for (auto f : stored_fields()) {
    auto v = sql_value(p, f);
    ++i;
    if (auto* x = std::get_if<int64_t>(&v))
      st.bind(i, *x);
    else if (auto* r = std::get_if<double>(&v))
      st.bind(i, *r);
    else if (auto* t = std::get_if<std::string>(&v))
      st.bind(i, *t);
    else
      st.bind_null(i);
  }
  st.bind(++i, text::fold(p.name), false);
  st.bind(++i, search_text(p), false);
}

void PlaceStore::append_history(const std::string& id, const Place* before, const std::string& origin,
                                const std::string& at, int64_t revision) {
  auto& st = cache_->history;
  st.bind(1, revision);
  st.bind(2, id);
  st.bind(3, before ? "update" : "insert");
  st.bind(4, at);
  st.bind(5, origin);
  if (before)
    st.bind(6, to_json(*before, true, {}, true).dump());
  else
    st.bind_null(6);
  st.run();
}

void PlaceStore::insert(Place& p, int64_t revision, const std::string& origin) {
  if (p.id.empty()) p.id = make_id(p);
  p.created_at = p.updated_at = date::now_utc();
  auto& st = cache_->insert;
  bind_place(st, p);
  st.run();
  append_history(p.id, nullptr, origin, p.updated_at, revision);
}

void PlaceStore::update(const Place& before, Place& after, int64_t revision, const std::string& origin) {
  after.id = before.id;
  after.created_at = before.created_at;
  after.updated_at = date::now_utc();
  auto& st = cache_->update;
  bind_place(st, after);
  st.bind(static_cast<int>(stored_fields().size()) + 3, before.id);
  st.run();
  append_history(after.id, &before, origin, after.updated_at, revision);
}

std::string PlaceStore::make_id(const Place& p) {
  std::string slug = text::fold(p.name);
  for (char& c : slug)
    if (c == ' ') c = '-';
  if (slug.size() > 40) slug.resize(40);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  std::string base = (p.insee_code.empty() ? std::string("tl") : p.insee_code) + (slug.empty() ? "" : "-" + slug);
  std::string id = base;
  for (int n = 2; get(id); ++n) id = base + "-" + std::to_string(n);
  return id;
}

std::optional<Place> PlaceStore::get(const std::string& id) {
  auto& st = cache_->get;
  st.bind(1, id, false);
  std::optional<Place> out;
  if (st.step()) out = read_place(st);
  st.reset();
  return out;
}

namespace {
std::vector<std::string> collect_ids(db::Statement& st) {
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  st.reset();
  return out;
}

// The one definition of what a filter selects; `search` is the place's folded search text.
bool matches(const PlaceFilter& f, const std::vector<std::string>& words, const Place& p, const std::string& search,
             const std::string& listing_date, const std::string& charter) {
  if (f.types_any && !(p.types & f.types_any)) return false;
  if (f.fixed_only && is_itinerant(p)) return false;
  if (f.status && p.status != *f.status) return false;
  if (!f.department.empty() && p.insee_code.compare(0, f.department.size(), f.department) != 0) return false;
  if (!f.insee_code.empty() && p.insee_code != f.insee_code) return false;
  for (auto& w : words)
    if (search.find(w) == std::string::npos) return false;
  if (!f.open_on.empty() && !p.open_on(f.open_on)) return false;
  if (f.listed && listing(p, listing_date, charter).listed != *f.listed) return false;
  if (f.bbox && (!p.lon || *p.lon < f.bbox->min_lon || *p.lon > f.bbox->max_lon || *p.lat < f.bbox->min_lat ||
                 *p.lat > f.bbox->max_lat))
    return false;
  return true;
}
}  // namespace

std::shared_ptr<const PlaceStore::Snapshot> PlaceStore::snapshot() {
  auto day = date::today();
  int64_t rev = revision();
  auto current = [&](const std::shared_ptr<const Snapshot>& s) { return s && s->revision == rev && s->day == day; };
  {  // The copy of this revision is there: no transaction (one statement, or none while the revision is held).
    std::lock_guard lock(model_->mu);
    if (current(model_->snapshot)) return model_->snapshot;
  }
  db::ReadTransaction view(*db_);  // the revision and the rows of one state
  rev = query_revision();
  if (hold_) held_ = rev;
  // One reload per revision for every store sharing the model (the threads of a server): the first to see the new
  // revision reloads, the others wait for it and take its copy.
  std::lock_guard lock(model_->mu);
  if (current(model_->snapshot)) return model_->snapshot;
  auto snap = std::make_shared<Snapshot>();
  snap->revision = rev;
  snap->day = day;
  snap->charter = current_charter(*db_, day);
  auto st = db_->prepare(fmt::format("SELECT {}, search_text FROM places ORDER BY name_folded, id", columns()));
  const int search_column = static_cast<int>(stored_fields().size());
  while (st.step()) {
    snap->places.push_back(read_place(st));
    snap->search.push_back(st.text(search_column));
  }
  // A reader whose view began before a write that another already loaded keeps its older copy to itself.
  if (!model_->snapshot || model_->snapshot->revision <= rev) model_->snapshot = snap;
  return snap;
}

PlaceStore::Selection PlaceStore::select(const PlaceFilter& f) {
  Selection out;
  out.snapshot = snapshot();
  auto& snap = *out.snapshot;
  auto words = text::split_list(text::fold(f.text), " ");
  std::string listing_date = f.open_on.empty() ? snap.day : f.open_on;
  std::string charter = !f.listed           ? std::string()
                        : f.open_on.empty() ? snap.charter
                                            : current_charter(*db_, listing_date);
  for (size_t i = 0; i < snap.places.size(); ++i) {
    if (!matches(f, words, snap.places[i], snap.search[i], listing_date, charter)) continue;
    if (out.total++ >= f.offset && (f.limit <= 0 || static_cast<int64_t>(out.page.size()) < f.limit))
      out.page.push_back(static_cast<uint32_t>(i));
  }
  return out;
}

std::vector<Place> PlaceStore::list(const PlaceFilter& f) {
  auto sel = select(f);
  std::vector<Place> out;
  out.reserve(sel.page.size());
  for (auto i : sel.page) out.push_back(sel.snapshot->places[i]);
  return out;
}

int64_t PlaceStore::count(const PlaceFilter& f) { return select(f).total; }

std::string PlaceStore::charter_in_force() { return snapshot()->charter; }

std::vector<std::string> PlaceStore::ids_by_siret(const std::string& siret) {
  cache_->by_siret.bind(1, siret, false);
  return collect_ids(cache_->by_siret);
}

std::vector<std::string> PlaceStore::ids_by_name_commune(const std::string& name, const std::string& insee) {
  cache_->by_name.bind(1, text::fold(name), false).bind(2, insee, false);
  return collect_ids(cache_->by_name);
}

std::vector<PlaceStore::NamedPoint> PlaceStore::by_folded_name(const std::string& folded) {
  auto& st = cache_->by_folded;
  st.bind(1, folded, false);
  std::vector<NamedPoint> out;
  while (st.step()) out.push_back({st.text(0), st.text(1), {st.real(2), st.real(3)}});
  st.reset();
  return out;
}

std::vector<HistoryEntry> PlaceStore::history(const std::string& place_id) {
  auto st = db_->prepare(
      "SELECT revision, place_id, action, at, origin, before_json FROM place_history WHERE place_id = ? ORDER BY seq");
  st.bind(1, place_id, false);
  std::vector<HistoryEntry> out;
  while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5)});
  return out;
}

}  // namespace maillage::registry

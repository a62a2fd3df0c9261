#include "api/state.hpp"

#include "core/date.hpp"
#include "registry/listing.hpp"

#include <algorithm>

#include <iterator>

#include "accounts/accounts.hpp"
#include "accounts/secrets.hpp"
#include "core/date.hpp"
#include "territory/communes.hpp"
#include "territory/outline.hpp"

namespace maillage::api {

using nlohmann::json;

State::State(const Limits& limits, const AuthOptions& a)
    : validator(territory::CommuneTable::bundled(), territory::Outline::bundled_region(), date::today()),
      cache(limits.cache_bytes),
      pages(limits.page_cache_bytes),
      auth(a),
      mail_by_address(std::make_unique<accounts::RateLimiter>("mail_by_address", a.mails_per_address_hour, 3600)),
      mail_by_recipient(std::make_unique<accounts::RateLimiter>("mail_by_recipient", a.mails_per_account_hour, 3600)),
      contributions_by_address(
          std::make_unique<accounts::RateLimiter>("contributions", a.contributions_per_address_hour, 3600)),
      registrations_by_address(
          std::make_unique<accounts::RateLimiter>("registrations", a.registrations_per_address_hour, 3600)) {}

void send_mail(State& s, const std::string& event, const std::string& to, std::map<std::string, std::string> values) {
  mail::Outbox(s.store->db()).enqueue(mail::render(event, to, values));
  if (s.on_mail) s.on_mail();
}

std::string page_link(const State& s, const std::string& fragment) { return s.auth.mail.public_url + "/#" + fragment; }

Principal principal_of_user(State& s, int64_t user_id) {
  auto u = accounts::Accounts(s.store->db()).get(user_id);
  Principal p;
  p.kind = "session";
  p.id = u.id;
  p.name = u.display_name;
  p.email = u.email;
  for (auto& g : u.roles) {
    if (g.role == "admin")
      p.admin = true;
    else if (g.role == "editor")
      p.editor = true;
    else if (g.role == "manager")
      p.places.push_back(g.place_id);
    else if (g.role == "member")
      p.member_id = u.member_id;
  }
  return p;
}

bool Principal::manages(const std::string& place) const {
  return admin || std::find(places.begin(), places.end(), place) != places.end();
}
std::string Principal::actor() const { return fmt::format("{}:{}", kind == "token" ? "token" : "user", id); }

namespace {
// The store the calling thread holds (by a StoreLease), and how deep its leases are nested.
thread_local registry::PlaceStore* t_store = nullptr;
thread_local int t_depth = 0;
}  // namespace

void Stores::open(const std::string& name, int connections) {
  base_ = std::make_unique<registry::PlaceStore>(name, &territory::CommuneTable::bundled());
  pool_ = std::make_unique<Pool<registry::PlaceStore>>(
      connections, [this] { return base_->another(); },
      [](registry::PlaceStore& s) { return !s.db().in_transaction(); }, std::chrono::seconds(30),
      "connection to the database");
  if (db::is_postgresql(name))
    listener_ = std::make_unique<db::Listener>(name, registry::PlaceStore::kRevisionChannel,
                                               [base = base_.get()](db::Listener::Event e) { base->heard(e); });
}

int Stores::open_connections() const { return pool_->alive() + 1; }

Stores::Proxy::~Proxy() { delete lease; }

Stores::Proxy Stores::operator->() {
  auto* lease = new StoreLease(*this);  // held for the full expression
  return Proxy{lease, t_store};
}

registry::PlaceStore& Stores::operator*() {
  if (!t_store) throw Error(Errc::internal, "the store used by reference outside a StoreLease");
  return *t_store;
}

StoreLease::StoreLease(State& s) : StoreLease(s.store) {}
StoreLease::StoreLease(Stores& stores) {
  if (t_depth++ > 0) return;
  try {
    lease_ = stores.pool_->acquire();
  } catch (...) {
    --t_depth;
    throw;
  }
  t_store = lease_.get();
  t_store->hold_revision(true);  // one read of the revision a request
}

StoreLease::~StoreLease() {
  --t_depth;
  if (!lease_) return;
  t_store = nullptr;
  lease_->hold_revision(false);
  lease_->request_done();
  // A store left inside a transaction (its server went away mid-way) would poison the next request: rolled back,
  // or dropped by the pool when even that fails.
  if (lease_->db().in_transaction()) {
    try {
      lease_->db().exec("ROLLBACK");
    } catch (...) {}
  }
}

int64_t State::revision() {
  StoreLease l(*this);
  return store->revision();
}

std::shared_ptr<const std::string> cached(State& s, const std::string& key, const std::function<std::string()>& make,
                                          bool cheap) {
  auto& cache = cheap ? s.pages : s.cache;
  if (auto hit = cache.get(key)) return hit;
  auto body = std::make_shared<const std::string>(make());
  cache.put(key, body);
  return body;
}

std::string fingerprint(const std::vector<coverage::Place>& places, std::string_view more) {
  std::string text;
  text.reserve(places.size() * 64 + more.size());
  for (auto& p : places) {  // lengths first: no two lists write the same text
    fmt::format_to(std::back_inserter(text), "{}:{}{}:{}{}:{}{:a},{:a};", p.id.size(), p.id, p.name.size(), p.name,
                   p.insee.size(), p.insee, p.at.lon, p.at.lat);
  }
  text += '|';
  text += more;
  return accounts::key_hash(text);
}

bool allow(State& s, accounts::RateLimiter& limit, const std::string& key) {
  StoreLease l(s);
  return limit.allow(s.store->db(), key, date::unix_now());
}

void refund(State& s, accounts::RateLimiter& limit, const std::string& key) {
  StoreLease l(s);
  limit.refund(s.store->db(), key);
}

std::shared_ptr<const planning::ZoneSuggester> zone_suggester(State& s, roads::Millis threshold) {
  if (auto it = s.suggesters.find(threshold); it != s.suggesters.end()) return it->second;
  if (s.suggesters.size() >= State::kMaxSuggesters) s.suggesters.erase(s.suggesters.begin());
  auto made = std::make_shared<const planning::ZoneSuggester>(*s.engine, threshold);
  if (made->entries() <= State::kMaxSuggesterEntries) s.suggesters.emplace(threshold, made);
  return made;
}

std::vector<coverage::Place> open_places(State& s, const std::string& d) {
  registry::PlaceFilter f;
  f.open_on = d;
  f.fixed_only = true;
  std::vector<registry::Place> ps;
  {
    StoreLease l(s);
    ps = s.store->list(f);
  }
  std::vector<coverage::Place> out;
  for (auto& p : ps) out.push_back({p.id, p.name, p.insee_code, {*p.lon, *p.lat}});
  return out;
}

bool may_see_private(const Principal* who) { return who && who->registry(); }

json place_json(const registry::Place& p, bool with_private, const std::string* charter) {
  if (charter) return registry::list_item(p, with_private, date::today(), *charter);
  auto* c = territory::CommuneTable::bundled().find(p.insee_code);
  return registry::to_json(p, with_private, c ? c->name : "");
}
json place_json(const registry::Place& p, const Principal* who) { return place_json(p, may_see_private(who)); }

registry::Place require_place(State& s, const std::string& id) {
  StoreLease l(s);
  auto p = s.store->get(id);
  if (!p) throw Error(Errc::place_not_found, fmt::format("no place with id '{}'", id));
  return *p;
}

}  // namespace maillage::api

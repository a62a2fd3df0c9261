#pragma once
// What the API's handlers share (internal to src/api): the state loaded once, the caches keyed by the registry
// revision, and the place serialisation used by several resource families.
#include <functional>
#include <map>
#include <memory>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "accounts/accounts.hpp"
#include "accounts/throttle.hpp"
#include "ami/ami.hpp"
#include "api/cache.hpp"
#include "api/service.hpp"
#include "core/pool.hpp"
#include "coverage/coverage.hpp"
#include "coverage/serialize.hpp"
#include "planning/run.hpp"
#include "registry/store.hpp"
#include "registry/validate.hpp"
#include "routing/search.hpp"
#include "routing/snap.hpp"
#include "scenario/whatif.hpp"

namespace maillage::api {

// The stores of a server (issue #30): one per thread at a time, each on its own connection (SQLite in WAL mode
// reads in parallel, one writer at a time; PostgreSQL gives each its own server process), all sharing one read
// model of the places (reloaded once per revision). A handler takes one for its request with
// `StoreLease lease(s);` and `s.store->...` is then that thread's store; outside a lease `s.store->f()` takes one
// for that call only, and `*s.store` (a reference that outlives the call) refuses.
class Stores {
 public:
  void open(const std::string& name, int connections);
  struct Proxy {
    class StoreLease* lease;
    registry::PlaceStore* store;
    ~Proxy();
    registry::PlaceStore* operator->() const { return store; }
  };
  Proxy operator->();
  registry::PlaceStore& operator*();
  int open_connections() const;  // the base's and the pool's

 private:
  friend class StoreLease;
  // The store opened first (migrations, seeding): the pool's stores are made from it (PlaceStore::another) and
  // share its read model. It serves no request (one connection more than the workers).
  std::unique_ptr<registry::PlaceStore> base_;
  std::unique_ptr<Pool<registry::PlaceStore>> pool_;
  // PostgreSQL: the registry's writes heard as they commit, from any server (destroyed first: it calls base_).
  std::unique_ptr<db::Listener> listener_;
};

struct State;
// The calling thread's store for its scope (re-entrant: a nested lease on the same thread is the same store).
class StoreLease {
 public:
  explicit StoreLease(State& s);
  explicit StoreLease(Stores& stores);
  ~StoreLease();
  StoreLease(const StoreLease&) = delete;
  StoreLease& operator=(const StoreLease&) = delete;

 private:
  Pool<registry::PlaceStore>::Lease lease_;  // empty when nested in another lease of this thread
};

struct State {
  Stores store;
  registry::Validator validator;
  roads::RoadGraph graph;
  std::string graph_label;
  double error_median = 0, error_p90 = 0;  // the profile's cross-validated error (margins of verdicts, ranges)
  std::unique_ptr<routing::Snapper> snapper;
  std::mutex engine_mu;  // the coverage engine holds the times of one set of places
  std::unique_ptr<coverage::Engine> engine;
  std::string engine_key;
  // Kept for at most 4 thresholds, each at most 32 M (candidate, point) pairs (128 MB; the region at 20 min: 1.8 M);
  // one larger (a threshold of hours) serves its request and goes.
  static constexpr size_t kMaxSuggesters = 4, kMaxSuggesterEntries = 32'000'000;
  std::map<roads::Millis, std::shared_ptr<const planning::ZoneSuggester>> suggesters;  // under engine_mu
  coverage::ZoneTexts zone_texts;                                                      // under engine_mu
  // Computed bodies by (revision, normalised parameters); cheap bodies (place pages: any client can ask for
  // thousands of distinct ones) in their own cache, so that a flood of them never evicts a costly coverage body.
  BodyCache cache, pages;
  // Each place of a registry snapshot serialised once, without [0] and with [1] the private fields: a page of
  // the list is then a concatenation.
  struct PlacesJson {
    std::shared_ptr<const registry::PlaceStore::Snapshot> snapshot;
    std::vector<std::string> items[2];
  };
  std::mutex places_json_mu;
  std::shared_ptr<const PlacesJson> places_json;
  // Free creation checkers by (revision, call, date): one request uses one at a time. At most
  // kMaxCheckerKeys keys are kept (a client walking through dates cannot pile them up).
  static constexpr size_t kMaxCheckerKeys = 4;
  std::mutex checker_mu;
  std::map<std::string, std::vector<std::unique_ptr<ami::CreationChecker>>> checkers;
  // Searches over the whole road graph (booking's network search, an itinerant day's route): one per worker at
  // most, made on first use and kept (8 bytes a node each: not allocated per request).
  std::unique_ptr<Pool<routing::Search>> searches;

  // Accounts: how people sign in, the brakes on anonymous requests that send mail, and who wakes the deliverer.
  AuthOptions auth;
  std::unique_ptr<accounts::RateLimiter> mail_by_address, mail_by_recipient;
  std::unique_ptr<accounts::RateLimiter> contributions_by_address, registrations_by_address;
  std::function<void()> on_mail;

  // What-if scenarios (issue #19): the live ones by id, each with its own lock; at most kMaxScenarios (the least
  // recently used goes). The base (the open places of a date, searched once) is copied into each new scenario.
  static constexpr size_t kMaxScenarios = 16;
  struct LiveScenario;
  std::mutex scenarios_mu;
  std::map<int64_t, std::shared_ptr<LiveScenario>> scenarios;
  int64_t next_scenario = 1;
  std::string scenario_base_key;
  std::shared_ptr<const scenario::WhatIf> scenario_base;

  State(const Limits& limits, const AuthOptions& auth);
  int64_t revision();
};

// Counts a request of `key` against a limit shared by every server (accounts::RateLimiter, in the database);
// false when the key used its share. `refund` gives the count back.
bool allow(State& s, accounts::RateLimiter& limit, const std::string& key);
void refund(State& s, accounts::RateLimiter& limit, const std::string& key);

// Renders a French mail and puts it in the outbox (the caller holds a StoreLease); wakes the deliverer.
void send_mail(State& s, const std::string& event, const std::string& to, std::map<std::string, std::string> values);
// A link into the web page, e.g. link(s, "cle/reinitialisation/KEY").
std::string page_link(const State& s, const std::string& fragment);
// The session cookie: its secret in a Cookie header ("" when absent); the Set-Cookie headers that set and clear
// it (HttpOnly, SameSite=Strict, Path=/, and Secure with the __Host- prefix when served over TLS).
std::string session_cookie(const std::string& cookie_header);
std::pair<std::string, std::string> set_session_cookie(const AuthOptions& a, const std::string& secret);
std::pair<std::string, std::string> clear_session_cookie(const AuthOptions& a);
accounts::SessionPolicy session_policy(const AuthOptions& a);
// The principal of a person (roles flattened), read under the caller's StoreLease.
Principal principal_of_user(State& s, int64_t user_id);

// A body computed once per key (which starts with the registry revision), kept in the cache or, when `cheap`,
// in the page cache.
std::shared_ptr<const std::string> cached(State& s, const std::string& key, const std::function<std::string()>& make,
                                          bool cheap = false);

std::vector<coverage::Place> open_places(State& s, const std::string& d);
// What a coverage body reads of the registry is its places' ids, names, communes and positions (and the itinerant
// stops' windows): a fingerprint of them (BLAKE2b), not the registry revision, keys the coverage bodies. An edit
// that changes none of these (a phone number, the staff) leaves them cached; one that moves, opens or closes a place
// costs the engine's repair (coverage::Engine::compute matches the places by position) and the report, on every
// server alike: each sees the same places in the database (issue #30).
std::string fingerprint(const std::vector<coverage::Place>& places, std::string_view more = {});
// Runs `f(engine, places)` with the engine computed for exactly these places (`fingerprint(places)`), under the
// engine lock; recomputed only when they changed.
template <class F>
auto with_engine_for(State& s, const std::vector<coverage::Place>& places, const std::string& places_fingerprint, F f) {
  std::lock_guard l(s.engine_mu);
  auto key = "places|" + places_fingerprint;
  if (s.engine_key != key) s.engine->compute(places), s.engine_key = key;
  return f(*s.engine, places);
}
// The same for the places open at date `d`.
template <class F>
auto with_engine(State& s, const std::string& d, F f) {
  auto places = open_places(s, d);
  return with_engine_for(s, places, fingerprint(places), f);
}
// The suggested sites of zones blanches at a threshold (its coverage sets computed on first use; at most
// State::kMaxSuggesters thresholds kept). Called under the engine lock.
std::shared_ptr<const planning::ZoneSuggester> zone_suggester(State& s, roads::Millis threshold);

// Private contact fields: registry tokens only (a member or a manager of one place does not see every contact).
bool may_see_private(const Principal* who);
// With `charter` (the one in force today: PlaceStore::charter_in_force), also whether the place is listed today.
nlohmann::json place_json(const registry::Place& p, bool with_private, const std::string* charter = nullptr);
nlohmann::json place_json(const registry::Place& p, const Principal* who);
// The stored place, or 404.
registry::Place require_place(State& s, const std::string& id);

}  // namespace maillage::api

#pragma once
// What the API's handlers share (internal to src/api): the state loaded once, the caches keyed by the registry
// revision, and the place serialisation used by several resource families.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ami/ami.hpp"
#include "api/cache.hpp"
#include "api/service.hpp"
#include "coverage/coverage.hpp"
#include "registry/store.hpp"
#include "registry/validate.hpp"
#include "routing/search.hpp"
#include "routing/snap.hpp"

namespace maillage::api {

struct State {
  std::mutex store_mu;  // the store's connection and prepared statements are used by one thread at a time
  std::unique_ptr<registry::PlaceStore> store;
  registry::Validator validator;
  roads::RoadGraph graph;
  std::string graph_label;
  std::unique_ptr<routing::Snapper> snapper;
  std::mutex engine_mu;  // the coverage engine holds the times of one set of places
  std::unique_ptr<coverage::Engine> engine;
  std::string engine_key;
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
  std::mutex search_mu;  // one Search for the booking network search
  std::unique_ptr<routing::Search> search;

  explicit State(const Limits& limits);
  int64_t revision();
};

// A body computed once per key (which starts with the registry revision), kept in the cache or, when `cheap`,
// in the page cache.
std::shared_ptr<const std::string> cached(State& s, const std::string& key, const std::function<std::string()>& make,
                                          bool cheap = false);

// Runs `f(engine, places)` with the coverage engine computed for the places open at date `d` (under the engine
// lock; recomputed only when the revision or the date changed).
std::vector<coverage::Place> open_places(State& s, const std::string& d);
template <class F>
auto with_engine(State& s, const std::string& d, int64_t rev, F f) {
  auto places = open_places(s, d);
  std::lock_guard l(s.engine_mu);
  auto key = fmt::format("{}|{}", rev, d);
  if (s.engine_key != key) s.engine->compute(places), s.engine_key = key;
  return f(*s.engine, places);
}

// Private contact fields: registry tokens only (a member or a manager of one place does not see every contact).
bool may_see_private(const Token* who);
nlohmann::json place_json(const registry::Place& p, bool with_private);
nlohmann::json place_json(const registry::Place& p, const Token* who);
// The stored place, or 404.
registry::Place require_place(State& s, const std::string& id);

}  // namespace maillage::api

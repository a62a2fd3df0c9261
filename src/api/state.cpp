#include "api/state.hpp"

#include "core/date.hpp"
#include "territory/communes.hpp"
#include "territory/outline.hpp"

namespace maillage::api {

using nlohmann::json;

State::State(const Limits& limits)
    : validator(territory::CommuneTable::bundled(), territory::Outline::bundled_region(), date::today()),
      cache(limits.cache_bytes),
      pages(limits.page_cache_bytes) {}

int64_t State::revision() {
  std::lock_guard l(store_mu);
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

std::vector<coverage::Place> open_places(State& s, const std::string& d) {
  registry::PlaceFilter f;
  f.open_on = d;
  std::vector<registry::Place> ps;
  {
    std::lock_guard l(s.store_mu);
    ps = s.store->list(f);
  }
  std::vector<coverage::Place> out;
  for (auto& p : ps) out.push_back({p.id, p.name, p.insee_code, {*p.lon, *p.lat}});
  return out;
}

bool may_see_private(const Token* who) { return who && (who->role == "admin" || who->role == "editor"); }

json place_json(const registry::Place& p, bool with_private) {
  auto* c = territory::CommuneTable::bundled().find(p.insee_code);
  return registry::to_json(p, with_private, c ? c->name : "");
}
json place_json(const registry::Place& p, const Token* who) { return place_json(p, may_see_private(who)); }

registry::Place require_place(State& s, const std::string& id) {
  std::lock_guard l(s.store_mu);
  auto p = s.store->get(id);
  if (!p) throw ApiError(404, "not_found", fmt::format("no place with id '{}'", id));
  return *p;
}

}  // namespace maillage::api

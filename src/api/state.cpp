#include "api/state.hpp"

#include "core/date.hpp"
#include "registry/listing.hpp"

#include <algorithm>

#include "accounts/accounts.hpp"
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
      mail_by_address(std::make_unique<accounts::RateLimiter>(a.mails_per_address_hour, 3600)),
      mail_by_recipient(std::make_unique<accounts::RateLimiter>(a.mails_per_account_hour, 3600)),
      contributions_by_address(std::make_unique<accounts::RateLimiter>(a.contributions_per_address_hour, 3600)),
      registrations_by_address(std::make_unique<accounts::RateLimiter>(a.registrations_per_address_hour, 3600)) {}

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
  f.fixed_only = true;
  std::vector<registry::Place> ps;
  {
    std::lock_guard l(s.store_mu);
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
  std::lock_guard l(s.store_mu);
  auto p = s.store->get(id);
  if (!p) throw Error(Errc::place_not_found, fmt::format("no place with id '{}'", id));
  return *p;
}

}  // namespace maillage::api

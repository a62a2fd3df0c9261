// Funding calls, eligibility and applications over HTTP: the creation check at a point or commune (explained,
// with its route), the development check of a listed place, and applications with their transitions (the
// eligibility is computed and stored at submission).
#include <fmt/format.h>

#include "ami/ami.hpp"
#include "ami/applications.hpp"
#include "api/handlers.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "itinerant/sites.hpp"
#include "core/date.hpp"
#include "registry/listing.hpp"
#include "core/error.hpp"

namespace maillage::api::eligibility_api {

using nlohmann::json;

namespace {

ami::Call call_of(State& s, const Request& r) {
  StoreLease l(s);
  try {
    return ami::get_call(s.store->db(), q(r, "call", ami::kDefaultCall));
  } catch (const NotFound& e) {
    throw bad("call", e.what());
  }
}

// A creation checker for (revision, call, date) from the pool, or a new one; given back by `release`.
std::unique_ptr<ami::CreationChecker> take_checker(State& s, const ami::Call& call, const std::string& d, int64_t rev,
                                                   const std::string& key) {
  {
    std::lock_guard l(s.checker_mu);
    for (auto it = s.checkers.begin(); it != s.checkers.end();)  // drop checkers of older revisions
      it = it->first.starts_with(fmt::format("{}|", rev)) ? std::next(it) : s.checkers.erase(it);
    if (!s.checkers.count(key) && s.checkers.size() >= State::kMaxCheckerKeys) s.checkers.clear();
    auto& free = s.checkers[key];
    if (!free.empty()) {
      auto checker = std::move(free.back());
      free.pop_back();
      return checker;
    }
  }
  registry::PlaceFilter f;
  f.open_on = d;
  f.fixed_only = true;
  std::vector<registry::Place> places;
  std::vector<ami::StopSite> stops;
  {
    StoreLease l(s);
    places = s.store->list(f);
    stops = itinerant::stop_sites(itinerant::active(*s.store, d));
  }
  ami::DataUsed used{d, call.id, s.graph_label, s.graph.checksum, rev};
  std::tie(used.margin_fraction, used.margin_basis) = ami::margin_of(call, s.error_median, s.error_p90);
  return std::make_unique<ami::CreationChecker>(s.graph, *s.snapper, std::move(places), call, used, std::move(stops));
}

json creation_json(State& s, const Request& r) {
  auto d = q_date(r);
  auto call = call_of(s, r);
  auto at = q_point(r);
  bool explain = q(r, "explain").empty() || q_bool(r, "explain");
  auto rev = s.revision();
  auto key = fmt::format("{}|{}|{}", rev, call.id, d);
  auto checker = take_checker(s, call, d, rev, key);
  auto res = explain ? checker->explain(at) : checker->quick(at);
  {
    std::lock_guard l(s.checker_mu);
    s.checkers[key].push_back(std::move(checker));
  }
  return res.to_json();
}

int64_t app_id(const std::string& text) { return path_id(text, Errc::application_not_found, "no application " + text); }

Response application_of(State& s, const std::string& id) {
  StoreLease l(s);
  return json_response(ami::Applications(s.store->db()).get(app_id(id)).to_json(true));
}

// The eligibility of an application at date d, as stored with its submission.
json eligibility_at(State& s, int64_t id, const std::string& d) {
  ami::Application a;
  ami::Call call;
  {
    StoreLease l(s);
    a = ami::Applications(s.store->db()).get(id);
    call = ami::get_call(s.store->db(), a.call_id);
  }
  if (a.kind == "development") {
    StoreLease l(s);
    return ami::check_development(s.store->get(a.place_id), a.place_id, d, call, s.store->revision(),
                                  registry::current_charter(s.store->db(), d))
        .to_json();
  }
  Request er;
  er.query = {{"lon", fmt::format("{}", a.lon.value_or(0))},
              {"lat", fmt::format("{}", a.lat.value_or(0))},
              {"date", d},
              {"call", call.id}};
  return creation_json(s, er);
}

}  // namespace

Response calls(const Call& c) {
  StoreLease l(c.s);
  json arr = json::array();
  for (auto& call : ami::list_calls(c.s.store->db())) arr.push_back(call.to_json());
  return json_response({{"items", arr}});
}

Response creation(const Call& c) { return json_response(creation_json(c.s, c.r)); }

Response development(const Call& c) {
  auto id = q(c.r, "place");
  if (id.empty()) throw bad("place", "the place id is required");
  auto d = q_date(c.r);
  auto call = call_of(c.s, c.r);
  StoreLease l(c.s);
  return json_response(ami::check_development(c.s.store->get(id), id, d, call, c.s.store->revision(),
                                              registry::current_charter(c.s.store->db(), d))
                           .to_json());
}

Response applications(const Call& c) {
  StoreLease l(c.s);
  ami::Applications apps(c.s.store->db());
  json arr = json::array();
  for (auto& a : apps.list(q(c.r, "call"), q(c.r, "status"))) arr.push_back(a.to_json());
  return json_response({{"items", arr}});
}

Response application_get(const Call& c) { return application_of(c.s, c.params[0]); }

Response application_create(const Call& c) {
  auto b = body_object(c.r);
  ami::Application a;
  for (auto& [k, v] : b.items()) {
    if (k == "lon" || k == "lat") {
      (k == "lon" ? a.lon : a.lat) = body_number(v, k, k == "lon" ? -180 : -90, k == "lon" ? 180 : 90);
      continue;
    }
    auto x = body_text(v, k, k == "project", 2000);
    if (k == "call")
      a.call_id = x;
    else if (k == "kind")
      a.kind = x;
    else if (k == "applicant")
      a.applicant = x;
    else if (k == "project")
      a.project = x;
    else if (k == "place")
      a.place_id = x;
    else if (k == "commune")
      a.insee_code = x;
    else
      throw bad(k, fmt::format("unknown field '{}' (call, kind, applicant, project, place, commune, lon, lat)", k));
  }
  if (a.call_id.empty()) a.call_id = ami::kDefaultCall;
  StoreLease l(c.s);
  ami::Applications apps(c.s.store->db());
  int64_t id = apps.create(a, fmt::format("{} ({})", c.who->actor(), c.who->name));
  return json_response(apps.get(id).to_json(true), 201);
}

Response application_action(const Call& c) {
  static const std::vector<std::string> actions{"submit", "review", "accept", "reject", "withdraw", "confirm"};
  auto& id_text = c.params[0];
  std::string action(c.action);
  if (std::find(actions.begin(), actions.end(), action) == actions.end())
    throw Error(Errc::internal, "the route table names an unknown application action");
  if (action == "confirm") {  // a creation eligibility found "to verify": the officer's verdict and what they checked
    auto b = body_object(c.r);
    std::string verdict, reason;
    for (auto& [k, v] : b.items()) {
      if (k == "verdict")
        verdict = body_text(v, k);
      else if (k == "reason")
        reason = body_text(v, k, true);
      else
        throw bad(k, fmt::format("unknown field '{}' (verdict, reason)", k));
    }
    if (verdict != "eligible" && verdict != "not_eligible") throw bad("verdict", "eligible or not_eligible");
    if (reason.empty()) throw bad("reason", "say what was checked: the route, the time measured");
    StoreLease l(c.s);
    ami::Applications(c.s.store->db())
        .confirm_eligibility(app_id(id_text), verdict, fmt::format("{} ({})", c.who->actor(), c.who->name), reason);
    return application_of(c.s, id_text);
  }
  auto b = c.r.body.empty() ? json::object() : body_object(c.r);
  std::string reason, d = date::today();
  for (auto& [k, v] : b.items()) {
    auto x = body_text(v, k, k == "reason");
    if (k == "reason")
      reason = x;
    else if (k == "date" && action == "submit") {
      std::string why;
      auto pd = date::parse(x, why, false);
      if (!pd) throw bad("date", why);
      d = pd->iso;
    } else
      throw bad(k, fmt::format("unknown field '{}'", k));
  }
  auto id = app_id(id_text);
  auto actor = fmt::format("{} ({})", c.who->actor(), c.who->name);
  if (action == "submit") {
    auto eligibility = eligibility_at(c.s, id, d);
    StoreLease l(c.s);
    ami::Applications(c.s.store->db()).submit(id, d, eligibility, actor);
  } else {
    static const std::map<std::string, std::string> to{
        {"review", "under_review"}, {"accept", "accepted"}, {"reject", "rejected"}, {"withdraw", "withdrawn"}};
    if ((action == "accept" || action == "reject") && !c.who->admin)
      throw Error(Errc::forbidden, "accepting or rejecting is for admins");
    StoreLease l(c.s);
    ami::Applications(c.s.store->db()).transition(id, to.at(action), actor, reason);
  }
  return application_of(c.s, id_text);
}

}  // namespace maillage::api::eligibility_api

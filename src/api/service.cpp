// The service: data loaded once, and `handle`, which finds the route, checks the token against the route's
// access, calls the handler and maps every error to its status and JSON body.
#include "api/service.hpp"
#include "itinerant/itinerant.hpp"

#include <fmt/format.h>

#include "accounts/accounts.hpp"
#include "accounts/audit.hpp"
#include "accounts/secrets.hpp"
#include "ami/ami.hpp"
#include "ami/applications.hpp"
#include "api/request.hpp"
#include "api/state.hpp"
#include "moderation/moderation.hpp"
#include "network/network.hpp"
#include "booking/booking.hpp"
#include "core/error.hpp"
#include "territory/communes.hpp"
#include "territory/population.hpp"

namespace maillage::api {

using nlohmann::json;
using Params = std::vector<std::string>;

std::string error_body(const ApiError& e) {
  // A message may quote the input (a JSON parser's "last read: ..."): invalid UTF-8 is replaced, never thrown.
  json j{{"code", e.code}, {"message", e.what()}};
  if (!e.field.empty()) j["field"] = e.field;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Service::Service(const std::string& db_path, roads::RoadGraph graph, const roads::Profile& profile,
                 std::string graph_label, Limits limits, AuthOptions auth)
    : s_(std::make_unique<State>(limits, auth)), limits_(limits) {
  s_->store = std::make_unique<registry::PlaceStore>(db_path, &territory::CommuneTable::bundled());
  s_->graph = std::move(graph);
  s_->graph_label = std::move(graph_label);
  s_->error_median = profile.error_median;
  s_->error_p90 = profile.error_p90;
  s_->snapper = std::make_unique<routing::Snapper>(s_->graph, routing::SnapOptions::from(profile));
  s_->search = std::make_unique<routing::Search>(s_->graph);
  s_->engine = std::make_unique<coverage::Engine>(s_->graph, *s_->snapper,
                                                  territory::bundled_points(territory::PopulationSource::Grid),
                                                  territory::CommuneTable::bundled());
}
Service::~Service() = default;

void Service::on_mail(std::function<void()> f) { s_->on_mail = std::move(f); }

namespace {
std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= path.size(); ++i)
    if (i == path.size() || path[i] == '/') out.push_back(path.substr(start, i - start)), start = i + 1;
  return out;
}
bool match(const std::string& pattern, const std::string& path, Params& params) {
  auto ps = segments(pattern), xs = segments(path);
  if (ps.size() != xs.size()) return false;
  Params out;
  for (size_t i = 0; i < ps.size(); ++i) {
    if (ps[i].size() > 2 && ps[i].front() == '{') {
      if (xs[i].empty()) return false;
      out.push_back(xs[i]);
    } else if (ps[i] != xs[i]) {
      return false;
    }
  }
  params = std::move(out);
  return true;
}

// The route for (method, path) and its parameters; 405 when the path exists with other methods, else 404.
const Route& find_route(const Request& r, Params& params) {
  bool path_known = false;
  for (auto& route : Service::routes()) {
    Params p;
    if (!match(route.pattern, r.path, p)) continue;
    path_known = true;
    if (route.method == r.method) {
      params = std::move(p);
      return route;
    }
  }
  if (path_known) throw ApiError(405, "method_not_allowed", fmt::format("{} is not allowed on {}", r.method, r.path));
  throw ApiError(404, "not_found", fmt::format("no route {} (see /api/v1/openapi.json)", r.path));
}

// The route's access rule against who is behind the request (null: anonymous).
void check_access(Access access, const Principal* who) {
  if (access == Access::Public) return;
  if (!who)
    throw ApiError(401, "unauthorized", "this request needs you to sign in (or a bearer token: maillage tokens create)");
  if (access == Access::Admin && !who->admin) throw ApiError(403, "forbidden", "this request is for admins");
  if (access == Access::Editor && !who->registry()) throw ApiError(403, "forbidden", "this request is for editors and admins");
}

Principal principal_of_token(const Token& t) {
  Principal p;
  p.kind = "token";
  p.id = t.id;
  p.name = t.label;
  p.admin = t.role == "admin";
  p.editor = t.role == "editor";
  if (t.role == "manager") p.places = {t.subject};
  if (t.role == "member") p.member_id = std::stoll(t.subject);
  return p;
}

// The host part of an Origin header ("https://maillage.example:8443" -> "maillage.example:8443").
std::string origin_host(const std::string& origin) {
  auto at = origin.find("://");
  return at == std::string::npos ? origin : origin.substr(at + 3);
}

bool safe_method(const std::string& m) { return m == "GET" || m == "HEAD"; }

Response error_response(int status, const std::string& code, const std::string& message, const std::string& field = {}) {
  return {status, "application/json", error_body(ApiError(status, code, message, field)), {}};
}
}  // namespace

Cost Service::cost_of(const std::string& method, const std::string& path) {
  for (auto& route : routes()) {
    Params p;
    if (route.method == method && match(route.pattern, path, p)) return route.cost;
  }
  return Cost::Light;
}

Response Service::handle(const Request& r) {
  try {
    if (r.body.size() > limits_.max_body_bytes)
      throw ApiError(413, "too_large", fmt::format("the body is over {} bytes", limits_.max_body_bytes));
    check_request_text(r);
    // A browser sends Origin with its state-changing requests: one from another site is refused whatever it
    // carries (cross-site request forgery, including of the sign-in itself).
    if (!safe_method(r.method) && !r.origin.empty() && r.origin != "null" && origin_host(r.origin) != r.host)
      throw ApiError(403, "cross_origin", "a request from another site may not change anything here");
    Params params;
    auto& route = find_route(r, params);
    std::optional<Principal> who;
    bool cleared_cookie = false;
    if (!r.authorization.empty()) {
      auto secret = bearer_secret(r.authorization);
      if (!secret) throw ApiError(401, "unauthorized", "expected 'Authorization: Bearer <token>'");
      std::lock_guard l(s_->store_mu);
      auto t = verify_token(s_->store->db(), *secret);
      if (!t) throw ApiError(401, "unauthorized", "unknown, revoked or expired token");
      who = principal_of_token(*t);
    } else if (auto secret = session_cookie(r.cookie); !secret.empty()) {
      std::lock_guard l(s_->store_mu);
      auto session = accounts::Sessions(s_->store->db(), session_policy(s_->auth)).find(secret);
      if (session) {
        who = principal_of_user(*s_, session->user_id);
        who->session_id = session->id;
        who->csrf = session->csrf;
      } else {
        cleared_cookie = true;  // expired, revoked or the account disabled: the browser forgets it
      }
    }
    // With the cookie, a state-changing request carries the session's CSRF token (a page of this site read it
    // from GET /auth/session; another site cannot).
    if (who && who->kind == "session" && !safe_method(r.method) && !accounts::same_secret(r.csrf, who->csrf))
      throw ApiError(403, "csrf", "missing or wrong X-CSRF-Token header (reload the page)");
    check_access(route.access, who ? &*who : nullptr);
    auto res = route.handler(Call{*s_, limits_, r, params, who ? &*who : nullptr});
    if (cleared_cookie && res.headers.empty()) res.headers.push_back(clear_session_cookie(s_->auth));
    // Every write is recorded with the person or token behind it (the sign-in routes record their own).
    if (!safe_method(r.method) && res.status < 400 && !route.pattern.starts_with("/auth/")) {
      std::lock_guard l(s_->store_mu);
      accounts::audit(s_->store->db(), {0, "", who ? who->actor() : "anonymous", who ? who->name : "",
                                        r.method + " " + route.pattern, r.path, res.status, r.address, ""});
    }
    return res;
  } catch (const ApiError& e) {
    Response res{e.status, "application/json", error_body(e), {}};
    if (e.retry_after > 0) res.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
    return res;
  } catch (const booking::Conflict& e) {
    return error_response(409, "conflict", e.what());
  } catch (const ami::Conflict& e) {
    return error_response(409, "conflict", e.what());
  } catch (const network::Conflict& e) {
    return error_response(409, "conflict", e.what());
  } catch (const moderation::Refused& e) {
    // A decision that no longer applies (already decided, a likely duplicate) is a conflict; a value is a 400.
    bool conflict = e.field == "status" || e.field == "distinct";
    return error_response(conflict ? 409 : 400, conflict ? "conflict" : "bad_request", e.what(), e.field);
  } catch (const itinerant::StopError& e) {  // the stop (1-based) and its field: stops[3].hours
    return error_response(400, "bad_request", e.what(),
                          e.index == 0 ? e.field : fmt::format("stops[{}].{}", e.index, e.field));
  } catch (const NotFound& e) {
    return error_response(404, "not_found", e.what());
  } catch (const InputError& e) {
    if (e.where().file == "request")  // a request parameter the library refused (booking): 400 naming it
      return error_response(400, "bad_request", e.reason(), e.where().field);
    return error_response(422, "invalid", e.what());
  } catch (const Error& e) {
    return error_response(400, "bad_request", e.what());
  }
}

}  // namespace maillage::api

// The service: data loaded once, and `handle`, which finds the route, checks the token against the route's
// access, calls the handler and maps every error to its status and JSON body.
#include "api/service.hpp"

#include <atomic>
#include <iostream>

#include <fmt/format.h>

#include "accounts/accounts.hpp"
#include "accounts/audit.hpp"
#include "accounts/secrets.hpp"
#include "api/request.hpp"
#include "api/router.hpp"
#include "api/state.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"
#include "territory/population.hpp"

namespace maillage::api {

using nlohmann::json;

// The longest excerpt of an error's detail in an answer: a detail may quote what the client sent.
constexpr size_t kMaxDetail = 240;

Response error_response(const Error& e) {
  const auto& entry = info(e.code());
  // The detail may quote the input: at most a short excerpt of it, printable, valid UTF-8.
  auto detail = text::printable(e.detail(), kMaxDetail);
  auto field = text::printable(e.field(), 80);
  json j{{"code", entry.code}, {"message", render_message(e.code(), detail, field)}, {"detail", detail}};
  if (!field.empty()) j["field"] = field;
  Response res{entry.status, "application/json", j.dump(-1, ' ', false, json::error_handler_t::replace), {}};
  if (e.retry_after > 0) res.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
  return res;
}

Response internal_error(const std::exception& e, const Request& r) {
  // A log id the person can quote; the log line has what() (never the answer: it may say too much).
  static std::atomic<uint64_t> counter{0};
  auto id = fmt::format("{:x}-{}", date::unix_now(), ++counter);
  std::cerr << fmt::format("{} error {}: {} {}: {}\n", date::now_utc(), id, r.method, text::printable(r.path, 200),
                           text::printable(e.what(), 500));
  return error_response(Error(Errc::internal, id));
}

Service::Service(const std::string& db_path, roads::RoadGraph graph, const roads::Profile& profile,
                 std::string graph_label, Limits limits, AuthOptions auth)
    : s_(std::make_unique<State>(limits, auth)), limits_(limits) {
  s_->store.open(db_path, limits.store_connections);
  s_->graph = std::move(graph);
  s_->graph_label = std::move(graph_label);
  s_->error_median = profile.error_median;
  s_->error_p90 = profile.error_p90;
  s_->snapper = std::make_unique<routing::Snapper>(s_->graph, routing::SnapOptions::from(profile));
  s_->searches = std::make_unique<Pool<routing::Search>>(
      limits.store_connections, [g = &s_->graph] { return std::make_unique<routing::Search>(*g); },
      Pool<routing::Search>::Check{}, std::chrono::seconds(30), "road-graph search");
  s_->engine = std::make_unique<coverage::Engine>(s_->graph, *s_->snapper,
                                                  territory::bundled_points(territory::PopulationSource::Grid),
                                                  territory::CommuneTable::bundled());
}
Service::~Service() = default;

void Service::on_mail(std::function<void()> f) { s_->on_mail = std::move(f); }

namespace {
// The route's access rule against who is behind the request (null: anonymous).
void check_access(Access access, const Principal* who) {
  if (access == Access::Public) return;
  if (!who)
    throw Error(Errc::unauthorized, "this request needs you to sign in (or a bearer token: maillage tokens create)");
  if (access == Access::Admin && !who->admin) throw Error(Errc::forbidden, "this request is for admins");
  if (access == Access::Editor && !who->registry())
    throw Error(Errc::forbidden, "this request is for editors and admins");
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

}  // namespace

Match Service::route(std::string_view method, std::string_view path) { return router().match(method, path); }

Response Service::handle(const Request& r, const Match* matched) {
  try {
    if (r.body.size() > limits_.max_body_bytes)
      throw Error(Errc::too_large, fmt::format("the body is over {} bytes", limits_.max_body_bytes));
    check_request_text(r);
    // A browser sends Origin with its state-changing requests: one from another site is refused whatever it
    // carries (cross-site request forgery, including of the sign-in itself).
    // `Origin: null` (a sandboxed frame, a redirect across sites, a file) is foreign too.
    if (!safe_method(r.method) && !r.origin.empty() && (r.origin == "null" || origin_host(r.origin) != r.host))
      throw Error(Errc::cross_origin, "a request from another site may not change anything here");
    Match here;
    if (!matched) here = route(r.method, r.path), matched = &here;
    if (!matched->route)
      throw Error(matched->error,
                  matched->error == Errc::method_not_allowed
                      ? fmt::format("{} is not allowed on {}", r.method, text::printable(r.path, 80))
                      : fmt::format("no route {} (see /api/v1/openapi.json)", text::printable(r.path, 80)));
    auto& route = *matched->route;
    auto& params = matched->params;
    Router::check_query(*matched, r.query);
    std::optional<Principal> who;
    bool cleared_cookie = false;
    if (!r.authorization.empty()) {
      auto secret = bearer_secret(r.authorization);
      if (!secret) throw Error(Errc::unauthorized, "expected 'Authorization: Bearer <token>'");
      StoreLease l(*s_);
      auto t = verify_token(s_->store->db(), *secret);
      if (!t) throw Error(Errc::unauthorized, "unknown, revoked or expired token");
      who = principal_of_token(*t);
    } else if (auto secret = session_cookie(r.cookie); !secret.empty()) {
      StoreLease l(*s_);
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
      throw Error(Errc::csrf, "missing or wrong X-CSRF-Token header (reload the page)");
    check_access(route.access, who ? &*who : nullptr);
    auto res = route.handler(Call{*s_, limits_, r, params, who ? &*who : nullptr, route.action});
    if (cleared_cookie && res.headers.empty()) res.headers.push_back(clear_session_cookie(s_->auth));
    // Every write is recorded with the person or token behind it (the sign-in routes record their own).
    if (!safe_method(r.method) && res.status < 400 && !route.pattern.starts_with("/auth/")) {
      StoreLease l(*s_);
      accounts::audit(s_->store->db(), {0, "", who ? who->actor() : "anonymous", who ? who->name : "",
                                        r.method + " " + route.pattern, r.path, res.status, r.address, ""});
    }
    return res;
  } catch (const Error& e) {  // every error of the catalogue, thrown by a library or a handler
    return error_response(e);
  } catch (const std::exception& e) {  // anything else is ours: 500 with a log id
    return internal_error(e, r);
  }
}

}  // namespace maillage::api

#pragma once
// The JSON API's logic, independent of HTTP: a route table (routes.cpp: method, path pattern, access, handler)
// and one handler per route taking a parsed request, one file per resource family (places.cpp, coverage.cpp,
// eligibility.cpp, planning.cpp, booking.cpp, territory.cpp). The HTTP layer (apps/cli_serve.cpp) only turns
// HTTP into `Request` and `Response` back. Errors are `{code, message, field?}` with their status: 400 bad parameter
// (field named), 401 no or bad token, 403 role too low, 404, 409 conflict, 413 body too large, 422 invalid place. Data
// is loaded once; results that depend only on (registry revision, date, ...) are cached.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/tokens.hpp"
#include "core/error.hpp"
#include "mail/mail.hpp"
#include "roads/graph.hpp"
#include "roads/profile.hpp"

namespace maillage::api {

struct Request {
  std::string method;  // GET, POST, PATCH, DELETE
  std::string path;    // after /api/v1, e.g. "/places/abc"
  std::map<std::string, std::string> query;
  std::string body;
  std::string authorization;  // the Authorization header, as sent
  std::string cookie;         // the Cookie header, as sent
  std::string csrf;           // the X-CSRF-Token header
  std::string origin;         // the Origin header (browsers send it with state-changing requests)
  std::string host;           // the Host header
  std::string address;        // the client's address
  std::string user_agent;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string filename;                                           // for downloads (Content-Disposition)
  std::vector<std::pair<std::string, std::string>> headers = {};  // Set-Cookie, Retry-After
};

// Public: anyone; Editor: admins and editors; Admin: admins; Signed: anyone signed in (session) or holding a
// token, the handler checks what they may see (a member: their own bookings; a manager: their places).
enum class Access { Public, Editor, Admin, Signed };

// Who is behind a request: a person signed in with the session cookie, or a bearer token (machines). Roles are
// flattened: a token of role manager manages one place; a person may manage several and be a member too.
struct Principal {
  std::string kind;  // "session" or "token"
  int64_t id = 0;    // the account or the token
  int64_t session_id = 0;
  std::string name;  // the person's display name or the token's label
  std::string email;
  bool admin = false, editor = false;
  std::vector<std::string> places;  // the places they manage
  int64_t member_id = 0;            // their booking member (0: none)
  std::string csrf;                 // the session's CSRF token
  bool manages(const std::string& place) const;
  bool registry() const { return admin || editor; }
  std::string actor() const;  // user:ID or token:ID
};

struct Limits {
  size_t max_body_bytes = 1 << 20;             // 1 MiB
  int max_page = 500;                          // places per page
  int max_k = 300;                             // planning sites
  double max_time_limit_s = 60;                // exact planning
  size_t cache_bytes = size_t{256} << 20;      // computed bodies (coverage, indicators, planning)
  size_t page_cache_bytes = size_t{32} << 20;  // place pages
  int store_connections = 16;                  // database connections (one per worker thread at a time)
};

// How people sign in (docs/accounts.md).
struct AuthOptions {
  bool secure_cookies = false;  // Secure and the __Host- prefix: when the page is served over TLS
  int64_t session_days = 14, idle_hours = 48;
  int account_free_failures = 5, address_free_failures = 20;
  int64_t max_delay_s = 900;
  int mails_per_address_hour = 20;  // anonymous requests that send mail (reset, registration), per address
  int mails_per_account_hour = 3;   // and per address they send to
  int64_t invitation_days = 7, reset_minutes = 60, verification_days = 2;
  int contributions_per_address_hour = 10;  // anonymous proposals to the directory, per client address
  int registrations_per_address_hour = 60;  // event registrations, per client address (an office behind one NAT)
  mail::Config mail;                        // the public URL for links in mails (the SMTP part is the deliverer's)
};

struct State;  // everything loaded once (store, graph, engines, caches): api/state.hpp

// One request as a handler sees it: the service's state and limits, the request, the path parameters ("{id}"
// in the pattern, in order) and who is behind it (null for anonymous requests).
struct Call {
  State& s;
  const Limits& limits;
  const Request& r;
  const std::vector<std::string>& params;
  const Principal* who;
  std::string_view action = {};  // the route's operation, for a handler shared by several routes ("cancel")
};
using Handler = Response (*)(const Call&);

// Heavy routes may compute for seconds (coverage, indicators, planning, exports): the server gives them their own
// workers and queue, so that they never hold up the light ones.
enum class Cost { Light, Heavy };

struct Route {
  std::string method, pattern;  // "/places/{id}"
  Access access;
  std::string summary;
  Handler handler;
  Cost cost = Cost::Light;
  std::string_view action = {};  // passed to a handler shared by several routes (/bookings/{id}/cancel: "cancel")
};

struct RouteSpec;  // the route's declared parameters (api/router.hpp)

// A request matched once against the route table (by the server's lane choice, then handled with it): the route
// and its path parameters, or no route and why (route_not_found, method_not_allowed).
struct Match {
  const Route* route = nullptr;
  const RouteSpec* spec = nullptr;
  std::vector<std::string> params;
  Errc error = Errc::route_not_found;
};

class Service {
 public:
  // The database is opened (created) at db_path; `profile` is the one the graph was built with (for snapping).
  Service(const std::string& db_path, roads::RoadGraph graph, const roads::Profile& profile, std::string graph_label,
          Limits limits = {}, AuthOptions auth = {});
  ~Service();
  // Handles a request; `match` is the request's route when it was matched already (Service::route), else it is
  // matched here.
  Response handle(const Request& r, const Match* match = nullptr);
  static const std::vector<Route>& routes();  // the single list of routes (routes.cpp)
  // The request's route (its cost chooses the server's worker pool), matched once.
  static Match route(std::string_view method, std::string_view path);
  const Limits& limits() const { return limits_; }
  // Called after a request put mail in the outbox (the server wakes its deliverer).
  void on_mail(std::function<void()> f);

 private:
  std::unique_ptr<State> s_;
  Limits limits_;
};

// The one mapping from an error to its answer: the status of its code in the catalogue (core/error.hpp), and the
// JSON body {code, message, field?, detail} where message is the code's French template filled in and detail
// what exactly was wrong, each quoting at most a short excerpt of the input. Retry-After for 429 and 503.
Response error_response(const Error& e);
// Any other exception is a fault of ours: 500 `internal` with a log id, never its what(); the log line (with
// what()) goes to `log`.
Response internal_error(const std::exception& e, const Request& r);

}  // namespace maillage::api

#pragma once
// The JSON API's logic, independent of HTTP: a route table (routes.cpp: method, path pattern, access, handler)
// and one handler per route taking a parsed request, one file per resource family (places.cpp, coverage.cpp,
// eligibility.cpp, planning.cpp, booking.cpp, territory.cpp). The HTTP layer (apps/cli_serve.cpp) only turns
// HTTP into `Request` and `Response` back. Errors are `{code, message, field?}` with their status: 400 bad parameter (field named),
// 401 no or bad token, 403 role too low, 404, 409 conflict, 413 body too large, 422 invalid place.
// Data is loaded once; results that depend only on (registry revision, date, ...) are cached.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/tokens.hpp"
#include "roads/graph.hpp"
#include "roads/profile.hpp"

namespace maillage::api {

struct ApiError : std::runtime_error {
  int status;
  std::string code, field;
  ApiError(int s, std::string c, const std::string& message, std::string f = {})
      : std::runtime_error(message), status(s), code(std::move(c)), field(std::move(f)) {}
};

struct Request {
  std::string method;  // GET, POST, PATCH
  std::string path;    // after /api/v1, e.g. "/places/abc"
  std::map<std::string, std::string> query;
  std::string body;
  std::string authorization;  // the Authorization header, as sent
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string filename;  // for downloads (Content-Disposition)
};

// Public: anyone; Editor: admin or editor tokens; Admin: admin tokens; Token: any valid token, the handler
// checks what it may see (a member: their own bookings; a manager: their place).
enum class Access { Public, Editor, Admin, Token };

struct Limits {
  size_t max_body_bytes = 1 << 20;  // 1 MiB
  int max_page = 500;               // places per page
  int max_k = 300;                  // planning sites
  double max_time_limit_s = 60;     // exact planning
  size_t cache_bytes = size_t{256} << 20;      // computed bodies (coverage, indicators, planning)
  size_t page_cache_bytes = size_t{32} << 20;  // place pages
};

struct State;  // everything loaded once (store, graph, engines, caches): api/state.hpp

// One request as a handler sees it: the service's state and limits, the request, the path parameters ("{id}"
// in the pattern, in order) and the token behind it (null for anonymous requests).
struct Call {
  State& s;
  const Limits& limits;
  const Request& r;
  const std::vector<std::string>& params;
  const Token* who;
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
};

class Service {
 public:
  // The database is opened (created) at db_path; `profile` is the one the graph was built with (for snapping).
  Service(const std::string& db_path, roads::RoadGraph graph, const roads::Profile& profile, std::string graph_label,
          Limits limits = {});
  ~Service();
  Response handle(const Request& r);
  static const std::vector<Route>& routes();  // the single list of routes (routes.cpp)
  // The cost of the route a request would take (Light for unknown paths).
  static Cost cost_of(const std::string& method, const std::string& path);
  const Limits& limits() const { return limits_; }

 private:
  std::unique_ptr<State> s_;
  Limits limits_;
};

// "application/json" body of an error.
std::string error_body(const ApiError& e);

}  // namespace maillage::api

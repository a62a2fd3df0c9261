#pragma once
// The router (internal to src/api): built once from the route table (routes.cpp) and the OpenAPI document, it
// matches a request once and checks its query parameters before any handler runs.
// - Matching walks a tree of path segments: a literal segment wins over a parameter whatever the order of the
//   table (`/scenarios/saved` before `/scenarios/{id}`, `/events/gaps` before `/events/{id}`); two routes with the
//   same method and the same shape (`/a/{x}` and `/a/{y}`) refuse to build, so one route can never shadow another.
// - Parameters are declared once, in the OpenAPI document (data/api/openapi.json, compiled into the binary): each
//   query parameter's type (string, integer, number, boolean, date), range (minimum, maximum), allowed values
//   (enum) and length. Undeclared or invalid parameters are a 400 naming the parameter, before the handler runs;
//   a test checks that the document and the table list the same routes.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/service.hpp"

namespace maillage::api {

// One declared query (or path) parameter.
struct ParamSpec {
  enum class Kind { String, Integer, Number, Boolean, Date };
  std::string name;
  Kind kind = Kind::String;
  std::optional<double> minimum, maximum;
  std::vector<std::string> allowed;  // enum: the only accepted values
  size_t max_length = 2000;          // for strings (bytes)
  bool required = false;
};

struct RouteSpec {
  const Route* route = nullptr;
  std::vector<ParamSpec> query;
};

class Router {
 public:
  // Throws Error naming the route when two routes collide, or when the document lacks a route of the table.
  Router(const std::vector<Route>& routes, const nlohmann::json& openapi);
  ~Router();
  // The route of (method, path) with its path parameters; a match without route carries route_not_found or
  // method_not_allowed.
  Match match(std::string_view method, std::string_view path) const;
  // Every query parameter declared and valid for the matched route, else Error naming it.
  static void check_query(const Match& m, const std::map<std::string, std::string>& query);
  const std::vector<RouteSpec>& specs() const { return specs_; }
  struct Node;  // a segment of the tree (router.cpp)

 private:
  std::unique_ptr<Node> root_;
  std::vector<RouteSpec> specs_;
};

// The router of Service::routes() and the bundled document, built on first use.
const Router& router();
// The OpenAPI document compiled into the binary (the text of data/api/openapi.json at build time).
const std::string& openapi_text();

}  // namespace maillage::api

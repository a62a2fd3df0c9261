#include "api/router.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/date.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

namespace maillage::api {

using nlohmann::json;

// A tree of path segments: literal children by text, at most one parameter child, and at each node the route
// index per method.
struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literal;
  std::unique_ptr<Node> param;
  std::map<std::string, size_t, std::less<>> methods;
};

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= path.size(); ++i)
    if (i == path.size() || path[i] == '/') out.push_back(path.substr(start, i - start)), start = i + 1;
  return out;
}

bool is_param(std::string_view s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

ParamSpec param_spec(const json& p) {
  ParamSpec out;
  out.name = p.at("name").get<std::string>();
  out.required = p.value("required", false);
  const json& s = p.at("schema");
  auto type = s.value("type", "string");
  if (type == "integer")
    out.kind = ParamSpec::Kind::Integer;
  else if (type == "number")
    out.kind = ParamSpec::Kind::Number;
  else if (type == "boolean")
    out.kind = ParamSpec::Kind::Boolean;
  else if (s.value("format", "") == "date")
    out.kind = ParamSpec::Kind::Date;
  if (s.contains("minimum")) out.minimum = s["minimum"].get<double>();
  if (s.contains("maximum")) out.maximum = s["maximum"].get<double>();
  if (s.contains("maxLength")) out.max_length = s["maxLength"].get<size_t>();
  if (s.contains("enum"))
    for (auto& v : s["enum"]) out.allowed.push_back(v.get<std::string>());
  return out;
}

std::string kind_name(ParamSpec::Kind k) {
  switch (k) {
    case ParamSpec::Kind::Integer: return "a whole number";
    case ParamSpec::Kind::Number: return "a number";
    case ParamSpec::Kind::Boolean: return "true or false";
    case ParamSpec::Kind::Date: return "a date YYYY-MM-DD";
    default: return "text";
  }
}

// The value against its declaration; the reason it is refused, or "".
std::string refuse(const ParamSpec& p, const std::string& v) {
  using K = ParamSpec::Kind;
  if (!p.allowed.empty()) {
    for (auto& a : p.allowed)
      if (a == v) return {};
    return fmt::format("'{}' is not one of {}", text::printable(v, 40), text::join(p.allowed, ", "));
  }
  if (v.empty()) return {};  // an empty value is the default, as absent
  switch (p.kind) {
    case K::Boolean: return v == "true" || v == "false" || v == "1" || v == "0" ? "" : "expected true or false";
    case K::Date: {
      std::string why;
      return date::parse(v, why, false) ? "" : fmt::format("'{}' is not a date YYYY-MM-DD", text::printable(v, 40));
    }
    case K::Integer:
    case K::Number: {
      double x = 0;
      if (!text::parse_double(v, x))  // refuses nan, infinities and overflows
        return fmt::format("'{}' is not {}", text::printable(v, 40), kind_name(p.kind));
      if (p.kind == K::Integer && x != static_cast<double>(static_cast<long long>(x)))
        return fmt::format("'{}' is not a whole number", text::printable(v, 40));
      if ((p.minimum && x < *p.minimum) || (p.maximum && x > *p.maximum))
        return fmt::format("{} is out of range [{}, {}]", text::printable(v, 40),
                           p.minimum ? fmt::format("{}", *p.minimum) : "",
                           p.maximum ? fmt::format("{}", *p.maximum) : "");
      return {};
    }
    default: return v.size() <= p.max_length ? "" : fmt::format("longer than {} bytes", p.max_length);
  }
}

// Depth-first, literal segments before the parameter: the first complete match is the most literal one.
const Router::Node* find(const Router::Node& n, const std::vector<std::string_view>& xs, size_t i,
                         std::vector<std::string>& params) {
  if (i == xs.size()) return n.methods.empty() ? nullptr : &n;
  if (auto it = n.literal.find(xs[i]); it != n.literal.end())
    if (auto* hit = find(*it->second, xs, i + 1, params)) return hit;
  if (n.param && !xs[i].empty()) {
    params.emplace_back(xs[i]);
    if (auto* hit = find(*n.param, xs, i + 1, params)) return hit;
    params.pop_back();
  }
  return nullptr;
}

}  // namespace

Router::Router(const std::vector<Route>& routes, const json& openapi) : root_(std::make_unique<Node>()) {
  specs_.reserve(routes.size());
  for (size_t i = 0; i < routes.size(); ++i) {
    auto& r = routes[i];
    Node* n = root_.get();
    auto xs = segments(r.pattern);
    for (size_t k = 1; k < xs.size(); ++k) {
      auto& next = is_param(xs[k]) ? n->param : n->literal[std::string(xs[k])];
      if (!next) next = std::make_unique<Node>();
      n = next.get();
    }
    if (!n->methods.emplace(r.method, i).second)
      throw Error(Errc::internal, fmt::format("route {} {} has the shape of another route: one would shadow the other",
                                              r.method, r.pattern));
    RouteSpec spec{&r, {}};
    std::string method = text::to_lower_ascii(r.method);
    auto path = openapi.at("paths").find(r.pattern);
    if (path == openapi.at("paths").end() || !path->contains(method))
      throw Error(Errc::internal, fmt::format("route {} {} is not in the OpenAPI document", r.method, r.pattern));
    for (auto& p : (*path)[method].value("parameters", json::array()))
      if (p.value("in", "") == "query") spec.query.push_back(param_spec(p));
    specs_.push_back(std::move(spec));
  }
}

Router::~Router() = default;

Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  auto xs = segments(path);
  if (xs.empty() || !xs[0].empty()) return m;
  std::vector<std::string> params;
  auto* n = find(*root_, xs, 1, params);
  if (!n) return m;
  auto it = n->methods.find(method);
  if (it == n->methods.end()) {
    m.error = Errc::method_not_allowed;
    return m;
  }
  m.spec = &specs_[it->second];
  m.route = m.spec->route;
  m.params = std::move(params);
  return m;
}

void Router::check_query(const Match& m, const std::map<std::string, std::string>& query) {
  auto& declared = m.spec->query;
  for (auto& param : query) {
    auto& name = param.first;  // not a structured binding: clang 14 cannot capture one in a lambda
    auto& value = param.second;
    auto p = std::find_if(declared.begin(), declared.end(), [&](const ParamSpec& d) { return d.name == name; });
    if (p == declared.end()) {
      std::vector<std::string> names;
      for (auto& d : declared) names.push_back(d.name);
      throw Error(Errc::unknown_parameter,
                  names.empty() ? "this route takes none" : "known: " + text::join(names, ", "),
                  text::printable(name, 40));
    }
    if (auto why = refuse(*p, value); !why.empty()) throw Error(Errc::field_invalid, why, name);
  }
  for (auto& d : declared)
    if (d.required && !query.contains(d.name)) throw Error(Errc::field_missing, "required", d.name);
}

const Router& router() {
  static const Router r(Service::routes(), json::parse(openapi_text()));
  return r;
}

}  // namespace maillage::api

#include "api/request.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/date.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"

namespace maillage::api {

using nlohmann::json;

Response json_response(const json& j, int status) { return {status, "application/json", j.dump(), {}}; }

ApiError bad(const std::string& field, const std::string& message) { return ApiError(400, "bad_request", message, field); }

std::string q(const Request& r, const std::string& name, const std::string& fallback) {
  auto it = r.query.find(name);
  return it == r.query.end() ? fallback : it->second;
}

double q_number(const Request& r, const std::string& name, double fallback, double lo, double hi) {
  auto s = q(r, name);
  if (s.empty()) return fallback;
  double v = 0;
  if (!text::parse_double(s, v) || v < lo || v > hi)
    throw bad(name, fmt::format("'{}' is not a number between {:g} and {:g}", s, lo, hi));
  return v;
}

bool q_bool(const Request& r, const std::string& name) {
  auto s = q(r, name);
  if (s.empty() || s == "false" || s == "0") return false;
  if (s == "true" || s == "1") return true;
  throw bad(name, fmt::format("'{}': expected true or false", s));
}

std::string q_date(const Request& r, const std::string& name) {
  auto s = q(r, name);
  if (s.empty()) return date::today();
  std::string why;
  auto d = date::parse(s, why, false);
  if (!d) throw bad(name, why);
  return d->iso;
}

geo::LonLat q_point(const Request& r) {
  if (!q(r, "commune").empty()) {
    size_t named = 0;
    auto& communes = territory::CommuneTable::bundled();
    auto code = communes.resolve(q(r, "commune"), &named);
    if (code.empty())
      throw bad("commune", named ? "names several communes: give the INSEE code" : "not a commune of the region");
    return communes.find(code)->centre;
  }
  if (q(r, "lon").empty()) throw bad("lon", "give lon and lat, or commune");
  if (q(r, "lat").empty()) throw bad("lat", "give lon and lat, or commune");
  return {q_number(r, "lon", 0, -180, 180), q_number(r, "lat", 0, -90, 90)};
}

void only(const Request& r, std::initializer_list<const char*> known) {
  for (auto& [k, v] : r.query)
    if (std::none_of(known.begin(), known.end(), [&](const char* n) { return k == n; }))
      throw bad(k, fmt::format("unknown parameter '{}'", k));
}

json body_object(const Request& r) {
  json j;
  try {
    j = json::parse(r.body);
  } catch (const json::parse_error& e) {
    throw ApiError(400, "bad_json", std::string("the body is not JSON: ") + e.what());
  }
  if (!j.is_object()) throw ApiError(400, "bad_json", "the body must be a JSON object");
  return j;
}

int64_t path_id(const std::string& text, const std::string& not_found) {
  double v = 0;
  if (!text::parse_double(text, v) || v < 1 || v != std::floor(v)) throw ApiError(404, "not_found", not_found);
  return static_cast<int64_t>(v);
}

}  // namespace maillage::api

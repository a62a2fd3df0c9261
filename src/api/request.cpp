#include "api/request.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "core/date.hpp"
#include "core/text.hpp"
#include "territory/communes.hpp"

namespace maillage::api {

using nlohmann::json;

Response json_response(const json& j, int status) { return {status, "application/json", j.dump(), {}}; }

Error bad(const std::string& field, const std::string& message) { return Error(Errc::field_invalid, message, field); }

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

void check_request_text(const Request& r) {
  if (auto why = text::text_problem(r.path); !why.empty()) throw Error(Errc::bad_text, "the path " + why, "path");
  for (auto& [k, v] : r.query) {
    if (auto why = text::text_problem(k); !why.empty())
      throw Error(Errc::bad_text, fmt::format("a parameter name {} ('{}')", why, text::printable(k, 40)), "query");
    if (auto why = text::text_problem(v); !why.empty())
      throw Error(Errc::bad_text, fmt::format("the value {}", why), text::printable(k, 40));
  }
}

constexpr int kMaxDepth = 32;

json body_object(const Request& r) {
  json j;
  try {
    j = json::parse(r.body, [](int depth, json::parse_event_t, json&) {
      if (depth > kMaxDepth) throw Error(Errc::bad_json, fmt::format("the body nests deeper than {}", kMaxDepth));
      return true;
    });
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number such as 1e999
    // Not the parser's "last read: '...'": it would repeat the body.
    std::string why = e.what();
    why = why.substr(0, why.find("; last read"));
    throw Error(Errc::bad_json, "the body is not JSON: " + why);
  }
  if (!j.is_object()) throw Error(Errc::bad_json, "the body must be a JSON object");
  return j;
}

int64_t body_int(const json& v, const std::string& field, int64_t lo, int64_t hi) {
  bool in = false;
  if (v.is_number_unsigned()) {  // nlohmann reads every non-negative integer as unsigned
    auto u = v.get<uint64_t>();
    in = u <= static_cast<uint64_t>(hi) && (lo <= 0 || u >= static_cast<uint64_t>(lo));
  } else if (v.is_number_integer()) {
    auto x = v.get<int64_t>();
    in = x >= lo && x <= hi;
  }
  if (!in) throw bad(field, fmt::format("expected an integer between {} and {}", lo, hi));
  return v.get<int64_t>();
}

double body_number(const json& v, const std::string& field, double lo, double hi) {
  if (!v.is_number()) throw bad(field, "expected a number");
  double x = v.get<double>();
  if (!std::isfinite(x) || x < lo || x > hi)
    throw bad(field, fmt::format("expected a number between {:g} and {:g}", lo, hi));
  return x;
}

std::string body_text(const json& v, const std::string& field, bool multiline, size_t max) {
  if (!v.is_string()) throw bad(field, "expected a string");
  auto s = v.get<std::string>();
  if (auto why = text::text_problem(s, multiline); !why.empty()) throw Error(Errc::bad_text, "the text " + why, field);
  if (s.size() > max) throw bad(field, fmt::format("longer than {} bytes", max));
  return s;
}

int64_t path_id(const std::string& text, Errc code, const std::string& not_found) {
  if (text.empty() || text.size() > 18 || !text::all_digits(text) || text.front() == '0') throw Error(code, not_found);
  return std::stoll(text);
}

std::optional<std::string> bearer_secret(const std::string& authorization) {
  auto t = text::trim(authorization);
  auto sp = t.find(' ');
  if (sp == std::string_view::npos || text::to_lower_ascii(t.substr(0, sp)) != "bearer") return std::nullopt;
  return std::string(text::trim(t.substr(sp + 1)));
}

}  // namespace maillage::api

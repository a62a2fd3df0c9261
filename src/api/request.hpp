#pragma once
// Reading a request (internal to src/api): query parameters checked and converted in one place, JSON bodies,
// path ids, and the 400 error that names its field.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "api/service.hpp"
#include "core/geo.hpp"

namespace maillage::api {

Response json_response(const nlohmann::json& j, int status = 200);
// 400 naming the field.
Error bad(const std::string& field, const std::string& message);

// The query parameter's text, or `fallback` when absent.
std::string q(const Request& r, const std::string& name, const std::string& fallback = {});
// A number in [lo, hi], else 400 naming the parameter; `fallback` when absent or empty.
double q_number(const Request& r, const std::string& name, double fallback, double lo, double hi);
// true/1, false/0 (or absent), else 400.
bool q_bool(const Request& r, const std::string& name);
// A full ISO date (YYYY-MM-DD); today when absent.
std::string q_date(const Request& r, const std::string& name = "date");
// A point given as lon and lat, or as commune (INSEE code or name: its centre); 400 naming what is missing or
// wrong.
geo::LonLat q_point(const Request& r);

// Every text of the request (path, query names and values) is valid UTF-8 without control characters, else 400
// naming the parameter ("path" for the path). Checked once, before routing.
void check_request_text(const Request& r);

// The body as a JSON object, else 400 bad_json (not JSON, a number out of range, nested deeper than 32).
nlohmann::json body_object(const Request& r);
// Values of a body's member `field`, checked: an integer in [lo, hi]; a finite number in [lo, hi]; a string of
// at most `max` bytes, valid UTF-8 without control characters (line breaks and tabs when `multiline`).
// Else 400 naming the field.
int64_t body_int(const nlohmann::json& v, const std::string& field, int64_t lo, int64_t hi);
double body_number(const nlohmann::json& v, const std::string& field, double lo, double hi);
std::string body_text(const nlohmann::json& v, const std::string& field, bool multiline = false, size_t max = 2000);

// A positive integer id from the path (digits only, at most 18), else 404 with `not_found` as message.
int64_t path_id(const std::string& text, Errc code, const std::string& not_found);

// The secret of an "Authorization: Bearer <secret>" header (the scheme in any case); nullopt for another scheme.
std::optional<std::string> bearer_secret(const std::string& authorization);

}  // namespace maillage::api

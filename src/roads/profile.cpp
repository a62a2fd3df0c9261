#include "roads/profile.hpp"

#include <cctype>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/io.hpp"
#include "core/text.hpp"

namespace maillage::roads {

using nlohmann::json;

namespace {
double positive(const json& j, const char* key, double fallback, const std::string& origin) {
  if (!j.contains(key)) return fallback;
  if (!j[key].is_number() || j[key].get<double>() <= 0)
    throw Error(fmt::format("{}: '{}' must be a positive number", origin, key));
  return j[key].get<double>();
}

std::map<std::string, double> speeds(const json& j, const char* key, const std::string& origin) {
  std::map<std::string, double> out;
  if (!j.contains(key)) return out;
  for (auto& [k, v] : j[key].items()) {
    if (!v.is_number() || v.get<double>() <= 0 || v.get<double>() > 200)
      throw Error(fmt::format("{}: {}.{} must be a speed in km/h between 0 and 200", origin, key, k));
    out[k] = v.get<double>();
  }
  return out;
}
}  // namespace

Profile Profile::from_json(const json& j, const std::string& origin) {
  Profile p;
  p.name = j.value("name", "car");
  const json empty = json::object();
  const json& osm = j.contains("osm") ? j["osm"] : empty;
  p.highway_speeds_kmh = speeds(osm, "highway_speeds_kmh", origin);
  p.maxspeed_factor = positive(osm, "maxspeed_factor", p.maxspeed_factor, origin);
  p.implicit_maxspeed_kmh = speeds(osm, "implicit_maxspeed_kmh", origin);
  p.ferry_speed_kmh = positive(osm, "ferry_speed_kmh", p.ferry_speed_kmh, origin);
  p.ferry_wait_s = osm.value("ferry_wait_s", p.ferry_wait_s);
  const json& sk = j.contains("skeleton") ? j["skeleton"] : empty;
  p.skeleton_speeds_kmh = speeds(sk, "class_speeds_kmh", origin);
  if (sk.contains("circuity")) {
    for (auto& [k, v] : sk["circuity"].items()) {
      if (!v.is_number() || v.get<double>() < 1 || v.get<double>() > 3)
        throw Error(
            fmt::format("{}: skeleton.circuity.{} must be between 1 and 3 (a road is never shorter than "
                        "the straight line)",
                        origin, k));
      p.skeleton_circuity[k] = v.get<double>();
    }
  }
  if (sk.contains("fit_bounds_kmh"))
    for (auto& [k, v] : sk["fit_bounds_kmh"].items()) {
      if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number() ||
          v[0].get<double>() > v[1].get<double>())
        throw Error(fmt::format("{}: skeleton.fit_bounds_kmh.{} must be [min, max]", origin, k));
      p.fit_bounds_kmh[k] = {v[0].get<double>(), v[1].get<double>()};
    }
  p.exit_link_max_m = sk.value("exit_link_max_m", p.exit_link_max_m);
  p.exit_link_speed_kmh = positive(sk, "exit_link_speed_kmh", p.exit_link_speed_kmh, origin);
  if (sk.contains("expressways"))
    for (auto& r : sk["expressways"]) {
      if (!r.contains("route") || !r.contains("source") || !r["route"].is_string() || !r["source"].is_string())
        throw Error(origin + ": skeleton.expressways: each row names its route and its public source");
      p.expressway_routes.emplace_back(r["route"].get<std::string>(), r["source"].get<std::string>());
    }
  if (!p.expressway_routes.empty() && !p.skeleton_speeds_kmh.count("voie_express"))
    throw Error(origin + ": skeleton.expressways need skeleton.class_speeds_kmh.voie_express");
  if (sk.contains("local_layer")) {
    auto& ll = sk["local_layer"];
    p.local_link_max_m = positive(ll, "link_max_m", p.local_link_max_m, origin);
    p.local_links_per_centre = ll.value("links_per_centre", p.local_links_per_centre);
    if (p.local_links_per_centre < 0 || p.local_links_per_centre > 8)
      throw Error(origin + ": skeleton.local_layer.links_per_centre must be between 0 and 8");
  }
  if (sk.contains("system_classes"))
    for (auto& r : sk["system_classes"]) {
      auto cls = r.at("class").get<std::string>();
      if (!p.skeleton_speeds_kmh.count(cls))
        throw Error(fmt::format("{}: system class '{}' has no speed in skeleton.class_speeds_kmh", origin, cls));
      p.system_classes.emplace_back(r.at("system").get<std::string>(), cls);
    }
  if (j.contains("calibration") && j["calibration"].contains("cross_validated")) {
    json all = j["calibration"]["cross_validated"].value("all", json::object());
    p.error_median = all.value("median", 0.0);
    p.error_p90 = all.value("p90", 0.0);
    if (!(p.error_median >= 0 && p.error_median < 1 && p.error_p90 >= 0 && p.error_p90 < 1))
      throw Error(origin + ": calibration.cross_validated.all: median and p90 must be fractions in [0, 1)");
  }
  const json& acc = j.contains("access") ? j["access"] : empty;
  p.last_mile_speed_kmh = positive(acc, "last_mile_speed_kmh", p.last_mile_speed_kmh, origin);
  p.last_mile_circuity = positive(acc, "last_mile_circuity", p.last_mile_circuity, origin);
  p.max_snap_distance_m = positive(acc, "max_snap_distance_m", p.max_snap_distance_m, origin);
  for (auto& [cls, speed] : p.skeleton_speeds_kmh)
    if (!p.skeleton_circuity.count(cls)) p.skeleton_circuity[cls] = 1.0;
  if (p.last_mile_circuity < 1)
    throw Error(origin + ": circuity factors must be >= 1 (a road is never shorter than the straight line)");
  return p;
}

Profile Profile::load(const std::string& path) {
  json j;
  try {
    j = json::parse(io::read_file(path));
  } catch (const json::exception& e) {
    throw Error(path + ": not a valid profile: " + e.what());
  }
  return from_json(j, path);
}

json Profile::to_json(const json& original) const {
  json j = original;
  j["name"] = name;
  for (auto& [k, v] : highway_speeds_kmh) j["osm"]["highway_speeds_kmh"][k] = v;
  j["osm"]["maxspeed_factor"] = maxspeed_factor;
  for (auto& [k, v] : skeleton_speeds_kmh) j["skeleton"]["class_speeds_kmh"][k] = std::round(v * 10) / 10;
  for (auto& [k, v] : skeleton_circuity) j["skeleton"]["circuity"][k] = std::round(v * 1000) / 1000;
  j["access"]["last_mile_speed_kmh"] = last_mile_speed_kmh;
  j["access"]["last_mile_circuity"] = last_mile_circuity;
  j["access"]["max_snap_distance_m"] = max_snap_distance_m;
  return j;
}

bool Profile::is_expressway(const std::string& route_name) const {
  for (auto& [route, source] : expressway_routes)
    if (route_name == route || route_name.rfind(route + " (", 0) == 0) return true;
  return false;
}

std::string Profile::skeleton_class(const std::string& system) const {
  for (auto& [name, cls] : system_classes)
    if (name == system || name == "*") return cls;
  return {};
}

double parse_maxspeed(const std::string& raw, const Profile& profile) {
  auto v = std::string(text::trim(raw));
  if (v.empty()) return -1;
  if (auto it = profile.implicit_maxspeed_kmh.find(v); it != profile.implicit_maxspeed_kmh.end()) return it->second;
  // Number, optionally followed by a unit.
  size_t i = 0;
  while (i < v.size() && (std::isdigit(static_cast<unsigned char>(v[i])) || v[i] == '.')) ++i;
  if (i == 0) return -1;
  double n = 0;
  if (!text::parse_double(v.substr(0, i), n) || n <= 0) return -1;
  auto unit = text::to_lower_ascii(text::trim(v.substr(i)));
  if (unit.empty() || unit == "km/h" || unit == "kmh" || unit == "kph") return n;
  if (unit == "mph") return n * 1.609344;
  if (unit == "knots") return n * 1.852;
  return -1;
}

double parse_duration(const std::string& raw) {
  auto v = std::string(text::trim(raw));
  if (v.empty()) return -1;
  if (v[0] == 'P') {  // ISO 8601: PT1H30M, PT45M, P0DT1H
    double total = 0, num = 0;
    bool in_time = false, have = false;
    std::string digits;
    for (size_t i = 1; i < v.size(); ++i) {
      char c = v[i];
      if (c == 'T') {
        in_time = true;
        continue;
      }
      if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
        digits += c;
        continue;
      }
      if (digits.empty() || !text::parse_double(digits, num)) return -1;
      digits.clear();
      have = true;
      if (c == 'D' && !in_time)
        total += num * 86400;
      else if (c == 'H' && in_time)
        total += num * 3600;
      else if (c == 'M' && in_time)
        total += num * 60;
      else if (c == 'S' && in_time)
        total += num;
      else
        return -1;
    }
    return have && digits.empty() ? total : -1;
  }
  auto parts = text::split_list(v, ":");
  if (parts.empty() || parts.size() > 3) return -1;
  double total = 0;
  for (auto& p : parts) {
    long long n = 0;
    if (!text::parse_int(p, n) || n < 0) return -1;
    total = total * 60 + static_cast<double>(n);
  }
  // "90" = minutes, "01:30" = hours:minutes, "1:30:00" = h:m:s
  if (parts.size() == 1) return total * 60;
  if (parts.size() == 2) return total * 60;
  return total;
}

}  // namespace maillage::roads

#include "moderation/quality.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "core/csv.hpp"
#include "core/date.hpp"
#include "core/error.hpp"
#include "core/geo.hpp"
#include "core/io.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "moderation/moderation.hpp"
#include "territory/communes.hpp"
#include "territory/config.hpp"

namespace maillage::moderation {

using nlohmann::json;

namespace {

// Days since 1970-01-01 of a YYYY-MM-DD prefix (H. Hinnant's days_from_civil); nullopt when not a full date.
std::optional<int64_t> day_number(std::string_view text) {
  std::string why;
  auto p = date::parse(text.substr(0, 10), why, false);
  if (!p) return std::nullopt;
  int64_t y = p->year - (p->month <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (p->month + (p->month > 2 ? -3 : 9)) + 2) / 5 + p->day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The number a published text states: its first integer, else a number word ("about a dozen", "twenty").
int stated_number(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i)
    if (std::isdigit(static_cast<unsigned char>(text[i]))) {
      int v = 0;
      while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == ' ') &&
             v < 100000000) {
        if (text[i] != ' ')
          v = v * 10 + (text[i] - '0');
        else if (i + 1 >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 1])))
          break;
        ++i;
      }
      return v;
    }
  static const std::pair<const char*, int> words[] = {{"dozen", 12},  {"fifteen", 15},   {"twenty", 20},
                                                      {"thirty", 30}, {"trentaine", 30}, {"forty", 40},
                                                      {"fifty", 50},  {"hundred", 100}};
  auto f = text::fold(text);
  for (auto& [w, v] : words)
    if (f.find(w) != std::string::npos) return v;
  return 0;
}

bool has_seats(const registry::Place& p) { return p.seats_permanent || p.seats_dropin || p.seats_training; }

}  // namespace

std::vector<PublishedCount> read_published_counts(const std::string& path) {
  auto t = csv::read(path, size_t{1} << 20);
  int fi = t.column("figure"), vi = t.column("value"), si = t.column("scope"), yi = t.column("year"),
      ui = t.column("source_url");
  if (fi < 0 || vi < 0 || si < 0 || yi < 0 || ui < 0)
    throw InputError(Location{path, 1, 0, {}}, "expected the columns figure, value, scope, year, source_url");
  std::vector<PublishedCount> out;
  for (auto& row : t.rows) {
    PublishedCount c;
    c.figure = row.fields[fi];
    c.text = row.fields[vi];
    c.scope = row.fields[si];
    c.source_url = row.fields[ui];
    if (c.text.find('%') != std::string::npos) continue;  // a share, not a count
    c.value = stated_number(c.text);
    if (c.value <= 0) continue;
    auto& y = row.fields[yi];
    if (!y.empty()) {
      if (y.size() != 4 || !text::all_digits(y))
        throw InputError(Location{path, row.line, yi + 1, "year"}, fmt::format("'{}' is not a year", y));
      c.year = std::stoi(y);
    }
    // "Gironde (33)": the whole department (not "Médoc (33)" nor "Bordeaux (33)").
    auto open = c.scope.rfind(" (");
    if (open != std::string::npos && c.scope.size() == open + 5 && c.scope.back() == ')') {
      auto dep = c.scope.substr(open + 2, 2);
      if (territory::department_name(dep) == c.scope.substr(0, open)) c.department = dep;
    }
    out.push_back(std::move(c));
  }
  return out;
}

const std::vector<PublishedCount>& bundled_published_counts() {
  // A territory set up from national files has no published counts: the quality report then has none to compare.
  static const auto counts = [] {
    auto path = paths::data_dir() + "/tiers_lieux/sources/published_counts.csv";
    return io::exists(path) ? read_published_counts(path) : std::vector<PublishedCount>{};
  }();
  return counts;
}

std::optional<PublishedCount> reference_count(const std::vector<PublishedCount>& counts, const std::string& dep) {
  std::optional<PublishedCount> best;
  for (auto& c : counts) {
    if (c.year == 0) continue;
    if (dep.empty()) {
      if (c.scope != territory::config().name || c.figure.find("open") == std::string::npos) continue;
    } else if (c.department != dep) {
      continue;
    }
    if (!best || c.year > best->year) best = c;
  }
  return best;
}

std::vector<DuplicatePair> duplicate_pairs(const std::vector<registry::Place>& places,
                                           const territory::CommuneTable& communes) {
  // Candidate pairs: the same commune, the same SIRET, or neighbouring cells of a grid of about 200 m.
  std::set<std::pair<size_t, size_t>> pairs;
  auto add_group = [&](const std::vector<size_t>& g) {
    for (size_t i = 0; i < g.size(); ++i)
      for (size_t j = i + 1; j < g.size(); ++j) pairs.insert({std::min(g[i], g[j]), std::max(g[i], g[j])});
  };
  std::unordered_map<std::string, std::vector<size_t>> by_commune, by_siret;
  std::unordered_map<int64_t, std::vector<size_t>> cells;
  // Cells wider than 200 m everywhere in France (0.004° of longitude is 280 m at 51°N), so that two places
  // within 200 m lie in the same or neighbouring cells.
  constexpr double kCellDeg = 0.004;
  auto cell_key = [](int64_t x, int64_t y) { return x * 1000003 + y; };
  for (size_t i = 0; i < places.size(); ++i) {
    auto& p = places[i];
    if (!p.insee_code.empty()) by_commune[p.insee_code].push_back(i);
    if (!p.siret.empty()) by_siret[p.siret].push_back(i);
    if (p.lon && p.lat)
      cells[cell_key(static_cast<int64_t>(std::floor(*p.lon / kCellDeg)),
                     static_cast<int64_t>(std::floor(*p.lat / kCellDeg)))]
          .push_back(i);
  }
  for (auto& [k, g] : by_commune) add_group(g);
  for (auto& [k, g] : by_siret) add_group(g);
  for (size_t i = 0; i < places.size(); ++i) {
    auto& p = places[i];
    if (!p.lon || !p.lat) continue;
    auto cx = static_cast<int64_t>(std::floor(*p.lon / kCellDeg)),
         cy = static_cast<int64_t>(std::floor(*p.lat / kCellDeg));
    for (int dx = -1; dx <= 1; ++dx)
      for (int dy = -1; dy <= 1; ++dy) {
        auto it = cells.find(cell_key(cx + dx, cy + dy));
        if (it == cells.end()) continue;
        for (size_t j : it->second)
          if (j != i && geo::haversine_m({*p.lon, *p.lat}, {*places[j].lon, *places[j].lat}) <= 200)
            pairs.insert({std::min(i, j), std::max(i, j)});
      }
  }
  std::vector<DuplicatePair> out;
  for (auto [i, j] : pairs) {
    // The rule itself is likely_duplicates's, applied to the one pair.
    auto found = likely_duplicate(places[i], places[j], communes);
    if (!found) continue;
    auto& c = *found;
    auto [a, b] = places[i].id < places[j].id ? std::pair(i, j) : std::pair(j, i);
    out.push_back({places[a].id, places[b].id, places[a].name, places[b].name, c.similarity, c.distance_m, c.reasons});
  }
  std::sort(out.begin(), out.end(), [](auto& x, auto& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); });
  return out;
}

QualityReport quality_report(const std::vector<registry::Place>& places,
                             const std::map<std::string, std::string>& confirmations,
                             const territory::CommuneTable& communes, const std::vector<PublishedCount>& published,
                             const std::string& date) {
  QualityReport r;
  r.date = date;
  auto today = day_number(date);
  std::map<std::string, QualityRow> rows;
  for (auto& dep : communes.departments()) {
    auto& row = rows[dep];
    row.department = dep;
    row.name = std::string(territory::department_name(dep));
  }
  r.region.name = territory::config().name;
  for (auto& p : places) {
    auto* c = communes.find(p.insee_code);
    auto dep = c ? c->dep : p.insee_code.substr(0, 2);
    auto& row = rows[dep];
    if (row.department.empty()) row.department = dep, row.name = std::string(territory::department_name(dep));
    bool confirmed = false, ever = false;
    if (auto it = confirmations.find(p.id); it != confirmations.end()) {
      ever = true;
      auto d = day_number(it->second);
      confirmed = d && today && *today - *d < 365;
    }
    bool live = p.status != registry::Status::Closed;
    for (auto* x : {&row, &r.region}) {
      ++x->listed;
      x->open += p.open_on(date);
      x->projects += p.status == registry::Status::Project;
      x->with_opening_date += !p.opening_date.empty();
      x->with_staff += p.staff_fte.has_value();
      x->with_seats += has_seats(p);
      x->at_address += p.precision == registry::Precision::Address;
      x->confirmed += confirmed;
      if (live && !confirmed) {
        ++x->stale;
        x->never_confirmed += !ever;
      }
    }
    if (live && !confirmed) r.stale_places.push_back(p.id);
  }
  auto judge = [&](QualityRow& row) {
    row.published = reference_count(published, row.department);
    if (row.published && row.published->value > 0) {
      row.coverage_of_published = static_cast<double>(row.open) / row.published->value;
      row.far_below = row.coverage_of_published < 0.5;
    }
  };
  for (auto& [dep, row] : rows) {
    judge(row);
    r.departments.push_back(row);
  }
  judge(r.region);
  r.duplicates = duplicate_pairs(places, communes);
  return r;
}

namespace {
json row_json(const QualityRow& q) {
  auto share = [&](int n) { return q.listed ? std::round(1000.0 * n / q.listed) / 1000.0 : 0.0; };
  json j{{"department", q.department},
         {"name", q.name},
         {"listed", q.listed},
         {"open", q.open},
         {"projects", q.projects},
         {"counts",
          {{"opening_date", q.with_opening_date},
           {"staff", q.with_staff},
           {"seats", q.with_seats},
           {"address_position", q.at_address},
           {"confirmed_12_months", q.confirmed}}},
         {"shares",
          {{"opening_date", share(q.with_opening_date)},
           {"staff", share(q.with_staff)},
           {"seats", share(q.with_seats)},
           {"address_position", share(q.at_address)},
           {"confirmed_12_months", share(q.confirmed)}}},
         {"to_confirm", q.stale},
         {"never_confirmed", q.never_confirmed},
         {"far_below_published", q.far_below}};
  if (q.published)
    j["published"] = {
        {"value", q.published->value},           {"as_published", q.published->text},
        {"figure", q.published->figure},         {"year", q.published->year},
        {"source_url", q.published->source_url}, {"open_share", std::round(1000.0 * q.coverage_of_published) / 1000.0}};
  else
    j["published"] = nullptr;
  return j;
}
}  // namespace

json to_json(const QualityReport& r) {
  json deps = json::array(), dups = json::array();
  for (auto& d : r.departments) deps.push_back(row_json(d));
  for (auto& d : r.duplicates) {
    json x{{"a", d.a},
           {"b", d.b},
           {"name_a", d.name_a},
           {"name_b", d.name_b},
           {"similarity", d.similarity},
           {"reasons", d.reasons}};
    x["distance_m"] = d.distance_m >= 0 ? json(std::round(d.distance_m)) : json();
    dups.push_back(x);
  }
  return {{"date", r.date},
          {"region", row_json(r.region)},
          {"departments", deps},
          {"duplicates", dups},
          {"to_confirm", r.stale_places}};
}

}  // namespace maillage::moderation

#include "territory/communes.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "territory/config.hpp"

namespace maillage::territory {

namespace {

// The folded name, with the sources' abbreviations of Saint spelt out.
std::string name_key(std::string_view name) {
  auto words = text::split_list(text::fold(name), " ");
  for (auto& w : words) {
    if (w == "st")
      w = "saint";
    else if (w == "ste")
      w = "sainte";
    else if (w == "sts")
      w = "saints";
    else if (w == "stes")
      w = "saintes";
  }
  return text::join(words, " ");
}
int require(const csv::Table& t, const char* name) {
  int i = t.column(name);
  if (i < 0) throw InputError(Location{t.file, 1, 0, name}, std::string("missing column '") + name + "'");
  return i;
}
}  // namespace

CommuneTable CommuneTable::load(const std::string& dir) {
  CommuneTable table;
  auto cfg = Config::load(dir);
  auto t = csv::read(dir + "/" + cfg.communes);
  int c_code = require(t, "code_insee"), c_nom = require(t, "nom"), c_dep = require(t, "dep"),
      c_pop = require(t, "population_legale"), c_lat = require(t, "lat"), c_lon = require(t, "lon"),
      c_area = require(t, "superficie_km2"), c_pc = require(t, "codes_postaux");
  table.communes_.reserve(t.rows.size());
  for (auto& r : t.rows) {
    Commune c;
    c.code = r.fields[c_code];
    c.name = r.fields[c_nom];
    c.dep = r.fields[c_dep];
    long long pop = 0;
    double lat = 0, lon = 0, area = 0;
    if (!text::parse_int(r.fields[c_pop], pop) || !text::parse_double(r.fields[c_lat], lat) ||
        !text::parse_double(r.fields[c_lon], lon))
      throw InputError(Location{t.file, r.line, 0, {}}, "bad population or coordinates in commune table");
    text::parse_double(r.fields[c_area], area);
    c.population = static_cast<long>(pop);
    c.centre = {lon, lat};
    c.area_km2 = area;
    c.postcodes = text::split_list(r.fields[c_pc], " ");
    table.by_code_[c.code] = table.communes_.size();
    table.by_name_.emplace(name_key(c.name), table.communes_.size());
    table.communes_.push_back(std::move(c));
  }
  std::set<std::string> deps;
  for (auto& c : table.communes_) deps.insert(c.dep);
  table.departments_.assign(deps.begin(), deps.end());
  auto h = csv::read(dir + "/" + cfg.code_history);
  int h_any = require(h, "code_insee_any"), h_cur = require(h, "code_insee_2026");
  for (auto& r : h.rows) table.history_[r.fields[h_any]] = r.fields[h_cur];
  return table;
}

const CommuneTable& CommuneTable::bundled() {
  static const CommuneTable table = load(paths::data_dir());
  return table;
}

const Commune* CommuneTable::find(std::string_view code) const {
  auto it = by_code_.find(std::string(code));
  return it == by_code_.end() ? nullptr : &communes_[it->second];
}

std::string CommuneTable::current_code(std::string_view any_code) const {
  if (find(any_code)) return std::string(any_code);
  auto it = history_.find(std::string(any_code));
  return it == history_.end() ? std::string() : it->second;
}

std::vector<const Commune*> CommuneTable::find_by_name(std::string_view name) const {
  std::vector<const Commune*> out;
  auto range = by_name_.equal_range(name_key(name));
  for (auto it = range.first; it != range.second; ++it) out.push_back(&communes_[it->second]);
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->code < b->code; });
  return out;
}

std::string CommuneTable::resolve(std::string_view code_or_name, size_t* name_matches) const {
  auto code = current_code(code_or_name);
  if (!code.empty()) return code;
  auto found = find_by_name(code_or_name);
  if (name_matches) *name_matches = found.size();
  return found.size() == 1 ? found[0]->code : std::string();
}

std::string CommuneTable::locate(std::string_view name, std::string_view postcode, std::string* why) const {
  auto found = find_by_name(name);
  auto has_postcode = [&](const Commune* c) {
    return std::find(c->postcodes.begin(), c->postcodes.end(), postcode) != c->postcodes.end();
  };
  // A commune nouvelle that kept the former name as the start of its own ("Mosnac" in 16120 is
  // Mosnac-Saint-Simeux, not Mosnac in Charente-Maritime).
  if (!postcode.empty() && (found.empty() || (found.size() == 1 && !has_postcode(found[0])))) {
    auto key = name_key(name) + " ";
    const Commune* only = nullptr;
    int n = 0;
    for (auto& c : communes_)
      if (has_postcode(&c) && name_key(c.name).rfind(key, 0) == 0) only = &c, ++n;
    if (n == 1) return only->code;
  }
  if (found.size() == 1) return found[0]->code;
  std::vector<const Commune*> by_code;
  if (!postcode.empty()) {
    if (found.empty()) {
      for (auto& c : communes_)
        if (has_postcode(&c)) by_code.push_back(&c);
    } else {
      for (auto* c : found)
        if (has_postcode(c)) by_code.push_back(c);
    }
  }
  if (by_code.size() == 1) return by_code[0]->code;
  if (why) {
    if (found.empty() && by_code.empty())
      *why = fmt::format("'{}' is not the name of a commune of the region{}", name,
                         postcode.empty() ? "" : fmt::format(" and no commune has the postcode {}", postcode));
    else if (found.empty())
      *why = fmt::format(
          "'{}' is not the name of a commune of the region, and the postcode {} is shared by {} "
          "communes",
          name, postcode, by_code.size());
    else
      *why = fmt::format("'{}' names {} communes{}: give the INSEE code", name, found.size(),
                         postcode.empty() ? "" : fmt::format(", none alone with the postcode {}", postcode));
  }
  return {};
}

std::string_view department_name(std::string_view dep) { return config().department_name(dep); }

}  // namespace maillage::territory

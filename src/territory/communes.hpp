#pragma once
// The commune table of the region (COG 2026: code, name, department, legal population, centre, area, postal
// codes) with the history of former codes (communes merged since), loaded from the bundled data.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/geo.hpp"

namespace maillage::territory {

struct Commune {
  std::string code;  // INSEE code, COG 2026
  std::string name;
  std::string dep;
  long population = 0;  // legal population
  geo::LonLat centre;
  double area_km2 = 0;
  std::vector<std::string> postcodes;
};

class CommuneTable {
 public:
  // Reads the commune table and the former codes a data folder's territory.json names (territory/config.hpp).
  static CommuneTable load(const std::string& data_dir);
  static const CommuneTable& bundled();  // loaded once from paths::data_dir()

  const Commune* find(std::string_view code) const;
  // The current code for a current or former code ("" if unknown).
  std::string current_code(std::string_view any_code) const;
  // Communes whose folded name equals the folded query ("saint emilion" finds Saint-Émilion; the abbreviations
  // St, Ste, Sts of the sources are read as Saint, Sainte, Saints: "BARBEZIEUX ST HILAIRE").
  std::vector<const Commune*> find_by_name(std::string_view name) const;
  // The commune a source designates by name and postcode: the one of that name, or among several (or none of
  // that name) the one whose postcodes hold `postcode` when it is alone. "" when none or ambiguous; `why` tells.
  std::string locate(std::string_view name, std::string_view postcode, std::string* why = nullptr) const;
  // The COG 2026 code for a current or former INSEE code, or for the one commune bearing this name; "" when
  // neither. `name_matches`, when given, receives how many communes bear the name (0: unknown, > 1: ambiguous).
  std::string resolve(std::string_view code_or_name, size_t* name_matches = nullptr) const;
  const std::vector<Commune>& all() const { return communes_; }
  // Department codes present in the table, sorted.
  const std::vector<std::string>& departments() const { return departments_; }

 private:
  std::vector<Commune> communes_;
  std::vector<std::string> departments_;
  std::unordered_map<std::string, size_t> by_code_;
  std::unordered_map<std::string, std::string> history_;
  std::unordered_multimap<std::string, size_t> by_name_;
};

// Department names of the territory in use (code -> name; territory.json).
std::string_view department_name(std::string_view dep);

}  // namespace maillage::territory

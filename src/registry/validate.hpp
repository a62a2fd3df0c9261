#pragma once
// Rules that need more than one field or reference data (the commune table, the region outline, today's
// date). Each rule reports where the problem is (file:line:column and field) and why.
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "registry/place.hpp"

namespace maillage::territory {
class CommuneTable;
class Outline;
}  // namespace maillage::territory

namespace maillage::registry {

struct Problem {
  enum class Severity { Error, Warning };
  Location where;  // file, line, column; `field` is the field name (or a JSON path for GeoJSON)
  Severity severity = Severity::Error;
  std::string message;
  Errc code = Errc::place_invalid;  // its entry in the error catalogue (core/error.hpp), for the API's status
  bool is_error() const { return severity == Severity::Error; }
  // "file:line:column: field: message" (or "file: json.path: message")
  std::string str() const;
};

// A place read from some input, with what the input said and where each field was.
struct Record {
  Place place;
  FieldSet present;  // fields the input carries (a missing column leaves the stored value)
  std::string file;
  int line = 0;                                            // 0 for inputs without lines (GeoJSON: see json_path)
  std::string json_path;                                   // "features[3].properties" for GeoJSON
  std::array<int, kFieldCount> column{};                   // CSV column (1-based) of each field
  std::string commune_name;                                // as written in the input, if any
  std::shared_ptr<const std::vector<std::string>> header;  // the file's column names, for messages
  Location at(Field f) const;
};

struct ValidationLimits {
  double region_margin_km = 30;        // a position may lie this far outside the region outline
  double commune_distance_min_km = 5;  // warn when farther than max(this, 2 x equivalent radius) from centre
};

class Validator {
 public:
  Validator(const territory::CommuneTable& communes, const territory::Outline& region, std::string today,
            ValidationLimits limits = {});
  // Checks a place about to be stored and fills what is derived: insee_code from the commune name, former
  // INSEE codes mapped to COG 2026, the commune centre when no position is given (precision `commune`).
  void check(Record& r, std::vector<Problem>& out) const;
  const territory::CommuneTable& communes() const { return communes_; }
  const std::string& today() const { return today_; }

 private:
  const territory::CommuneTable& communes_;
  const territory::Outline& region_;
  std::string today_;
  ValidationLimits limits_;
};

}  // namespace maillage::registry

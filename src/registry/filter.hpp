#pragma once
// Place filters written as text (CLI options, API query parameters), checked and turned into a PlaceFilter.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "registry/store.hpp"

namespace maillage::registry {

struct FilterText {
  std::vector<std::string> types;
  std::string status, department, commune, text, open_on, bbox;
  std::string listed;  // true/false (oui/non, 1/0); "" for any
  int limit = 0, offset = 0;
};

// A bad value: `param` names it (type, status, department, commune, open_on, bbox, listed), the message says why.
class FilterError : public Error {
 public:
  FilterError(std::string param, const std::string& message) : Error(message), param(std::move(param)) {}
  std::string param;
};

PlaceFilter parse_filter(const FilterText& t);

}  // namespace maillage::registry

#include "core/error.hpp"

namespace maillage {

std::string Location::str() const {
  std::string s = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    s += ':' + std::to_string(line);
    if (column > 0) s += ':' + std::to_string(column);
  }
  return s;
}

InputError::InputError(const Location& where, const std::string& reason)
    : Error(where.str() + ": " + reason), where_(where), reason_(reason) {}

}  // namespace maillage

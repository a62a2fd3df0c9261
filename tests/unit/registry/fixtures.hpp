#pragma once
// Shared set-up for registry tests: the bundled commune table and region outline, a fixed "today".
#include "registry/validate.hpp"
#include "territory/communes.hpp"
#include "territory/outline.hpp"

namespace maillage::test {

inline const registry::Validator& validator() {
  static const registry::Validator v(territory::CommuneTable::bundled(), territory::Outline::bundled_region(),
                                     "2024-06-15");
  return v;
}

}  // namespace maillage::test

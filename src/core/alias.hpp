#pragma once
// Distinct types for values that share a representation (issue #29), like OSRM's Alias<T, Tag>: a node id and a
// time in milliseconds are both 32-bit integers, but a call that swaps them must not compile. Construction from
// the raw value is explicit; the raw value is `.v` (hot loops keep raw arrays and wrap at the API's edges, free at
// run time: the same 4 bytes in a register).
#include <compare>
#include <cstdint>

namespace maillage {

template <class T, class Tag>
struct Alias {
  T v{};
  constexpr Alias() = default;
  constexpr explicit Alias(T value) : v(value) {}
  constexpr auto operator<=>(const Alias&) const = default;
};

}  // namespace maillage

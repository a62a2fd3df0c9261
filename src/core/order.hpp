#pragma once
// Orders for walking large arrays in memory order.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace maillage {

// The indices 0 .. n - 1 ordered by key(i), a bucket in [0, buckets) (a stable counting sort: O(n + buckets)).
template <class Key>
std::vector<uint32_t> counting_order(size_t n, size_t buckets, Key&& key) {
  std::vector<uint32_t> first(buckets + 1, 0), order(n);
  for (size_t i = 0; i < n; ++i) ++first[key(i) + 1];
  for (size_t b = 1; b < first.size(); ++b) first[b] += first[b - 1];
  for (size_t i = 0; i < n; ++i) order[first[key(i)]++] = static_cast<uint32_t>(i);
  return order;
}

}  // namespace maillage

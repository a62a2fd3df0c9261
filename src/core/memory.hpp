#pragma once
// Large arrays read in random order (a country's road graph and the searches' node states) on 2 MB pages.
#include <cstddef>
#include <vector>

namespace maillage {

// Asks the kernel to back [data, data + bytes) with transparent huge pages, and to do it now for what is already
// there (MADV_HUGEPAGE, then MADV_COLLAPSE where the kernel has it: Linux 6.1+). With 4 KB pages a search over a
// 25-million-node graph misses the TLB on nearly every node. Best effort: arrays under 4 MB are left alone, and
// false is returned where the kernel refuses (THP disabled); nothing else changes.
bool huge_pages(const void* data, size_t bytes);

// v = n copies of `value`, its storage advised for huge pages before it is first written (so that it is faulted in
// 2 MB at a time, with nothing to collapse afterwards).
template <class T>
void assign_huge(std::vector<T>& v, size_t n, const T& value) {
  std::vector<T>().swap(v);
  v.reserve(n);
  huge_pages(v.data(), n * sizeof(T));
  v.assign(n, value);
}

}  // namespace maillage

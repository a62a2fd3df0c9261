#include "core/memory.hpp"

#include <sys/mman.h>

#include <cstdint>

namespace maillage {

bool huge_pages(const void* data, size_t bytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  if (!data || bytes < 2 * kHuge) return false;
  const auto begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end <= begin) return false;
  auto* p = reinterpret_cast<void*>(begin);
  if (madvise(p, end - begin, MADV_HUGEPAGE) != 0) return false;
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
  madvise(p, end - begin, MADV_COLLAPSE);  // older kernels: EINVAL, and the pages become huge as khugepaged finds them
  return true;
}

}  // namespace maillage

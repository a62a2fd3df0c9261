#include "core/faults.hpp"

#include <mutex>

namespace maillage::faults {

namespace {
std::mutex mu;
Hook hook;  // guarded by mu
}  // namespace

void install(Hook h) {
  std::lock_guard l(mu);
  hook = std::move(h);
}

void reached(std::string_view point) {
  Hook h;
  {
    std::lock_guard l(mu);
    h = hook;
  }
  if (h) h(point);
}

}  // namespace maillage::faults

#pragma once
// Fault points (issue #29): named places in a write path where a crash-injection test stops a process, e.g. inside
// a booking's transaction, to prove that a kill leaves nothing half-written. They exist only in the programs built
// with MAILLAGE_FAULT_POINTS (the test helper tests/cli/crash_writer.cpp); in every other build
// MAILLAGE_FAULT_POINT compiles to nothing, so production code carries no test hook.
#include <functional>
#include <string_view>

namespace maillage::faults {

// What a fault point does when reached: installed by the test program (null: nothing).
using Hook = std::function<void(std::string_view point)>;
void install(Hook hook);
void reached(std::string_view point);

}  // namespace maillage::faults

#ifdef MAILLAGE_FAULT_POINTS
#define MAILLAGE_FAULT_POINT(name) ::maillage::faults::reached(name)
#else
#define MAILLAGE_FAULT_POINT(name) ((void)0)
#endif

#!/usr/bin/env bash
# Configures and builds a CMake preset (default: release). Usage: scripts/build.sh [preset] [target...]
# One line of output; the compiler's in build/logs/build-PRESET.log (its errors shown on failure; VERBOSE=1
# shows everything).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/steps.sh
preset="${1:-release}"
shift || true
step "configure-$preset" "build: configure the $preset preset" cmake --preset "$preset"
if [ $# -gt 0 ]; then
  step "build-$preset" "build: $* ($preset, log: build/logs/build-$preset.log)" \
    cmake --build --preset "$preset" --target "$@"
else
  # The benchmarks too, unless SKIP_BENCH=1 (the test run: scripts/test.sh).
  if [ "${SKIP_BENCH:-0}" = 1 ] || [ "$preset" = asan ] || [ "$preset" = fuzz ]; then
    step "build-$preset" "build: everything but the benchmarks ($preset: library, CLI, tests; log: build/logs/build-$preset.log)" \
      cmake --build --preset "$preset"
  else
    step "build-$preset" "build: everything ($preset: library, CLI, tests, benchmarks; log: build/logs/build-$preset.log)" \
      cmake --build --preset "$preset" --target all benchmarks
  fi
fi

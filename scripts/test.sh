#!/usr/bin/env bash
# All the tests: installs what is missing, builds the release preset (tests included, benchmarks not) and the
# web application, runs every fuzz target for a short while (FUZZ_SECONDS, default 8; 0 skips) and a crash
# campaign (CRASH_N writers killed, default 50; 0 skips), then every test with CTest (the browser tests included).
# Usage: scripts/test.sh [preset]   (presets: release, debug, asan)
# A few lines of output; CTest's in build/logs/ctest-PRESET.log (the failures are printed; VERBOSE=1 shows all).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
bash scripts/setup.sh
SKIP_BENCH=1 bash scripts/build.sh "$preset"  # the benchmarks are built by scripts/build.sh, not here: CI's time
bash scripts/build_web.sh
[ "${FUZZ_SECONDS:-8}" = 0 ] || bash scripts/fuzz.sh "${FUZZ_SECONDS:-8}"
[ "${CRASH_N:-50}" = 0 ] || bash scripts/crash_campaign.sh "${CRASH_N:-50}"
source scripts/steps.sh
if [ "${VERBOSE:-0}" = "1" ]; then
  exec ctest --preset "$preset" --output-on-failure
fi
log="$LOGS/ctest-$preset.log"
count=$(ctest --preset "$preset" -N | sed -n 's/^Total Tests: //p')
echo "tests: $count tests with CTest: C++ units, the CLI, the HTTP API, the browser (log: build/logs/ctest-$preset.log)"
t0=$SECONDS
rc=0
ctest --preset "$preset" --output-on-failure >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "tests: FAILED after $((SECONDS - t0)) s; the failing tests' output:"
  awk '/\*\*\*Failed|\*\*\*Exception|\*\*\*Timeout|Failed  /{p=1} p' "$log" | grep -v '^ *Start ' | head -n 150 || true
fi
# CTest's own closing lines: the count of passed and failed tests, and the time.
sed -n '/tests passed, /,$p' "$log"
exit "$rc"

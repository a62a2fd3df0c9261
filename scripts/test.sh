#!/usr/bin/env bash
# All the tests: installs what is missing, builds the release preset (tests and benchmarks included) and the
# web application, and runs every test with CTest (the browser tests included). Usage: scripts/test.sh [preset]   (presets: release, debug, asan)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
bash scripts/setup.sh
bash scripts/build.sh "$preset"
bash scripts/build_web.sh
ctest --preset "$preset"

#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer + UBSan: the `fuzz` preset) and runs each for SECONDS
# (default 20) from its seeds (fuzz/corpus/<target>/, plus the test fixtures for OSM), after replaying every input
# that once crashed (fuzz/regressions/<target>/). New interesting inputs accumulate in build/fuzz-corpus/.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   Targets: csv_import geojson_import api_request dates_hours
#        skeleton osm_pbf icalendar source_import. A crash stops the run: its input is in build/fuzz-artifacts/<target>/; copy it
#        into fuzz/regressions/<target>/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/steps.sh
secs="${1:-20}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv_import geojson_import api_request dates_hours skeleton osm_pbf icalendar source_import)
step fuzz-configure "fuzz: configure (clang, ASan + UBSan, libFuzzer)" cmake --preset fuzz
step fuzz-build "fuzz: build the targets (log: build/logs/fuzz-build.log)" cmake --build --preset fuzz
for t in "${targets[@]}"; do
  bin="build/fuzz/fuzz/fuzz_$t"
  work="build/fuzz-corpus/$t"
  arts="build/fuzz-artifacts/$t/"
  mkdir -p "$work" "$arts"
  seeds=("fuzz/corpus/$t")
  [ "$t" = osm_pbf ] && seeds+=(tests/data)
  if compgen -G "fuzz/regressions/$t/*" >/dev/null; then
    step "fuzz-$t-regressions" "fuzz: $t replays $(ls "fuzz/regressions/$t" | wc -l) past crashes" \
      "$bin" -runs=1 fuzz/regressions/"$t"/*
  fi
  log="$LOGS/fuzz-$t.log"
  t0=$SECONDS
  if ASAN_OPTIONS=detect_leaks=1 "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=3072 -max_len=200000 \
    -print_final_stats=1 -artifact_prefix="$arts" "$work" "${seeds[@]}" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    echo "fuzz: $t for $((SECONDS - t0)) s: ${runs:-?} inputs, ${cov:-?} coverage points, no finding" \
      "(corpus $(ls "$work" | wc -l) inputs)"
  else
    echo "fuzz: $t FAILED after $((SECONDS - t0)) s; the input is in $arts; the end of $log:"
    grep -E 'ERROR|SUMMARY|==[0-9]+==|#[0-9]+ 0x' "$log" | head -40 || true
    tail -n 20 "$log"
    exit 1
  fi
done

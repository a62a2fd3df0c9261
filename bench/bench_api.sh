#!/usr/bin/env bash
# HTTP benchmark of `maillage serve` on the bundled data with wrk (issue #7 targets: place list >= 3,000 req/s,
# eligibility >= 2,000 req/s on 2 cores, p50/p99 reported). The server and wrk share the machine's cores.
# Usage: bench/bench_api.sh [seconds]   (needs the release build; installs wrk when missing)
#        PLACES=25000 bench/bench_api.sh   adds that many generated places (at random commune centres, fixed seed)
#        first: the national scale of issue #19 (3,500 tiers-lieux + 20,000 digital-inclusion places)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
command -v wrk >/dev/null || apt-get install -y -qq wrk
M=build/release/apps/maillage
dir=$(mktemp -d)
port=18777
$M --db "$dir/m.db" --graph "$dir/g.graph" places list --limit 1 >/dev/null 2>&1
if [ -n "${PLACES:-}" ]; then
  python3 - "$PLACES" "$dir/extra.csv" <<'PY'
import csv, gzip, random, sys
n, out = int(sys.argv[1]), sys.argv[2]
random.seed(19)
codes = [r[list(r)[0]] for r in csv.DictReader(gzip.open("data/communes/communes_na_cog2026.csv.gz", "rt", encoding="utf-8"))]
types = ["coworking", "fablab", "atelier_partage", "hybride", "telecentre", "mediation_numerique"]
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["name", "types", "status", "opening_date", "insee_code"])
    for i in range(n):
        w.writerow([f"Lieu généré {i}", random.choice(types), "open", f"{random.randint(2005, 2025)}", random.choice(codes)])
PY
  t0=$SECONDS
  $M --db "$dir/m.db" --graph "$dir/g.graph" places import "$dir/extra.csv" >/dev/null 2>&1
  echo "imported $PLACES generated places in $((SECONDS - t0)) s: $($M --db "$dir/m.db" places list --limit 1 --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"], "places")')"
fi
$M --db "$dir/m.db" --graph "$dir/g.graph" serve --port $port --threads 8 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
# Eligibility at random points of the region (a fixed seed), the full explained answer (nearby places, route).
cat > "$dir/points.lua" <<'LUA'
math.randomseed(42)
request = function()
  local lon = -1.4 + math.random() * 3.4
  local lat = 43.3 + math.random() * 3.7
  return wrk.format("GET", string.format("/api/v1/eligibility/creation?lon=%.4f&lat=%.4f", lon, lat))
end
LUA
curl -sf "http://127.0.0.1:$port/api/v1/eligibility/creation?lon=0.5&lat=45.5" >/dev/null  # builds the checker once
run() { echo "== $1"; shift; wrk -t2 -c32 -d"${secs}s" --latency "$@" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"; }
run "GET /api/v1/places (first page of 50, JSON)" "http://127.0.0.1:$port/api/v1/places"
run "GET /api/v1/places?department=33&type=coworking" "http://127.0.0.1:$port/api/v1/places?department=33&type=coworking"
# Pages are cached by (registry revision, parameters): random pages (16,800 combinations) measure the uncached path.
run "GET /api/v1/places?limit=1..100&offset=0..167 (random pages, mostly not cached)" -s bench/random_pages.lua "http://127.0.0.1:$port"
run "GET /api/v1/eligibility/creation (random points, explained with route)" -s "$dir/points.lua" "http://127.0.0.1:$port"
cat > "$dir/quick.lua" <<'LUA'
math.randomseed(42)
request = function()
  local lon = -1.4 + math.random() * 3.4
  local lat = 43.3 + math.random() * 3.7
  return wrk.format("GET", string.format("/api/v1/eligibility/creation?lon=%.4f&lat=%.4f&explain=false", lon, lat))
end
LUA
run "GET /api/v1/eligibility/creation?explain=false (verdict and nearest only)" -s "$dir/quick.lua" "http://127.0.0.1:$port"

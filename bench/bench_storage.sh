#!/usr/bin/env bash
# SQLite against PostgreSQL under `maillage serve` (issue #30): read throughput (places list, coverage summary) of
# one server and of two servers on one database, and the latency of booking writes, on the bundled data, the same
# run for both backends. PostgreSQL 15 in a temporary cluster with fsync on (PG_FSYNC=on: a commit is flushed as
# in production); SQLite in WAL mode with synchronous=NORMAL (Maillage's setting). Servers, wrk and PostgreSQL
# share the machine's cores: figures are for comparing the backends, not absolute.
# Usage: bench/bench_storage.sh [seconds per wrk run]   (needs the release build and wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
M=$PWD/build/release/apps/maillage
dir=$(mktemp -d)
chmod 755 "$dir"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  bash scripts/postgresql.sh stop "$dir/pg" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
PG_FSYNC=on bash scripts/postgresql.sh start "$dir/pg" >/dev/null
url=$(cat "$dir/pg/url")
psql -q "$url/postgres" -c "CREATE DATABASE bench" >/dev/null
$M --graph "$dir/g.graph" graph info >/dev/null 2>&1 || true
serve() {  # db port -> pid
  $M --db "$1" --graph "$dir/g.graph" serve --port "$2" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$2/api/v1/health" >/dev/null && return; sleep 0.1; done
  echo "server on $2 did not start" >&2
  exit 1
}
rate() {  # wrk output -> req/s
  awk '/Requests\/sec/ {print $2}'
}
p99() {
  awk '/ 99%/ {print $2}'
}
bench_backend() {
  local name="$1" db="$2" base="$3"
  $M --db "$db" --graph "$dir/g.graph" places list --limit 1 >/dev/null 2>&1
  serve "$db" "$base"
  serve "$db" $((base + 1))
  for path in "/api/v1/places?limit=50" "random pages" "/api/v1/coverage"; do
    local args=("http://127.0.0.1:$base${path}") args_b=("http://127.0.0.1:$((base + 1))${path}")
    if [ "$path" = "random pages" ]; then
      args=(-s bench/random_pages.lua "http://127.0.0.1:$base") args_b=(-s bench/random_pages.lua "http://127.0.0.1:$((base + 1))")
    fi
    curl -sf "http://127.0.0.1:$base${path/random pages/}" >/dev/null || true  # warm
    curl -sf "http://127.0.0.1:$((base + 1))${path/random pages/}" >/dev/null || true
    local one two_a two_b
    one=$(wrk -t2 -c16 -d"${secs}s" --latency "${args[@]}")
    wrk -t1 -c8 -d"${secs}s" --latency "${args[@]}" >"$dir/a.txt" &
    local other=$!
    wrk -t1 -c8 -d"${secs}s" --latency "${args_b[@]}" >"$dir/b.txt"
    wait $other
    printf '%-10s %-26s one server %9s req/s (p99 %7s) | two servers %9s req/s (%s + %s)\n' "$name" "$path" \
      "$(echo "$one" | rate)" "$(echo "$one" | p99)" \
      "$(echo "$(rate <"$dir/a.txt") + $(rate <"$dir/b.txt")" | bc)" "$(rate <"$dir/a.txt")" "$(rate <"$dir/b.txt")"
  done
  # Booking writes: one client, 300 bookings (30 members x 10 days) of a pool of 1,000 desks, alternately
  # through both servers; each request's time from send to answer.
  local place
  place=$($M --db "$db" places list --department 23 --status open --limit 1 --json 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
  for d in 1 2 3 4 5; do $M --db "$db" booking hours --place "$place" --weekday $d --hours-of-day 08:00-20:00 >/dev/null; done
  $M --db "$db" booking add-resource --place "$place" --kind desk --desk-kind dropin --name Bench --units 1000 >/dev/null
  : >"$dir/tokens"
  for i in $(seq 30); do
    $M --db "$db" booking add-member --name "M$i" --email "m$i@bench.test" >/dev/null
    $M --db "$db" booking membership --member "$i" --place "$place" >/dev/null
    $M --db "$db" tokens create --role member --member "$i" --label b 2>/dev/null | head -1 >>"$dir/tokens"
  done
  python3 - "$base" "$dir/tokens" "$name" <<'PY'
import datetime, http.client, json, statistics, sys, time
base, tokens, name = int(sys.argv[1]), open(sys.argv[2]).read().split(), sys.argv[3]
days, d = [], datetime.date.today() + datetime.timedelta(days=7)
while len(days) < 10:
    if d.weekday() < 5:
        days.append(d.isoformat())
    d += datetime.timedelta(days=1)
conns = [http.client.HTTPConnection("127.0.0.1", base + k) for k in (0, 1)]
ms, n = [], 0
for day in days:
    for t in tokens:
        c = conns[n % 2]
        n += 1
        t0 = time.perf_counter()
        c.request("POST", "/api/v1/bookings", body=json.dumps({"resource": 1, "date": day}),
                  headers={"Authorization": "Bearer " + t, "Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        ms.append((time.perf_counter() - t0) * 1000)
        if r.status != 201:
            raise SystemExit(f"booking refused: {r.status}")
ms.sort()
print(f"{name:10} booking writes (300, one client, both servers) median {statistics.median(ms):.2f} ms, "
      f"p99 {ms[int(0.99 * len(ms))]:.2f} ms, max {ms[-1]:.2f} ms")
PY
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}
echo "== $(nproc) cores; wrk ${secs} s a run: one server 2 threads x 16 connections; two servers 8 connections each"
bench_backend sqlite "$dir/m.db" 18941
bench_backend postgresql "$url/bench" 18951

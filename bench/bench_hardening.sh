#!/usr/bin/env bash
# The reproductions of issue #14 against a release `maillage serve` with its default options, with figures:
# a health request while 1,000 connections sit idle and 50 clients send their request head a byte at a time;
# the server's memory after 200 requests for the coverage cells at 200 distinct thresholds.
# Usage: bench/bench_hardening.sh [THRESHOLDS]   (default 200; needs the release build and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200}"
M=build/release/apps/maillage
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$M --db "$dir/m.db" --graph "$dir/g.graph" places list --limit 1 >/dev/null 2>&1
$M --db "$dir/m.db" --graph "$dir/g.graph" serve --port "$port" 2>"$dir/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
echo "server started: RSS $(rss) MiB"
python3 - "$port" <<'PY'
import socket, statistics, sys, threading, time, http.client, resource
port = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(1000)]
slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(50)]
for s in slow: s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
stop = False
def drip():
    while not stop:
        for s in slow:
            try: s.sendall(b"a")
            except OSError: pass
        time.sleep(0.1)
t = threading.Thread(target=drip); t.start()
times = []
for _ in range(50):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    t0 = time.perf_counter(); c.request("GET", "/api/v1/health"); r = c.getresponse(); r.read()
    times.append((time.perf_counter() - t0) * 1000); assert r.status == 200; c.close()
stop = True; t.join()
print(f"health with 1,000 idle and 50 slow-header connections: median {statistics.median(times):.2f} ms, "
      f"max {max(times):.2f} ms (50 requests)")
time.sleep(11)  # the head timeout (10 s)
closed = 0
for s in idle:
    s.settimeout(0.01)
    try: closed += s.recv(1) == b""
    except OSError: pass
print(f"after the 10 s head timeout: {closed} of 1,000 idle connections closed by the server")
PY
t0=$(date +%s%N)
for i in $(seq 1 "$n"); do
  curl -sf -o /dev/null --compressed "http://127.0.0.1:$port/api/v1/coverage/cells.geojson?threshold=20.$(printf %03d "$i")"
done
echo "$n distinct thresholds on /coverage/cells.geojson in $(( ($(date +%s%N) - t0) / 1000000000 )) s: RSS $(rss) MiB (cache 256 MiB)"
curl -s -o /dev/null -w "a GET with a 100 MB body: %{http_code}\n" -X GET -H "Content-Length: 100000000" \
  --data-binary @<(head -c 2000000 /dev/zero) "http://127.0.0.1:$port/api/v1/health" || true

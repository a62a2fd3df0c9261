#!/usr/bin/env bash
# Sign-in over HTTP against a release `maillage serve` (issue #20): the time of one sign-in (Argon2id, 64 MiB),
# a health request's time while 64 sign-ins arrive together (the light requests are not held up: sign-ins run
# on the heavy workers), and the server's peak memory meanwhile (at most 4 hashes at once: 256 MiB at most).
# Usage: bench/bench_signin.sh [N]   (default 64 concurrent sign-ins; needs the release build and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-64}"
M=build/release/apps/maillage
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$M --db "$dir/m.db" --graph "$dir/g.graph" places list --limit 1 >/dev/null 2>&1
echo "mot-de-passe-du-banc" | $M --db "$dir/m.db" users add --email banc@maillage.test --name Banc --role member \
  --password-stdin >/dev/null
$M --db "$dir/m.db" --graph "$dir/g.graph" serve --port "$port" --heavy-queue 1000 2>"$dir/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
echo "server started: RSS $(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status") MiB"
python3 - "$port" "$n" "$pid" <<'PY'
import http.client, json, statistics, sys, threading, time
port, n, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = json.dumps({"email": "banc@maillage.test", "password": "mot-de-passe-du-banc"})
def sign_in():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t0 = time.perf_counter(); c.request("POST", "/api/v1/auth/session", body, {"Content-Type": "application/json"})
    r = c.getresponse(); r.read(); c.close()
    return r.status, (time.perf_counter() - t0) * 1000
alone = [sign_in() for _ in range(9)]
assert all(s == 200 for s, _ in alone), alone
print(f"one sign-in at a time: median {statistics.median(t for _, t in alone):.0f} ms (9 runs)")
peak = 0; stop = False
def watch():
    global peak
    while not stop:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS"): peak = max(peak, int(line.split()[1]) // 1024)
        time.sleep(0.01)
w = threading.Thread(target=watch); w.start()
res = []
ts = [threading.Thread(target=lambda: res.append(sign_in())) for _ in range(n)]
t0 = time.perf_counter()
for t in ts: t.start()
health = []
time.sleep(0.05)
for _ in range(20):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h0 = time.perf_counter(); c.request("GET", "/api/v1/health"); r = c.getresponse(); r.read(); c.close()
    health.append((time.perf_counter() - h0) * 1000)
for t in ts: t.join()
wall = time.perf_counter() - t0
stop = True; w.join()
ok = sum(1 for s, _ in res if s == 200)
print(f"{n} sign-ins together: {ok} answered 200 in {wall:.1f} s ({n / wall:.1f} per second), "
      f"median {statistics.median(t for _, t in res):.0f} ms each")
print(f"health meanwhile: median {statistics.median(health):.1f} ms, max {max(health):.1f} ms (20 requests)")
print(f"server peak RSS during the burst: {peak} MiB")
PY

#!/usr/bin/env python3
"""Mixed soak of one `maillage serve` (issue #30, item 6): one client, 20 % writes.

Writes are place edits through the API: half move a place a few hundred metres (the coverage changes), half change
a field the coverage does not read (the registry revision moves all the same). Reads are, in turn, the coverage
summary, the zones blanches, the cells and a page of places. Prints per route the count, median, p90, p99 and max
in milliseconds, and the same for the writes.

Usage: soak_coverage.py BASE_URL TOKEN SECONDS [SEED] [READS]
  READS: the read paths, separated by commas (default: the four above)
"""
import http.client
import json
import random
import statistics
import sys
import time
import urllib.parse


def main():
    base, token, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 30)
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)

    def call(method, path, body=None):
        headers = {"Authorization": "Bearer " + token}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        t0 = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        ms = (time.perf_counter() - t0) * 1000
        if r.status >= 300:
            raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
        return ms, data

    _, data = call("GET", "/api/v1/places?limit=500&status=open")
    places = [p for p in json.loads(data)["items"] if p.get("lat") is not None and not p.get("itinerant")]
    reads = ["/api/v1/coverage", "/api/v1/coverage/zones.geojson", "/api/v1/coverage/cells.geojson",
             "/api/v1/places?limit=50"]
    if len(sys.argv) > 5:
        reads = sys.argv[5].split(",")
    times = {r: [] for r in reads}
    times["write: move"], times["write: other field"] = [], []
    # The first coverage request computes everything once: not part of the soak.
    for r in reads:
        call("GET", r)
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        i += 1
        if rnd.random() < 0.2:
            p = rnd.choice(places)
            if rnd.random() < 0.5:
                body = {"lat": round(p["lat"] + rnd.uniform(-0.004, 0.004), 6),
                        "lon": round(p["lon"] + rnd.uniform(-0.004, 0.004), 6)}
                kind = "write: move"
            else:
                body = {"staff_fte": rnd.randint(0, 5)}
                kind = "write: other field"
            ms, _ = call("PATCH", "/api/v1/places/" + urllib.parse.quote(p["id"]), body)
            times[kind].append(ms)
        else:
            r = reads[i % len(reads)]
            ms, _ = call("GET", r)
            times[r].append(ms)

    def q(v, f):
        v = sorted(v)
        return v[min(len(v) - 1, int(f * len(v)))]

    print(f"{'request':40} {'n':>6} {'p50':>9} {'p90':>9} {'p99':>9} {'max':>9}  (ms)")
    for k, v in times.items():
        if v:
            print(f"{k:40} {len(v):6d} {statistics.median(v):9.1f} {q(v, .9):9.1f} {q(v, .99):9.1f} {max(v):9.1f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Kill -9 soak of two `maillage serve` on one database (issue #30): nothing acknowledged is lost.

Two writer threads create contacts through both servers in turn (each answer 201 = an acknowledged write, its id
and name recorded) and a reader thread reads places and coverage, while server A is killed with SIGKILL and
started again KILLS times (at a random moment, 0.2 to 1.2 s apart once it answers). Then every acknowledged contact
is read back through server B: any missing or different one is lost. Prints the counts and the restart times;
exits 1 when a write was lost. The caller runs `maillage db check` afterwards.

Usage: soak_kill.py MAILLAGE DB GRAPH TOKEN KILLS [PORT_A PORT_B]
"""
import http.client
import json
import random
import subprocess
import sys
import threading
import time


def main():
    exe, db, graph, token, kills = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    port_a = int(sys.argv[6]) if len(sys.argv) > 6 else 18931
    port_b = int(sys.argv[7]) if len(sys.argv) > 7 else 18932

    def start(port):
        return subprocess.Popen([exe, "--db", db, "--graph", graph, "serve", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def healthy(port, deadline_s=120):
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/api/v1/health")
                if c.getresponse().status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    a, b = start(port_a), start(port_b)
    if not healthy(port_a) or not healthy(port_b):
        raise SystemExit("the servers did not start")
    acked, lock, stop = {}, threading.Lock(), threading.Event()
    refused = {"writes": 0, "reads": 0}

    def writer(n):
        i = 0
        while not stop.is_set():
            i += 1
            port = port_a if i % 2 else port_b
            name = f"Soak-{n}-{i}"
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                c.request("POST", "/api/v1/contacts", body=json.dumps({"last_name": name, "role": f"écriture {i}"}),
                          headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
                r = c.getresponse()
                body = r.read()
                if r.status == 201:
                    with lock:
                        acked[json.loads(body)["id"]] = name
                else:
                    refused["writes"] += 1
            except (OSError, http.client.HTTPException):
                refused["writes"] += 1  # no answer: not acknowledged

    def reader():
        i = 0
        while not stop.is_set():
            i += 1
            path = ["/api/v1/places?limit=20", "/api/v1/coverage"][i % 2]
            try:
                c = http.client.HTTPConnection("127.0.0.1", port_a if i % 3 else port_b, timeout=10)
                c.request("GET", path)
                c.getresponse().read()
            except (OSError, http.client.HTTPException):
                refused["reads"] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)] + [threading.Thread(target=reader)]
    for t in threads:
        t.start()
    restarts = []
    rnd = random.Random(30)
    try:
        for k in range(kills):
            time.sleep(rnd.uniform(0.2, 1.2))
            a.kill()  # SIGKILL: no shutdown, no flush beyond what each commit already did
            a.wait()
            t0 = time.monotonic()
            a = start(port_a)
            if not healthy(port_a):
                raise SystemExit(f"server A did not come back after kill {k + 1}")
            restarts.append(time.monotonic() - t0)
    finally:
        stop.set()
        for t in threads:
            t.join()
    lost = 0
    c = http.client.HTTPConnection("127.0.0.1", port_b, timeout=30)
    for cid, name in sorted(acked.items()):
        c.request("GET", f"/api/v1/contacts/{cid}", headers={"Authorization": "Bearer " + token})
        r = c.getresponse()
        body = r.read()
        if r.status != 200 or json.loads(body).get("last_name") != name:
            lost += 1
    a.kill(), b.kill()
    a.wait(), b.wait()
    restarts.sort()
    print(f"kills of server A: {kills}; restart to first answer: median {restarts[len(restarts) // 2]:.2f} s, "
          f"max {restarts[-1]:.2f} s")
    print(f"acknowledged writes: {len(acked)}; lost: {lost}; writes without an answer (not acknowledged): "
          f"{refused['writes']}; reads without an answer: {refused['reads']}")
    sys.exit(1 if lost else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""1000 random recordings and 1000 time-range queries against a server: p50/p99 latency.
Usage: query.py PORT SECONDS_OF_ARCHIVE"""
import datetime, http.client, random, sys, time

port, total = int(sys.argv[1]), float(sys.argv[2])
start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
rng = random.Random(20)
conn = http.client.HTTPConnection("127.0.0.1", port)

def t(kind, seconds):
    if kind == "iso":
        return (start + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if kind == "seconds": return f"{seconds:.3f}"
    return f"-{total - seconds:.3f}"

def measure(path_of):
    latencies = []
    for _ in range(1000):
        kind = rng.choice(["iso", "seconds", "negative"])
        a = rng.uniform(0, total - 600); b = a + rng.uniform(2, 600)
        path = path_of(t(kind, a), t(kind, b))
        began = time.perf_counter()
        conn.request("GET", path); response = conn.getresponse(); response.read()
        latencies.append((time.perf_counter() - began) * 1000)
        if response.status != 200: raise SystemExit(f"{path}: {response.status}")
    latencies.sort()
    return latencies[499], latencies[989]

for name, path_of in [("recordings", lambda s, e: f"/api/streams/cam/recordings?start={s}&end={e}"),
                      ("time-range playlist", lambda s, e: f"/hls/cam/index.m3u8?start={s}&end={e}")]:
    p50, p99 = measure(path_of)
    print(f"{name}: p50 {p50:.2f} ms, p99 {p99:.2f} ms (1000 queries, ISO/seconds/negative)")
conn.request("GET", "/api/streams/cam/recordings"); r = conn.getresponse(); body = r.read()
print(f"whole recordings: {r.status}, {len(body)} bytes")

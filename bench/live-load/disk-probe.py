#!/usr/bin/env python3
"""Does the publish-latency tail come from the disk? Run next to a live-load round.

Every 100 ms this writes a 256 KB file into DIR the way hlsseg writes a segment (temporary
name, fsync, rename, fsync of the folder) and times it: a process that shares nothing with
hlsseg but the file system. Every 10 s it reads hlsseg's publish-latency histogram
(from="keyframe") from METRICS_URL. It prints one line per 10 s: segments published, the share
over 50 ms and over 200 ms, and the probe's median and slowest write in the same 10 s; at the
end, the shares of slow segments in windows where the probe's slowest write was over and under
100 ms.

    disk-probe.py DIR METRICS_URL SECONDS
"""
import os
import re
import sys
import time
import urllib.request

BUCKET = re.compile(r'hlsseg_live_segment_publish_seconds_bucket\{from="keyframe",le="([^"]+)"\} (\d+)')


def histogram(url):
    try:
        text = urllib.request.urlopen(url, timeout=2).read().decode()
    except OSError:
        return None
    return {le: int(count) for le, count in BUCKET.findall(text)}


def probe_write(folder, data, index):
    started = time.monotonic()
    temporary = os.path.join(folder, ".probe.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.rename(temporary, os.path.join(folder, "probe%d" % (index % 20)))
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return (time.monotonic() - started) * 1000


def main():
    folder, url, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    os.makedirs(folder, exist_ok=True)
    data = os.urandom(256 * 1024)
    end = time.monotonic() + seconds
    window_end = time.monotonic() + 10
    previous = histogram(url)
    writes = []
    windows = []  # (slowest probe write ms, segments, over 50 ms, over 200 ms)
    index = 0
    while time.monotonic() < end:
        writes.append(probe_write(folder, data, index))
        index += 1
        time.sleep(0.1)
        if time.monotonic() < window_end:
            continue
        window_end += 10
        current = histogram(url)
        if previous and current and writes:
            segments = current["+Inf"] - previous["+Inf"]
            over50 = segments - (current["0.05"] - previous["0.05"])
            over200 = segments - (current["0.2"] - previous["0.2"])
            writes.sort()
            if segments > 0:
                windows.append((writes[-1], segments, over50, over200))
                print("%s segments %5d  over 50 ms %5.1f %%  over 200 ms %5.1f %%  | probe writes %3d  median %6.1f ms  slowest %6.0f ms"
                      % (time.strftime("%H:%M:%S"), segments, 100 * over50 / segments, 100 * over200 / segments,
                         len(writes), writes[len(writes) // 2], writes[-1]), flush=True)
        previous = current
        writes = []
    for label, chosen in (("slowest probe write > 100 ms", [w for w in windows if w[0] > 100]),
                          ("slowest probe write <= 100 ms", [w for w in windows if w[0] <= 100])):
        segments = sum(w[1] for w in chosen)
        if segments:
            print("disk probe: %d windows with %s: %d segments, %.1f %% over 50 ms, %.1f %% over 200 ms"
                  % (len(chosen), label, segments, 100 * sum(w[2] for w in chosen) / segments,
                     100 * sum(w[3] for w in chosen) / segments))
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    os.rmdir(folder)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""hlsseg's half of the live-load report: publish-latency percentiles from its /metrics
histogram (each given as the upper bound of its bucket), whether every frame the generator
sent was received and segmented, and how many playlists ended.
Usage: report.py WORK_DIR STREAMS (run.sh calls it)."""
import glob, os, re, sys
work, streams = sys.argv[1], int(sys.argv[2])
metrics = open(os.path.join(work, "hlsseg-metrics.txt")).read()
def value(name):
    m = re.search(r"^%s(?:\{\})? ([0-9.e+]+)$" % name, metrics, re.M)
    return int(float(m.group(1))) if m else None
def histogram(pattern):
    """(count, quantile function) of the histogram whose bucket lines match `pattern`."""
    buckets = [(float(le), int(float(n))) for le, n in re.findall(pattern, metrics)]
    total = buckets[-1][1] if buckets else 0
    def quantile(q):
        for le, n in buckets:
            if n >= q * total: return "<= %g ms" % (le * 1000)
        return "> %g ms" % (buckets[-2][0] * 1000)
    quantile.within = lambda seconds: next((100.0 * n / total for le, n in buckets if le == seconds), None)
    return total, quantile
for source in ("keyframe", "completing_packet"):
    total, quantile = histogram(
        r'hlsseg_live_segment_publish_seconds_bucket\{from="%s",le="([0-9.e+-]+)"\} ([0-9.e+]+)' % source)
    within = quantile.within(0.05) if total else None
    print("hlsseg: publish latency from %s: %d segments, p50 %s, p99 %s, p99.9 %s%s" % (
        source, total, quantile(0.5), quantile(0.99), quantile(0.999),
        ", %.2f %% within 50 ms" % within if within is not None else ""))
# --fsync periodic: how long the once-a-second syncs of the output file system waited for the disk.
syncs, quantile = histogram(r'hlsseg_live_file_system_sync_seconds_bucket\{le="([0-9.e+-]+)"\} ([0-9.e+]+)')
if syncs:
    print("hlsseg: file-system syncs: %d, p50 %s, p99 %s, max %s; failed: %s" % (
        syncs, quantile(0.5), quantile(0.99), quantile(1.0), value("hlsseg_live_file_system_sync_failures_total")))
sent = int(re.search(r"done: .* (\d+) frames", open(os.path.join(work, "hlsseg-load.txt")).read()).group(1))
received = value("hlsseg_live_frames_received_total")
segmented = value("hlsseg_live_frames_segmented_total")
dropped = value("hlsseg_live_frames_dropped_total")
if os.environ.get("AUDIO") == "g711":
    # G.711 tags in, AAC frames out of the transcoder: what is received is not what was sent.
    verdict = ("every frame received segmented (G.711 transcoded: received counts AAC frames)"
               if received == segmented + dropped and dropped == 0 else "FRAMES MISSING")
else:
    verdict = "every frame segmented" if sent == received == segmented + dropped and dropped == 0 else "FRAMES MISSING"
print("hlsseg: frames sent %d, received %s, segmented %s, dropped before a first keyframe %s -> %s" % (
    sent, received, segmented, dropped, verdict))
playlists = glob.glob(os.path.join(work, "hlsseg", "*", "index.m3u8"))
ended = sum("#EXT-X-ENDLIST" in open(p).read() for p in playlists)
segments = sum(open(p).read().count("#EXTINF") for p in playlists)
print("hlsseg: %d playlists (%d with ENDLIST), %d segments" % (len(playlists), ended, segments))

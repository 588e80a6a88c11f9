#!/usr/bin/env python3
"""Synthesizes a rotated 30-day archive of one stream for bench/archive-scale.sh.

<root>/cam/archive-<UTC hour>.m3u8   one ended EVENT playlist per hour (1800 segments of 2 s)
<root>/cam/index.m3u8                the live playlist: the last 2 h, sliding
<root>/cam/init.mp4, seg<N>.m4s      hard links to the real init and segment files of a clip
Usage: synth.py ROOT CLIP_FOLDER [--days 30] [--no-links]
"""
import argparse, datetime, os, shutil

p = argparse.ArgumentParser()
p.add_argument("root"); p.add_argument("clip")
p.add_argument("--days", type=float, default=30); p.add_argument("--no-links", action="store_true")
a = p.parse_args()
seg_seconds, period = 2.0, 3600
count = int(a.days * 86400 / seg_seconds)
per_period = int(period / seg_seconds)
folder = os.path.join(a.root, "cam")
os.makedirs(folder, exist_ok=True)
start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
real = sorted(f for f in os.listdir(a.clip) if f.endswith(".m4s"))
if not real: raise SystemExit(f"no .m4s segments in {a.clip}")
os.link(os.path.join(a.clip, "init.mp4"), os.path.join(folder, "init.mp4")) if not os.path.exists(os.path.join(folder, "init.mp4")) else None

def block(n):
    t = start + datetime.timedelta(seconds=n * seg_seconds)
    return f"#EXT-X-PROGRAM-DATE-TIME:{t.strftime('%Y-%m-%dT%H:%M:%S')}.000Z\n#EXTINF:2.000000,\nseg{n}.m4s\n"

def header(first, kind):
    h = f"#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:{first}\n"
    if kind: h += f"#EXT-X-PLAYLIST-TYPE:{kind}\n"
    return h + '#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI="init.mp4"\n'

for p0 in range(0, count, per_period):
    t = start + datetime.timedelta(seconds=p0 * seg_seconds)
    name = f"archive-{t.strftime('%Y%m%dT%H%M%S')}.000Z.m3u8"
    last = min(count, p0 + per_period)
    with open(os.path.join(folder, name), "w") as f:
        f.write(header(p0, "EVENT")); f.write("".join(block(n) for n in range(p0, last)))
        if last < count: f.write("#EXT-X-ENDLIST\n")
window = int(7200 / seg_seconds)
with open(os.path.join(folder, "index.m3u8"), "w") as f:
    f.write(header(count - window, None)); f.write("".join(block(n) for n in range(count - window, count)))
if not a.no_links:
    # ext4 allows 65,000 links to one inode: each real segment gets a fresh copy to link to
    # every 60,000 links.
    links_per_source = 60000
    for n in range(count):
        path = os.path.join(folder, f"seg{n}.m4s")
        if os.path.exists(path): continue
        which = n % len(real)
        generation = n // len(real) // links_per_source
        source = os.path.join(a.clip, real[which] if generation == 0 else f"copy{generation}-{real[which]}")
        if not os.path.exists(source): shutil.copyfile(os.path.join(a.clip, real[which]), source)
        os.link(source, path)
print(f"{count} segments, {(count + per_period - 1) // per_period} archive playlists in {folder}")

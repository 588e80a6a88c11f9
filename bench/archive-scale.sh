#!/bin/sh
# The archive index at scale: a synthesized 30-day archive of 2-s segments (1.3 M segments,
# 720 hourly period playlists, a 2-h live playlist; segment files are hard links to the few
# segments of a real 6-s clip), then:
#   - hlsseg index rebuild (the index made from the playlists, timed),
#   - hlsseg serve: process start -> /healthz answers, the loadAll log line, RSS after load,
#   - p50/p99 of 1000 random recordings and 1000 time-range queries (ISO, seconds, negative),
#   - a start with the index deleted (rebuilt from the playlists at start).
# Needs the release binary:  swift build -c release --static-swift-stdlib --product hlsseg
# Usage: bench/archive-scale.sh [WORKDIR] [DAYS]     (run nothing else heavy meanwhile)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${HLSSEG_BIN:-$here/../.build/release/hlsseg}
work=${1:-/tmp/hlsseg-archive-scale}
days=${2:-30}
port=${PORT:-18099}
[ -x "$bin" ] || { echo "no $bin: swift build -c release --static-swift-stdlib --product hlsseg" >&2; exit 1; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $0 $work $days"
rm -rf "$work"; mkdir -p "$work/clip"
ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
  -t 6 -c:v libx264 -g 60 -c:a aac "$work/clip.mp4"
"$bin" segment "$work/clip.mp4" -o "$work/clip" --hls-time 2 >/dev/null
python3 "$here/archive-scale/synth.py" "$work/root" "$work/clip" --days "$days"
seconds=$(python3 -c "print($days * 86400)")

now() { date +%s.%N; }
t0=$(now); "$bin" index rebuild "$work/root"; t1=$(now)
echo "index rebuild from playlists: $(echo "$t1 - $t0" | bc) s, index file $(stat -c %s "$work/root/.hlsseg/index/cam.idx") bytes"

serve() {
  t0=$(now)
  "$bin" serve --root "$work/root" --http-port "$port" --no-rtmp --log-level info >"$work/serve.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.01; done
  t1=$(now)
  echo "$1: process start -> /healthz $(echo "$t1 - $t0" | bc) s; $(grep -o 'archive ind[^"]*' "$work/serve.log" | head -3 | tr '\n' ' ')"
  echo "RSS after load: $(grep VmRSS /proc/$pid/status | awk '{print $2/1024 " MiB"}')"
}
serve "start with the index"
python3 "$here/archive-scale/query.py" "$port" "$seconds"
echo "RSS after queries: $(grep VmRSS /proc/$pid/status | awk '{print $2/1024 " MiB"}')"
kill "$pid"; wait "$pid" 2>/dev/null || true

rm "$work/root/.hlsseg/index/cam.idx"
serve "start without the index (rebuilt from the playlists)"
kill "$pid"; wait "$pid" 2>/dev/null || true

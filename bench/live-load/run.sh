#!/bin/sh
# Live-ingest load: N publishers replaying a 2 Mbit/s FLV at real-time pace against hlsseg's RTMP
# server and then nginx-rtmp (one worker, hls on), loopback only, in one run.
#   bench/live-load/run.sh [STREAMS=500] [SECONDS=300]
#   HLSSEG_BIN=/path/to/hlsseg bench/live-load/run.sh …   (skip building hlsseg)
# Prints CPU seconds (user+sys, from /proc/<pid>/stat) and peak RSS of each server.
set -eu
STREAMS=${1:-500}
SECONDS_=${2:-300}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE="$REPO/bench/.cache"
WORK=$(mktemp -d)
mkdir -p "$CACHE" "$WORK/hlsseg" "$WORK/nginx/hls"
# nginx's worker runs as an unprivileged user (nobody / www-data): without this it cannot reach
# the mktemp directory (mode 700), logs "hls: stat() failed … Permission denied" and writes no HLS.
chmod 755 "$WORK"
chmod 777 "$WORK/nginx/hls"
FLV="$CACHE/live-2mbit.flv"
[ -f "$FLV" ] || ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=30 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t 10 -c:v libx264 -preset veryfast -b:v 1900k \
    -maxrate 2000k -bufsize 2000k -g 60 -bf 2 -c:a aac -b:a 96k -f flv "$FLV"

(cd "$HERE" && swift build -c release --scratch-path "$REPO/.build-live-load" >/dev/null)
LOAD="$REPO/.build-live-load/release/live-load"
# HLSSEG_BIN: use an existing hlsseg binary instead of building one into .build/.
if [ -n "${HLSSEG_BIN:-}" ]; then
    HLSSEG=$HLSSEG_BIN
else
    (cd "$REPO" && swift build -c release --product hlsseg >/dev/null)
    HLSSEG="$REPO/.build/release/hlsseg"
fi

cpu_of() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }   # clock ticks → s (USER_HZ 100)
rss_of() { awk '/VmHWM/ {print $2 / 1024 " MiB"}' "/proc/$1/status"; }

measure() {  # name pid port
    sleep 2
    before=$(cpu_of "$2")
    "$LOAD" --flv "$FLV" --url "rtmp://127.0.0.1:$3/live/s" --streams "$STREAMS" --seconds "$SECONDS_" --ramp-ms 10
    after=$(cpu_of "$2")
    echo "$1: $(echo "$after - $before" | bc) s CPU for $STREAMS streams x $SECONDS_ s; peak RSS $(rss_of "$2")"
    echo "$1: per stream $(echo "scale=4; ($after - $before) * 100 / $SECONDS_ / $STREAMS" | bc) % of one core"
}

"$HLSSEG" serve --root "$WORK/hlsseg" --http-port 0 --rtmp-port 19350 --idle-timeout 5 --log-level warning &
HPID=$!
measure hlsseg $HPID 19350
kill $HPID; wait $HPID 2>/dev/null || true

sed -e "s#@ROOT@#$WORK/nginx#g" -e "s#@PORT@#19351#g" "$HERE/nginx-rtmp.conf.in" > "$WORK/nginx/nginx.conf"
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NPID=$!
sleep 1
WORKER=$(pgrep -P $NPID | head -1)
measure nginx-rtmp "$WORKER" 19351
kill $NPID; wait $NPID 2>/dev/null || true
echo "outputs in $WORK"

#!/bin/sh
# Simultaneous A/B of two hlsseg builds: both servers run at the same time, each with its own
# generator of N publishers, so that whatever else the shared machine does falls on both alike.
# Run one after the other, the same build varied by 10 % between runs here; side by side the
# ratio repeated within about 1 %.
#   bench/live-load/ab.sh BIN_A BIN_B [STREAMS=250 per server] [SECONDS=60] [ROUNDS=2]
#   AB_DIR=/dev/shm/ab   where both write (default /dev/shm: no disk stalls in a CPU comparison)
# Each round swaps which build gets which ports; prints CPU per frame sent for both and B/A.
set -eu
A=$1
B=$2
STREAMS=${3:-250}
SECONDS_=${4:-60}
ROUNDS=${5:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FLV="$REPO/bench/.cache/live-2mbit.flv"
[ -f "$FLV" ] || { echo "no $FLV: run bench/live-load/run.sh once, it makes it" >&2; exit 1; }
(cd "$HERE" && swift build -c release --scratch-path "$REPO/.build-live-load" >/dev/null)
LOAD="$REPO/.build-live-load/release/live-load"
WORK=${AB_DIR:-/dev/shm/hlsseg-ab}

cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # clock ticks (USER_HZ 100)
frames_of() { sed -n 's/^done: .* \([0-9][0-9]*\) frames.*/\1/p' "$1"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
echo "A: $A"
echo "B: $B"
round=1
while [ $round -le "$ROUNDS" ]; do
    rm -rf "$WORK"
    mkdir -p "$WORK/a" "$WORK/b"
    if [ $((round % 2)) -eq 1 ]; then pa=19350; pb=19352; else pa=19352; pb=19350; fi
    "$A" serve --root "$WORK/a" --http-port $((pa - 1270)) --rtmp-port $pa --idle-timeout 5 --log-level warning &
    PA=$!
    "$B" serve --root "$WORK/b" --http-port $((pb - 1270)) --rtmp-port $pb --idle-timeout 5 --log-level warning &
    PB=$!
    sleep 2
    ca=$(cpu_of $PA)
    cb=$(cpu_of $PB)
    "$LOAD" --flv "$FLV" --url "rtmp://127.0.0.1:$pa/live/s" --streams "$STREAMS" --seconds "$SECONDS_" --ramp-ms 10 > "$WORK/a.txt" &
    LA=$!
    "$LOAD" --flv "$FLV" --url "rtmp://127.0.0.1:$pb/live/s" --streams "$STREAMS" --seconds "$SECONDS_" --ramp-ms 10 > "$WORK/b.txt" &
    LB=$!
    wait $LA $LB
    ca=$(($(cpu_of $PA) - ca))
    cb=$(($(cpu_of $PB) - cb))
    fa=$(frames_of "$WORK/a.txt")
    fb=$(frames_of "$WORK/b.txt")
    kill $PA $PB
    wait $PA $PB 2>/dev/null || true
    echo "round $round: A $(echo "scale=2; $ca * 10000 / $fa" | bc) us/frame, B $(echo "scale=2; $cb * 10000 / $fb" | bc) us/frame," \
        "B/A $(echo "scale=3; ($cb * $fa) / ($ca * $fb)" | bc)"
    round=$((round + 1))
done
rm -rf "$WORK"

#!/bin/sh
# Simultaneous A/B of two hlsseg builds: both servers run at the same time, each with its own
# generator of N publishers, so that whatever else the shared machine does falls on both alike.
# Run one after the other, the same build varied by 10 % between runs here; side by side the
# ratio repeated within about 1 %.
#   bench/live-load/ab.sh BIN_A BIN_B [STREAMS=250 per server] [SECONDS=60] [ROUNDS=2]
#   AB_DIR=/dev/shm/ab   where both write (default /dev/shm: no disk stalls in a CPU comparison;
#                        a directory on a disk compares how the two wait for it)
#   AB_DISK_LOAD=1       meanwhile keep the disk under AB_DIR busy with direct writes of 1 MiB
#                        (dd, no page cache), so that its writes complete late, as on a slow disk
#   AB_BLOCKED_STACKS=1  sample where each server's threads wait for the disk (blocked-stacks.py,
#                        needs root)
# Each round swaps which build gets which ports; prints CPU per frame sent for both and B/A,
# and each server's report (publish latency, every frame segmented: report.py).
set -eu
A=$1
B=$2
STREAMS=${3:-250}
SECONDS_=${4:-60}
ROUNDS=${5:-2}
IDLE_TIMEOUT=5
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FLV="$REPO/bench/.cache/live-2mbit.flv"
[ -f "$FLV" ] || { echo "no $FLV: run bench/live-load/run.sh once, it makes it" >&2; exit 1; }
(cd "$HERE" && swift build -c release --scratch-path "$REPO/.build-live-load" >/dev/null)
LOAD="$REPO/.build-live-load/release/live-load"
WORK=${AB_DIR:-/dev/shm/hlsseg-ab}

cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # clock ticks (USER_HZ 100)
frames_of() { sed -n 's/^done: .* \([0-9][0-9]*\) frames.*/\1/p' "$1"; }

# serve NAME RTMP_PORT: one server writing into $WORK/NAME/hlsseg, laid out as report.py reads it.
serve() {
    mkdir -p "$WORK/$1/hlsseg"
    "$(eval echo "\$$1")" serve --root "$WORK/$1/hlsseg" --http-port $(($2 - 1270)) --rtmp-port "$2" \
        --idle-timeout $IDLE_TIMEOUT --log-level warning &
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
echo "A: $A"
echo "B: $B"
echo "load: 2 x $STREAMS streams x $SECONDS_ s, output in $WORK${AB_DISK_LOAD:+, disk kept busy}"
round=1
while [ $round -le "$ROUNDS" ]; do
    rm -rf "$WORK"
    mkdir -p "$WORK"
    if [ $((round % 2)) -eq 1 ]; then pa=19350; pb=19352; else pa=19352; pb=19350; fi
    serve A $pa
    PA=$!
    serve B $pb
    PB=$!
    if [ -n "${AB_DISK_LOAD:-}" ]; then
        # Over the same 1 GiB again and again: the disk's bandwidth, not its space.
        sh -c 'while :; do dd if=/dev/zero of="$1" bs=1M count=1024 oflag=direct conv=notrunc status=none; done' \
            disk-load "$WORK/disk-load" &
        DD=$!
    fi
    sleep 2
    if [ -n "${AB_BLOCKED_STACKS:-}" ]; then
        python3 "$HERE/blocked-stacks.py" $PA "$SECONDS_" > "$WORK/A/blocked-stacks.txt" 2>&1 &
        python3 "$HERE/blocked-stacks.py" $PB "$SECONDS_" > "$WORK/B/blocked-stacks.txt" 2>&1 &
    fi
    ca=$(cpu_of $PA)
    cb=$(cpu_of $PB)
    "$LOAD" --flv "$FLV" --url "rtmp://127.0.0.1:$pa/live/s" --streams "$STREAMS" --seconds "$SECONDS_" --ramp-ms 10 > "$WORK/A/hlsseg-load.txt" &
    LA=$!
    "$LOAD" --flv "$FLV" --url "rtmp://127.0.0.1:$pb/live/s" --streams "$STREAMS" --seconds "$SECONDS_" --ramp-ms 10 > "$WORK/B/hlsseg-load.txt" &
    LB=$!
    wait $LA $LB
    ca=$(($(cpu_of $PA) - ca))
    cb=$(($(cpu_of $PB) - cb))
    if [ -n "${AB_DISK_LOAD:-}" ]; then
        pkill -f "$WORK/disk-load" || true   # the loop and its dd
        wait $DD 2>/dev/null || true
        rm -f "$WORK/disk-load"
    fi
    # Every stream ends after the idle timeout; then the counters cover everything.
    sleep $((IDLE_TIMEOUT + 5))
    curl -s "http://127.0.0.1:$((pa - 1270))/metrics" > "$WORK/A/hlsseg-metrics.txt"
    curl -s "http://127.0.0.1:$((pb - 1270))/metrics" > "$WORK/B/hlsseg-metrics.txt"
    fa=$(frames_of "$WORK/A/hlsseg-load.txt")
    fb=$(frames_of "$WORK/B/hlsseg-load.txt")
    kill $PA $PB
    wait $PA $PB 2>/dev/null || true
    echo "round $round: A $(echo "scale=2; $ca * 10000 / $fa" | bc) us/frame, B $(echo "scale=2; $cb * 10000 / $fb" | bc) us/frame," \
        "B/A $(echo "scale=3; ($cb * $fa) / ($ca * $fb)" | bc)"
    python3 "$HERE/report.py" "$WORK/A" "$STREAMS" | sed 's/^hlsseg:/  A:/'
    python3 "$HERE/report.py" "$WORK/B" "$STREAMS" | sed 's/^hlsseg:/  B:/'
    if [ -n "${AB_BLOCKED_STACKS:-}" ]; then
        wait
        for server in A B; do cut -c1-200 "$WORK/$server/blocked-stacks.txt" | sed "s/^/  $server: /"; done
    fi
    round=$((round + 1))
done
rm -rf "$WORK"

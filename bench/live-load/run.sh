#!/bin/sh
# Live-ingest load: N publishers replaying a 2 Mbit/s FLV at real-time pace against hlsseg's RTMP
# server and then nginx-rtmp (one worker, hls on), loopback only, in one run.
#   bench/live-load/run.sh [STREAMS=500] [SECONDS=300] [ROUNDS=1]
#   ROUNDS > 1 alternates which server goes first and prints each round's CPU ratio, because
#   ext4's inode allocator makes file creation cost drift between runs (docs/benchmarks.md).
#   HLSSEG_BIN=/path/to/hlsseg   use an existing hlsseg binary (default: build release)
#   LIVE_LOAD_DIR=/dev/shm/x     where both servers write (default: mktemp -d, i.e. /tmp)
#   SKIP_NGINX=1                 hlsseg only
#   SETTLE_SECONDS=65            wait after deleting a server's output before the next server
#   DISK_PROBE=1                 during hlsseg's round, time a segment-like durable write every
#                                100 ms next to it and set each 10 s's slowest one beside the
#                                share of slow publishes (disk-probe.py; adds a little disk load)
#   AUDIO=g711                   publish G.711 μ-law audio (8 kHz mono, which hlsseg transcodes
#                                to AAC) instead of AAC passthrough; same video
#   BLOCKED_STACKS=1             during hlsseg's round, sample the kernel stacks of its threads
#                                that wait in state D (blocked-stacks.py; needs root)
# Prints for each server: CPU seconds (user+sys from /proc/<pid>/stat), per stream and per
# frame sent (the generator connects to a slower-accepting server later, and then sends less);
# resident memory idle and at peak (VmHWM) and per stream; for hlsseg also the segment publish
# latency percentiles (its /metrics histogram) and whether every frame the publishers sent was
# segmented.
set -eu
STREAMS=${1:-500}
SECONDS_=${2:-300}
ROUNDS=${3:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE="$REPO/bench/.cache"
WORK=${LIVE_LOAD_DIR:-$(mktemp -d)}
HTTP_PORT=18080
IDLE_TIMEOUT=5
# ext4 without a journal (this machine's) counts a freed inode as "recently deleted" for 60 s
# once its inode table block is written back, and every file creation in that block group scans
# past it; deleting one server's ~15,000 files would make the next server's file creation cost
# more. So: write back, then wait that minute out.
SETTLE_SECONDS=${SETTLE_SECONDS:-65}
mkdir -p "$CACHE" "$WORK/hlsseg" "$WORK/nginx/hls"
# nginx's worker runs as an unprivileged user (nobody / www-data): without this it cannot reach
# the mktemp directory (mode 700), logs "hls: stat() failed … Permission denied" and writes no HLS.
chmod 755 "$WORK"
chmod 777 "$WORK/nginx/hls"
FLV="$CACHE/live-2mbit.flv"
[ -f "$FLV" ] || ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=30 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t 10 -c:v libx264 -preset veryfast -b:v 1900k \
    -maxrate 2000k -bufsize 2000k -g 60 -bf 2 -c:a aac -b:a 96k -f flv "$FLV"
if [ "${AUDIO:-aac}" = g711 ]; then
    # The same video; the audio as a camera sends it: G.711 μ-law, 8 kHz mono, 20 ms frames.
    AAC_FLV=$FLV
    FLV="$CACHE/live-2mbit-g711.flv"
    [ -f "$FLV" ] || ffmpeg -hide_banner -loglevel error -y -i "$AAC_FLV" -c:v copy \
        -af aresample=8000,asetnsamples=n=160 -c:a pcm_mulaw -ac 1 -f flv "$FLV"
fi

(cd "$HERE" && swift build -c release --scratch-path "$REPO/.build-live-load" >/dev/null)
LOAD="$REPO/.build-live-load/release/live-load"
if [ -n "${HLSSEG_BIN:-}" ]; then
    HLSSEG=$HLSSEG_BIN
else
    (cd "$REPO" && swift build -c release --scratch-path "$REPO/.build-release" --product hlsseg >/dev/null)
    HLSSEG="$REPO/.build-release/release/hlsseg"
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
echo "load: $STREAMS streams x $SECONDS_ s of $(basename "$FLV"), output in $WORK ($(df -T "$WORK" | awk 'NR==2 {print $2}'))"
echo "hlsseg: $("$HLSSEG" --version 2>/dev/null || echo "$HLSSEG")"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

cpu_of() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }   # clock ticks -> s (USER_HZ 100)
rss_of() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }         # KiB
hwm_of() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }         # KiB

# Until something accepts connections on port $1. A fixed pause was not enough: after a run has
# written 36 GB the server's binary and libraries are no longer cached, and one cold start took
# over 4 s, so 201 of 500 publishers found the port closed.
wait_for_port() {
    tries=0
    until python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1).close()" "$1" 2>/dev/null; do
        tries=$((tries + 1))
        if [ $tries -ge 300 ]; then echo "nothing listens on port $1 after 30 s" >&2; exit 1; fi
        sleep 0.1
    done
}

measure() {  # name pid port
    wait_for_port "$3"
    sleep 1
    idle=$(rss_of "$2")
    before=$(cpu_of "$2")
    "$LOAD" --flv "$FLV" --url "rtmp://127.0.0.1:$3/live/s" --streams "$STREAMS" --seconds "$SECONDS_" --ramp-ms 10 \
        | tee "$WORK/$1-load.txt"
    after=$(cpu_of "$2")
    peak=$(hwm_of "$2")
    cpu=$(echo "$after - $before" | bc)
    frames=$(sed -n 's/^done: .* \([0-9][0-9]*\) frames.*/\1/p' "$WORK/$1-load.txt")
    echo "$1: CPU $cpu s for $STREAMS streams x $SECONDS_ s = $(echo "scale=4; $cpu * 100 / $SECONDS_ / $STREAMS" | bc) % of one core per stream"
    # Per frame, because a server that accepts the publishers more slowly gets less to do.
    echo "$1: $frames frames sent, $(echo "scale=2; $cpu * 1000000 / $frames" | bc) us of CPU per frame"
    echo "$cpu $frames" > "$WORK/$1-cpu.txt"
    echo "$1: memory idle $((idle / 1024)) MiB, peak $((peak / 1024)) MiB, per stream $(echo "scale=2; ($peak - $idle) / 1024 / $STREAMS" | bc) MiB"
}

settle() {
    sync
    sleep "$SETTLE_SECONDS"
}

run_hlsseg() {
    mkdir -p "$WORK/hlsseg"
    "$HLSSEG" serve --root "$WORK/hlsseg" --http-port $HTTP_PORT --rtmp-port 19350 --idle-timeout $IDLE_TIMEOUT --log-level warning &
    HPID=$!
    if [ -n "${DISK_PROBE:-}" ]; then
        python3 "$HERE/disk-probe.py" "$WORK/disk-probe" "http://127.0.0.1:$HTTP_PORT/metrics" "$((SECONDS_ + 15))" \
            > "$WORK/disk-probe.txt" 2>&1 &
        PROBE=$!
    fi
    if [ -n "${BLOCKED_STACKS:-}" ]; then
        python3 "$HERE/blocked-stacks.py" "$HPID" "$((SECONDS_ + 5))" > "$WORK/blocked-stacks.txt" 2>&1 &
        STACKS=$!
    fi
    measure hlsseg $HPID 19350
    # Every stream ends after the idle timeout; then the counters cover everything.
    sleep $((IDLE_TIMEOUT + 5))
    curl -s "http://127.0.0.1:$HTTP_PORT/metrics" > "$WORK/hlsseg-metrics.txt"
    kill $HPID; wait $HPID 2>/dev/null || true
    python3 "$HERE/report.py" "$WORK" "$STREAMS"
    if [ -n "${DISK_PROBE:-}" ]; then
        wait $PROBE || true
        grep '^disk probe' "$WORK/disk-probe.txt" || true
    fi
    if [ -n "${BLOCKED_STACKS:-}" ]; then
        wait $STACKS || true
        cut -c1-240 "$WORK/blocked-stacks.txt"
    fi
    rm -rf "$WORK/hlsseg"   # 300 s x 500 streams is about 37 GB: make room for nginx's copy
    settle
}

run_nginx() {
    mkdir -p "$WORK/nginx/hls"
    chmod 777 "$WORK/nginx/hls"
    sed -e "s#@ROOT@#$WORK/nginx#g" -e "s#@PORT@#19351#g" "$HERE/nginx-rtmp.conf.in" > "$WORK/nginx/nginx.conf"
    nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
    NPID=$!
    sleep 1
    WORKER=$(pgrep -P $NPID | head -1)
    measure nginx-rtmp "$WORKER" 19351
    echo "nginx-rtmp: $(ls "$WORK/nginx/hls" | grep -c '\.ts$') .ts segments on disk"
    kill $NPID; wait $NPID 2>/dev/null || true
    rm -rf "$WORK/nginx/hls"
    settle
}

round=1
while [ $round -le "$ROUNDS" ]; do
    [ "$ROUNDS" -gt 1 ] && echo "--- round $round of $ROUNDS"
    if [ -n "${SKIP_NGINX:-}" ]; then
        run_hlsseg
    elif [ $((round % 2)) -eq 1 ]; then
        run_hlsseg; run_nginx
    else
        run_nginx; run_hlsseg
    fi
    if [ -z "${SKIP_NGINX:-}" ]; then
        read -r hcpu hframes < "$WORK/hlsseg-cpu.txt"
        read -r ncpu nframes < "$WORK/nginx-rtmp-cpu.txt"
        echo "round $round: hlsseg/nginx CPU ratio $(echo "scale=3; $hcpu / $ncpu" | bc)," \
            "per frame sent $(echo "scale=3; ($hcpu * $nframes) / ($ncpu * $hframes)" | bc)" \
            | tee -a "$WORK/ratios.txt"
    fi
    round=$((round + 1))
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "logs and metrics in $WORK"

#!/usr/bin/env bash
# `hlsseg export` against `ffmpeg -c copy -movflags +faststart` on the 10-minute 1080p30 benchmark
# recording (fMP4 HLS), the HTTP export against the same bytes served as static segments, and
# the time to the first byte of a one-hour HTTP export. See docs/benchmarks.md.
#
# Usage: bench/export-vs-ffmpeg.sh [-n RUNS] [-d]  (default 5 runs of each, alternating)
#   -d   write the CLI outputs to disk (bench/.cache) instead of tmpfs (/dev/shm)
#   HLSSEG_BIN=path                  measure an existing binary instead of building one
#   HLSSEG_SCRATCH_PATH=.build-foo   build hlsseg in another scratch folder
# The recordings are made once and kept in bench/.cache/. Exits 0 whether or not the targets
# are met (it prints PASS/FAIL for each); non-zero only when a command itself fails.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
on_disk=0
while getopts "n:dh" opt; do
    case "$opt" in
        n) runs=$OPTARG ;;
        d) on_disk=1 ;;
        *) sed -n '2,11p' "$0"; exit 2 ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench: -n wants a positive number" >&2; exit 2; }

# Targets: the CLI export uses at most half of ffmpeg's CPU time, no more wall time and no more
# peak memory; the HTTP export streams at least 0.8 times as fast as the same bytes served as
# segment files; a one-hour HTTP export sends its first byte within 100 ms.
TARGET_CPU_RATIO=0.5
TARGET_WALL_RATIO=1
TARGET_RSS_RATIO=1
TARGET_HTTP_RATIO=0.8
TARGET_TTFB_MS=100

scripts/setup.sh --bench >/dev/null
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: $TIME missing (scripts/setup.sh installs Debian's 'time')" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: curl missing (apt-get install curl)" >&2; exit 1; }

cache=bench/.cache
input=$cache/in-1080p30-10min.mp4
mkdir -p "$cache"
if [ ! -s "$input" ]; then
    # segment-vs-ffmpeg.sh holds the recipe of the 10-minute input; one short run of it makes it.
    echo "bench: making $input with bench/segment-vs-ffmpeg.sh -n 1 (a few minutes)"
    bench/segment-vs-ffmpeg.sh -n 1 >/dev/null
fi

if [ -n "${HLSSEG_BIN:-}" ]; then
    hlsseg=$HLSSEG_BIN
else
    scratch=()
    [ -n "${HLSSEG_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$HLSSEG_SCRATCH_PATH")
    # The binary as it ships: release, Swift runtime linked in.
    echo "bench: swift build -c release --static-swift-stdlib --product hlsseg ${scratch[*]}"
    swift build -c release --static-swift-stdlib --product hlsseg "${scratch[@]}" >/dev/null
    hlsseg="$(swift build -c release --static-swift-stdlib --show-bin-path "${scratch[@]}")/hlsseg"
fi

# The served root holds both recordings as streams. They are made with `hlsseg segment` into
# a hidden folder and renamed, so an interrupted run leaves nothing that looks finished.
root=$PWD/$cache/export-root
name10=rec-10min
name60=rec-60min
hls10=$root/$name10
hls60=$root/$name60
mkdir -p "$root"
segment_once() { # INPUT FOLDER
    [ -s "$2/index.m3u8" ] && return
    local part
    part="$(dirname "$2")/.$(basename "$2").part"
    rm -rf "$part"
    echo "bench: $hlsseg segment $1 -o $2 --hls-time 2 --hls-playlist-type vod"
    "$hlsseg" segment "$1" -o "$part" --hls-time 2 --hls-playlist-type vod
    mv "$part" "$2"
}
segment_once "$input" "$hls10"
if [ ! -s "$hls60/index.m3u8" ]; then
    # One hour in 1800 two-second segments, small so that it is quick to make (a few minutes
    # on 2 cores) and to keep: time to the first byte depends on the number of segments and
    # samples, not on their size.
    input60=$cache/in-180p30-60min.mp4
    if [ ! -s "$input60" ]; then
        echo "bench: making $input60 once (1 h 320x180 30 fps H.264 at 300 kbit/s + AAC; a few minutes)"
        ffmpeg -nostdin -hide_banner -v error -y \
            -f lavfi -i "testsrc2=size=320x180:rate=30:duration=3600" \
            -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=3600" \
            -map 0:v -map 1:a \
            -c:v libx264 -preset ultrafast -g 60 -sc_threshold 0 -pix_fmt yuv420p \
            -b:v 300k -maxrate 300k -bufsize 600k \
            -c:a aac -b:a 64k -ac 2 \
            -f mp4 "$input60.part"
        mv "$input60.part" "$input60"
    fi
    segment_once "$input60" "$hls60"
fi

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
at_most() { awk -v v="$1" -v t="$2" 'BEGIN { print (v != "inf" && v <= t) ? "PASS" : "FAIL" }'; }
at_least() { awk -v v="$1" -v t="$2" 'BEGIN { print (v != "inf" && v >= t) ? "PASS" : "FAIL" }'; }
below() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "PASS" : "FAIL" }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
load_before=$(loadavg)

# ---------------------------------------------------------------------------------------------
# 1. CLI: hlsseg export against ffmpeg, one fresh output file each run.

# tmpfs by default, as in segment-vs-ffmpeg.sh: on disk the kernel charges the writeback of
# dirty pages to whichever process crosses the dirty limit.
if [ "$on_disk" = 0 ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    outroot=/dev/shm/hlsseg-export-bench
else
    outroot=$PWD/$cache/export-out
fi
mkdir -p "$outroot"
# The server of sections 2 and 3 is stopped, and tmpfs output removed, however the script ends.
server_pid=
stop_server() {
    [ -n "$server_pid" ] || return 0
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
}
trap 'stop_server; [ "$outroot" = "$PWD/$cache/export-out" ] || rm -rf "$outroot"' EXIT
out1=$outroot/out-hlsseg.mp4
out2=$outroot/out-ffmpeg.mp4
hlsseg_cmd=("$hlsseg" export "$hls10" -o "$out1")
ffmpeg_cmd=(ffmpeg -nostdin -v error -i "$hls10/index.m3u8" -c copy -movflags +faststart "$out2")

# measure NAME OUT CMD...: runs CMD (its output to $cache/NAME.log, so that neither tool draws
# progress on a terminal); appends "wall user sys maxrss_kib" to $cache/NAME.times.
measure() {
    local name=$1 out=$2
    shift 2
    rm -f "$out"
    if ! "$TIME" -f '%e %U %S %M' -o "$cache/$name.last" "$@" >"$cache/$name.log" 2>&1; then
        echo "bench: $name failed: $*" >&2
        cat "$cache/$name.log" >&2
        exit 1
    fi
    [ -s "$out" ] || { echo "bench: $name wrote no $out" >&2; exit 1; }
    tail -n 1 "$cache/$name.last" >>"$cache/$name.times"
}

rm -f "$cache"/export-hlsseg.times "$cache"/export-ffmpeg.times
echo "bench: CLI warm-up (page cache), not counted"
measure export-hlsseg "$out1" "${hlsseg_cmd[@]}"
measure export-ffmpeg "$out2" "${ffmpeg_cmd[@]}"
rm -f "$cache"/export-hlsseg.times "$cache"/export-ffmpeg.times
for ((i = 1; i <= runs; i++)); do
    echo "bench: CLI run $i/$runs"
    if ((i % 2)); then
        measure export-hlsseg "$out1" "${hlsseg_cmd[@]}"
        measure export-ffmpeg "$out2" "${ffmpeg_cmd[@]}"
    else
        measure export-ffmpeg "$out2" "${ffmpeg_cmd[@]}"
        measure export-hlsseg "$out1" "${hlsseg_cmd[@]}"
    fi
done

packets() { ffprobe -v error -count_packets -show_entries stream=index,codec_type,nb_read_packets -of csv=p=0 "$1" | tr '\n' ' '; }
packets_h=$(packets "$out1")
packets_f=$(packets "$out2")
size_h=$(stat -c %s "$out1")
size_f=$(stat -c %s "$out2")

wall_h=$(awk '{ print $1 }' "$cache/export-hlsseg.times" | median)
wall_f=$(awk '{ print $1 }' "$cache/export-ffmpeg.times" | median)
user_h=$(awk '{ print $2 }' "$cache/export-hlsseg.times" | median)
user_f=$(awk '{ print $2 }' "$cache/export-ffmpeg.times" | median)
sys_h=$(awk '{ print $3 }' "$cache/export-hlsseg.times" | median)
sys_f=$(awk '{ print $3 }' "$cache/export-ffmpeg.times" | median)
cpu_h=$(awk '{ print $2 + $3 }' "$cache/export-hlsseg.times" | median)
cpu_f=$(awk '{ print $2 + $3 }' "$cache/export-ffmpeg.times" | median)
rss_h=$(awk '{ print $4 / 1024 }' "$cache/export-hlsseg.times" | median)
rss_f=$(awk '{ print $4 / 1024 }' "$cache/export-ffmpeg.times" | median)
cpu_ratio=$(ratio "$cpu_h" "$cpu_f")
wall_ratio=$(ratio "$wall_h" "$wall_f")
rss_ratio=$(ratio "$rss_h" "$rss_f")
floor_h=$("$TIME" -f '%M' "$hlsseg" --help 2>&1 >/dev/null | tail -1)
floor_f=$("$TIME" -f '%M' ffmpeg -version 2>&1 >/dev/null | tail -1)

# ---------------------------------------------------------------------------------------------
# 2 and 3. HTTP: one hlsseg serve at a time over the root.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=
start_server() {
    stop_server
    port=$(free_port)
    "$hlsseg" serve --root "$root" --http-port "$port" --no-rtmp --log-level warning >>"$cache/export-serve.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 200); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "bench: hlsseg serve did not answer on port $port (see $cache/export-serve.log)" >&2
    exit 1
}
serve_cmd="$hlsseg serve --root $root --http-port PORT --no-rtmp --log-level warning"
# pinned NAME SECONDS: the export URL path of the recording's first SECONDS in its pinned form,
# as the server's redirect gives it (asking with `duration` is always redirected, and a
# redirect is answered before anything is indexed).
pinned() {
    local answer
    answer=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$port/api/streams/$1/export.mp4?start=0&duration=$2")
    [ "${answer%% *}" = 302 ] || { echo "bench: expected a redirect for $1, got: $answer" >&2; exit 1; }
    echo "/${answer#*://*/}"
}
# CPU clock ticks (user + system) the server has used so far.
ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
hz=$(getconf CLK_TCK)
curl_w='%{time_total} %{size_download} %{time_starttransfer}\n'

echo "bench: HTTP, export against static segments"
rm -f "$cache/export-serve.log"
start_server
export10=$(pinned "$name10" 600)
export_url="http://127.0.0.1:$port$export10"
static_config=$cache/export-static.curl
{
    init=$(sed -n 's/^#EXT-X-MAP:URI="\([^"]*\)".*/\1/p' "$hls10/index.m3u8" | head -1)
    for file in $init $(grep -v '^#' "$hls10/index.m3u8" | grep -v '^$'); do
        printf 'url = "http://127.0.0.1:%s/hls/%s/%s"\noutput = "/dev/null"\n' "$port" "$name10" "$file"
    done
} >"$static_config"
static_files=$(grep -c '^url' "$static_config")
# fetch KIND: one download; appends "seconds bytes server-cpu-seconds" to $cache/http-KIND.times.
fetch() {
    local before after line
    before=$(ticks)
    if [ "$1" = export ]; then
        line=$(curl -sS -o /dev/null -w "$curl_w" "$export_url")
    else
        line=$(curl -sS --config "$static_config" -w "$curl_w" | awk '{ t += $1; b += $2 } END { print t, b }')
    fi
    after=$(ticks)
    echo "$line $(awk -v t=$((after - before)) -v hz="$hz" 'BEGIN { print t / hz }')" | awk '{ print $1, $2, $NF }' >>"$cache/http-$1.times"
}
rm -f "$cache"/http-export.times "$cache"/http-static.times
fetch export
fetch static
rm -f "$cache"/http-export.times "$cache"/http-static.times
for ((i = 1; i <= runs; i++)); do
    if ((i % 2)); then fetch export; fetch static; else fetch static; fetch export; fi
done
stop_server
rate() { awk '{ print $2 / $1 / 1e6 }' "$cache/http-$1.times" | median; }
rate_e=$(rate export)
rate_s=$(rate static)
bytes_e=$(awk 'NR == 1 { print $2 }' "$cache/http-export.times")
bytes_s=$(awk 'NR == 1 { print $2 }' "$cache/http-static.times")
time_e=$(awk '{ print $1 }' "$cache/http-export.times" | median)
time_s=$(awk '{ print $1 }' "$cache/http-static.times" | median)
scpu_e=$(awk '{ print $3 }' "$cache/http-export.times" | median)
scpu_s=$(awk '{ print $3 }' "$cache/http-static.times" | median)
http_ratio=$(ratio "$rate_e" "$rate_s")

echo "bench: HTTP, time to the first byte of a one-hour export"
rm -f "$cache"/ttfb-cold.times "$cache"/ttfb-warm.times
for ((i = 1; i <= runs; i++)); do
    start_server
    export60=$(pinned "$name60" 3600)
    for kind in cold warm; do
        curl -sS -o /dev/null -w "$curl_w" "http://127.0.0.1:$port$export60" >>"$cache/ttfb-$kind.times"
    done
done
stop_server
ttfb() { awk '{ print $3 * 1000 }' "$cache/ttfb-$1.times" | median; }
ttfb_cold=$(ttfb cold)
ttfb_warm=$(ttfb warm)
ttfb_list() { awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $3 * 1000 }' "$cache/ttfb-$1.times"; }
bytes60=$(awk 'NR == 1 { print $2 }' "$cache/ttfb-warm.times")
load_after=$(loadavg)

# ---------------------------------------------------------------------------------------------
# Report.

echo
echo "machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "load:     $load_before before, $load_after after (1, 5, 15 min)"
echo "commit:   $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo ' (Sources modified)')"
echo
echo "1. CLI export of $hls10 ($(grep -c '^#EXTINF' "$hls10/index.m3u8") segments, $(du -sh "$hls10" | cut -f1); made from $input)"
echo "hlsseg:   ${hlsseg_cmd[*]}"
echo "ffmpeg:   ${ffmpeg_cmd[*]}"
echo "output:   $outroot ($(df --output=fstype "$outroot" | tail -1))"
echo "runs:     $runs each, alternating, after one warm-up each; medians of /usr/bin/time -f '%e %U %S %M'"
echo "idle RSS: hlsseg --help $((floor_h / 1024)) MiB, ffmpeg -version $((floor_f / 1024)) MiB (libraries loaded, no media read)"
echo
printf '%-8s %8s %8s %8s %14s %12s %14s\n' "" wall user sys "CPU user+sys" "peak RSS" "file size"
printf '%-8s %7.2fs %7.2fs %7.2fs %13.2fs %8.1f MiB %14s\n' hlsseg "$wall_h" "$user_h" "$sys_h" "$cpu_h" "$rss_h" "$size_h"
printf '%-8s %7.2fs %7.2fs %7.2fs %13.2fs %8.1f MiB %14s\n' ffmpeg "$wall_f" "$user_f" "$sys_f" "$cpu_f" "$rss_f" "$size_f"
printf '%-8s %8s %8s %8s %14s %12s\n' ratio "$wall_ratio" "" "" "$cpu_ratio" "$rss_ratio"
echo "packets (index,type,count): hlsseg $packets_h| ffmpeg $packets_f"
echo
echo "2. HTTP export against the same recording as static files, one hlsseg serve"
echo "server:   $serve_cmd"
echo "export:   curl -s -o /dev/null -w '$curl_w' http://127.0.0.1:PORT$export10"
echo "static:   curl -s --config FILE (url + output = /dev/null for init and each of the $((static_files - 1)) segments: one keep-alive connection, one after the other)"
echo "runs:     $runs each, alternating, after one warm-up each; medians"
echo
printf '%-8s %14s %9s %10s %16s\n' "" bytes seconds MB/s "server CPU"
printf '%-8s %14s %8.3fs %10.0f %15.3fs\n' export "$bytes_e" "$time_e" "$rate_e" "$scpu_e"
printf '%-8s %14s %8.3fs %10.0f %15.3fs\n' static "$bytes_s" "$time_s" "$rate_s" "$scpu_s"
echo "ratio export/static MB/s: $http_ratio"
echo
echo "3. Time to the first byte of a one-hour export ($(grep -c '^#EXTINF' "$hls60/index.m3u8") segments, $bytes60 bytes)"
echo "request:  curl -s -o /dev/null -w '$curl_w' http://127.0.0.1:PORT$export60"
echo "runs:     $runs; each starts a new server (cold: nothing indexed; segment files in the page cache), then asks twice (warm)"
echo "cold:     median $(printf '%.0f' "$ttfb_cold") ms ($(ttfb_list cold))"
echo "warm:     median $(printf '%.0f' "$ttfb_warm") ms ($(ttfb_list warm))"
echo
[ "$packets_h" = "$packets_f" ] && same=PASS || same=FAIL
echo "$same  same packets per stream in both outputs"
echo "$(at_most "$cpu_ratio" "$TARGET_CPU_RATIO")  CPU ratio hlsseg/ffmpeg $cpu_ratio (target <= $TARGET_CPU_RATIO)"
echo "$(at_most "$wall_ratio" "$TARGET_WALL_RATIO")  wall ratio hlsseg/ffmpeg $wall_ratio (target <= $TARGET_WALL_RATIO)"
echo "$(at_most "$rss_ratio" "$TARGET_RSS_RATIO")  peak RSS ratio hlsseg/ffmpeg $rss_ratio (target <= $TARGET_RSS_RATIO)"
echo "$(at_least "$http_ratio" "$TARGET_HTTP_RATIO")  HTTP export/static rate $http_ratio (target >= $TARGET_HTTP_RATIO)"
echo "$(below "$ttfb_cold" "$TARGET_TTFB_MS")  one-hour export, first byte cold $(printf '%.0f' "$ttfb_cold") ms (target < $TARGET_TTFB_MS ms)"
echo "$(below "$ttfb_warm" "$TARGET_TTFB_MS")  one-hour export, first byte warm $(printf '%.0f' "$ttfb_warm") ms (target < $TARGET_TTFB_MS ms)"
exit 0

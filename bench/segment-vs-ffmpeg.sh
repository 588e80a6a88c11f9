#!/usr/bin/env bash
# CPU time and peak memory of `hlsseg segment` against `ffmpeg -c copy -f hls` (fMP4) on the
# same 10-minute 1080p30 H.264 (B-frames) + AAC file. See docs/benchmarks.md.
#
# Usage: bench/segment-vs-ffmpeg.sh [-n RUNS] [-d]  (default 5 runs of each, alternating)
#   -d   write the outputs to disk (bench/.cache) instead of tmpfs (/dev/shm)
#   HLSSEG_SCRATCH_PATH=.build-foo   build hlsseg in another scratch folder
# The input is made once and kept in bench/.cache/. Exits 0 whether or not the targets are
# met (it prints PASS/FAIL for each); non-zero only when a command itself fails.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
on_disk=0
while getopts "n:dh" opt; do
    case "$opt" in
        n) runs=$OPTARG ;;
        d) on_disk=1 ;;
        *) sed -n '2,9p' "$0"; exit 2 ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench: -n wants a positive number" >&2; exit 2; }

# Targets: hlsseg uses at most half of ffmpeg's CPU time, and at most 40 MiB peak RSS.
TARGET_CPU_RATIO=0.5
TARGET_RSS_MIB=40

scripts/setup.sh >/dev/null
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: $TIME missing (scripts/setup.sh installs Debian's 'time')" >&2; exit 1; }

cache=bench/.cache
input=$cache/in-1080p30-10min.mp4
mkdir -p "$cache"
if [ ! -s "$input" ]; then
    echo "bench: making $input once (10 min 1080p30 H.264 -bf 2 at 4 Mbit/s + AAC; a few minutes)"
    ffmpeg -nostdin -hide_banner -v error -y \
        -f lavfi -i "testsrc2=size=1920x1080:rate=30:duration=600" \
        -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=600" \
        -map 0:v -map 1:a \
        -c:v libx264 -preset ultrafast -bf 2 -g 60 -sc_threshold 0 -pix_fmt yuv420p \
        -b:v 4M -maxrate 4M -bufsize 8M \
        -c:a aac -b:a 128k -ac 2 \
        -f mp4 "$input.part"
    mv "$input.part" "$input"
fi

scratch=()
[ -n "${HLSSEG_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$HLSSEG_SCRATCH_PATH")
# The binary as it ships: release, Swift runtime linked in (3 MiB less resident memory than
# loading libswiftCore/Foundation as shared libraries).
echo "bench: swift build -c release --static-swift-stdlib --product hlsseg ${scratch[*]}"
swift build -c release --static-swift-stdlib --product hlsseg "${scratch[@]}" >/dev/null
hlsseg="$(swift build -c release --static-swift-stdlib --show-bin-path "${scratch[@]}")/hlsseg"

# Outputs go to tmpfs by default: on disk, the kernel charges the writeback of dirty pages to
# whichever process happens to cross the dirty limit, which swings either tool's system time by
# several tenths of a second from run to run. tmpfs measures the segmenters, not the disk.
if [ "$on_disk" = 0 ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    outroot=/dev/shm/hlsseg-bench
else
    outroot=$cache
fi
mkdir -p "$outroot"
out1=$outroot/out-hlsseg
out2=$outroot/out-ffmpeg
hlsseg_cmd=("$hlsseg" segment "$input" -o "$out1" --hls-time 2 --hls-playlist-type vod)
ffmpeg_cmd=(ffmpeg -nostdin -v error -i "$input" -c copy -f hls -hls_segment_type fmp4 -hls_time 2
    -hls_playlist_type vod "$out2/index.m3u8")

# measure NAME CMD...: runs CMD in a fresh output folder; appends "user sys maxrss_kib" to
# $cache/NAME.times.
measure() {
    local name=$1 out=$2
    shift 2
    rm -rf "$out" && mkdir -p "$out"
    if ! "$TIME" -f '%U %S %M' -o "$cache/$name.last" "$@"; then
        echo "bench: $name failed: $*" >&2
        exit 1
    fi
    [ -s "$out/index.m3u8" ] || { echo "bench: $name wrote no $out/index.m3u8" >&2; exit 1; }
    tail -n 1 "$cache/$name.last" >>"$cache/$name.times"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rm -f "$cache"/hlsseg.times "$cache"/ffmpeg.times
echo "bench: warm-up (page cache), not counted"
measure hlsseg "$out1" "${hlsseg_cmd[@]}"
measure ffmpeg "$out2" "${ffmpeg_cmd[@]}"
rm -f "$cache"/hlsseg.times "$cache"/ffmpeg.times
for ((i = 1; i <= runs; i++)); do
    echo "bench: run $i/$runs"
    if ((i % 2)); then
        measure hlsseg "$out1" "${hlsseg_cmd[@]}"
        measure ffmpeg "$out2" "${ffmpeg_cmd[@]}"
    else
        measure ffmpeg "$out2" "${ffmpeg_cmd[@]}"
        measure hlsseg "$out1" "${hlsseg_cmd[@]}"
    fi
done

cpu_h=$(awk '{ print $1 + $2 }' "$cache/hlsseg.times" | median)
cpu_f=$(awk '{ print $1 + $2 }' "$cache/ffmpeg.times" | median)
rss_h=$(awk '{ print $3 / 1024 }' "$cache/hlsseg.times" | median)
rss_f=$(awk '{ print $3 / 1024 }' "$cache/ffmpeg.times" | median)
cpu_ratio=$(awk -v h="$cpu_h" -v f="$cpu_f" 'BEGIN { if (f > 0) printf "%.2f", h / f; else print "inf" }')
rss_ratio=$(awk -v h="$rss_h" -v f="$rss_f" 'BEGIN { if (f > 0) printf "%.2f", h / f; else print "inf" }')

echo
echo "machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "input:    $input ($(du -h "$input" | cut -f1)), $(ffprobe -v error -show_entries format=duration -of csv=p=0 "$input") s"
echo "hlsseg:   ${hlsseg_cmd[*]}"
echo "ffmpeg:   ${ffmpeg_cmd[*]}"
echo "output:   $outroot ($(df --output=fstype "$outroot" | tail -1))"
echo "runs:     $runs each, alternating, after one warm-up each; medians of /usr/bin/time -f '%U %S %M'"
# The floor: resident memory of each program doing nothing (shared libraries loaded, no media).
floor_h=$("$TIME" -f '%M' "$hlsseg" --help 2>&1 >/dev/null | tail -1)
floor_f=$("$TIME" -f '%M' ffmpeg -version 2>&1 >/dev/null | tail -1)
echo "idle RSS: hlsseg --help $((floor_h / 1024)) MiB, ffmpeg -version $((floor_f / 1024)) MiB (libraries loaded, no media read)"
echo
printf '%-8s %14s %16s\n' "" "CPU user+sys" "peak RSS"
printf '%-8s %13.2fs %12.1f MiB\n' hlsseg "$cpu_h" "$rss_h"
printf '%-8s %13.2fs %12.1f MiB\n' ffmpeg "$cpu_f" "$rss_f"
printf '%-8s %14s %16s\n' ratio "$cpu_ratio" "$rss_ratio"
echo
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v != "inf" && v <= t) ? "PASS" : "FAIL" }'; }
echo "$(verdict "$cpu_ratio" "$TARGET_CPU_RATIO")  CPU ratio hlsseg/ffmpeg $cpu_ratio (target <= $TARGET_CPU_RATIO)"
echo "$(verdict "$rss_h" "$TARGET_RSS_MIB")  hlsseg peak RSS $(printf '%.1f' "$rss_h") MiB (target <= $TARGET_RSS_MIB MiB)"
[ "$outroot" = "$cache" ] || rm -rf "$outroot"
exit 0

#!/usr/bin/env bash
# CPU time per thumbnail: `hlsseg serve` answering GET /api/streams/<name>/thumbnail.jpg for
# distinct 1080p segments (every request a cache miss: one keyframe decoded, scaled to 320 px,
# JPEG-encoded), against `ffmpeg -ss T -i in.mp4 -frames:v 1 -vf scale=320:-2 out.jpg` on the
# same keyframes (`-noaccurate_seek`: the keyframe at or before T), alternating. See
# docs/benchmarks.md ("Thumbnails").
#
# Usage: bench/thumbnail.sh [-n THUMBNAILS] [-c | -i INPUT.mp4]  (default 20 thumbnails)
#   (default)  the benchmarks' 10-minute 1080p30 input (bench/.cache/in-1080p30-10min.mp4, x264
#              ultrafast: CAVLC, no deblocking, ~60 KB keyframes; made by segment-vs-ffmpeg.sh)
#   -c   a camera-like 60-s clip instead (CABAC, deblocking, sensor noise: ~190 KB keyframes)
#   -i   any 1080p H.264 MP4
# The first (THUMBNAILS + 2) × 2 s of the input are cut (stream copy) and segmented.
#   HLSSEG_BIN=path                  measure an existing binary instead of building one
#   HLSSEG_SCRATCH_PATH=.build-foo   build hlsseg in another scratch folder
# Exits 0 whether or not the target is met (it prints PASS/FAIL); non-zero only when a command fails.
set -euo pipefail
cd "$(dirname "$0")/.."

count=20
input=
camera=0
while getopts "n:ci:h" opt; do
    case "$opt" in
        n) count=$OPTARG ;;
        c) camera=1 ;;
        i) input=$OPTARG ;;
        *) sed -n '2,15p' "$0"; exit 2 ;;
    esac
done
[[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "bench: -n wants a positive number" >&2; exit 2; }

# Target: a 1080p keyframe → 320-px JPEG costs at most 20 ms of the server's CPU.
TARGET_MS=20
WIDTH=320

scripts/setup.sh >/dev/null
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: $TIME missing (scripts/setup.sh installs Debian's 'time')" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: curl missing (apt-get install curl)" >&2; exit 1; }

cache=bench/.cache
mkdir -p "$cache"
if [ -z "$input" ] && [ "$camera" = 0 ]; then
    input=$cache/in-1080p30-10min.mp4
    if [ ! -s "$input" ]; then
        # segment-vs-ffmpeg.sh holds the recipe of the 10-minute input; one short run of it makes it.
        echo "bench: making $input with bench/segment-vs-ffmpeg.sh -n 1 (a few minutes)"
        bench/segment-vs-ffmpeg.sh -n 1 >/dev/null
    fi
elif [ -z "$input" ]; then
    # Keyframes as a camera makes them: High profile with CABAC and the deblocking filter
    # (x264 `veryfast`; `ultrafast` turns both off and decodes faster than any camera stream),
    # 2-s GOPs, 8 Mbit/s, and sensor-like noise on testsrc2 (without it a keyframe is ~70 KB;
    # with it ~190 KB, as 1080p cameras send).
    input=$cache/in-1080p30-60s-camera.mp4
    if [ ! -s "$input" ]; then
        echo "bench: making $input once (60 s 1080p30 H.264 High, veryfast, 8 Mbit/s; a minute or two)"
        ffmpeg -nostdin -hide_banner -v error -y \
            -f lavfi -i "testsrc2=size=1920x1080:rate=30:duration=60,noise=alls=8:allf=t" \
            -c:v libx264 -preset veryfast -profile:v high -bf 2 -g 60 -sc_threshold 0 -pix_fmt yuv420p \
            -b:v 8M -maxrate 8M -bufsize 16M \
            -f mp4 "$input.part"
        mv "$input.part" "$input"
    fi
fi
[ -s "$input" ] || { echo "bench: no input $input" >&2; exit 1; }

if [ -n "${HLSSEG_BIN:-}" ]; then
    hlsseg=$HLSSEG_BIN
else
    scratch=()
    [ -n "${HLSSEG_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$HLSSEG_SCRATCH_PATH")
    echo "bench: swift build -c release --static-swift-stdlib --product hlsseg ${scratch[*]}"
    swift build -c release --static-swift-stdlib --product hlsseg "${scratch[@]}" >/dev/null
    hlsseg="$(swift build -c release --static-swift-stdlib --show-bin-path "${scratch[@]}")/hlsseg"
fi

# The recording: the input's first seconds (stream copy) segmented by hlsseg (2-s segments)
# into a fresh root.
clip=$cache/thumbnail-input.mp4
ffmpeg -nostdin -hide_banner -v error -y -i "$input" -map 0 -c copy -t $(((count + 2) * 2)) "$clip"
root=$PWD/$cache/thumbnail-root
stream=cam
rm -rf "$root"
mkdir -p "$root"
echo "bench: $hlsseg segment $clip -o $root/$stream --hls-time 2 --hls-playlist-type vod"
"$hlsseg" segment "$clip" -o "$root/$stream" --hls-time 2 --hls-playlist-type vod >"$cache/thumbnail-segment.log" 2>&1
segments=$(grep -c '^#EXTINF' "$root/$stream/index.m3u8")
((segments >= count + 1)) || { echo "bench: $segments segments; -n $count needs $((count + 1))" >&2; exit 1; }
# Start of each segment on the recording's time line (the sum of the EXTINFs before it).
mapfile -t starts < <(awk -F'[:,]' '/^#EXTINF/ { printf "%.6f\n", t; t += $2 }' "$root/$stream/index.m3u8")
keyframe_bytes=$(ffprobe -v error -select_streams v:0 -show_entries packet=size,flags -of csv=p=0 -read_intervals "%+#1" \
    <(cat "$root/$stream/init.mp4" "$root/$stream/seg1.m4s") | head -1 | cut -d, -f1)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
"$hlsseg" serve --root "$root" --http-port "$port" --no-rtmp --log-level warning >"$cache/thumbnail-serve.log" 2>&1 &
server_pid=$!
out=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 200); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
    kill -0 "$server_pid" 2>/dev/null || { echo "bench: hlsseg serve exited (see $cache/thumbnail-serve.log)" >&2; exit 1; }
    sleep 0.05
done

hz=$(getconf CLK_TCK)
ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
decoded() { curl -fs "http://127.0.0.1:$port/metrics" | awk '/^hlsseg_thumbnails_decoded_total/ { print $NF }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# A segment's start, just past it (the segment at or before that time is that segment).
at() { awk -v s="${starts[$1]}" 'BEGIN { printf "%.3f", s + 0.001 }'; }
thumbnail_url() { echo "http://127.0.0.1:$port/api/streams/$stream/thumbnail.jpg?at=$(at "$1")&width=$WIDTH"; }
ffmpeg_cmd() { echo ffmpeg -nostdin -v error -y -noaccurate_seek -ss "$(at "$1")" -i "$clip" -frames:v 1 -vf "scale=$WIDTH:-2" "$out/ffmpeg-$1.jpg"; }

# hlsseg I: one request for segment I; appends the server's CPU ticks it took.
hlsseg_one() {
    local before after
    before=$(ticks)
    curl -fsS -o "$out/hlsseg-$1.jpg" "$(thumbnail_url "$1")"
    after=$(ticks)
    echo $((after - before)) >>"$out/hlsseg.ticks"
}
# ffmpeg I: the peer on segment I's keyframe; appends user + system seconds.
ffmpeg_one() {
    # shellcheck disable=SC2046
    "$TIME" -f '%U %S' -o "$out/ffmpeg.last" $(ffmpeg_cmd "$1")
    awk '{ print $1 + $2 }' "$out/ffmpeg.last" >>"$out/ffmpeg.seconds"
}

load_before=$(loadavg)
# Warm-up, not counted: the server's decode threads start and libavcodec sets up its tables;
# the input's pages come into the page cache for ffmpeg. Segment 0 is not measured after.
hlsseg_one 0
ffmpeg_one 0
rm -f "$out/hlsseg.ticks" "$out/ffmpeg.seconds"
decoded_before=$(decoded)
for ((i = 1; i <= count; i++)); do
    if ((i % 2)); then hlsseg_one "$i"; ffmpeg_one "$i"; else ffmpeg_one "$i"; hlsseg_one "$i"; fi
done
decoded_after=$(decoded)
load_after=$(loadavg)

hlsseg_ms=$(awk -v hz="$hz" -v n="$count" '{ t += $1 } END { printf "%.1f", t / hz * 1000 / n }' "$out/hlsseg.ticks")
ffmpeg_ms=$(awk -v n="$count" '{ t += $1 } END { printf "%.1f", t * 1000 / n }' "$out/ffmpeg.seconds")
ratio=$(awk -v a="$hlsseg_ms" -v b="$ffmpeg_ms" 'BEGIN { printf "%.2f", a / b }')
met=$(awk -v v="$hlsseg_ms" -v t="$TARGET_MS" 'BEGIN { print (v <= t) ? "PASS" : "FAIL" }')
size() { stat -c %s "$@" | awk '{ t += $1 } END { printf "%.1f", t / NR / 1024 }'; }
dimensions=$(ffprobe -v error -show_entries stream=width,height -of csv=p=0:s=x "$out/hlsseg-1.jpg")
source_info=$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,profile,width,height,bit_rate -of csv=p=0 "$clip")

echo
echo "machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "load:     $load_before before, $load_after after (1, 5, 15 min)"
echo "commit:   $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo ' (Sources modified)')"
echo "input:    $input, first $(((count + 2) * 2)) s as $clip ($source_info);"
echo "          $segments segments of 2 s; keyframe of seg1: $keyframe_bytes bytes"
echo "server:   $hlsseg serve --root $root --http-port $port --no-rtmp --log-level warning"
echo "hlsseg:   curl $(thumbnail_url 1)   (server CPU from /proc/$server_pid/stat utime+stime, $hz ticks/s)"
echo "ffmpeg:   $(ffmpeg_cmd 1)   (/usr/bin/time user+sys, the whole process)"
echo "runs:     $count distinct segments (1…$count), each once per tool, order alternating, after one warm-up each;"
echo "          the server decoded $((${decoded_after%.*} - ${decoded_before%.*})) keyframes for them (hlsseg_thumbnails_decoded_total)"
echo
printf '%-8s %18s %14s %12s\n' "" "CPU per thumbnail" "JPEG size" "picture"
printf '%-8s %15s ms %11s KiB %12s\n' hlsseg "$hlsseg_ms" "$(size "$out"/hlsseg-*.jpg)" "$dimensions"
printf '%-8s %15s ms %11s KiB\n' ffmpeg "$ffmpeg_ms" "$(size "$out"/ffmpeg-*.jpg)"
echo "hlsseg / ffmpeg: $ratio"
echo "target:   hlsseg ≤ $TARGET_MS ms of CPU per 1080p keyframe → $WIDTH-px JPEG: $met"

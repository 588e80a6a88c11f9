#!/usr/bin/env bash
# Builds hlsseg (release), makes a 20-s H.264 + AAC sample with ffmpeg into demo/, segments it
# into demo/out/ and shows how to play the result. Safe to run again: the sample is kept.
# HLSSEG_SCRATCH_PATH=.build-foo builds in another scratch folder.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

scratch=()
[ -n "${HLSSEG_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$HLSSEG_SCRATCH_PATH")
echo "demo: swift build -c release --product hlsseg ${scratch[*]}"
swift build -c release --product hlsseg "${scratch[@]}"
hlsseg="$(swift build -c release --show-bin-path "${scratch[@]}")/hlsseg"

mkdir -p demo
sample=demo/sample.mp4
if [ ! -s "$sample" ]; then
    echo "demo: making $sample (20 s, 1280x720 30 fps H.264 with B-frames + AAC stereo)"
    ffmpeg -nostdin -hide_banner -v error -y \
        -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=20" \
        -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=20" \
        -map 0:v -map 1:a \
        -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p -g 60 -bf 2 -sc_threshold 0 \
        -c:a aac -b:a 128k -ac 2 \
        -movflags +faststart "$sample"
fi

rm -rf demo/out
echo "demo: $hlsseg segment $sample -o demo/out --hls-time 2 --hls-playlist-type vod"
"$hlsseg" segment "$sample" -o demo/out --hls-time 2 --hls-playlist-type vod

echo
echo "demo: demo/out/index.m3u8"
echo "----------------------------------------"
cat demo/out/index.m3u8
echo "----------------------------------------"
ls -l demo/out
echo
echo "Play it:   ffplay demo/out/index.m3u8"
echo "Check it:  ffmpeg -v error -i demo/out/index.m3u8 -f null -   (prints nothing when all decodes)"

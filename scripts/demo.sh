#!/usr/bin/env bash
# The first command to run: installs what is missing, builds hlsseg (release) and starts
#   hlsseg serve --demo
# which makes an 8-s H.264 + AAC sample with ffmpeg (once, into ~/.cache/hlsseg), loops it as
# the live stream "demo" at real-time speed, and serves it with the web player on
#   http://localhost:8080   (HLSSEG_PORT=… for another port; Ctrl-C stops it cleanly)
# Streams are kept under ./streams (add your own: hlsseg segment --re INPUT -o streams/NAME).
# HLSSEG_SCRATCH_PATH=.build-foo builds in another scratch folder.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

scratch=()
[ -n "${HLSSEG_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$HLSSEG_SCRATCH_PATH")
echo "demo: swift build -c release --product hlsseg ${scratch[*]}"
swift build -c release --product hlsseg "${scratch[@]}"
hlsseg="$(swift build -c release --show-bin-path "${scratch[@]}")/hlsseg"

port="${HLSSEG_PORT:-8080}"
echo
echo "demo: open http://localhost:$port  (the demo stream starts playing within a few seconds)"
echo "demo: $hlsseg serve --root streams --http-port $port --www www --demo"
echo
exec "$hlsseg" serve --root streams --http-port "$port" --www www --demo

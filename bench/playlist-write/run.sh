#!/bin/sh
# Cost of one playlist rewrite against the number of segments listed, full rendering against
# incremental (docs/benchmarks.md). Builds Sources/Playlist with main.swift, optimised, in a
# temporary directory (the package has no library product to link against).
#   bench/playlist-write/run.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$REPO"/Sources/Playlist/*.swift "$HERE/main.swift" "$WORK/"
(cd "$WORK" && swiftc -O -module-name Playlist ./*.swift -o playlist-write)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(swift --version 2>/dev/null | head -1)"
"$WORK/playlist-write"

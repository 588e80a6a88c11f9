#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh), builds hlsseg and every test target (debug),
# then runs the whole test suite. Arguments are passed to `swift test` (e.g. --filter
# IntegrationTests). HLSSEG_SCRATCH_PATH=.build-foo builds in another folder.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

scratch=()
if [ -n "${HLSSEG_SCRATCH_PATH:-}" ]; then
    scratch=(--scratch-path "$HLSSEG_SCRATCH_PATH")
fi

echo "test: swift build --build-tests ${scratch[*]}"
swift build --build-tests "${scratch[@]}"

# XCTest runs serially by default; Swift Testing runs tests concurrently in one process, and the
# integration tests cap their own ffmpeg/hlsseg children at one per core (2 on CI).
echo "test: swift test --skip-build ${scratch[*]} $*"
swift test --skip-build "${scratch[@]}" "$@"

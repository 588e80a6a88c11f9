#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh --test), builds hlsseg and every test target
# (debug), runs the whole Swift test suite, then the browser tests (Tests/browser/run.sh:
# headless Chromium plays a live stream natively and through www/'s MSE player). Fails when
# either fails; a missing browser is a failure, never a skip. Arguments are passed to
# `swift test` (e.g. --filter IntegrationTests; the browser tests then do not run).
# HLSSEG_SCRATCH_PATH=.build-foo builds in another folder.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test

scratch=()
if [ -n "${HLSSEG_SCRATCH_PATH:-}" ]; then
    scratch=(--scratch-path "$HLSSEG_SCRATCH_PATH")
fi

# The code's layout is swift-format's (.swift-format): a change that the formatter would rewrite
# fails here, before anything is built (fix it with `swift format format -i -r Sources Tests`).
echo "test: swift format lint --strict -r Sources Tests"
swift format lint --strict -r Sources Tests

echo "test: swift build --build-tests ${scratch[*]}"
swift build --build-tests "${scratch[@]}"

# XCTest runs serially by default; Swift Testing runs tests concurrently in one process, and the
# integration tests cap their own ffmpeg/hlsseg children at one per core (2 on CI).
echo "test: swift test --skip-build ${scratch[*]} $*"
# The log is kept so that the failures can be repeated at the very end: CI shows only the
# tail of the output, and the Swift tests' own summary is followed by the browser tests.
log=$(mktemp -t hlsseg-test.XXXXXX)
trap 'rm -f "$log"' EXIT
status=0
swift test --skip-build "${scratch[@]}" "$@" 2>&1 | tee "$log" || status=$?

if (($# == 0)); then
    echo "test: Tests/browser/run.sh"
    Tests/browser/run.sh "$(swift build --show-bin-path "${scratch[@]}")/hlsseg" || status=1
fi
if grep -qE '✘|: error: ' "$log"; then
    echo "test: the Swift test failures again (Swift Testing ✘ lines, XCTest errors):"
    grep -E '✘|↳|: error: ' "$log" | cut -c1-2000
fi
exit "$status"

#!/usr/bin/env bash
# Browser tests: headless Chromium plays a live stream served by `hlsseg serve`, natively and
# through www/'s MSE player; ffmpeg reads it as an HLS client. Never skipped: a missing tool
# fails with the command that installs it.
#   Tests/browser/run.sh [path/to/hlsseg]     (default: the debug build of scripts/test.sh)
# BROWSER_TEST_OUT=DIR keeps the screenshots there.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
# Debian's selenium is installed for the system python, so use that one, not a pyenv/venv shim.
python=/usr/bin/python3
[ -x "$python" ] || python="$(command -v python3 || true)"
if [ -z "$python" ] || ! "$python" -c 'import selenium' >/dev/null 2>&1; then missing+=(python3-selenium); fi
if ((${#missing[@]})); then
    echo "browser tests: FAILED: missing ${missing[*]}; install with: scripts/setup.sh --test" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

bin="${1:-${HLSSEG_BIN:-}}"
if [ -z "$bin" ]; then
    scratch=()
    [ -n "${HLSSEG_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$HLSSEG_SCRATCH_PATH")
    bin="$(swift build --show-bin-path "${scratch[@]}")/hlsseg"
fi
if [ ! -x "$bin" ]; then
    echo "browser tests: FAILED: no hlsseg binary at $bin (build it: swift build)" >&2
    exit 1
fi
echo "browser tests: $bin, $(chromium --version 2>/dev/null | head -n 1), selenium $("$python" -c 'import selenium; print(selenium.__version__)')"
HLSSEG_BIN="$bin" exec "$python" Tests/browser/test_player.py

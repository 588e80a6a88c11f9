#!/usr/bin/env bash
# Installs what building and testing hlsseg needs, on Debian (and Debian-like) machines.
# Idempotent: installs only what is missing, runs `apt-get update` at most once, and says what
# it did. Usage: scripts/setup.sh [--test] [--bench]
#   (default)  build libraries (pkg-config, libav*-dev, libswscale-dev, libmimalloc-dev) + the tools
#              the tests and bench drive (ffmpeg/ffprobe from Debian, GNU time)
#   --test     also the browser tests' tools: Debian's chromium, chromium-driver, python3-selenium,
#              GStreamer, and a static FFmpeg (PyPI imageio-ffmpeg 0.8.1, in a virtual environment
#              under ~/.cache/hlsseg) that publishes H.265 and Opus over Enhanced RTMP
#   --bench    also the HTTP benchmark's tools: wrk and nginx
set -euo pipefail

with_test_extras=false
with_bench_extras=false
for arg in "$@"; do
    case "$arg" in
        --test) with_test_extras=true ;;
        --bench) with_bench_extras=true ;;
        -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

# Building: the CLibAV system-library target finds libavformat with pkg-config and links
# libswscale too (the thumbnails' scaler); CompressNIO (gzip) links the system zlib; the hlsseg
# executable links mimalloc (CMimalloc).
BUILD_PACKAGES=(pkg-config libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libmimalloc-dev zlib1g-dev)
# Tests use Debian's ffmpeg 5.1 (libx264, aac) to make fixtures and as the independent
# decoder; bench/ measures with GNU time (/usr/bin/time).
TOOL_PACKAGES=(ffmpeg time)
# --test extras: the browser tests drive Debian's Chromium through chromedriver with the
# selenium package for the system python (/usr/bin/python3); the live tests publish with
# GStreamer's rtmpsink (librtmp, like OBS) and rtmp2sink besides ffmpeg.
TEST_EXTRA_PACKAGES=(chromium chromium-driver python3-selenium
    gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad)
# --bench extras: bench/http-vs-nginx.sh (wrk, nginx), bench/live-load (nginx-rtmp).
BENCH_EXTRA_PACKAGES=(wrk nginx libnginx-mod-rtmp)

wanted=("${BUILD_PACKAGES[@]}" "${TOOL_PACKAGES[@]}")
if $with_test_extras; then
    wanted+=("${TEST_EXTRA_PACKAGES[@]}")
fi
if $with_bench_extras; then
    wanted+=("${BENCH_EXTRA_PACKAGES[@]}")
fi

say() { echo "setup: $*"; }

# The Enhanced RTMP live tests publish H.265, Opus and two video tracks with a static FFmpeg
# (libx265, libopus, Enhanced RTMP audio and Multitrack: FFmpeg 7.1 or later), which Debian's
# ffmpeg 5.1 cannot do: the PyPI wheel imageio-ffmpeg ships one (0.8.1: FFmpeg 9.0), pinned so
# that every machine runs the tests against the same FFmpeg. It goes into a virtual environment
# of its own; the binary is linked at a fixed path the tests read (HLSSEG_STATIC_FFMPEG
# overrides it).
STATIC_FFMPEG_WHEEL="imageio-ffmpeg==0.8.1"
STATIC_FFMPEG_VENV="${HOME}/.cache/hlsseg/tools-venv"
STATIC_FFMPEG_LINK="${HOME}/.cache/hlsseg/bin/ffmpeg-static"
install_static_ffmpeg() {
    if [ -x "$STATIC_FFMPEG_LINK" ] && "$STATIC_FFMPEG_LINK" -hide_banner -version >/dev/null 2>&1; then
        say "static ffmpeg present: $STATIC_FFMPEG_LINK"
        return
    fi
    local python
    python="$(command -v python3 || true)"
    if [ -z "$python" ]; then
        say "need python3 (with venv) to install the static ffmpeg (imageio-ffmpeg)" >&2
        exit 1
    fi
    [ -x "$STATIC_FFMPEG_VENV/bin/python" ] || "$python" -m venv "$STATIC_FFMPEG_VENV"
    "$STATIC_FFMPEG_VENV/bin/python" -m pip install -q --disable-pip-version-check "$STATIC_FFMPEG_WHEEL"
    local exe
    exe="$("$STATIC_FFMPEG_VENV/bin/python" -c 'import imageio_ffmpeg; print(imageio_ffmpeg.get_ffmpeg_exe())')"
    mkdir -p "$(dirname "$STATIC_FFMPEG_LINK")"
    ln -sf "$exe" "$STATIC_FFMPEG_LINK"
    say "static ffmpeg installed: $STATIC_FFMPEG_LINK -> $exe"
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    # Not Debian: check by hand and say what is missing.
    missing=()
    command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libavformat libavcodec libavutil libswscale ||
        missing+=("libavformat/libavcodec/libavutil/libswscale development files + pkg-config")
    [ -f /usr/include/mimalloc.h ] || [ -f /usr/local/include/mimalloc.h ] || missing+=("mimalloc development files")
    command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
    command -v ffprobe >/dev/null 2>&1 || missing+=(ffprobe)
    if $with_test_extras; then
        command -v chromium >/dev/null 2>&1 || missing+=(chromium)
        command -v chromedriver >/dev/null 2>&1 || missing+=(chromedriver)
        python3 -c 'import selenium' >/dev/null 2>&1 || missing+=("selenium for python3")
        command -v gst-launch-1.0 >/dev/null 2>&1 || missing+=("GStreamer (gst-launch-1.0, plugins good + bad)")
    fi
    if ((${#missing[@]})); then
        say "not a Debian system; install these yourself: ${missing[*]}" >&2
        exit 1
    fi
    $with_test_extras && install_static_ffmpeg
    say "not a Debian system, but everything needed is present"
    exit 0
fi

missing=()
for package in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    say "all present: ${wanted[*]}"
else
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            say "need root (or sudo) to install: ${missing[*]}" >&2
            exit 1
        fi
    fi
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
    say "installed: ${missing[*]}"
    # Debian starts nginx as a service on port 80 when installed; the bench runs its own.
    if [[ " ${missing[*]} " == *" nginx "* ]] && command -v service >/dev/null 2>&1; then
        "${sudo[@]}" service nginx stop >/dev/null 2>&1 || true
    fi
fi

if $with_test_extras; then
    install_static_ffmpeg
fi

if ! command -v swift >/dev/null 2>&1; then
    say "warning: no 'swift' on PATH; hlsseg needs a Swift 6 toolchain (swift.org)" >&2
fi
say "ffmpeg: $(ffmpeg -hide_banner -version | head -n 1)"

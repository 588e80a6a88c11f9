#!/usr/bin/env bash
# HTTP serving: hlsseg serve vs nginx from the same directory in the same run, with wrk.
#   bench/http-vs-nginx.sh [seconds-per-run (default 10)]
# Files: a ~9 KB live playlist and a 1 MiB segment under bench/.cache/http/streams/bench/.
# nginx: Debian's package, one worker, sendfile on, loopback only, access log off.
# hlsseg: the release build (built here; HLSSEG_BIN=… uses an existing binary, HLSSEG_SCRATCH_PATH=…
# builds in that scratch path), default settings, --log-level warning.
# wrk: 100 connections, 2 threads, keep-alive; prints req/s, p99, hlsseg/nginx ratio, and each
# server's CPU time per request (user + system, from /proc/<pid>/stat: steadier than req/s when
# wrk and the server share the CPUs).
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-10}"
connections=100
threads=2

for tool in wrk nginx; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || {
        echo "bench: missing $tool; install with: scripts/setup.sh --bench" >&2
        exit 1
    }
done
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

if [ -n "${HLSSEG_BIN:-}" ]; then
    hlsseg="$HLSSEG_BIN"
else
    scratch=()
    [ -n "${HLSSEG_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$HLSSEG_SCRATCH_PATH")
    swift build -c release --product hlsseg "${scratch[@]}" >&2
    hlsseg="$(swift build -c release --show-bin-path "${scratch[@]}")/hlsseg"
fi

work="$PWD/bench/.cache/http"
root="$work/streams"
mkdir -p "$root/bench" "$work/nginx/logs"
# A live playlist of ~9 KB (no ENDLIST) and a 1 MiB segment of random bytes.
{
    printf '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MAP:URI="init.mp4"\n'
    for i in $(seq 0 319); do printf '#EXTINF:2.000,\nseg%d.m4s\n' "$i"; done
} >"$root/bench/index.m3u8"
[ -s "$root/bench/seg0.m4s" ] || head -c 1048576 /dev/urandom >"$root/bench/seg0.m4s"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
nginx_port="$(free_port)"
hlsseg_port="$(free_port)"

cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    types { application/vnd.apple.mpegurl m3u8; video/iso.segment m4s; video/mp4 mp4; }
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nginx_port;
        location /hls/ { alias $root/; }
    }
}
CONF

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_master=$!
pids+=($nginx_master)
"$hlsseg" serve --root "$root" --http-port "$hlsseg_port" --log-level warning &
hlsseg_pid=$!
pids+=($hlsseg_pid)
for port in "$nginx_port" "$hlsseg_port"; do
    for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/hls/bench/index.m3u8" && break; sleep 0.1; done
done

nginx_worker="$(pgrep -P "$nginx_master" | head -1)"

# CPU clock ticks (user + system) used so far by a process.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run PID URL → "req/s p99 µs-of-CPU-per-request"
run() {
    local out before after
    before="$(ticks "$1")"
    out="$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$2")"
    after="$(ticks "$1")"
    local rps p99 count
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    count="$(awk '/requests in/ {print $1}' <<<"$out")"
    echo "$rps $p99 $(awk -v t=$((after - before)) -v n="$count" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t * 1e6 / hz / n}')"
}

echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(uname -sr)"
echo "nginx:   $("$nginx_bin" -v 2>&1 | sed 's/.*: //'), 1 worker, sendfile on, port $nginx_port"
echo "hlsseg:  $hlsseg serve (release), port $hlsseg_port"
echo "wrk:     wrk -t$threads -c$connections -d${duration}s --latency URL"
echo
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) before the runs"
echo
printf '%-22s %14s %10s %9s %14s %10s %9s %8s\n' file "nginx req/s" "nginx p99" "nginx CPU" "hlsseg req/s" "hlsseg p99" "hlsseg CPU" ratio
for file in index.m3u8 seg0.m4s; do
    size="$(stat -c %s "$root/bench/$file")"
    read -r n_rps n_p99 n_cpu < <(run "$nginx_worker" "http://127.0.0.1:$nginx_port/hls/bench/$file")
    read -r h_rps h_p99 h_cpu < <(run "$hlsseg_pid" "http://127.0.0.1:$hlsseg_port/hls/bench/$file")
    ratio="$(awk -v h="$h_rps" -v n="$n_rps" 'BEGIN {printf "%.2f", h / n}')"
    printf '%-22s %14s %10s %7s µs %14s %10s %7s µs %8s\n' "$file ($size B)" "$n_rps" "$n_p99" "$n_cpu" "$h_rps" "$h_p99" "$h_cpu" "${ratio}x"
done
echo
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) after the runs"
echo "CPU:     per request, user + system, of the nginx worker and of the hlsseg process"

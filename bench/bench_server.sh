#!/bin/bash
# bench/server: with wrk on loopback and 50 connections, in one run, the rate of
# GET /healthz (the baseline) and of authenticated, durable figure submissions spread
# over many cases, with p50/p99 and their ratio; the resident memory with 10,000 open
# cases; and how many commits each disk flush carried (group commit).
# usage: bench/bench_server.sh [NAKODO] [SECONDS]   (needs wrk, curl, python3)
set -eu
NAKODO=${1:-build/src/cli/nakodo}
SECS=${2:-10}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nakodo-bench-XXXXXX")
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$TMP"' EXIT

"$NAKODO" --db "sqlite:$TMP/bench.db" serve --listen 127.0.0.1:0 --threads "${THREADS:-4}" \
	--rate 1000000 --burst 1000000 2>"$TMP/log" &
PID=$!
for _ in $(seq 100); do grep -q '^listening' "$TMP/log" && break; sleep 0.05; done
PORT=$(sed -n 's/^listening on http:\/\/127.0.0.1://p' "$TMP/log")
OP=$(sed -n 's/^operator token: //p' "$TMP/log")
URL="http://127.0.0.1:$PORT"
rss() { awk '/^VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$PID/status"; }

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)"
echo "server: $("$NAKODO" --version), ${THREADS:-4} worker threads, sqlite WAL + group commit"
start=$(date +%s.%N)
python3 "$HERE/bench_server_setup.py" "$PORT" "$OP" "${CASES:-10000}" "$TMP/cases"
echo "opened ${CASES:-10000} cases in $(echo "$(date +%s.%N) - $start" | bc) s; resident: $(rss)"

wrk -t2 -c50 -d"${SECS}s" --latency "$URL/healthz" >"$TMP/healthz"
hz=$(awk '/^Requests\/sec/ { print $2 }' "$TMP/healthz")
hz50=$(awk '$1 == "50%" { print $2 }' "$TMP/healthz")
hz99=$(awk '$1 == "99%" { print $2 }' "$TMP/healthz")
echo "GET /healthz:        $hz req/s, p50 $hz50, p99 $hz99"

m0=$(curl -s "$URL/metrics")
BENCH_CASES="$TMP/cases" BENCH_THREADS=2 wrk -t2 -c50 -d"${SECS}s" --latency \
	-s "$HERE/bench_server_submit.lua" "$URL" >"$TMP/submit"
m1=$(curl -s "$URL/metrics")
sub=$(awk '/^Requests\/sec/ { print $2 }' "$TMP/submit")
echo "POST figures (durable): $sub req/s, $(grep '^submissions:' "$TMP/submit" | cut -d' ' -f2-)"
echo "ratio submissions / healthz: $(echo "scale=3; $sub / $hz" | bc)"
commits=$(( $(echo "$m1" | awk '/^nakodo_store_commits_total/ { print $2 }') - $(echo "$m0" | awk '/^nakodo_store_commits_total/ { print $2 }') ))
flushes=$(( $(echo "$m1" | awk '/^nakodo_store_flushes_total/ { print $2 }') - $(echo "$m0" | awk '/^nakodo_store_flushes_total/ { print $2 }') ))
echo "group commit: $commits commits in $flushes flushes ($(echo "scale=1; $commits / ($flushes + 0.0001)" | bc) commits per flush)"
echo "resident after the run: $(rss) with $(echo "$m1" | awk '/^nakodo_cases\{state="open"\}/ { print $2 }') open cases"

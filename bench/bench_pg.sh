#!/bin/bash
# bench/pg (issue 14): durable figure submissions per second, with wrk on loopback and 50
# connections over CASES open cases (bench_server_setup.py, bench_server_submit.lua), in
# one run: one server on SQLite, one server on PostgreSQL, and two servers on one
# PostgreSQL (25 connections each, on halves of the cases); beside /healthz. PostgreSQL
# is a throwaway cluster of tests/pg/cluster.sh (fsync off: its figures show nakodo's and
# PostgreSQL's work, not a disk's flush).
# usage: bench/bench_pg.sh [NAKODO] [SECONDS]   (needs wrk, curl, python3, postgresql)
# environment: CASES (1000), THREADS (server worker threads, 4)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -z "${NAKODO_TEST_PG:-}" ]; then	# again, beside a cluster of its own
	exec "$HERE/../tests/pg/cluster.sh" "$0" "$@"
fi
NAKODO=${1:-build/src/cli/nakodo}
SECS=${2:-10}
CASES=${CASES:-1000}
THREADS=${THREADS:-4}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nakodo-bench-pg-XXXXXX")
PIDS=()
trap 'stop; rm -rf "$TMP"' EXIT
export NAKODO_KEYS=$TMP/keys
stop() {
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done
	PIDS=()
}
start() {	# DB LOG: sets PORT; OP on the first start over DB
	: >"$2"
	"$NAKODO" --db "$1" serve --listen 127.0.0.1:0 --threads "$THREADS" \
		--rate 1000000 --burst 1000000 2>>"$2" &
	PIDS+=($!)
	for _ in $(seq 3000); do grep -q '^listening' "$2" && break; sleep 0.01; done
	PORT=$(sed -n 's/^listening on http:\/\/127.0.0.1://p' "$2")
	[ -n "$PORT" ] || { cat "$2" >&2; exit 1; }
	OP=$(sed -n 's/^operator token: //p' "$2" | tail -1)
	[ -n "$OP" ] || OP=$(cat "$TMP/op")
	echo "$OP" >"$TMP/op"
}
rate() {	# PORT CASES_FILE CONNECTIONS OUT: submissions per second into OUT
	BENCH_CASES="$2" BENCH_THREADS=2 wrk -t2 -c"$3" -d"${SECS}s" \
		-s "$HERE/bench_server_submit.lua" "http://127.0.0.1:$1" >"$4"
}
req_s() { awk '/^Requests\/sec/ { print $2 }' "$1"; }

echo "machine: $(nproc) cores, $(uname -sr); load $(cut -d' ' -f1 /proc/loadavg)"
for store in sqlite postgresql; do
	if [ $store = sqlite ]; then db="sqlite:$TMP/bench.db"
	else
		psql -q "$NAKODO_TEST_PG" -c "CREATE DATABASE bench"
		db=${NAKODO_TEST_PG/\/\/\/postgres\?/\/\/\/bench?}
	fi
	start "$db" "$TMP/log.$store"
	python3 "$HERE/bench_server_setup.py" "$PORT" "$OP" "$CASES" "$TMP/cases.$store"
	wrk -t2 -c50 -d"${SECS}s" "http://127.0.0.1:$PORT/healthz" >"$TMP/hz"
	rate "$PORT" "$TMP/cases.$store" 50 "$TMP/sub"
	echo "$store, one server: /healthz $(req_s "$TMP/hz") req/s; submissions $(req_s "$TMP/sub") req/s"
	[ $store = postgresql ] || stop
done
# a second server on the same PostgreSQL database; each takes half the cases
PORT_A=$PORT
start "$db" "$TMP/log.b"
python3 "$HERE/bench_server_setup.py" "$PORT_A" "$OP" "$CASES" "$TMP/cases.two"
head -n $((CASES / 2)) "$TMP/cases.two" >"$TMP/cases.a"
tail -n +$((CASES / 2 + 1)) "$TMP/cases.two" >"$TMP/cases.b"
rate "$PORT_A" "$TMP/cases.a" 25 "$TMP/sub.a" &
wa=$!
rate "$PORT" "$TMP/cases.b" 25 "$TMP/sub.b"
wait $wa
echo "postgresql, two servers: submissions $(req_s "$TMP/sub.a") + $(req_s "$TMP/sub.b") =" \
	"$(echo "$(req_s "$TMP/sub.a") + $(req_s "$TMP/sub.b")" | bc) req/s"

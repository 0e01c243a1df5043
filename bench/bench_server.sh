#!/bin/bash
# bench/server (issue 13): with wrk on loopback and 50 connections, RUNS times over a
# fresh set of CASES open cases each: the rate of GET /healthz (the baseline) and then of
# authenticated, durable figure submissions spread over those cases, with p50/p99, their
# ratio, how many commits each disk flush carried (group commit, from /metrics) and the
# server's CPU time per submission, and the load generator's own CPU time per request in
# each (it shares the cores), and the ratio the two runs' CPU times alone would allow
# (its CPU-bound ceiling); the median of the runs. Then 50 connections on ONE case
# (contention on one round), with the case's log checked: one evaluation per round, one figure per role and round, as
# many figures as answers 200. Then resident memory with 10,000 and 100,000 open cases,
# and the start-up time of a server over the 100,000 (BIG=0 skips this part).
# usage: bench/bench_server.sh [NAKODO] [SECONDS]   (needs wrk, curl, jq, python3, bc)
# environment: RUNS (3; 0 for only the memory and start-up part), CASES (2000),
# THREADS (server worker threads, 4), BIG (1), CONTEND (1), SERVE_FLAGS (more options)
set -eu
NAKODO=${1:-build/src/cli/nakodo}
SECS=${2:-10}
RUNS=${RUNS:-3}
CASES=${CASES:-2000}
THREADS=${THREADS:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nakodo-bench-XXXXXX")
PID=
trap 'stop; rm -rf "$TMP"' EXIT
for tool in wrk curl jq python3 bc; do
	command -v $tool >/dev/null || { echo "bench_server: $tool is needed" >&2; exit 1; }
done

stop() { [ -z "$PID" ] || { kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }; PID=; }
start() {
	: >"$TMP/log"
	"$NAKODO" --db "sqlite:$TMP/bench.db" serve --listen 127.0.0.1:0 --threads "$THREADS" \
		--rate 1000000 --burst 1000000 ${SERVE_FLAGS:-} 2>>"$TMP/log" &
	PID=$!
	for _ in $(seq 30000); do grep -q '^listening' "$TMP/log" && break; sleep 0.01; done
	PORT=$(sed -n 's/^listening on http:\/\/127.0.0.1://p' "$TMP/log")
	[ -n "$PORT" ] || { cat "$TMP/log" >&2; exit 1; }
	OP=$(sed -n 's/^operator token: //p' "$TMP/log" | tail -1)
	[ -n "$OP" ] || OP=$(cat "$TMP/op")
	echo "$OP" >"$TMP/op"
	URL="http://127.0.0.1:$PORT"
}
# the server's CPU time so far (user and system, all threads), in clock ticks
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$PID/stat"; }
rss() { awk '/^VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$PID/status"; }
metric() { curl -s -H "Authorization: Bearer $OP" "$URL/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }
# wrk's own CPU time (bash's time: user and system seconds) per request of its run
TIMEFORMAT='%U %S'
wrk_us() { tail -n 1 "$1.cpu" | awk -v n="$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$1")" \
	'{ printf "%.1f", ($1 + $2) * 1000000 / (n + 1) }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ms() { awk '{ v = $1; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0;
	else if (v ~ /s$/) v = v * 1000; printf "%.2f", v }'; }

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -sr)"
echo "load: $(uptime | sed 's/.*load average/load average/')"
start
echo "server: $("$NAKODO" --version), $THREADS worker threads, sqlite WAL + group commit"
echo "each run: wrk, 50 connections, ${SECS} s of GET /healthz (the baseline), then ${SECS} s of"
echo "  submissions (authenticated POST /v1/cases/ID/figures, each answered only once on disk)"
echo "  over $CASES newly opened cases; ratio = submissions per second / /healthz per second"

: >"$TMP/rows"
for run in $(seq "$RUNS"); do
	python3 "$HERE/bench_server_setup.py" "$PORT" "$OP" "$CASES" "$TMP/cases"
	h0=$(cpu_ticks)
	{ time wrk -t2 -c50 -d"${SECS}s" --latency "$URL/healthz" >"$TMP/healthz"; } 2>"$TMP/healthz.cpu"
	h1=$(cpu_ticks)
	hz=$(awk '/^Requests\/sec/ { print $2 }' "$TMP/healthz")
	hn=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$TMP/healthz")
	hcpu=$(echo "scale=1; ($h1 - $h0) * 1000000 / $(getconf CLK_TCK) / ($hn + 1)" | bc)
	c0=$(metric nakodo_store_commits_total); f0=$(metric nakodo_store_flushes_total)
	t0=$(cpu_ticks)
	{ time BENCH_CASES="$TMP/cases" BENCH_THREADS=2 wrk -t2 -c50 -d"${SECS}s" --latency \
		-s "$HERE/bench_server_submit.lua" "$URL" >"$TMP/submit"; } 2>"$TMP/submit.cpu"
	t1=$(cpu_ticks)
	c1=$(metric nakodo_store_commits_total); f1=$(metric nakodo_store_flushes_total)
	n=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$TMP/submit")
	# the server's CPU per submission: what bounds the rate on a CPU-bound machine,
	# and much steadier than the rate while other load shares the cores
	cpu=$(echo "scale=0; ($t1 - $t0) * 1000000 / $(getconf CLK_TCK) / ($n + 1)" | bc)
	sub=$(awk '/^Requests\/sec/ { print $2 }' "$TMP/submit")
	p50=$(awk '$1 == "50%" { print $2 }' "$TMP/submit" | ms)
	p99=$(awk '$1 == "99%" { print $2 }' "$TMP/submit" | ms)
	bad=$(sed -n 's/^submissions: [0-9]* requests, \([0-9]*\) not 200.*/\1/p' "$TMP/submit")
	ratio=$(echo "scale=4; $sub / $hz" | bc | awk '{ printf "%.4f", $1 }')
	cpf=$(echo "scale=2; ($c1 - $c0) / ($f1 - $f0 + 0.0001)" | bc)
	echo "$hz $sub $ratio $p50 $p99 $cpf $bad $cpu" >>"$TMP/rows"
	printf 'run %d: /healthz %s req/s (p50 %s ms, p99 %s ms); submissions %s req/s ' "$run" \
		"$hz" "$(awk '$1 == "50%" { print $2 }' "$TMP/healthz" | ms)" \
		"$(awk '$1 == "99%" { print $2 }' "$TMP/healthz" | ms)" "$sub"
	printf '(p50 %s ms, p99 %s ms, %s not 200); ratio %s (target 0.25); %s commits per flush; ' \
		"$p50" "$p99" "$bad" "$ratio" "$cpf"
	printf '%s us of server CPU per submission; load %s\n' "$cpu" "$(cut -d' ' -f1 /proc/loadavg)"
	wh=$(wrk_us "$TMP/healthz"); ws=$(wrk_us "$TMP/submit")
	printf '  the load generator (wrk, same cores): %s us of CPU a /healthz request, %s a submission\n' \
		"$wh" "$ws"
	# Were both runs bound by the cores alone, each request would take its server's and
	# its client's CPU time from them: the ratio could reach at most this.
	ceil=$(echo "scale=4; ($hcpu + $wh) / ($cpu + $ws)" | bc | awk '{ printf "%.4f", $1 }')
	echo "$ceil" >>"$TMP/ceil"
	printf '  server CPU a /healthz request %s us; the ratio if both runs were CPU-bound: %s\n' \
		"$hcpu" "$ceil"
done
col() { awk -v c="$1" '{ print $c }' "$TMP/rows" | median; }
[ "$RUNS" -gt 0 ] && echo "median of $RUNS: /healthz $(col 1) req/s; submissions $(col 2) req/s;" \
	"ratio $(col 3); p50 $(col 4) ms; p99 $(col 5) ms; $(col 6) commits per flush;" \
	"$(col 8) us of server CPU per submission; CPU-bound ceiling of the ratio $(median <"$TMP/ceil")"

# Contention: 50 connections on one case, then its log checked by the mediator.
[ "$RUNS" -gt 0 ] || CONTEND=0
if [ "${CONTEND:-1}" = 1 ]; then
MONOTONE=0 python3 "$HERE/bench_server_setup.py" "$PORT" "$OP" 1 "$TMP/one" 1
BENCH_CASES="$TMP/one" wrk -t2 -c50 -d"${SECS}s" --latency \
	-s "$HERE/bench_server_contend.lua" "$URL" >"$TMP/contend"
read -r id _ _ med <"$TMP/one"
curl -s -H "Authorization: Bearer $med" "$URL/v1/cases/$id/log" >"$TMP/one.log"
accepted=$(sed -n 's/^contention: [0-9]* requests, \([0-9]*\) accepted.*/\1/p' "$TMP/contend")
figures=$(jq '[.events[] | select(.type == "figure")] | length' "$TMP/one.log")
results=$(jq '[.events[] | select(.type == "round")] | length' "$TMP/one.log")
rounds=$(jq '[.events[] | select(.type == "round") | .body.round] | unique | length' "$TMP/one.log")
pairs=$(jq '[.events[] | select(.type == "figure") | "\(.body.round) \(.body.role)"] | unique | length' "$TMP/one.log")
echo "$(grep '^contention:' "$TMP/contend"), $(awk '/^Requests\/sec/ { print $2 }' "$TMP/contend") req/s"
if [ "$figures" = "$accepted" ] && [ "$pairs" = "$figures" ] && [ "$rounds" = "$results" ] \
	&& [ "$figures" -ge $((2 * results)) ] && [ "$figures" -le $((2 * results + 1)) ]; then
	echo "contention check: ok ($results rounds evaluated once each, $figures figures, one per role and round, each answered 200 once)"
else
	echo "contention check: FAILED (accepted $accepted, figures $figures, distinct $pairs, results $results over $rounds rounds)"
	exit 1
fi
fi

[ "${BIG:-1}" = 1 ] || exit 0
open=$(metric 'nakodo_cases{state="open"}')
python3 "$HERE/bench_server_setup.py" "$PORT" "$OP" $((10000 - open)) - 8
echo "resident with $(metric 'nakodo_cases{state="open"}') open cases: $(rss)"
python3 "$HERE/bench_server_setup.py" "$PORT" "$OP" 90000 - 8
echo "resident with $(metric 'nakodo_cases{state="open"}') open cases: $(rss)"
stop
t0=$(date +%s.%N); start; t1=$(date +%s.%N)
echo "start-up over $(metric 'nakodo_cases{state="open"}') open cases: $(echo "$t1 - $t0" | bc) s (to 'listening'); resident $(rss)"

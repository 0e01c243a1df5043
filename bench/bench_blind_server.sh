#!/usr/bin/env bash
# A blind round through a real `nakodo serve` on loopback (issue 16), beside a plain
# round in the same run: two `nakodo submit` processes, one per party, each timed whole
# (process start, key, briefing, channel, protocol, outcome, briefing printed), so the
# times are what a user waits. Round 1 of a case includes the set-up (base OTs, once per
# case); round 2 does not, so "set-up" is round 1's time less round 2's. Bytes each way
# are the relay's frames as the clients count them. The keys use the smallest Argon2
# (as a key session, `nakodo key unlock`, spares each command the key file's): what the
# default Argon2 costs each command without one is timed apart. Then the protocol alone
# through the same server: bench_blind_net, two clients in one process (the command's
# client code linked in), when BENCH_BLIND_NET names it (default: beside NAKODO's build).
# Usage: NAKODO=build/src/cli/nakodo bench/bench_blind_server.sh [CASES]   (default 10
# cases of two rounds each).
set -u
: "${NAKODO:?set NAKODO to the nakodo binary}"
CASES=${1:-10}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nakodo-bench-blind-XXXXXX")
trap '[ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
printf 'bench\n' >"$TMP/pass"
export NAKODO_PASSPHRASE_FILE="$TMP/pass"
for who in claimant payer; do
	NAKODO_TEST_KDF=min "$NAKODO" keygen --out "$TMP/$who.nkey" >/dev/null 2>&1
done
"$NAKODO" --db "sqlite:$TMP/srv.db" serve --listen 127.0.0.1:0 2>"$TMP/server.log" &
SRV=$!
for _ in $(seq 100); do grep -q '^listening on' "$TMP/server.log" && break; sleep 0.05; done
URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$TMP/server.log" | head -1)
OP=$(sed -n 's/^operator token: //p' "$TMP/server.log" | head -1)
RULES='{"currency":"USD","rounds":2,"monotone":true,"settle":"midpoint","band_bp":0,"band_amount":0,"grid":1,"hints_bp":[],"range_low":0,"range_high":100000000,"leakage_bits":8.0,"proposals":1}'
now() { date +%s%N; }
open_case() {	# BLIND(true|false): sets CASE CT PT
	curl -s "$URL/v1/cases" -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
		-d "{\"rules\":$(echo "$RULES" | jq -c ".blind = $1")}" >"$TMP/open.json"
	CASE=$(jq -r .case "$TMP/open.json"); CT=$(jq -r .tokens.claimant "$TMP/open.json")
	PT=$(jq -r .tokens.payer "$TMP/open.json")
	for r in claimant:$CT payer:$PT; do
		NAKODO_SERVER=$URL NAKODO_TOKEN=${r#*:} "$NAKODO" join "$CASE" --as "${r%%:*}" \
			--key "$TMP/${r%%:*}.nkey" >/dev/null 2>&1
	done
}
sub() { NAKODO_SERVER=$URL NAKODO_TOKEN=$1 "$NAKODO" submit "$CASE" --as "$2" \
	--key "$TMP/$2.nkey" "$3" >/dev/null 2>"$TMP/$2.err"; }
round() {	# DEMAND OFFER: both sides at once; prints the ms until both are done
	local t0 c
	t0=$(now)
	sub "$CT" claimant "$1" & c=$!
	sub "$PT" payer "$2"
	wait "$c"
	echo $(( ($(now) - t0) / 1000 ))
}
: >"$TMP/r1"; : >"$TMP/r2"; : >"$TMP/plain"
for _ in $(seq "$CASES"); do
	open_case true
	round 90000 50000 >>"$TMP/r1"
	round 80000 60000 >>"$TMP/r2"
	sed -n 's/.*: \([0-9]*\) bytes sent, \([0-9]*\) received.*/\1 \2/p' "$TMP/payer.err" \
		>"$TMP/bytes"
	open_case false
	round 90000 50000 >>"$TMP/plain"
done
pct() { sort -n "$1" | awk -v p="$2" '{v[NR]=$1} END {i=int((NR-1)*p/100)+1; printf "%.1f", v[i]/1000}'; }
echo "machine: $(uname -sm), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cases: $CASES (two rounds each), sqlite store, loopback"
printf '%-40s %10s %10s\n' "" "p50 ms" "p95 ms"
printf '%-40s %10s %10s\n' "plain round (two submits, baseline)" "$(pct "$TMP/plain" 50)" "$(pct "$TMP/plain" 95)"
printf '%-40s %10s %10s\n' "blind round 1 (set-up + round)" "$(pct "$TMP/r1" 50)" "$(pct "$TMP/r1" 95)"
printf '%-40s %10s %10s\n' "blind round 2 (round alone)" "$(pct "$TMP/r2" 50)" "$(pct "$TMP/r2" 95)"
read -r out in <"$TMP/bytes"
echo "bytes through the relay in round 2, payer's side: $out sent, $in received"
t0=$(now)
"$NAKODO" keygen --out "$TMP/default.nkey" >/dev/null 2>&1
echo "the default Argon2 of a key file, once per command without a key session:" \
	"$(( ($(now) - t0) / 1000000 )) ms"
NET=${BENCH_BLIND_NET:-$(dirname "$NAKODO")/../../bench/bench_blind_net}
if [ -x "$NET" ]; then
	"$NET" "$URL" "$OP" "$TMP/claimant.nkey" "$TMP/payer.nkey" $((CASES * 2))
fi

#!/usr/bin/env bash
# Two `nakodo serve` on one PostgreSQL database through failures (issue 14):
# - PostgreSQL itself stopped at once (`pg_ctl stop -m immediate`) and started again,
#   OUTAGES times (3): while it is down a submission is answered 503 with a problem
#   document and /healthz says "unavailable" (503); once it is back both servers serve
#   again by themselves, without a restart;
# - one of the two servers killed with SIGKILL KILLS times (20) while clients submit
#   through both, and restarted on its port.
# Throughout, every acknowledged (200) submission is in its case's log afterwards, and
# every log folds. Needs tests/pg/cluster.sh (NAKODO_TEST_PG, NAKODO_TEST_PGCTL).
set -u
. "$(dirname "$0")/../server/lib.sh"

OUTAGES=${OUTAGES:-3}
KILLS=${KILLS:-20}
CASES=8
RULES50=${RULES/\"rounds\":3/\"rounds\":50}
if [ -z "${NAKODO_TEST_PGCTL:-}" ]; then
	echo "1..1"; echo "not ok 1 - NAKODO_TEST_PGCTL is not set (tests/pg/cluster.sh)"; exit 1
fi
echo "TAP version 13"

PID_A=""
finish() {
	touch "$TMP/stop"
	kill -TERM $PID_A 2>/dev/null; wait $PID_A 2>/dev/null
	stop_server
	"$NAKODO_TEST_PGCTL" start >/dev/null 2>&1	# if a check stopped it and failed
	drop_pg_db
	[ -n "${KEEP:-}" ] || rm -rf "$TMP"
}
trap finish EXIT
start_server --threads 4 --rate 100000 --burst 100000 || { not_ok "server A starts"; exit 1; }
PID_A=$SERVER_PID; URL_A=$URL; SERVER_PID=""
start_server --threads 4 --rate 100000 --burst 100000 || { not_ok "server B starts"; exit 1; }
URL_B=$URL; LISTEN_B="127.0.0.1:$PORT"
URL=$URL_A
for _ in $(seq "$CASES"); do new_case "$RULES50" && echo "$CASE $CT $PT $MT" >>"$TMP/cases"; done
is "$CASES cases opened on two servers" "$(wc -l <"$TMP/cases")" "$CASES"

# submit SERVER TOKEN CASE ROLE ROUND: one figure; records the attempt's acknowledgement
submit() {
	local amount st
	if [ "$4" = claimant ]; then amount=$((1000000 - $5 * 10)); else amount=$(($5 * 10)); fi
	st=$(curl -s -o "$TMP/sub.$4" -w '%{http_code}' --max-time 5 \
		-H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
		--data-binary "{\"amount\":$amount,\"round\":$5}" "$1/v1/cases/$3/figures")
	[ "$st" = 200 ] && echo "$3 $4 $5" >>"$TMP/ack"
	echo "$st"
}
healthy() {	# both servers' /healthz answer 200, within 30 s
	for _ in $(seq 300); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$URL_A/healthz")" = 200 ] &&
		[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$URL_B/healthz")" = 200 ] &&
			return 0
		sleep 0.1
	done
	return 1
}

round=0
for o in $(seq "$OUTAGES"); do
	round=$((round + 1))
	while read -r case ct pt mt; do
		submit "$URL_A" "$ct" "$case" claimant "$round" >/dev/null
		submit "$URL_B" "$pt" "$case" payer "$round" >/dev/null
	done <"$TMP/cases"
	"$NAKODO_TEST_PGCTL" stop || not_ok "PostgreSQL stops ($o)"
	round=$((round + 1))
	read -r case ct pt mt <"$TMP/cases"
	st=$(submit "$URL_A" "$ct" "$case" claimant "$round")
	is "database down ($o): a submission is 503, a problem document" \
		"$st $(jq -r .type "$TMP/sub.claimant" 2>/dev/null)" "503 urn:nakodo:problem:unavailable"
	st=$(curl -s -o "$TMP/hz" -w '%{http_code}' --max-time 5 "$URL_B/healthz")
	is "database down ($o): /healthz says so" "$st $(jq -r .status "$TMP/hz")" "503 unavailable"
	"$NAKODO_TEST_PGCTL" start || not_ok "PostgreSQL starts again ($o)"
	check "database back ($o): both servers serve again by themselves" healthy
	while read -r case ct pt mt; do
		a=$(submit "$URL_A" "$ct" "$case" claimant "$round")
		b=$(submit "$URL_B" "$pt" "$case" payer "$round")
		[ "$a $b" = "200 200" ] || echo "$case $a $b" >>"$TMP/refused.$o"
	done <"$TMP/cases"
	is "database back ($o): the round the outage refused is accepted in every case" \
		"$(cat "$TMP/refused.$o" 2>/dev/null)" ""
done

# SIGKILL of server B under load through both servers: each client takes its half of
# the cases round after round, the claimant through A and the payer through B
client() {	# N: lines N mod 2 of the cases
	local r case ct pt mt st line
	for r in $(seq $((round + 1)) 50); do
		while read -r case ct pt mt; do
			for line in "$URL_A $ct claimant" "$URL_B $pt payer"; do
				set -- $line
				for _ in $(seq 200); do
					[ -e "$TMP/stop" ] && return
					st=$(submit "$1" "$2" "$case" "$3" "$r")
					case $st in 200|409) break ;; *) sleep 0.05 ;; esac
				done
			done
		done < <(awk -v me="$1" 'NR % 2 == me' "$TMP/cases")
	done
}
client 0 & CLIENT_A=$!
client 1 & CLIENT_B=$!
restarts=0
for k in $(seq "$KILLS"); do
	sleep "0.$((RANDOM % 5 + 2))"
	kill -KILL "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
	LISTEN=$LISTEN_B start_server --threads 4 --rate 100000 --burst 100000 &&
		restarts=$((restarts + 1))
done
touch "$TMP/stop"
wait "$CLIENT_A" "$CLIENT_B"
is "server B killed and restarted $KILLS times" "$restarts" "$KILLS"

# every acknowledged figure is in its case's log; every log folds
lost=0 folds=0
URL=$URL_A
while read -r case ct pt mt; do
	req log "$mt" GET "/v1/cases/$case/log" >/dev/null
	jq -r --arg c "$case" \
		'.events[] | select(.type == "figure") | "\($c) \(.body.role) \(.body.round)"' \
		"$(last)" >>"$TMP/present"
	"$NAKODO" --db "$DB" log "$case" >/dev/null 2>&1 || folds=$((folds + 1))
done <"$TMP/cases"
lost=$(sort -u "$TMP/ack" | comm -23 - <(sort -u "$TMP/present") | wc -l)
is "no acknowledged figure was lost ($(sort -u "$TMP/ack" | wc -l) acknowledged)" "$lost" 0
is "every log folds" "$folds" 0
echo "1..$n"
exit $((failed > 0))

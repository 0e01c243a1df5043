#!/bin/bash
# Crash test of `nakodo serve` (TAP): clients stream figure submissions into many cases
# while the server is killed with SIGKILL at random moments (CRASH_KILLS times, 20 by
# default). CRASH_CLIENTS clients (3) against CRASH_THREADS worker threads (4); the
# server_crash_load test runs 12 against 16, so that commits share flushes as under a
# benchmark's load (issue 13). After each restart every acknowledged submission is in
# its case's log, no submission that was never sent appears there, and every case's log
# still folds.
set -u
. "$(dirname "$0")/lib.sh"

KILLS=${CRASH_KILLS:-20}
CASES=24
CLIENTS=${CRASH_CLIENTS:-3}
THREADS=${CRASH_THREADS:-4}
RULES50=${RULES/\"rounds\":3/\"rounds\":50}

echo "TAP version 13"
start_server --rate 100000 --burst 100000 --threads "$THREADS"
LISTEN="127.0.0.1:$PORT"	# restarts keep the port the clients use
for _ in $(seq "$CASES"); do
	new_case "$RULES50" && echo "$CASE $CT $PT $MT" >>"$TMP/cases"
done
is "$CASES cases opened" "$(wc -l <"$TMP/cases")" "$CASES"

# client N: its share of the cases, round by round; every attempt is recorded before it
# is sent, every 200 after it came back. Each names its round, so a retry of an attempt
# whose answer was lost is refused (409) rather than landing in a later round; a 409
# means that earlier, unanswered attempt did commit. Bounded: at most 50 rounds, 400 tries per submission.
client() {
	local me=$1 line case ct pt r role tok amount st tries
	for r in $(seq 50); do
		while read -r line; do
			set -- $line; case=$1; ct=$2; pt=$3
			for role in claimant payer; do
				[ -e "$TMP/stop" ] && return
				if [ "$role" = claimant ]; then tok=$ct; amount=$((1000000 - r * 10)); else tok=$pt; amount=$((r * 10)); fi
				for tries in $(seq 400); do
					[ -e "$TMP/stop" ] && return
					echo "$case $role $r" >>"$TMP/attempt.$me"
					st=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $tok" \
						-H 'Content-Type: application/json' --data-binary "{\"amount\":$amount,\"round\":$r}" \
						"http://$LISTEN/v1/cases/$case/figures")
					case $st in
					200) echo "$case $role $r" >>"$TMP/ack.$me"; sleep 0.1; break ;;
					409) break ;;
					000|5*) sleep 0.02 ;;
					*) echo "$case $role $r: HTTP $st" >>"$TMP/unexpected"; break ;;
					esac
				done
			done
		done < <(awk -v n="$CLIENTS" -v me="$me" 'NR % n == me' "$TMP/cases")
	done
}

# Checks the acknowledgements recorded up to now against the running server. Every case's
# briefing and log come from one curl (a config of 2 x CASES requests over one kept-alive
# connection) and their figures from one jq: a curl and a jq per request made a check
# take 12-19 s beside two busy loops, so that the kills ran out of time (6 of 20 in 150 s).
verify() {
	local missing=0 phantom=0 folds=0 line case mt what cfg="$TMP/verify.cfg"
	# acknowledged before the logs are read, attempted after: both hold for whatever
	# the clients do meanwhile
	cat "$TMP"/ack.* 2>/dev/null | sort -u >"$TMP/acked"
	rm -rf "$TMP/v"
	mkdir "$TMP/v"
	: >"$cfg"
	while read -r line; do
		set -- $line; case=$1; mt=$4
		for what in brief log; do
			[ -s "$cfg" ] && echo next >>"$cfg"
			printf '%s\n' "url = \"$URL/v1/cases/$case/$what\"" silent "max-time = 10" \
				"header = \"Authorization: Bearer $mt\"" "output = \"$TMP/v/$what.$case\"" \
				'write-out = "%{http_code}\n"' >>"$cfg"
		done
	done <"$TMP/cases"
	curl -K "$cfg" >"$TMP/v/codes"
	folds=$(awk 'NR % 2 == 1 && $1 == 200' "$TMP/v/codes" | wc -l)
	# a log that did not come (no file, or not JSON) leaves figures out: they count as
	# missing
	jq -r '(input_filename | sub(".*/log[.]"; "")) as $c | .events[] |
		select(.type == "figure") | "\($c) \(.body.role) \(.body.round)"' \
		"$TMP"/v/log.* 2>/dev/null | sort -u >"$TMP/present"
	cat "$TMP"/attempt.* 2>/dev/null | sort -u >"$TMP/attempted"
	missing=$(comm -23 "$TMP/acked" "$TMP/present" | wc -l)
	phantom=$(comm -13 "$TMP/attempted" "$TMP/present" | wc -l)
	VERIFIED="acked=$(wc -l <"$TMP/acked") missing=$missing phantom=$phantom folding=$folds/$CASES"
	[ "$missing" = 0 ] && [ "$phantom" = 0 ] && [ "$folds" = "$CASES" ]
}

pids=()
for c in $(seq 0 $((CLIENTS - 1))); do client "$c" & pids+=($!); done
deadline=$(($(date +%s) + 150))
for k in $(seq "$KILLS"); do
	sleep "0.$((RANDOM % 5 + 2))"
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
	sleep 0.1	# let clients record answers that arrived before the kill
	if ! start_server --rate 100000 --burst 100000 --threads "$THREADS"; then
		not_ok "restart $k after SIGKILL"
		break
	fi
	if verify; then ok "SIGKILL $k: every acknowledged figure survived ($VERIFIED)"
	else not_ok "SIGKILL $k: every acknowledged figure survived" "$VERIFIED"; fi
	[ "$(date +%s)" -lt "$deadline" ] || { not_ok "crash test ran out of time"; break; }
done
touch "$TMP/stop"
wait "${pids[@]}"
check "final check after the clients stopped" verify
echo "# $VERIFIED"
is "no unexpected answers" "$(cat "$TMP/unexpected" 2>/dev/null)" ""
check "the clients got acknowledgements across the crashes" test "$(wc -l <"$TMP/acked")" -ge 40
stop_server
bad=0
while read -r line; do
	set -- $line
	"$NAKODO" --db "$DB" brief "$1" --as mediator >/dev/null 2>&1 || bad=$((bad + 1))
done <"$TMP/cases"
is "every case folds in local mode after a clean stop" "$bad" 0
check "no sanitizer or valgrind report from the server" bash -c "! grep -qE 'Sanitizer|runtime error|ERROR SUMMARY: [1-9]|Invalid (read|write)' '$TMP/server.log'"
echo "1..$n"
exit $((failed > 0))

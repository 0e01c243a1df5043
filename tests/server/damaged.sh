#!/usr/bin/env bash
# A case whose stored log does not verify (an event changed at rest without the server's
# key, or one taken out) against the real `nakodo serve`: the server starts with it, every
# route of the case answers its roles a 500 problem of type `corrupt` (doc/api.md,
# "Problems") that says the case's data does not verify and nothing of the log (no event,
# no reason, no figure), the same to every role; a token of another role or case is
# refused as before; the other cases and /healthz go on, and the server stays up under
# a run of requests to the damaged case. A log cut back to an earlier countersigned event
# answers the same where what its deleted events wrote stays (a sealed figure, a closing
# statement). (A re-chained forgery, the operator's, is tests/adversary/blind_log_forged.sh.)
# Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
[ "${NAKODO_TEST_STORE:-sqlite}" = sqlite ] ||
	{ echo "1..0 # SKIP the edit at rest is written for sqlite"; exit 0; }
PY=python3
$PY -c 'import sqlite3' 2>/dev/null || PY=/usr/bin/python3
$PY -c 'import sqlite3' 2>/dev/null || { echo "1..0 # SKIP python3 with sqlite3 is needed"; exit 0; }

echo "TAP version 13"
start_server --rate 1000 --burst 1000 || { echo "not ok - the server did not start"; echo "1..1"; exit 1; }
# two cases, a round each without a deal; the claimant 731,337.77, the payer 613,133.73
open_round() {
	new_case || return 1
	req f "$CT" POST "/v1/cases/$CASE/figures" '{"amount":73133777}' >/dev/null &&
		[ "$(req f "$PT" POST "/v1/cases/$CASE/figures" '{"amount":61313373}')" = 200 ]
}
open_round
is "a case opens and its first round ends without a deal" "$?" 0
BAD=$CASE BCT=$CT BPT=$PT BMT=$MT
open_round
is "and a second case beside it" "$?" 0
stop_server

# edit: the first figure's round changed where the events are kept, the chain left as it was
$PY - "${DB#sqlite:}" "$BAD" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
n = con.execute("UPDATE events SET body = replace(body, '\"round\":1', '\"round\":2') "
                "WHERE case_id = ? AND seq = 2", (sys.argv[2],)).rowcount
con.commit()
sys.exit(n != 1)
PY
is "the event was changed at rest" "$?" 0

start_server --rate 1000 --burst 1000
is "the server starts with a damaged case in its store" "$?" 0

# problems ROUTE...: "STATUS TYPE FIELD" of each answer, and the answers kept for below
problems() {
	local out="" st
	for r in "$@"; do
		# shellcheck disable=SC2086	# NAME TOKEN METHOD PATH [BODY]
		set -- $r
		st=$(req "$@")
		out="$out $st $(jq -r '[.type, .field] | join(" ")' "$(last)")"
		cp "$(last)" "$TMP/damaged.$1.$(date +%s%N)"
	done
	echo "${out# }"
}
C="urn:nakodo:problem:corrupt case"
is "the mediator's GET /log: a 500 problem of type corrupt, not the internal failure's" \
	"$(problems "log $BMT GET /v1/cases/$BAD/log")" "500 $C"
is "its briefing, and each party's, the same" \
	"$(problems "brief $BMT GET /v1/cases/$BAD/brief" "brief $BCT GET /v1/cases/$BAD/brief" \
		"brief $BPT GET /v1/cases/$BAD/brief")" "500 $C 500 $C 500 $C"
is "a figure, the inbox and the receipt: the same, and nothing was done" \
	"$(problems "fig $BCT POST /v1/cases/$BAD/figures {\"amount\":73133700}" \
		"inbox $BPT GET /v1/cases/$BAD/messages" "rc $BMT GET /v1/cases/$BAD/receipt")" \
	"500 $C 500 $C 500 $C"
is "the detail says the case's data does not verify" \
	"$(cat "$TMP"/damaged.* | jq -r .detail | sort -u |
		grep -c "^what the server keeps of this case does not verify")" 1
is "every answer has the same detail and title" \
	"$(cat "$TMP"/damaged.* | jq -r '[.detail, .title] | join("|")' | sort -u | wc -l)" 1
is "no answer names an event, a round or a figure of the log" \
	"$(cat "$TMP"/damaged.* | jq -c 'del(.request_id)' | grep -ciE 'event [0-9]|round|731337|731,337|613133|613,133|figure')" 0
is "a token of another role is refused before the case is read (403)" \
	"$(req log "$BCT" GET "/v1/cases/$BAD/log") $(jq -r .type "$(last)")" \
	"403 urn:nakodo:problem:forbidden"
is "and a token of another case (403)" \
	"$(req brief "$CT" GET "/v1/cases/$BAD/brief") $(jq -r .type "$(last)")" \
	"403 urn:nakodo:problem:forbidden"

# the server stays up: a run of requests to the damaged case, then the others
codes=""
for i in $(seq 40); do
	codes="$codes $(req brief "$BCT" GET "/v1/cases/$BAD/brief")"
done
is "40 more reads of the damaged case: each a 500" "$(echo $codes | tr ' ' '\n' | sort -u)" 500
check "the server is still running" kill -0 "$SERVER_PID"
is "/healthz: ok (one damaged case does not take the server out of service)" \
	"$(req hz "" GET /healthz) $(jq -r .status "$(last)")" "200 ok"
is "the other case goes on: its second round settles" \
	"$(req f "$CT" POST "/v1/cases/$CASE/figures" '{"amount":70000000}') \
$(req f "$PT" POST "/v1/cases/$CASE/figures" '{"amount":70000000}') $(jq -r .state "$(last)")" \
	"200 200 settled"
is "its log verifies" "$(req log "$MT" GET "/v1/cases/$CASE/log") $(jq .verified "$(last)")" "200 true"

# the command through the server: exit 3, as locally, and the reason on stderr
NAKODO_SERVER=$URL NAKODO_TOKEN=$BMT "$NAKODO" log "$BAD" >"$TMP/cli.out" 2>"$TMP/cli.err"
is "nakodo log through the server: exit 3, nothing printed" "$? $(wc -c <"$TMP/cli.out")" "3 0"
check "and it says the case's data does not verify" grep -q "does not verify" "$TMP/cli.err"
"$NAKODO" --db "$DB" log "$BAD" >/dev/null 2>"$TMP/local.err"
is "nakodo log on the database, the operator's: exit 3, and it names the event" \
	"$? $(grep -c "event 2" "$TMP/local.err")" "3 1"

# an event taken out: the chain has a gap
stop_server
$PY - "${DB#sqlite:}" "$CASE" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
n = con.execute("DELETE FROM events WHERE case_id = ? AND seq = 3", (sys.argv[2],)).rowcount
con.commit()
sys.exit(n != 1)
PY
is "an event of the settled case was taken out" "$?" 0
start_server --rate 1000 --burst 1000
is "after a restart, its log and its receipt: the same problem" \
	"$(problems "log $MT GET /v1/cases/$CASE/log" "rc $CT GET /v1/cases/$CASE/receipt")" \
	"500 $C 500 $C"
is "/healthz still ok" "$(req hz "" GET /healthz)" 200
check "and the server still running" kill -0 "$SERVER_PID"

# a sealed figure swapped at rest for another case's under the same name: it does not
# open (bound to its case and name), and the case answers corrupt as for its log
one_figure() {
	new_case && [ "$(req f "$CT" POST "/v1/cases/$CASE/figures" '{"amount":73133777}')" = 200 ]
}
one_figure && N1=$CASE N1CT=$CT && one_figure
is "two more cases, the claimant's figure in each" "$?" 0
stop_server
$PY - "${DB#sqlite:}" "$N1" "$CASE" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
n = con.execute("UPDATE secrets SET sealed = (SELECT o.sealed FROM secrets o WHERE "
                "o.case_id = ?2 AND o.name = secrets.name) WHERE case_id = ?1 AND name IN "
                "(SELECT name FROM secrets WHERE case_id = ?2)", (sys.argv[2], sys.argv[3])).rowcount
con.commit()
sys.exit(n < 1)
PY
is "the first case's sealed secrets swapped for the second's" "$?" 0
start_server --rate 1000 --burst 1000
is "its claimant's briefing: the same corrupt problem, not the internal failure's" \
	"$(problems "b $N1CT GET /v1/cases/$N1/brief")" "500 $C"
is "the other case's briefing: 200" "$(req b "$CT" GET "/v1/cases/$CASE/brief")" 200

# A log cut back at rest: its last events deleted, so that it ends on an earlier event the
# server countersigned and its chain verifies. What their commits wrote beside them stays:
# the open round's figure of a party the log says has not submitted, or an ended case's
# closing statement in the record. Each case answers corrupt on every route, to every
# role, the same words; before, every route answered as if the events had never been
# (the claimant's figure taken again; the settled case open, its parties told 404).
open_round && [ "$(req f "$CT" POST "/v1/cases/$CASE/figures" '{"amount":73133700}')" = 200 ]
is "a case in its second round, the claimant's figure in" "$?" 0
CUT=$CASE CCT=$CT CPT=$PT CMT=$MT
new_case && req f "$CT" POST "/v1/cases/$CASE/figures" '{"amount":61313373}' >/dev/null &&
	[ "$(req f "$PT" POST "/v1/cases/$CASE/figures" '{"amount":73133777}') $(jq -r .state "$(last)")" = "200 settled" ]
is "and a case settled" "$?" 0
stop_server
# cut CASE EVENTS: deletes the last EVENTS events of CASE; prints the type now last
cut() {
	$PY - "${DB#sqlite:}" "$1" "$2" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
last = con.execute("SELECT max(seq) FROM events WHERE case_id = ?", (sys.argv[2],)).fetchone()[0]
n = con.execute("DELETE FROM events WHERE case_id = ? AND seq > ?",
                (sys.argv[2], last - int(sys.argv[3]))).rowcount
con.commit()
print(con.execute("SELECT type FROM events WHERE case_id = ? ORDER BY seq DESC LIMIT 1",
                  (sys.argv[2],)).fetchone()[0] if n == int(sys.argv[3]) else "not cut")
PY
}
is "the second round's figure deleted: the log ends on the first round's outcome" "$(cut "$CUT" 1)" round
is "the settlement and the purge deleted: the log ends on the round that found the deal" \
	"$(cut "$CASE" 2)" round
"$NAKODO" --db "$DB" log "$CUT" >/dev/null 2>"$TMP/local.err"
is "nakodo log on the database, the operator's: exit 3, a figure the log does not record" \
	"$? $(grep -c "sealed figure that the log does not record" "$TMP/local.err")" "3 1"
start_server --rate 1000 --burst 1000
rm -f "$TMP"/damaged.*
is "the cut case: its log, each briefing, the receipt and the inbox answer corrupt" \
	"$(problems "log $CMT GET /v1/cases/$CUT/log" "b $CMT GET /v1/cases/$CUT/brief" \
		"b $CCT GET /v1/cases/$CUT/brief" "b $CPT GET /v1/cases/$CUT/brief" \
		"rc $CMT GET /v1/cases/$CUT/receipt" "inbox $CPT GET /v1/cases/$CUT/messages")" \
	"500 $C 500 $C 500 $C 500 $C 500 $C 500 $C"
is "the claimant's figure for the round again: corrupt, not taken" \
	"$(problems "fig $CCT POST /v1/cases/$CUT/figures {\"amount\":73133700}")" "500 $C"
is "the settled case cut back: its briefings, receipt and close answer corrupt" \
	"$(problems "b $MT GET /v1/cases/$CASE/brief" "b $CT GET /v1/cases/$CASE/brief" \
		"b $PT GET /v1/cases/$CASE/brief" "rc $PT GET /v1/cases/$CASE/receipt" \
		"close $MT POST /v1/cases/$CASE/close {}")" "500 $C 500 $C 500 $C 500 $C 500 $C"
is "every answer the same words, naming no event, round, figure or reason" \
	"$(cat "$TMP"/damaged.* | jq -r '[.detail, .title] | join("|")' | sort -u | wc -l) \
$(cat "$TMP"/damaged.* | jq -c 'del(.request_id)' | grep -ciE 'event [0-9]|round|7313|6131|figure|deleted|record')" "1 0"
stop_server
echo "1..$n"
[ "$failed" = 0 ]

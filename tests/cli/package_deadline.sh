#!/usr/bin/env bash
# Package cases' deadline (doc/package.md, "Deadlines"): --deadline on `package open`, its
# refusals, the case's closing past it and, in an improvement phase, the tentative package
# standing; kept locally when the next command runs and by a real server's timer; what
# each role's briefing says of it. The clock is the file NAKODO_TEST_CLOCK names (read by
# nakodo-test, a test build). Prints TAP. Needs NAKODO (the test build), curl and jq.
. "$(dirname "$0")/../server/lib.sh"
export NAKODO_TEST_CLOCK="$TMP/clock"
T0=1800000000000			# 2027-01-15T08:00:00Z
DEADLINE=2027-01-20T08:00:00Z		# T0 + 5 days
DAY=86400000
set_clock() { echo "$1" >"$NAKODO_TEST_CLOCK"; }
set_clock $T0
EX="$(cd "$(dirname "$0")/../../examples" && pwd)"
K="$EX/claims-1962-package-korea.json" J="$EX/claims-1962-package-japan.json"
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/local.db"
lnk() { nk --db "$db" "$@"; }
popen() { lnk package open --currency USD --components grant,loan --rounds 2 "$@"; }
tentative() {	# tentative CASE: both accept round 1's package
	lnk package submit "$1" --as claimant "$K" >/dev/null &&
	lnk package submit "$1" --as payer "$J" >/dev/null &&
	lnk answer "$1" --as claimant accept >/dev/null && lnk answer "$1" --as payer accept >/dev/null
}

# ---- the option and its refusals ----
nk package open --help >"$TMP/out"
check "package open --help names --deadline" grep -q -- '\[--deadline TIME\]' "$TMP/out"
for bad in 2027-01-15T07:59:59Z 2028-02-01T00:00:00Z 2027-02-30T00:00:00Z 2027-01-20; do
	popen --deadline "$bad" >/dev/null
	is "--deadline '$bad' is refused (exit 2)" "$?" 2
	grep -q 'deadline' "$TMP/err" || not_ok "its error names the deadline ('$bad')" "$(cat "$TMP/err")"
done
check "a refused opening leaves no case" \
	bash -c "[ ! -e '$db' ] || [ -z \"\$('$NAKODO' --db '$db' case list 2>/dev/null)\" ]"

# ---- locally: the deadline in plain words, the time left ----
A=$(popen --deadline $DEADLINE)
is "a package case with a deadline opens" "$?" 0
lnk brief "$A" --as payer >"$TMP/out"
check "the briefing states the deadline" \
	grep -q "^deadline: $DEADLINE; the case closes then unless it has settled$" "$TMP/out"
check "and the time left" grep -q '^time left before the deadline: 5d$' "$TMP/out"
lnk --json brief "$A" --as mediator >"$TMP/out"
is "--json: the frame carries the deadline, not yet passed" \
	"$(jq -c '[.frame.deadline, .deadlines.deadline_passed]' "$TMP/out")" "[\"$DEADLINE\",false]"
lnk --json log "$A" >"$TMP/out"
is "the opening is version 4 with deadline_ms in its frame" \
	"$(jq -c '.events[0].body | [.v, .frame.deadline_ms]' "$TMP/out")" "[4,1800432000000]"
NODL=$(popen)
lnk --json log "$NODL" >"$TMP/out"
is "without a deadline the opening keeps the bytes it had" \
	"$(jq -c '.events[0].body | [.v, (.frame | has("deadline_ms"))]' "$TMP/out")" "[null,false]"
lnk --json brief "$NODL" --as payer >"$TMP/out"
is "nor has its briefing any deadlines" "$(jq -c 'has("deadlines")' "$TMP/out")" false

# ---- the deadline closes a case still in its rounds ----
lnk package submit "$A" --as claimant "$K" >/dev/null
set_clock $((T0 + 5 * DAY - 1))
lnk brief "$A" --as payer >"$TMP/out"
check "a millisecond before it the case is open" grep -q ": open, round 1 of 2" "$TMP/out"
set_clock $((T0 + 5 * DAY))
lnk package submit "$A" --as payer "$J" >/dev/null
is "a valuation at the deadline is refused: the case closed first (exit 1)" "$?" 1
check "it says the case has ended" grep -q 'ended (closed)' "$TMP/err"
for role in claimant payer; do
	lnk brief "$A" --as $role >"$TMP/$role"
	check "the $role is told the deadline passed and the case closed" \
		grep -q '^the deadline passed: the case closed$' "$TMP/$role"
	check "  its header says why" grep -q "^package case $A, as $role: closed (its deadline passed)$" "$TMP/$role"
done
check "the payer's briefing does not tell whether the claimant had submitted" \
	bash -c "! grep -qi 'claimant.*submitted' '$TMP/payer'"
lnk --json log "$A" >"$TMP/out"
is "the log: the go-between's lapse, closing and deletion" \
	"$(jq -c '[.events[-3:][] | [.actor, .type, (.body.what // .body.reason // .body.secrets)]]' \
		"$TMP/out")" \
	"$(printf '%s' '[["go-between","lapsed","deadline"],' \
		'["go-between","closed","the case'"'"'s deadline passed"],' \
		'["go-between","purged","deleted"]]')"

# ---- an improvement phase lapses: the tentative package stands ----
set_clock $T0
B=$(popen --improvements --deadline $DEADLINE)
tentative "$B"
is "both accept: the improvement phase opens" \
	"$(lnk --json brief "$B" --as payer | jq -c '[.state, .improvement.phase]')" '["open","open"]'
lnk brief "$B" --as claimant >"$TMP/out"
check "the briefing says a lapse leaves the accepted package" \
	grep -q "^deadline: $DEADLINE; .*(in an improvement phase, the package both accepted stands)" \
	"$TMP/out"
lnk package submit "$B" --as claimant "$K" >/dev/null
is "the claimant submits an improvement valuation" "$?" 0
set_clock $((T0 + 5 * DAY + 1))
lnk brief "$B" --as payer >"$TMP/out"
check "past the deadline: settled" grep -q ": settled$" "$TMP/out"
check "the payer is told the package both accepted stands" \
	grep -q '^the deadline passed: the package both accepted stands$' "$TMP/out"
check "and it was the proposed package, not an improvement" \
	grep -q '^settled with the proposed package$' "$TMP/out"
lnk --json log "$B" >"$TMP/out"
is "the log: the lapse, then the settlement on the baseline by the go-between" \
	"$(jq -c '[.events[-3:-1][] | [.actor, .type, (.body.improved // false)]]' "$TMP/out")" \
	'[["go-between","lapsed",false],["go-between","settled",false]]'
is "the settled package is round 1's" \
	"$(jq -c '[.events[-2].body.round, .events[-2].body.package.label]' "$TMP/out")" \
	'[1,"claims and economic cooperation"]'

# ---- a server keeps it on time: its timer, not the next request ----
set_clock $T0
start_server
is "the server starts" "$?" 0
FRAME='{"currency":"USD","components":["grant","loan"],"solution":"nash","rounds":2,'
FRAME+='"monotone":true,"hints":"none"}'
PAST=2027-01-15T07:00:00Z
status=$(req open "$OP" POST /v1/cases "{\"package\":${FRAME%\}},\"deadline\":\"$PAST\"}}")
is "POST /v1/cases: a package deadline in the past is 400" "$status" 400
is "naming the deadline" "$(jq -r .field "$(last)")" deadline
status=$(req open "$OP" POST /v1/cases "{\"package\":${FRAME%\}},\"deadline\":5}}")
is "a deadline that is not a time is 400 naming it" "$status $(jq -r .field "$(last)")" \
	"400 deadline"
status=$(req open "$OP" POST /v1/cases "{\"package\":${FRAME%\}},\"deadline\":\"$DEADLINE\"}}")
is "POST /v1/cases with a package deadline: 201" "$status" 201
is "the opening answer's frame carries it" "$(jq -r .frame.deadline "$(last)")" "$DEADLINE"
C=$(jq -r .case "$(last)"); CPT=$(jq -r .tokens.payer "$(last)")
set_clock $((T0 + 5 * DAY + 1000))
# watched through the database, by `log`, which keeps no deadlines: a closing seen there
# is the timer's
closed=0
for _ in $(seq 50); do
	"$NAKODO" --db "$DB" --json log "$C" 2>/dev/null >"$TMP/srvlog"
	closed=$(jq '[.events[] | select(.type == "closed")] | length' "$TMP/srvlog")
	[ "$closed" = 1 ] && break
	sleep 0.1
done
is "the server's timer closes the package case at its deadline, with no request on it" \
	"$closed" 1
req b "$CPT" GET "/v1/cases/$C/brief" >/dev/null
is "the payer's briefing through the API: closed, the deadline passed" \
	"$(jq -c '[.state, .deadlines.deadline_passed]' "$(last)")" '["closed",true]'
# the remote command: the option travels in the frame, the briefing comes back with it
set_clock $T0
RC=$(nk --json package open --server "$URL" --token "$OP" --currency USD --deadline $DEADLINE \
	| tee "$TMP/opened" | jq -r .case)
is "package open --deadline through the server" "$(jq -r .frame.deadline "$TMP/opened")" "$DEADLINE"
nk brief "$RC" --server "$URL" --token "$(jq -r .tokens.payer "$TMP/opened")" >"$TMP/out"
check "the remote briefing shows the deadline and the time left" \
	bash -c "grep -q '^deadline: $DEADLINE' '$TMP/out' &&
		 grep -q '^time left before the deadline: 5d$' '$TMP/out'"
stop_server
echo "1..$n"
[ "$failed" = 0 ]

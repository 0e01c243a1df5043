#!/usr/bin/env bash
# Deadlines (issue 17, tool 1): --round-time and --deadline, their refusals, a round's
# lapse and the deadline's closing kept locally when the next command runs and by a real
# server's timer, and what each role's briefing says of a lapse. The clock is the file
# NAKODO_TEST_CLOCK names (read by nakodo-test, a test build): no test sleeps for the time it moves.
# Prints TAP. Needs NAKODO (the binary), curl and jq.
. "$(dirname "$0")/../server/lib.sh"
export NAKODO_TEST_CLOCK="$TMP/clock"
T0=1800000000000			# 2027-01-15T08:00:00Z
DEADLINE=2027-01-20T08:00:00Z		# T0 + 5 days
MIN=60000
set_clock() { echo "$1" >"$NAKODO_TEST_CLOCK"; }
set_clock $T0
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/local.db"
lnk() { nk --db "$db" "$@"; }

# ---- the options and their refusals ----
nk case new --help >"$TMP/out"
check "case new --help names --round-time and --deadline" \
	grep -q -- '--round-time DURATION.*--deadline TIME' <(tr '\n' ' ' <"$TMP/out")
for bad in 30 30x 0m 59s 91d -5m 1.5h ''; do
	lnk case new --currency USD --round-time "$bad" >/dev/null
	rc=$?
	is "--round-time '$bad' is refused (exit 2)" "$rc" 2
	grep -q 'round-time' "$TMP/err" ||
		not_ok "its error names --round-time ('$bad')" "$(cat "$TMP/err")"
done
for bad in 2027-01-15T07:59:59Z 2028-02-01T00:00:00Z 2027-02-30T00:00:00Z 2027-01-20 \
	   '2027-01-20 08:00:00' 2027-01-20T08:00:00+01:00; do
	lnk case new --currency USD --deadline "$bad" >/dev/null
	is "--deadline '$bad' is refused (exit 2)" "$?" 2
	grep -q 'deadline' "$TMP/err" || not_ok "its error names the deadline ('$bad')" "$(cat "$TMP/err")"
done
check "a refused opening leaves no case" \
	bash -c "[ ! -e '$db' ] || [ -z \"\$('$NAKODO' --db '$db' case list 2>/dev/null)\" ]"

# ---- the shipped command reads no clock from its environment ----
# With the clock file at 2001-01-01 a deadline in 2001-06 is ahead for the test build and
# long past for the command that is installed, whatever the day the test runs.
if [ -n "${NAKODO_SHIPPED:-}" ]; then
	set_clock 978307200000
	NAKODO_TEST_CLOCK="$NAKODO_TEST_CLOCK" "$NAKODO_SHIPPED" --db "$TMP/shipped.db" \
		case new --currency USD --deadline 2001-06-01T00:00:00Z >/dev/null 2>"$TMP/err"
	is "the shipped command ignores NAKODO_TEST_CLOCK (a 2001 deadline is past)" "$?" 2
	nk --db "$TMP/clocked.db" case new --currency USD --deadline 2001-06-01T00:00:00Z >/dev/null
	is "the test build reads it (the same deadline is ahead)" "$?" 0
	set_clock $T0
else
	not_ok "NAKODO_SHIPPED (the installed command's build) is not set"
fi

# ---- locally: the rules in plain words, the time left ----
CASE=$(lnk case new --currency USD --round-time 30m --deadline $DEADLINE)
is "a case with both deadlines opens" "$?" 0
lnk brief "$CASE" --as payer >"$TMP/out"
check "the briefing states the round time" \
	grep -q '^round time: 30m; a round not complete' "$TMP/out"
check "the briefing states the deadline" grep -q "^deadline: $DEADLINE; the case closes" "$TMP/out"
check "the briefing shows the round's time left" \
	grep -q '^round 1 lapses at 2027-01-15T08:30:00Z (30m left)' "$TMP/out"
check "the briefing shows the time left before the deadline" \
	grep -q '^time left before the deadline: 5d$' "$TMP/out"
lnk --json brief "$CASE" --as payer >"$TMP/out"
is "--json: the rules carry round_time and deadline" \
	"$(jq -c '[.rules.round_time, .rules.deadline, .deadlines.round_due]' "$TMP/out")" \
	"[1800,\"$DEADLINE\",\"2027-01-15T08:30:00Z\"]"

# ---- a lapse, kept by the next command: who is told what ----
# Two cases, the same clock: in A the claimant submits and the payer does not; in B
# neither does. The payer's briefings must not tell A from B.
A=$(lnk case new --currency USD --round-time 30m)
B=$(lnk case new --currency USD --round-time 30m)
lnk submit "$A" --as claimant 50000 >/dev/null
is "the claimant submits in A" "$?" 0
set_clock $((T0 + 29 * MIN))
lnk brief "$A" --as payer >"$TMP/out"
check "before its time the round has not lapsed" bash -c "! grep -q lapsed '$TMP/out'"
set_clock $((T0 + 31 * MIN))
lnk brief "$A" --as claimant >"$TMP/a_claimant"
check "the claimant is told the round lapsed, its figure void" \
	grep -q '^round 1 lapsed; its figures are void$' "$TMP/a_claimant"
lnk brief "$A" --as payer >"$TMP/a_payer"
check "the payer is told it did not submit in time" \
	grep -q '^round 1 lapsed; its figures are void; you did not submit a figure in time$' \
	"$TMP/a_payer"
lnk log "$A" >"$TMP/out"
is "the log records one lapse, by the go-between" \
	"$(grep -c '"what":"round"' "$TMP/out")" 1
check "the lapse names no role" bash -c "! grep '\"what\":\"round\"' '$TMP/out' | grep -q role"
lnk brief "$B" --as payer >"$TMP/b_payer"
norm() { sed "s/$1/CASE/g" "$2"; }
is "the payer cannot tell whether the claimant had submitted (text)" \
	"$(norm "$A" "$TMP/a_payer")" "$(norm "$B" "$TMP/b_payer")"
lnk --json brief "$A" --as payer | jq -S 'del(.case, .seed_commitment)' >"$TMP/a.json"
lnk --json brief "$B" --as payer | jq -S 'del(.case, .seed_commitment)' >"$TMP/b.json"
check "nor through --json" cmp -s "$TMP/a.json" "$TMP/b.json"
claimant_missed=$(lnk --json brief "$A" --as claimant | jq -c '.deadlines.you_missed')
is "--json: the payer missed it, the claimant did not" \
	"$(jq -c '.deadlines | [.lapsed_round, .you_missed]' "$TMP/a.json")$claimant_missed" \
	"[1,true]false"
check "the claimant's lapsed figure is void: its round shows none" \
	grep -q 'your demand not yet submitted' "$TMP/a_claimant"
check "and the round time restarted at the lapse" \
	grep -q '^round 1 lapses at 2027-01-15T09:01:00Z (30m left)' "$TMP/a_claimant"
lnk submit "$A" --as claimant 50000 >/dev/null && lnk submit "$A" --as payer 60000 >/dev/null
is "both submit again after the lapse: the round settles" \
	"$(lnk --json brief "$A" --as payer | jq -r .state)" settled

# three lapses of one round close the case
set_clock $((T0 + 62 * MIN)); lnk brief "$B" --as mediator >/dev/null
set_clock $((T0 + 93 * MIN)); lnk brief "$B" --as mediator >"$TMP/out"
check "after the third lapse the case is closed" grep -q "^case $B, as mediator: closed" "$TMP/out"
lnk log "$B" >"$TMP/out"
check "the log says why" grep -q 'the open round lapsed three times' "$TMP/out"
lnk submit "$B" --as claimant 1 >/dev/null
is "a figure after the closing is refused (exit 1)" "$?" 1

# ---- the deadline closes the case ----
set_clock $((T0 + 5 * 1440 * MIN))
lnk submit "$CASE" --as claimant 50000 >/dev/null
is "a figure at the deadline is refused: the case closed first (exit 1)" "$?" 1
check "it says the case has ended" grep -q 'ended (closed)' "$TMP/err"
lnk brief "$CASE" --as claimant >"$TMP/out"
check "the briefing says the deadline passed" \
	grep -q '^the deadline passed: the case closed' "$TMP/out"
lnk log "$CASE" >"$TMP/out"
check "the log records the deadline and the closing" \
	bash -c "grep -q '\"what\":\"deadline\"' '$TMP/out' &&
		 grep -q \"the case's deadline passed\" '$TMP/out'"

# ---- a server keeps them on time: its timer, not the next request ----
set_clock $T0
start_server
is "the server starts" "$?" 0
DLRULES=${RULES%\}},\"round_time\":1800,\"deadline\":\"$DEADLINE\"}
status=$(req open "$OP" POST /v1/cases "{\"rules\":${RULES%\}},\"round_time\":30}}")
is "POST /v1/cases: a round_time under a minute is 400" "$status" 400
check "naming round_time" grep -q round_time "$(last)"
PAST=2027-01-15T07:00:00Z
status=$(req open "$OP" POST /v1/cases "{\"rules\":${RULES%\}},\"deadline\":\"$PAST\"}}")
is "POST /v1/cases: a deadline in the past is 400" "$status" 400
check "naming the deadline" grep -q deadline "$(last)"
new_case "$DLRULES"
is "POST /v1/cases with round_time and deadline: 201" "$?" 0
is "the opening answer carries them" "$(jq -c '[.rules.round_time, .rules.deadline]' "$(last)")" \
	"[1800,\"$DEADLINE\"]"
req fig "$CT" POST "/v1/cases/$CASE/figures" '{"amount":50000}' >/dev/null
set_clock $((T0 + 31 * MIN))
# watched through the database, by `log`, which keeps no deadlines (every request on
# the case would): a lapse seen there is the timer's
srvlog() { "$NAKODO" --db "$DB" --json log "$CASE" 2>/dev/null >"$TMP/srvlog"; }
lapsed=0
for _ in $(seq 50); do
	srvlog
	lapsed=$(jq '[.events[] | select(.type == "lapsed")] | length' "$TMP/srvlog")
	[ "$lapsed" = 1 ] && break
	sleep 0.1
done
is "the server's timer records the lapse with no request on the case" "$lapsed" 1
req b "$PT" GET "/v1/cases/$CASE/brief" >/dev/null
is "the payer's briefing: it missed round 1" \
	"$(jq -c '.deadlines | [.lapsed_round, .you_missed]' "$(last)")" "[1,true]"
req b "$CT" GET "/v1/cases/$CASE/brief" >/dev/null
is "the claimant's: the round lapsed, nothing of the payer" \
	"$(jq -c '.deadlines | [.lapsed_round, .you_missed]' "$(last)")" "[1,false]"
req b "$MT" GET "/v1/cases/$CASE/brief" >/dev/null
is "the mediator's has no you_missed" "$(jq -c '.deadlines | has("you_missed")' "$(last)")" false
set_clock $((T0 + 5 * 1440 * MIN + 1000))
state=""
for _ in $(seq 50); do
	srvlog
	state=$(jq -r '[.events[] | select(.type == "closed")] | length' "$TMP/srvlog")
	[ "$state" = 1 ] && break
	sleep 0.1
done
is "the timer closes the case at its deadline" "$state" 1
# the remote command: the options travel in the rules, the briefing comes back with them
set_clock $((T0 + 30 * MIN))
RCID=$(nk --json case new --server "$URL" --token "$OP" --currency USD --round-time 2h \
	--deadline $DEADLINE | tee "$TMP/opened" | jq -r .case)
is "case new --round-time --deadline through the server" \
	"$(jq -c '[.rules.round_time, .rules.deadline]' "$TMP/opened")" "[7200,\"$DEADLINE\"]"
nk brief "$RCID" --server "$URL" --token "$(jq -r .tokens.payer "$TMP/opened")" >"$TMP/out"
check "the remote briefing shows the round's time left" \
	grep -q '^round 1 lapses at 2027-01-15T10:30:00Z (2h left)' "$TMP/out"
check "and the deadline" grep -q "^deadline: $DEADLINE" "$TMP/out"
stop_server
echo "1..$n"
[ "$failed" = 0 ]

#!/usr/bin/env bash
# Black-box tests of the last rough edges of issue 15: the demo's log in columns, a case's
# title, the mediator's history of proposals, a party's briefing after settlement, and the
# operator's token reissued from the database. Prints TAP. Needs NAKODO, curl and jq.
. "$(dirname "$0")/../server/lib.sh"
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
printf 'correct horse battery staple\n' >"$TMP/pass"
db="$TMP/rough.db"
# run STATUS DESCRIPTION COMMAND...: stdout in $TMP/out, stderr in $TMP/err
run() {
	local want=$1 what=$2; shift 2
	"$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	is "$what: exit $want" "$?" "$want"
}
has() { if grep -q -- "$2" "$3"; then ok "$1"; else not_ok "$1" "no '$2' in:"; sed 's/^/#   /' "$3"; fi; }
lacks() { if ! grep -q -- "$2" "$3"; then ok "$1"; else not_ok "$1" "'$2' in:"; sed 's/^/#   /' "$3"; fi; }

# ---- the demo's log: one column for the body, whatever the event's number ----
run 0 "the demo" "$NAKODO" demo
grep '^    go-between | #' "$TMP/out" | awk '{ print index($0, "{") }' | sort -u >"$TMP/cols"
is "every log line's body starts in one column" "$(wc -l <"$TMP/cols")" 1
has "the log reaches two-digit numbers" "go-between | #10 " "$TMP/out"
echo "1..$n"
exit $((failed > 0))

#!/bin/bash
# /metrics' cases by state after a restart (TAP): read back from the summaries the store
# keeps with each case, a page of them at a time (more cases than one page here), not
# from every case's log; a case from before summaries, which has none, is folded from
# its log instead. The counts after a restart are those the routes kept before it.
set -u
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }

echo "TAP version 13"
SQL="$TMP/srv.db"
ONE='{"currency":"USD","rounds":1,"monotone":true,"settle":"midpoint","band_bp":0,"band_amount":0,"grid":1,"hints_bp":[],"range_low":0,"range_high":100000000,"leakage_bits":8.0,"proposals":1}'
counts() {
	req metrics "$OP" GET /metrics >/dev/null
	sed -n 's/^nakodo_cases{state="\([a-z]*\)"} \([0-9]*\)$/\1=\2/p' "$(last)" | tr '\n' ' '
}

start_server --rate 100000 --burst 100000
# More open cases than a page of summaries (NK_SUMMARY_PAGE_MAX, 200) holds.
# (eight at a time, so that their commits share flushes)
seq 202 | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
	-H "Authorization: Bearer $OP" -H 'Content-Type: application/json' \
	--data-binary "{\"rules\":$RULES}" "$URL/v1/cases" >"$TMP/opened"
new_case
OPEN_ID=$CASE
is "202 cases opened at once, and one more" "$(grep -c '^201$' "$TMP/opened")" 202
# one_round DEMAND OFFER: a case of one round with these figures (CASE); sets ENDED to
# the payer's status and the state it leaves.
one_round() {
	new_case "$ONE"
	req f "$CT" POST "/v1/cases/$CASE/figures" "{\"amount\":$1}" >/dev/null
	ENDED="$(req f "$PT" POST "/v1/cases/$CASE/figures" "{\"amount\":$2}")"
	ENDED="$ENDED $(jq -r .state "$(last)")"
}
one_round 4000 5000
is "  one settles" "$ENDED" "200 settled"
one_round 5000 4000
is "  one reaches an impasse" "$ENDED" "200 impasse"
IMPASSE=$CASE
new_case; CLOSED=$CASE
is "  one is closed" "$(req c "$MT" POST "/v1/cases/$CASE/close" '{}')" 200
is "  and a package case is open" "$(req p "$OP" POST /v1/cases '{"package":{"currency":"JPY","components":["grant","loan"],"solution":"nash","rounds":2,"monotone":true}}')" 201
want="open=204 settled=1 impasse=1 closed=1 "
is "the routes' counts" "$(counts)" "$want"
stop_server

start_server --rate 100000 --burst 100000
is "after a restart, the same counts, read back" "$(counts)" "$want"
stop_server

# Cases from before summaries: none kept for a closed, an impasse and an open one. The count
# folds their logs and finds them as they are.
sqlite3 "$SQL" "DELETE FROM summaries WHERE case_id IN ('$CLOSED', '$OPEN_ID', '$IMPASSE')"
is "three summaries removed" "$(sqlite3 "$SQL" 'SELECT count(*) FROM summaries')" 204
start_server --rate 100000 --burst 100000
is "cases without a summary are counted from their logs" "$(counts)" "$want"
check "  and nothing is said of them" bash -c "! grep -q 'not counted' '$TMP/server.log'"
stop_server

# The summaries are what is read: one that says settled (the server would never write
# it so) is counted as such, which a count folding every log would not do.
sqlite3 "$SQL" "UPDATE summaries SET state = 'settled' WHERE case_id = '$(sqlite3 "$SQL" \
	"SELECT case_id FROM summaries WHERE state = 'open' LIMIT 1")'"
start_server --rate 100000 --burst 100000
is "the count reads the summaries, not every log" "$(counts)" \
	"open=203 settled=2 impasse=1 closed=1 "
echo "1..$n"
exit $((failed > 0))

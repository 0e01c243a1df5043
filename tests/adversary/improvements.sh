#!/bin/bash
# Improvement valuations reach the other side (issue 17, tool 6). The attack: in a
# package case with improvements, each side reads everything its token may (its
# briefings, text and JSON, the answers to its own requests) and the mediator reads the
# briefing and the log, hoping to find the other side's improvement valuation — its
# party name, reservation, discount or label worths, or its worth of the baseline or of
# the improvement. Distinctive values are hunted as text and in minor units in every
# answer of each role, in the server's log and, in clear, in the database and its WAL
# (while the phase is open and after the end). Only what doc/security.md lists may be
# learned: who submitted, the proposed improvement, the answers' result.
set -u
. "$(dirname "$0")/../server/lib.sh"
EX="$(cd "$(dirname "$0")/../../examples" && pwd)"

echo "TAP version 13"
start_server --rate 1000 --burst 1000 --timeout 2
# Improvement valuations with values that do not occur by chance.
jq '.party = "KoreaQX7" | .reservation = "213,377,311.37" | .labels[0].worth = "23,133,777.11"' \
	"$EX/claims-1962-package-korea.json" >"$TMP/k2.json"
jq '.party = "JapanZW9" | .reservation = "381,337,713.31" | .labels[0].worth = "5,173,311.33"' \
	"$EX/claims-1962-package-japan.json" >"$TMP/j2.json"
NEEDLES_K='KoreaQX7|213,377,311\.37|21337731137|23,133,777\.11|2313377711'
NEEDLES_J='JapanZW9|381,337,713\.31|38133771331|5,173,311\.33|517331133'
FRAME='{"currency":"USD","components":["grant","loan"],"solution":"nash","rounds":2,"monotone":true,"hints":"none","improvements":true}'
req a "$OP" POST /v1/cases "{\"package\":$FRAME}" >/dev/null
C=$(jq -r .case "$(last)"); CT=$(jq -r .tokens.claimant "$(last)")
PT=$(jq -r .tokens.payer "$(last)"); MT=$(jq -r .tokens.mediator "$(last)")
# every answer a role gets is kept under its name: claimant.*, payer.*, mediator.*
req claimant "$CT" POST "/v1/cases/$C/package" "{\"valuation\":$(jq -c . "$EX/claims-1962-package-korea.json")}" >/dev/null
req payer "$PT" POST "/v1/cases/$C/package" "{\"valuation\":$(jq -c . "$EX/claims-1962-package-japan.json")}" >/dev/null
req claimant "$CT" POST "/v1/cases/$C/answers" '{"accept":true}' >/dev/null
req payer "$PT" POST "/v1/cases/$C/answers" '{"accept":true}' >/dev/null
req claimant "$CT" POST "/v1/cases/$C/package" "{\"valuation\":$(jq -c . "$TMP/k2.json")}" >/dev/null
reads() {
	for who in claimant payer mediator; do
		tok=$CT; [ $who = payer ] && tok=$PT; [ $who = mediator ] && tok=$MT
		req "$who" "$tok" GET "/v1/cases/$C/brief" >/dev/null
		NAKODO_SERVER=$URL NAKODO_TOKEN=$tok "$NAKODO" brief "$C" >"$TMP/ans/$who.text.$1" 2>&1
	done
	req mediator "$MT" GET "/v1/cases/$C/log" >/dev/null
}
reads 1
NAKODO_SERVER=$URL NAKODO_TOKEN=$PT "$NAKODO" package submit "$C" "$TMP/j2.json" >"$TMP/ans/payer.submit" 2>&1
is "the improvement round completes" "$?" 0
reads 2
# while the phase is open, the sealed valuations are in the database, never in clear
cleartext() { cat "$TMP/srv.db" "$TMP/srv.db-wal" 2>/dev/null | grep -acE "$1"; }
if [ "${NAKODO_TEST_STORE:-sqlite}" = sqlite ]; then
	is "the database holds neither improvement valuation in clear (phase open)" \
		"$(cleartext "$NEEDLES_K|$NEEDLES_J")" 0
fi
req claimant "$CT" POST "/v1/cases/$C/answers" '{"accept":true}' >/dev/null
req payer "$PT" POST "/v1/cases/$C/answers" '{"accept":false}' >/dev/null
reads 3
is "the case settled on the baseline" "$(jq -r .state "$(last)" 2>/dev/null; req mediator "$MT" GET "/v1/cases/$C/brief" >/dev/null; jq -r '.state + " " + (.improvement.improved | tostring)' "$(last)")" \
	"null
settled false"

hunt() {	# hunt WHAT PATTERN FILES...: none of the files matches
	local what=$1 pattern=$2; shift 2
	local hits; hits=$(grep -lE -- "$pattern" "$@" 2>/dev/null | sed "s|$TMP/||" | tr '\n' ' ')
	is "$what" "$hits" ""
}
hunt "the claimant's answers hold nothing of the payer's improvement valuation" "$NEEDLES_J" "$TMP"/ans/claimant.*
hunt "the payer's answers hold nothing of the claimant's improvement valuation" "$NEEDLES_K" "$TMP"/ans/payer.*
hunt "the mediator's briefings and log hold neither valuation" "$NEEDLES_K|$NEEDLES_J" "$TMP"/ans/mediator.*
hunt "the server's log holds neither valuation" "$NEEDLES_K|$NEEDLES_J" "$TMP/server.log"
# a party's worth of the improvement is its own (its improvement valuation's, as
# `nakodo package value` computes it): the other's never appears
own() {	# own ROLE: the worth of the improvement its JSON briefings showed
	for f in "$TMP"/ans/"$1".[0-9]*[0-9]; do
		jq -r '.improvement.own.improvement // empty' "$f" 2>/dev/null
	done | sort -u
}
req mediator "$MT" GET "/v1/cases/$C/brief" >/dev/null
jq '.improvement.package' "$(last)" >"$TMP/improvement.json"
worth() { "$NAKODO" --json package value "$1" "$TMP/improvement.json" | jq -r '.value // .cost'; }
cw=$(own claimant); pw=$(own payer)
is "the claimant was shown its own worth of the improvement, and only it" "$cw" "$(worth "$TMP/k2.json")"
is "the payer was shown its own cost of the improvement, and only it" "$pw" "$(worth "$TMP/j2.json")"
hunt "the payer never sees the claimant's worth of the improvement" "$cw" "$TMP"/ans/payer.* "$TMP"/ans/mediator.*
hunt "the claimant never sees the payer's worth of the improvement" "$pw" "$TMP"/ans/claimant.* "$TMP"/ans/mediator.*
if [ "${NAKODO_TEST_STORE:-sqlite}" = sqlite ]; then
	is "after the end the database holds neither valuation in clear" \
		"$(cleartext "$NEEDLES_K|$NEEDLES_J")" 0
fi
echo "1..$n"
[ "$failed" = 0 ]

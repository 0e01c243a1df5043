#!/usr/bin/env bash
# Black-box tests of improvements after a tentative package (doc/package.md,
# "Improvements") against the real `nakodo serve` and, for the same steps, in local mode:
# a case opened with improvements through the API keeps both sides' accepted package as a
# tentative baseline; the improvement valuations go through the package route and the
# remote CLI; the proposed improvement is what nk_package_improve finds (the same steps
# in local mode give the same package); both accept -> settled on it; who may do what in
# the phase (the access matrix of its two actions); remote briefings equal local ones;
# no answer, briefing or log holds the other side's valuation. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

echo "TAP version 13"
start_server --rate 1000 --burst 1000 --timeout 2
EX="$(cd "$(dirname "$0")/../../examples" && pwd)"
K="$EX/claims-1962-package-korea.json"
J="$EX/claims-1962-package-japan.json"
# Japan's improvement valuation: the "claims" label now costs it US$5 million, not 30.
jq '.labels[0].worth = "5,000,000"' "$J" >"$TMP/j2.json"
KOREA=$(jq -c . "$K"); JAPAN=$(jq -c . "$J"); JAPAN2=$(jq -c . "$TMP/j2.json")
FRAME='{"currency":"USD","components":["grant","loan"],"solution":"nash","rounds":2,"monotone":true,"hints":"none","improvements":true}'
# what must never reach the other side: names, reservations, the payer's changed worth
SECRETS_K='Korea|21181469761|211,814,697'
SECRETS_J='Japan|38095475831|380,954,758|[^0-9.]500000000|[^0-9,]5,000,000'

# open_tentative: a case through the API, round 1 settled tentatively by both answers
open_tentative() {
	req pi "$OP" POST /v1/cases "{\"package\":$FRAME}" >/dev/null
	PCASE=$(jq -r .case "$(last)"); PCT=$(jq -r .tokens.claimant "$(last)")
	PPT=$(jq -r .tokens.payer "$(last)"); PMT=$(jq -r .tokens.mediator "$(last)")
	req pi "$PCT" POST "/v1/cases/$PCASE/package" "{\"valuation\":$KOREA}" >/dev/null
	req pi "$PPT" POST "/v1/cases/$PCASE/package" "{\"valuation\":$JAPAN}" >/dev/null
	req pi "$PCT" POST "/v1/cases/$PCASE/answers" '{"accept":true}' >/dev/null
	req pi "$PPT" POST "/v1/cases/$PCASE/answers" '{"accept":true}'
}

open_tentative >"$TMP/st"
is "a frame with improvements opens, and both accepting leaves the case open" \
	"$(cat "$TMP/st") $(jq -r '.state, .frame.improvements, .improvement.phase, .settled' "$(last)" | tr '\n' ' ')" \
	"200 open true open false "
req pi "$PMT" GET "/v1/cases/$PCASE/log" >/dev/null
is "the log: the package accepted, no settlement yet" "$(jq -r '.events[-1].type' "$(last)")" "package_result"
is "the opening is version 4 with improvements in its frame" \
	"$(jq -c '.events[0].body | [.v, .frame.improvements]' "$(last)")" "[4,true]"
is "a frame with a non-boolean improvements is refused by name" \
	"$(req pi "$OP" POST /v1/cases "{\"package\":${FRAME/\"improvements\":true/\"improvements\":1}}") $(jq -r .field "$(last)")" \
	"400 improvements"

# ---- who may act in the phase: improvement valuation and answer ----
before=$(events "$PCASE" "$PMT")
got=""
for tok in "" "-" "$OP" "$PMT"; do	# (the access matrix's columns for these two routes)
	got="$got $(req pi "$tok" POST "/v1/cases/$PCASE/package" "{\"valuation\":$KOREA}")"
	got="$got $(req pi "$tok" POST "/v1/cases/$PCASE/answers" '{"accept":false}')"
done
is "access: no, malformed, operator and mediator tokens may not submit or answer" "${got# }" \
	"401 401 401 401 403 403 403 403"
is "a party's valuation under the other's token is refused" \
	"$(req pi "$PPT" POST "/v1/cases/$PCASE/package" "{\"valuation\":$KOREA}") $(jq -r .field "$(last)")" "400 role"
is "accepting before any improvement is proposed: 409 proposal" \
	"$(req pi "$PCT" POST "/v1/cases/$PCASE/answers" '{"accept":true}') $(jq -r .field "$(last)")" "409 proposal"
is "the mediator may not close it unsigned by another token" "$(req pi "$PCT" POST "/v1/cases/$PCASE/close" '{}')" 403
is "refused requests append nothing" "$(events "$PCASE" "$PMT")" "$before"

# ---- the improvement round ----
is "the claimant's improvement valuation through the API" \
	"$(req pi "$PCT" POST "/v1/cases/$PCASE/package" "{\"round\":1,\"valuation\":$KOREA}") $(jq -r '.improvement.submitted.claimant, .improvement.own.baseline' "$(last)" | tr '\n' ' ')" \
	"200 true 30910236925 "
req pi "$PPT" GET "/v1/cases/$PCASE/brief" >/dev/null
check "the payer is not told whether the claimant submitted, nor anything of it" \
	bash -c "jq -e '(.improvement.submitted | keys == [\"payer\"]) and (.improvement | has(\"own\") | not)' '$(last)' >/dev/null && ! grep -qE '$SECRETS_K' '$(last)'"
NAKODO_SERVER=$URL NAKODO_TOKEN=$PPT "$NAKODO" package submit "$PCASE" "$TMP/j2.json" >"$TMP/o" 2>&1
is "the payer's improvement valuation through the remote CLI" "$?: $(cat "$TMP/o")" "0: ok: case $PCASE is open"
req pi "$PMT" GET "/v1/cases/$PCASE/log" >/dev/null
cp "$(last)" "$TMP/log1"
is "the improvement round is logged once, public facts only" \
	"$(jq -c '[.events[] | select(.type | startswith("improvement")) | .type]' "$TMP/log1")" \
	'["improvement_submitted","improvement_submitted","improvement_round"]'
check "the log holds neither valuation" bash -c "! grep -qE '$SECRETS_K|$SECRETS_J|discount' '$TMP/log1'"
# the same steps in local mode propose the same package
L="$TMP/local.db"
lid=$("$NAKODO" --db "$L" package open --currency USD --components grant,loan --rounds 2 --improvements)
for s in "claimant $K" "payer $J"; do set -- $s; "$NAKODO" --db "$L" package submit "$lid" --as "$1" "$2" >/dev/null; done
for r in claimant payer; do "$NAKODO" --db "$L" answer "$lid" --as "$r" accept >/dev/null; done
"$NAKODO" --db "$L" package submit "$lid" --as claimant "$K" >/dev/null
"$NAKODO" --db "$L" package submit "$lid" --as payer "$TMP/j2.json" >/dev/null
"$NAKODO" --db "$L" --json brief "$lid" --as mediator >"$TMP/lm"
is "the server proposes what local mode proposes" \
	"$(jq -cS '.events[] | select(.type == "improvement_round") | .body.package' "$TMP/log1")" \
	"$(jq -cS '.improvement.package' "$TMP/lm")"
req pi "$PMT" GET "/v1/cases/$PCASE/brief" >/dev/null
check "the mediator's briefing: the improvement, no worth of either side" \
	bash -c "jq -e '.improvement.outcome == \"package\" and .improvement.package.label == \"claims\" and (.improvement | has(\"own\") | not)' '$(last)' >/dev/null && ! grep -qE '$SECRETS_K|$SECRETS_J' '$(last)'"
req pi "$PCT" GET "/v1/cases/$PCASE/brief" >/dev/null
check "the claimant sees its own worths of both packages, nothing of the payer's" \
	bash -c "jq -e '.improvement.own.baseline == 30910236925 and .improvement.own.improvement == 31420189019' '$(last)' >/dev/null && ! grep -qE '$SECRETS_J' '$(last)'"
NAKODO_SERVER=$URL NAKODO_TOKEN=$PPT "$NAKODO" brief "$PCASE" >"$TMP/rb"
NAKODO_SERVER=$URL NAKODO_TOKEN=$PPT "$NAKODO" --json brief "$PCASE" >"$TMP/rbj"
stop_server
"$NAKODO" --db "$DB" brief "$PCASE" --as payer >"$TMP/lb"
"$NAKODO" --db "$DB" --json brief "$PCASE" --as payer >"$TMP/lbj"
start_server --rate 1000 --burst 1000 --timeout 2
check "remote briefing text in the phase equals local" cmp -s "$TMP/rb" "$TMP/lb"
check "remote briefing --json in the phase equals local" cmp -s "$TMP/rbj" "$TMP/lbj"
check "the payer's text briefing shows its own costs on its improvement scale" \
	grep -q "^  on your improvement valuation: the tentative package's cost USD 268,466,530.83, the improvement's USD 263,791,404.15$" "$TMP/rb"
NAKODO_SERVER=$URL NAKODO_TOKEN=$PCT "$NAKODO" answer "$PCASE" accept >"$TMP/o" 2>&1
is "the claimant accepts the improvement through the remote CLI" "$?: $(cat "$TMP/o")" "0: ok: case $PCASE is open"
is "the payer accepts it through the answers route: settled on it" \
	"$(req pi "$PPT" POST "/v1/cases/$PCASE/answers" '{"accept":true}') $(jq -r '.state, .improvement.improved, .secrets_deleted' "$(last)" | tr '\n' ' ')" \
	"200 settled true true "
req pi "$PMT" GET "/v1/cases/$PCASE/log" >/dev/null
is "the settlement names the improvement, then the secrets are purged" \
	"$(jq -r '[.events[-2].type, .events[-2].body.improved, .events[-2].body.package.label, .events[-1].type] | join(" ")' "$(last)")" \
	"settled true claims purged"

# ---- the baseline stands: a decline, and the mediator's closing ----
open_tentative >/dev/null
NAKODO_SERVER=$URL NAKODO_TOKEN=$PCT "$NAKODO" answer "$PCASE" decline >"$TMP/o" 2>&1
is "a decline before any proposal settles on the baseline" "$?: $(cat "$TMP/o")" "0: ok: case $PCASE is settled (see nakodo brief)"
open_tentative >/dev/null
req pi "$PCT" POST "/v1/cases/$PCASE/package" "{\"valuation\":$KOREA}" >/dev/null
NAKODO_SERVER=$URL NAKODO_TOKEN=$PMT "$NAKODO" close "$PCASE" >"$TMP/o" 2>&1
req pi "$PMT" GET "/v1/cases/$PCASE/log" >/dev/null
is "the mediator's closing in the phase settles on the baseline" \
	"$(jq -r '[.events[-2].type, .events[-2].actor, (.events[-2].body | has("improved")), .events[-2].body.package.label] | join(" ")' "$(last)")" \
	"settled mediator false claims and economic cooperation"
check "the server's log leaked no valuation" bash -c "! grep -qE '$SECRETS_K|$SECRETS_J' '$TMP/server.log'"

echo "1..$n"
[ "$failed" = 0 ]

#!/usr/bin/env bash
# A package case's answers name every part of its frame (doc/formats.md, "Package"),
# against the real `nakodo serve`: two cases of the frame claims, grant and loan whose
# proposals differ in which parts are 0 (A: a grant alone; B: cash and a loan, no grant)
# show each part, a part of 0 as "0.00" with the members of its kind (terms that make it
# nothing), a bullet's grace, the label, and each side's worth of every part; so the
# briefings of A and B are as long as each other (they told, by their length, which
# parts a package held), and what they show still reads back: the command through the
# server, and `nakodo package value` on the package as the briefing gives it. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
EX="$(cd "$(dirname "$0")/../../examples" && pwd)"

echo "TAP version 13"
start_server --rate 1000 --burst 1000 || { echo "not ok - the server did not start"; echo "1..1"; exit 1; }
FRAME='{"currency":"USD","components":["claims","grant","loan"],"solution":"nash","rounds":2,"monotone":true,"hints":"none"}'
# valuation WHO DISCOUNT: the 1962 example with cash, and grants and loans from 0, in steps
# of 50 million
valuation() {
	jq -c ".discount = $2 | .components.claims = {min: \"0\", max: \"400,000,000\", step: \"50,000,000\"}
		| .components.grant.min = \"0\" | .components.grant.step = \"50,000,000\"
		| .components.loan.min = \"0\" | .components.loan.step = \"50,000,000\"" \
		"$EX/claims-1962-package-$1.json"
}
# open_round NAME KOREA_DISCOUNT JAPAN_DISCOUNT: a case, its first round proposed
open_round() {
	local id ct pt mt
	req open "$OP" POST /v1/cases "{\"package\":$FRAME}" >/dev/null
	id=$(jq -r .case "$(last)"); ct=$(jq -r .tokens.claimant "$(last)")
	pt=$(jq -r .tokens.payer "$(last)"); mt=$(jq -r .tokens.mediator "$(last)")
	valuation korea "$2" >"$TMP/$1.korea.json"
	valuation japan "$3" >"$TMP/$1.japan.json"
	req v "$ct" POST "/v1/cases/$id/package" "{\"valuation\":$(cat "$TMP/$1.korea.json")}" >/dev/null
	req v "$pt" POST "/v1/cases/$id/package" "{\"valuation\":$(cat "$TMP/$1.japan.json")}" >/dev/null
	req b "$ct" GET "/v1/cases/$id/brief" >/dev/null; cp "$(last)" "$TMP/$1.claimant"
	req b "$pt" GET "/v1/cases/$id/brief" >/dev/null; cp "$(last)" "$TMP/$1.payer"
	req b "$mt" GET "/v1/cases/$id/brief" >/dev/null; cp "$(last)" "$TMP/$1.mediator"
	echo "$id $ct" >"$TMP/$1.ids"
}
open_round A 3 6
open_round B 10 6
amounts() { jq -r '.package.package | [.claims.amount, .grant.amount, .loan.amount] | join(" ")' "$1"; }
is "case A proposes a grant alone: cash and the loan are 0.00" "$(amounts "$TMP/A.mediator")" \
	"0.00 350,000,000.00 0.00"
is "case B proposes cash and a loan: the grant is 0.00" "$(amounts "$TMP/B.mediator")" \
	"200,000,000.00 0.00 250,000,000.00"
is "every part has the members of its kind, 0 or not, and the package its label" \
	"$(for f in A B; do jq -c '.package.package | [keys, (.claims | keys), (.grant | keys), (.loan | keys)]' "$TMP/$f.mediator"; done | sort -u)" \
	'[["claims","currency","grant","label","loan","nakodo"],["amount"],["amount","per_year","years"],["amount","grace","maturity","per_year","rate","repayment"]]'
is "a loan of 0 is one that is nothing: repaid at once, over 0 years, at 0%" \
	"$(jq -c '.package.package.loan | [.rate, .maturity, .grace, .per_year, .repayment]' "$TMP/A.mediator")" \
	'[0,0,0,1,"bullet"]'
is "a grant of 0: over 0 years" "$(jq -c '.package.package.grant | [.years, .per_year]' "$TMP/B.mediator")" "[0,1]"
is "each side's worth names every part, 0 for a part of 0, and the label's" \
	"$(jq -c '.own.value_of_package.parts | [keys, .claims, .loan]' "$TMP/A.claimant")" \
	'[["claims","grant","label","loan"],0,0]'
for who in claimant payer mediator; do
	is "the $who's briefings of A and B are as long" \
		"$(wc -c <"$TMP/A.$who")" "$(wc -c <"$TMP/B.$who")"
done

# what the answers show reads back
read -r B_ID B_CT <"$TMP/B.ids"
NAKODO_SERVER=$URL NAKODO_TOKEN=$B_CT "$NAKODO" --json brief "$B_ID" >"$TMP/remote.json" 2>"$TMP/remote.err"
is "nakodo --json brief through the server reads the briefing" \
	"$? $(jq -r '.package.package.grant.amount' "$TMP/remote.json")" "0 0.00"
NAKODO_SERVER=$URL NAKODO_TOKEN=$B_CT "$NAKODO" brief "$B_ID" >"$TMP/remote.txt" 2>&1
is "and in text" "$?" 0
jq '.package.package' "$TMP/B.claimant" >"$TMP/B.package.json"
"$NAKODO" --json package value "$TMP/B.korea.json" "$TMP/B.package.json" >"$TMP/value.json" 2>"$TMP/value.err"
is "nakodo package value reads the package as the briefing gives it, worth what the briefing says" \
	"$? $(jq .value "$TMP/value.json")" "0 $(jq .own.value_of_package.total "$TMP/B.claimant")"
jq '.package.package' "$TMP/A.claimant" >"$TMP/A.package.json"
"$NAKODO" package value "$TMP/A.korea.json" "$TMP/A.package.json" >/dev/null 2>"$TMP/valueA.err"
is "and the one whose loan is 0" "$?" 0
stop_server
echo "1..$n"
[ "$failed" = 0 ]

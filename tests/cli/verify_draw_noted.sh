#!/usr/bin/env bash
# Attack (a review of `nakodo verify --draw`): the check held the revealed seed against
# the commitment the go-between shows in the party's briefing at the end. The go-between
# draws the seed and shows the commitment, so one that moved a random settlement could
# show a new seed with its new commitment, and the check said "verified: the seed was
# fixed when the case opened". A party now notes the commitment its briefing shows before
# its first figure (seed_commitment of `nakodo brief --json`) and gives it with
# --commitment; without it the verdict says what it was checked against. Prints TAP.
. "$(dirname "$0")/../server/lib.sh"
nk() { "$NAKODO" "$@" 2>"$TMP/err" </dev/null; }
db="$TMP/local.db"

nk verify --help >"$TMP/out"
check "verify --help names --commitment" grep -q -- '--commitment HEX' "$TMP/out"
CASE=$(nk --db "$db" case new --currency USD --range 0:1,000,000 --settle random)
noted=$(nk --db "$db" --json brief "$CASE" --as claimant | jq -r .seed_commitment)
OTHER=$(nk --db "$db" case new --currency USD --range 0:1,000,000 --settle random)
changed=$(nk --db "$db" --json brief "$OTHER" --as claimant | jq -r .seed_commitment)
check "the briefing shows the commitment before any figure" \
	bash -c "[[ '$noted' =~ ^[0-9a-f]{64}\$ && '$noted' != '$changed' ]]"
nk --db "$db" submit "$CASE" --as claimant 300,000 >/dev/null
nk --db "$db" submit "$CASE" --as payer 700,000 >/dev/null
nk --db "$db" verify --draw "$CASE" --as payer 700,000 --commitment "$noted" >"$TMP/out"
is "with the commitment noted before the figures: exit 0" "$?" 0
check "  it says the seed was fixed when the case opened" \
	grep -q '^verified: the seed was fixed when the case opened' "$TMP/out"
nk --db "$db" verify --draw "$CASE" --as payer 700,000 --commitment "$changed" >"$TMP/out"
is "a commitment shown now that is not the one noted: exit 1" "$?" 1
check "  the seed-commitment check fails, saying the seed was changed" \
	grep -q '^fails   seed-commitment  the go-between now shows a commitment other' "$TMP/out"
check "  NOT VERIFIED" grep -q '^NOT VERIFIED' "$TMP/out"
"$NAKODO" --db "$db" --json verify --draw "$CASE" --as claimant 300,000 \
	--commitment "$changed" >"$TMP/out" 2>"$TMP/err"
is "  --json: not valid" "$(jq -r .valid "$TMP/out")" false
nk --db "$db" verify --draw "$CASE" --as payer 700,000 >"$TMP/out"
is "without --commitment: exit 0" "$?" 0
check "  the verdict says it held against the commitment the go-between shows now" \
	grep -q '^verified against the commitment the go-between shows now' "$TMP/out"
nk --db "$db" verify --draw "$CASE" --as payer 700,000 --commitment abc
is "a malformed --commitment: bad usage" "$?" 2
check "  naming the option" grep -q -- '--commitment' "$TMP/err"

echo "1..$n"
[ "$failed" -eq 0 ]

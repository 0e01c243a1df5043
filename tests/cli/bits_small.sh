#!/usr/bin/env bash
# A tiny leakage is not shown as none: a briefing printed "(0.0 bits)" for what a side
# knows, or may have told, when it was more than nothing but less than a twentieth of a
# bit, which reads as "nothing" to a party. The text now says "< 0.1 bits", in the
# rounds' lines and an open proposal's; --json keeps the exact number; exactly none is
# "0 bits". The pages show it so too (tests/web/bits.test.mjs). Prints TAP. Needs NAKODO
# and jq.
. "$(dirname "$0")/edges_lib.sh"
db="$TMP/b.db"

# A no-deal round with both figures at the top of the range: each side learns next to
# nothing of the other's figure, and tells next to nothing of its own.
C=$("$NAKODO" --db "$db" case new --currency USD --rounds 2 --range 0:1,000,000 \
	--proposals 0 2>/dev/null)
"$NAKODO" --db "$db" submit "$C" --as claimant 999,999 >/dev/null 2>&1
"$NAKODO" --db "$db" submit "$C" --as payer 999,998 >/dev/null 2>&1
run 0 "the claimant's briefing" "$NAKODO" --db "$db" brief "$C" --as claimant
has "  what it knows of the offer: less than a tenth of a bit, not none" \
	"you know the payer's offer lies between USD 0.00 and USD 999,998.99 (< 0.1 bits)$" \
	"$TMP/out"
run 0 "the payer's briefing" "$NAKODO" --db "$db" brief "$C" --as payer
has "  what its offer may have told: less than a tenth of a bit, not none" \
	"your offer lies between USD 0.00 and USD 999,998.00 (< 0.1 bits)$" "$TMP/out"
lacks "  no (0.0 bits) anywhere" "(0.0 bits)" "$TMP/out"
has "  a larger figure is still shown to one decimal" "(18.9 bits)$" "$TMP/out"
run 0 "the payer's briefing as JSON" "$NAKODO" --db "$db" --json brief "$C" --as payer
is "  keeps the exact number" \
	"$(jq '.rounds[0].leakage.exposed_bits | . > 0 and . < 0.0001' "$TMP/out")" true

# An open proposal at the top of the range: it tells next to nothing.
O=$("$NAKODO" --db "$db" case new --currency USD --rounds 2 --range 0:1,000,000 \
	--open-proposals 2>/dev/null)
run 0 "the claimant announces an open proposal at the range's top" \
	"$NAKODO" --db "$db" announce "$O" --as claimant 999,999
run 0 "the payer's briefing" "$NAKODO" --db "$db" brief "$O" --as payer
has "  what the proposal tells: less than a tenth of a bit" \
	"its demand is at most USD 999,999.00 (< 0.1 bits)$" "$TMP/out"
echo "1..$n"
[ "$failed" -eq 0 ]

#!/bin/bash
# The bridge's budget outlives its case (issue 17, tool 4). The attacks: read a bridged
# case's budget, or the other side's figure, from anything a role can read or the
# server keeps. On the real `nakodo serve`, three cases with distinct budgets: A settles
# by the bridge, B ends at an impasse the bridge could not close and is closed, C is
# closed by the mediator before any figure. Every role reads its briefing along the way,
# the mediator the log, the parties the receipt. Then:
#  - no party's answer (briefings, receipts, the answers to its figures) holds the
#    other side's figure of the last round, the budget or the gap;
#  - no answer to anyone, the server's log and the database files hold a budget;
#  - with the server still running, its writable memory holds no budget (as text, as
#    int64 or int32; skipped without the right to read it): the opening's request, its
#    rules and the sealed secret are wiped once read, and the purge deletes the secret.
. "$(dirname "$0")/../server/lib.sh"
SCAN="$(dirname "$0")/memscan.py"
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }

# Amounts whose text and byte forms do not occur by chance.
BA=7313377 BB=6131733 BC=5711337
DA=41373311 OA=37133717		# A's last round: a gap of 4,239,594 within BA
DB_=43137733 OB=31377113	# B's: a gap beyond BB
RULES2=$(echo "$RULES" | jq -c '.rounds = 2 | .proposals = 0')
bridged() { echo "$RULES2" | jq -c --argjson b "$1" '.bridge = $b'; }

echo "TAP version 13"
start_server --threads 2 --rate 1000 --burst 1000
check "the server starts" test -n "$PORT"
post() {
	req "$1" "$2" POST "/v1/cases/$CASE/figures" "{\"amount\":$3}" >/dev/null
	cp "$(last)" "$TMP/ans.$1"
}
keep() { req b "$2" GET "/v1/cases/$CASE/$3" >/dev/null; cp "$(last)" "$TMP/$1"; }

new_case "$(bridged $BA)"
cp "$(last)" "$TMP/open.A"
post a1c "$CT" 42000000; post a1p "$PT" 36000000
keep a.brief1.claimant "$CT" brief; keep a.brief1.payer "$PT" brief
post a2c "$CT" "$DA"; post a2p "$PT" "$OA"
for r in claimant payer; do
	tok=$CT; [ $r = payer ] && tok=$PT
	keep "a.brief.$r" "$tok" brief; keep "a.receipt.$r" "$tok" receipt
done
keep a.brief.mediator "$MT" brief; keep a.log "$MT" log
is "case A settled by the bridge" "$(jq -r .settlement.by "$TMP/a.brief.mediator")" bridge

new_case "$(bridged $BB)"
cp "$(last)" "$TMP/open.B"
post b1c "$CT" "$DB_"; post b1p "$PT" "$OB"
post b2c "$CT" "$DB_"; post b2p "$PT" "$OB"
keep b.brief.claimant "$CT" brief; keep b.brief.payer "$PT" brief
keep b.brief.mediator "$MT" brief; keep b.log "$MT" log
is "case B's gap is beyond its bridge: closed at the impasse" \
	"$(jq -r .state "$TMP/b.brief.mediator")" closed

new_case "$(bridged $BC)"
cp "$(last)" "$TMP/open.C"
keep c.brief.payer "$PT" brief
req close "$MT" POST "/v1/cases/$CASE/close" '{}' >/dev/null
keep c.brief.mediator "$MT" brief

# lacks WHAT AMOUNT FILE...: the amount's text is in none of the files.
lacks() {
	local what=$1 amount=$2 f; shift 2
	for f in "$@"; do
		if grep -aq "\b$amount\b" "$f"; then not_ok "$what" "$amount is in $f"; return; fi
	done
	ok "$what"
}
lacks "the claimant's answers hold no offer of A" "$OA" "$TMP"/a.*claimant "$TMP"/ans.a*c
lacks "the payer's answers hold no demand of A" "$DA" "$TMP"/a.*payer "$TMP"/ans.a*p
lacks "no party's answer holds A's gap" $((DA - OA)) "$TMP"/a.*claimant "$TMP"/a.*payer \
	"$TMP"/a.receipt.*
lacks "the mediator's answers hold no figure of A" "$DA" "$TMP/a.log" "$TMP/a.brief.mediator"
lacks "nor the offer" "$OA" "$TMP/a.log" "$TMP/a.brief.mediator"
for b in "$BA" "$BB" "$BC"; do
	lacks "no answer to anyone holds the budget $b" "$b" "$TMP"/ans.* "$TMP"/open.* \
		"$TMP"/[abc].* "$TMP/ans"/*
done
lacks "the server's log holds no budget" "$BA" "$TMP/server.log"
FILE=${DB#sqlite:}
hits=""
for f in "$FILE" "$FILE-wal" "$FILE-shm"; do
	[ -e "$f" ] || continue
	for b in "$BA" "$BB" "$BC"; do
		grep -aq "$b" "$f" && hits="$hits $f:$b"
		python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read()
sys.exit(0 if struct.pack("<q", int(sys.argv[2])) in d else 1)' "$f" "$b" &&
			hits="$hits $f:bytes-$b"
	done
done
is "the database files hold no budget, as text or as bytes" "$hits" ""

probe=$(python3 "$SCAN" "$SERVER_PID" 2>&1)
if [ $? -eq 77 ]; then
	ok "# SKIP cannot read the server's memory ($probe)"
else
	found=$(python3 "$SCAN" "$SERVER_PID" "$BA" "$BB" "$BC")
	if [ -z "$found" ]; then
		ok "no budget left in the server's memory after the cases ended"
	else
		not_ok "no budget left in the server's memory after the cases ended" \
			"$(echo "$found" | head -20)" "($(echo "$found" | wc -l) hits)"
	fi
fi
stop_server
echo "1..$n"
[ "$failed" = 0 ]

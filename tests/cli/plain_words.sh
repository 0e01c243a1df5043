#!/usr/bin/env bash
# What a new user reads, checked where it is read: approve and reject name the draft they
# cleared and what became of it; bits are shown to one decimal and the leakage budget as
# it was set; propose and the briefing say until when a proposal's answers may come;
# `serve --listen` takes an IPv6 address in brackets. Prints TAP. Needs NAKODO, curl, jq.
. "$(dirname "$0")/../server/lib.sh"
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$TMP/pass"
printf 'correct horse battery staple\n' >"$TMP/pass"
nk() { "$NAKODO" --db "$TMP/w.db" "$@" 2>"$TMP/err" </dev/null; }
for r in claimant payer cp; do
	"$NAKODO" keygen --out "$TMP/$r.nkey" >/dev/null 2>&1 || not_ok "keygen $r"
done
sn() { "$NAKODO" --json pubkey "$TMP/$1.nkey" 2>/dev/null | jq -r .safety_number; }

# ---- approve and reject say what they cleared ----
nk approve --help >"$TMP/out"
check "approve --help: --key FILE is part of the usage, not optional" \
	grep -q -- '--as claimant-principal|payer-principal --key FILE \[--draft N\]' "$TMP/out"
check "approve --help says what is approved: the party's waiting draft" \
	grep -q "approve makes the draft that waits now" "$TMP/out"
A=$(nk case new --currency USD --range 0:100,000 --principals --authority)
nk join "$A" --as claimant --key "$TMP/claimant.nkey" >/dev/null &&
	nk join "$A" --as claimant-principal --key "$TMP/cp.nkey" >/dev/null &&
	nk endorse "$A" claimant-principal --as claimant --key "$TMP/claimant.nkey" \
		--safety-number "$(sn cp)" >/dev/null
is "a case with authority, its claimant and principal joined and endorsed" "$?" 0
nk submit "$A" --as claimant --key "$TMP/claimant.nkey" 61,234.56 >/dev/null
nk approve "$A" --as claimant-principal --key "$TMP/cp.nkey" >"$TMP/out"
is "the principal approves (exit 0)" "$?" 0
check "  and is told which draft, what it was and what became of it" grep -qx \
	"approved the claimant's draft [0-9]*, figure USD 61,234.56 for round 1: it has taken effect as the claimant's own" \
	"$TMP/out"
check "  without the stale 'awaiting approval' line of the draft it just cleared" \
	bash -c "! grep -q 'awaiting' '$TMP/out'"
nk extend "$A" --as claimant --key "$TMP/claimant.nkey" 1,000 >/dev/null
nk reject "$A" --as claimant-principal --key "$TMP/cp.nkey" >"$TMP/out"
is "the principal rejects (exit 0)" "$?" 0
check "  and is told the extension is void and the party may draft again" grep -qx \
	"rejected the claimant's draft [0-9]*, deal-closer extension USD 1,000.00 for round 1: it is void and will never take effect; the claimant may draft again" \
	"$TMP/out"

# ---- bits: one decimal; the budget as set ----
B=$(nk case new --currency USD --rounds 2 --range 0:2,000,000,000 --grid 1,000,000 \
	--hints 10,25 --leakage-bits 8.16)
nk submit "$B" --as claimant 700,000,000 >/dev/null && nk submit "$B" --as payer 350,000,000 >/dev/null
nk brief "$B" --as claimant >"$TMP/out"
check "the budget is shown as it was set (8.16 bits), not rounded" \
	grep -q 'leakage budget 8.16 bits' "$TMP/out"
check "what a side knows is shown to one decimal (1.9 bits)" \
	grep -q 'USD 524,999,999.99 (1.9 bits)$' "$TMP/out"
check "  and no measure with two decimals" bash -c "! grep -Eq '\\([0-9]+\\.[0-9]{2} bits\\)' '$TMP/out'"
nk brief "$(nk case new --currency USD)" --as payer >"$TMP/out"
check "the default budget reads 8 bits" grep -q 'leakage budget 8 bits' "$TMP/out"

# ---- the seed commitment of a random case, in the text briefing ----
R=$(nk case new --currency USD --settle random)
want=$(nk --json brief "$R" --as claimant | jq -r .seed_commitment)
nk brief "$R" --as claimant >"$TMP/out"
check "a random case's text briefing shows the party the seed commitment to note" \
	grep -qx "seed commitment: $want" "$TMP/out"
check "  and how to check the draw with it" \
	grep -q "nakodo verify --draw $R --commitment HEX YOUR-DEMAND" "$TMP/out"
nk brief "$R" --as mediator >"$TMP/out"
check "  (not the mediator's, who checks no draw)" bash -c "! grep -q 'seed commitment' '$TMP/out'"

# ---- a proposal's time ----
nk propose --help >"$TMP/out"
check "propose --help says a proposal has no time limit of its own" \
	grep -q "A proposal has no time limit of its own" "$TMP/out"
check "  and what the deadline does" grep -q "or the case's deadline, if it has one, passes" "$TMP/out"
DL=$(date -u -d '+30 days' +%Y-%m-%dT00:00:00Z)
P=$(nk case new --currency USD --rounds 1 --proposals 2 --deadline "$DL")
nk submit "$P" --as claimant 700 >/dev/null && nk submit "$P" --as payer 300 >/dev/null
nk propose "$P" 500 >"$TMP/out"
is "the mediator proposes at impasse (exit 0)" "$?" 0
check "  told the proposal's number and the count allowed" \
	grep -q '^proposed USD 500.00: proposal 1 of at most 2; each party now answers' "$TMP/out"
check "  the exact command each party answers with" \
	grep -q "(nakodo answer $P --as claimant|payer accept|decline)" "$TMP/out"
check "  and until when: no limit of its own, the deadline at the latest" bash -c \
	"grep -q 'no time limit of its own' '$TMP/out' && grep -q \"the case's deadline, $DL, closes the case if it is unanswered then\" '$TMP/out'"
nk brief "$P" --as claimant >"$TMP/out"
check "the party's briefing says the same under the pending proposal" \
	grep -A1 -q "^mediator's proposal 1: USD 500.00; awaiting answers" "$TMP/out"
check "  (its timing line)" grep -q '^  no time limit of its own' "$TMP/out"
nk answer "$P" --as claimant accept >/dev/null && nk answer "$P" --as payer decline >/dev/null
nk brief "$P" --as claimant >"$TMP/out"
check "an answered proposal has no timing line" bash -c "! grep -q 'no time limit' '$TMP/out'"

# ---- a database path whose folder does not exist ----
"$NAKODO" --db "sqlite:$TMP/nowhere/cases.db" serve --listen 127.0.0.1:0 2>"$TMP/err" </dev/null
is "serve on a database in a folder that does not exist fails (exit 3)" "$?" 3
check "  saying the folder does not exist" grep -q 'its folder does not exist' "$TMP/err"

# ---- serve --listen with IPv6 ----
nk serve --help >"$TMP/out"
check "serve --help names the IPv6 form [::1]:8750" grep -q '\[::1\]:8750' "$TMP/out"
nk serve --listen '::1:0'
is "an IPv6 address without brackets is refused (exit 2)" "$?" 2
check "  saying it goes in brackets" grep -q 'listen: an IPv6 address goes in brackets' "$TMP/err"
nk serve --listen '[::1]'
is "[HOST] without a port is refused (exit 2)" "$?" 2
check "  naming the form" grep -q 'listen: expected \[HOST\]:PORT' "$TMP/err"
nk serve --listen '[nowhere]:0'
is "a bracketed host that is not an IPv6 address is refused (exit 2)" "$?" 2
if ! python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null
then
	echo "# this machine has no IPv6 loopback: the server on [::1] is not tried"
else
	LISTEN='[::1]:0'
	"$NAKODO" --db "sqlite:$TMP/v6.db" serve --listen "$LISTEN" 2>"$TMP/v6.log" &
	SERVER_PID=$!
	wait_until 60 grep -q '^listening on' "$TMP/v6.log"
	V6=$(grep -o '^listening on http://\[::1\]:[0-9]*' "$TMP/v6.log" | sed 's/^listening on //')
	check "serve --listen [::1]:0 listens, and prints a URL with the brackets" test -n "$V6"
	is "  /healthz answers over IPv6" \
		"$(curl -sg -o /dev/null -w '%{http_code}' --max-time 5 "$V6/healthz")" 200
	OPT=$(sed -n 's/^operator token: //p' "$TMP/v6.log" | head -1)
	C=$(NAKODO_SERVER=$V6 NAKODO_TOKEN=$OPT "$NAKODO" --json case new --currency USD \
		2>"$TMP/err" | jq -r .case)
	check "  the command opens a case through it (--server http://[::1]:PORT)" \
		grep -Eq '^[0-9a-f]{20}$' <<<"$C"
	stop_server
	check "[::1] is loopback: no plain-HTTP warning" \
		bash -c "! grep -q 'not a loopback address' '$TMP/v6.log'"
fi
echo "1..$n"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Black-box tests of sealed messages between two parties (issue 5): keygen, join, send
# both ways, inbox; the database never holds a message's text; an altered envelope is
# shown as rejected, never as text; deposits wait, release together, withdraw before;
# and a joined party's actions need its key. Prints TAP. Needs NAKODO (the binary).
set -u
nk=${NAKODO:?set NAKODO to the nakodo binary}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="$dir/cases.db"
n=0 failed=0
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$dir/pass"
printf 'correct horse battery staple\n' >"$dir/pass"
MARK="ZEBRA-QUOKKA-7731"

ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
# expect STATUS DESCRIPTION INPUT -- COMMAND...: runs it with INPUT on stdin
expect() {
	local want=$1 what=$2 input=$3; shift 4
	out=$(printf '%s' "$input" | "$@" 2>"$dir/err"); local got=$?
	err=$(cat "$dir/err")
	if [ "$got" = "$want" ]; then ok "$what"; else bad "$what" "exit $got, wanted $want" "stdout: $out" "stderr: $err"; fi
}
check() { if eval "$2"; then ok "$1"; else bad "$1" "${3:-}"; fi; }

for who in claimant payer stranger; do
	"$nk" keygen --out "$dir/$who.key" >/dev/null 2>&1 || bad "keygen $who"
done
CASE=$("$nk" --db "$db" case new --currency USD --rounds 3 --range 0:1,000,000)
C=(--db "$db"); 
expect 2 "send before the recipient joined: no key to seal to" "hi" -- "$nk" "${C[@]}" send "$CASE" --to payer --key "$dir/claimant.key" --as claimant
check "it says so" 'grep -q "not joined" <<<"$err"' "$err"
expect 2 "deposit takes no --to (it goes to the other party)" "hi" -- "$nk" "${C[@]}" deposit "$CASE" --to payer --key "$dir/claimant.key"
check "it names the option" 'grep -q "takes no --to" <<<"$err"' "$err"
for who in claimant payer; do
	"$nk" "${C[@]}" join "$CASE" --as $who --key "$dir/$who.key" >/dev/null || bad "join $who"
done

# ---- send and inbox, both ways ----
expect 0 "send --help" "" -- "$nk" send --help
expect 2 "send without --to" "hi" -- "$nk" "${C[@]}" send "$CASE" --key "$dir/claimant.key"
expect 2 "send without --key" "hi" -- "$nk" "${C[@]}" send "$CASE" --to payer
expect 2 "send of an empty message" "" -- "$nk" "${C[@]}" send "$CASE" --to payer --key "$dir/claimant.key"
expect 2 "send of a message over 65536 bytes" "$(head -c 65537 /dev/zero | tr '\0' a)" -- "$nk" "${C[@]}" send "$CASE" --to payer --key "$dir/claimant.key"
expect 2 "send to one's own role" "hi" -- "$nk" "${C[@]}" send "$CASE" --to claimant --key "$dir/claimant.key"
check "it says the role is the sender's own" 'grep -q "own role" <<<"$err"' "$err"
expect 2 "send with a key that has not joined" "hi" -- "$nk" "${C[@]}" send "$CASE" --to payer --key "$dir/stranger.key"
expect 2 "send to the mediator, who has not joined" "hi" -- "$nk" "${C[@]}" send "$CASE" --to mediator --key "$dir/claimant.key"
expect 0 "the claimant sends the payer a message" "Board meets Friday. $MARK
second line" -- "$nk" "${C[@]}" send "$CASE" --to payer --key "$dir/claimant.key"
check "send prints number, recipient and hash" '[[ "$out" =~ ^"sent message 1 to the payer: "[0-9]+" bytes, sha256 "[0-9a-f]{64}$ ]]' "$out"
sha1=${out##* }
expect 0 "the payer replies, --json" "Understood." -- "$nk" "${C[@]}" --json send "$CASE" --to claimant --key "$dir/payer.key"
check "--json names from, to, n and sha256" 'jq -e ".from == \"payer\" and .to == \"claimant\" and .n == 1 and (.sha256 | length) == 64" <<<"$out" >/dev/null' "$out"
expect 0 "the claimant sends a second message" "And one more." -- "$nk" "${C[@]}" send "$CASE" --to payer --key "$dir/claimant.key"
check "numbered 2" 'grep -q "^sent message 2 to the payer" <<<"$out"' "$out"

expect 0 "the payer's inbox" "" -- "$nk" "${C[@]}" inbox "$CASE" --key "$dir/payer.key"
check "it shows sender, number and text" 'grep -q "^\[message 1 from the claimant, [0-9T:Z-]*\]$" <<<"$out" && grep -qx "  Board meets Friday. $MARK" <<<"$out" && grep -qx "  second line" <<<"$out" && grep -qx "  And one more." <<<"$out"' "$out"
expect 0 "the claimant's inbox, --json" "" -- "$nk" "${C[@]}" --json inbox "$CASE" --key "$dir/claimant.key"
check "one message, ok, from the payer, with its text" 'jq -e "(.items | length) == 1 and .items[0].status == \"ok\" and .items[0].from == \"payer\" and .items[0].text == \"Understood.\"" <<<"$out" >/dev/null' "$out"
expect 2 "inbox with a key that has not joined" "" -- "$nk" "${C[@]}" inbox "$CASE" --key "$dir/stranger.key"
expect 0 "the claimant's briefing counts the messages" "" -- "$nk" "${C[@]}" brief "$CASE" --as claimant
check "2 sent, 1 received" 'grep -q "messages with the payer: 2 sent, 1 received" <<<"$out"' "$out"

# ---- what the go-between keeps ----
expect 0 "the log" "" -- "$nk" "${C[@]}" log "$CASE"
check "records the message's hash, not its text" 'grep -q "message.*\"sha256\":\"$sha1\"" <<<"$out" && ! grep -q "$MARK" <<<"$out"' "$out"
check "the database files never hold the text" '! cat "$db"* | grep -aq "$MARK"'

# ---- an altered envelope is rejected, never shown ----
cp "$db" "$dir/copy.db"; cp "$db.key" "$dir/copy.db.key"; cp "$db.server-key" "$dir/copy.db.server-key"; [ -e "$db-wal" ] && cp "$db-wal" "$dir/copy.db-wal"
sqlite3 "$dir/copy.db" "UPDATE envelopes SET bytes = substr(bytes, 1, length(bytes) - 1) || x'00' WHERE name = 'msg.claimant.payer.1'" 2>/dev/null || bad "could not alter the copy"
expect 0 "inbox of an altered envelope" "" -- "$nk" --db "$dir/copy.db" inbox "$CASE" --key "$dir/payer.key"
check "it is rejected as altered and its text is not shown" 'grep -qx "rejected: altered" <<<"$out" && ! grep -q "$MARK" <<<"$out"' "$out"
check "and the next one is out of order (number 1 never opened)" 'grep -qx "rejected: out-of-order" <<<"$out"' "$out"

# ---- a joined party's actions need its key ----
expect 2 "submit without --key once joined" "" -- "$nk" "${C[@]}" submit "$CASE" --as claimant 500,000
check "it says the key is needed" 'grep -q "must be signed.*--key" <<<"$err"' "$err"
expect 2 "submit with another party's key" "" -- "$nk" "${C[@]}" submit "$CASE" --as claimant 500,000 --key "$dir/payer.key"
expect 0 "submit with the claimant's key" "" -- "$nk" "${C[@]}" submit "$CASE" --as claimant 500,000 --key "$dir/claimant.key"
expect 0 "the log records the request number" "" -- "$nk" "${C[@]}" log "$CASE"
check "the figure event carries request 3" 'grep -q "figure .*\"request\":3" <<<"$out"' "$out"

# ---- simultaneous disclosure ----
expect 0 "deposit --help" "" -- "$nk" deposit --help
expect 0 "withdraw --help" "" -- "$nk" withdraw --help
check "says the deposit after a withdrawal is deposit 1 again, not a renumbering" 'grep -q "always numbered 1: the one made after a withdrawal is deposit 1 again" <<<"$out"' "$out"
expect 0 "the claimant deposits" "claimant: walk-away 420,000" -- "$nk" "${C[@]}" deposit "$CASE" --key "$dir/claimant.key"
check "and learns it is waiting" 'grep -q "^waiting" <<<"$out"' "$out"
expect 0 "the payer's inbox before the release" "" -- "$nk" "${C[@]}" inbox "$CASE" --key "$dir/payer.key"
check "shows no deposit" '! grep -q "deposit" <<<"$out" && ! grep -q "walk-away" <<<"$out"' "$out"
expect 0 "the claimant's inbox says it is waiting" "" -- "$nk" "${C[@]}" inbox "$CASE" --key "$dir/claimant.key"
check "yours is in; waiting" 'grep -q "^deposit: yours is in; waiting" <<<"$out"' "$out"
expect 1 "a second deposit while one is held" "again" -- "$nk" "${C[@]}" deposit "$CASE" --key "$dir/claimant.key"
expect 0 "the claimant withdraws" "" -- "$nk" "${C[@]}" withdraw "$CASE" --key "$dir/claimant.key"
check "withdrew deposit 1" 'grep -q "^withdrew deposit 1" <<<"$out"' "$out"
expect 1 "nothing left to withdraw" "" -- "$nk" "${C[@]}" withdraw "$CASE" --key "$dir/claimant.key"
expect 0 "the claimant deposits again" "claimant: walk-away 410,000" -- "$nk" "${C[@]}" deposit "$CASE" --key "$dir/claimant.key"
check "as deposit 1 again" 'grep -q "^deposited 1 for the payer" <<<"$out"' "$out"
expect 0 "the payer deposits" "payer: ceiling 450,000" -- "$nk" "${C[@]}" deposit "$CASE" --key "$dir/payer.key"
check "and both are released at once" 'grep -q "both deposits are in and released" <<<"$out"' "$out"
expect 0 "the payer's inbox after the release" "" -- "$nk" "${C[@]}" inbox "$CASE" --key "$dir/payer.key"
check "shows the claimant's second deposit only" 'grep -q "^\[deposit 1 from the claimant" <<<"$out" && grep -qx "  claimant: walk-away 410,000" <<<"$out" && ! grep -q "420,000" <<<"$out"' "$out"
expect 0 "the claimant's inbox after the release" "" -- "$nk" "${C[@]}" inbox "$CASE" --key "$dir/claimant.key"
check "shows the payer's deposit" 'grep -qx "  payer: ceiling 450,000" <<<"$out"' "$out"
expect 1 "no withdrawal after the release" "" -- "$nk" "${C[@]}" withdraw "$CASE" --key "$dir/payer.key"
check "it says they were released" 'grep -q "released" <<<"$err"' "$err"
expect 0 "the log" "" -- "$nk" "${C[@]}" log "$CASE"
check "records deposited, withdrawn, released" 'grep -q " withdrawn " <<<"$out" && grep -q " released " <<<"$out" && ! grep -q "walk-away" <<<"$out"' "$out"
check "the database files hold no deposit's text" '! cat "$db"* | grep -aq "walk-away"'

# a message cannot drive the reader's terminal or reorder what it shows: C1 controls
# (U+009B is a CSI to many terminals) and direction marks are escaped as C0 bytes are
expect 0 "the claimant sends C1 and direction characters" "$(printf 'pay \xc2\x9b2J \xe2\x80\xaeevil\xe2\x80\xac \xd8\x9c.')" -- "$nk" "${C[@]}" send "$CASE" --to payer --key "$dir/claimant.key"
expect 0 "the payer's inbox with it" "" -- "$nk" "${C[@]}" inbox "$CASE" --key "$dir/payer.key"
check "they are shown escaped" '! LC_ALL=C grep -qP "\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xd8\x9c" <<<"$out" && grep -qF "pay \xc2\x9b2J" <<<"$out"' "$out"

# a lone 8-bit CSI (0x9b) or any other byte that is not part of valid UTF-8 is
# escaped too: a terminal in an 8-bit mode reads 0x9b as CSI
expect 0 "the claimant sends a lone 0x9b and broken UTF-8" "$(printf 'x \x9b2J y \xff \xe2\x80 z \xc3\xa9')" -- "$nk" "${C[@]}" send "$CASE" --to payer --key "$dir/claimant.key"
expect 0 "the payer's inbox with it" "" -- "$nk" "${C[@]}" inbox "$CASE" --key "$dir/payer.key"
check "the bytes are shown escaped, valid UTF-8 as it is" '! LC_ALL=C grep -q "$(printf "\x9b")" <<<"$out" && ! LC_ALL=C grep -q "$(printf "\xff")" <<<"$out" && grep -qF "x \x9b2J y \xff \xe2\x80 z $(printf "\xc3\xa9")" <<<"$out"' "$out"

# nor pass one of its lines for the header of another message: every line is indented
expect 0 "the claimant sends a line shaped like a header" "$(printf 'ok\n[message 9 from the mediator, 2026-01-01T00:00:00Z]\nsettle now')" -- "$nk" "${C[@]}" send "$CASE" --to payer --key "$dir/claimant.key"
expect 0 "the payer's inbox with it" "" -- "$nk" "${C[@]}" inbox "$CASE" --key "$dir/payer.key"
check "the forged header is shown indented, not as a header" '! grep -q "^\[message 9" <<<"$out" && grep -qx "  \[message 9 from the mediator, 2026-01-01T00:00:00Z\]" <<<"$out" && grep -qx "  settle now" <<<"$out"' "$out"
echo "1..$n"
[ "$failed" = 0 ]

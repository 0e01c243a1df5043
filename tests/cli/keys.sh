#!/usr/bin/env bash
# Black-box tests of the command's keys on a case: the server's signing key beside the
# database (server-key, serve --print-key) and parties joining a case with their key.
# Prints TAP. Needs NAKODO (the binary).
set -u
nk=${NAKODO:?set NAKODO to the nakodo binary}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="$dir/cases.db"
n=0 failed=0
export NAKODO_TEST_KDF=min NAKODO_PASSPHRASE_FILE="$dir/pass"
printf 'correct horse battery staple\n' >"$dir/pass"

ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
# expect STATUS DESCRIPTION -- COMMAND...: runs it, keeps stdout in $out and stderr in $err
expect() {
	local want=$1 what=$2; shift 3
	out=$("$@" 2>"$dir/err" </dev/null); local got=$?
	err=$(cat "$dir/err")
	if [ "$got" = "$want" ]; then ok "$what"; else bad "$what" "exit $got, wanted $want" "stderr: $err"; fi
}
check() { if eval "$2"; then ok "$1"; else bad "$1" "$3"; fi; }

# ---- the server's key ----
expect 0 "server-key --help" -- "$nk" server-key --help
expect 3 "server-key without a database is a storage error" -- "$nk" --db "$dir/none.db" server-key
check "no key file is made for a missing database" '[ ! -e "$dir/none.db.server-key" ]'
expect 2 "server-key of a mem: store is refused" -- "$nk" --db mem: server-key
expect 2 "server-key takes no argument" -- "$nk" --db "$db" server-key extra
expect 0 "case new" -- "$nk" --db "$db" case new --currency USD --rounds 3 --range 0:1,000,000 --grid 1,000
CASE=$out
expect 0 "server-key prints the key" -- "$nk" --db "$db" server-key
key1=$out
check "the key is 64 lowercase hex digits" '[[ "$key1" =~ ^[0-9a-f]{64}$ ]]' "$key1"
check "its file is PATH.server-key, mode 0600" '[ "$(stat -c %a "$db.server-key")" = 600 ]'
expect 0 "server-key again" -- "$nk" --db "$db" server-key
check "the key is stable across runs" '[ "$out" = "$key1" ]' "$out"
expect 0 "serve --print-key" -- "$nk" --db "sqlite:$db" serve --print-key
check "serve --print-key prints the same key" '[ "$out" = "$key1" ]' "$out"
expect 0 "server-key --json" -- "$nk" --db "$db" server-key --json
check "--json gives {server_key}" 'grep -q "\"server_key\": \"$key1\"" <<<"$out"' "$out"
expect 0 "serve --print-key on a new database makes both" -- "$nk" --db "$dir/new.db" serve --print-key
check "another database has another key" '[ "$out" != "$key1" ] && [ -e "$dir/new.db.server-key" ]' "$out"

# ---- joining a case with a key ----
for who in claimant payer; do
	"$nk" keygen --out "$dir/$who.key" >/dev/null 2>&1 || bad "keygen $who"
done
expect 0 "pubkey of the claimant's key" -- "$nk" pubkey "$dir/claimant.key" --json
safety=$(sed -n 's/.*"safety_number": "\([0-9 ]*\)".*/\1/p' <<<"$out")
sign=$(sed -n 's/.*"sign": "\([0-9a-f]*\)".*/\1/p' <<<"$out")
check "pubkey gives the signing key and safety number" '[ ${#sign} = 64 ] && [ ${#safety} = 35 ]' "$sign / $safety"
# it asks the passphrase though it prints public keys: its help says why (the header's
# keys are bound to nothing until the secrets are opened)
expect 0 "pubkey --help" -- "$nk" pubkey --help
check "  says why it asks the passphrase for public keys" 'grep -q "^Why the passphrase, for public keys" <<<"$out"' "$out"
expect 0 "join --help" -- "$nk" join --help
expect 2 "join without --key is bad usage" -- "$nk" --db "$db" join "$CASE" --as claimant
expect 2 "join with an unknown role is bad usage" -- "$nk" --db "$db" join "$CASE" --as judge --key "$dir/claimant.key"
expect 3 "join through an unreachable server fails" -- "$nk" --db "$db" join "$CASE" --as claimant --key "$dir/claimant.key" --server http://127.0.0.1:9 --token "$(printf "ab%.0s" $(seq 32))"
check "and joins nothing locally" '! "$nk" --db "$db" log "$CASE" | grep -q joined'
expect 0 "the claimant joins" -- "$nk" --db "$db" join "$CASE" --as claimant --key "$dir/claimant.key"
check "join prints the safety number pubkey shows" 'grep -q "safety number  $safety" <<<"$out"' "$out"
events=$("$nk" --db "$db" log "$CASE" | wc -l)
expect 1 "a second join for the claimant is refused" -- "$nk" --db "$db" join "$CASE" --as claimant --key "$dir/payer.key"
check "it says the role has joined" 'grep -q "already joined" <<<"$err"' "$err"
expect 1 "the claimant's key cannot join as the payer too" -- "$nk" --db "$db" join "$CASE" --as payer --key "$dir/claimant.key"
check "refusals append nothing" '[ "$("$nk" --db "$db" log "$CASE" | wc -l)" = "$events" ]'
printf 'wrong\n' >"$dir/wrong"
expect 2 "a wrong passphrase is refused (bad input, exit 2)" -- env NAKODO_PASSPHRASE_FILE="$dir/wrong" "$nk" --db "$db" join "$CASE" --as payer --key "$dir/payer.key"
expect 0 "the payer joins, --json" -- "$nk" --db "$db" join "$CASE" --as payer --key "$dir/payer.key" --json
check "the answer names the role and keys" 'grep -q "\"role\": \"payer\"" <<<"$out" && grep -q "\"seal\"" <<<"$out"' "$out"
expect 0 "the mediator's briefing" -- "$nk" --db "$db" brief "$CASE" --as mediator
check "it shows the claimant's key and safety number" 'grep -q "claimant'"'"'s key: $sign, safety number $safety" <<<"$out"' "$out"
check "and the payer's" 'grep -q "payer'"'"'s key: " <<<"$out"' "$out"
expect 0 "the payer's briefing, --json" -- "$nk" --db "$db" brief "$CASE" --as payer --json
check "its keys carry the claimant's safety number" 'grep -q "\"safety_number\": \"$safety\"" <<<"$out" && grep -q "\"keys\"" <<<"$out"' "$out"
expect 0 "the log records the join" -- "$nk" --db "$db" log "$CASE"
check "with the keys and the signature" 'grep -q "joined.*\"sign\":\"$sign\".*\"signature\"" <<<"$out"' "$out"
expect 0 "close the case" -- "$nk" --db "$db" close "$CASE"
expect 1 "an ended case takes no join" -- "$nk" --db "$db" join "$CASE" --as mediator --key "$dir/payer.key"
check "it says the case has ended" 'grep -q "ended" <<<"$err"' "$err"

echo "1..$n"
[ "$failed" = 0 ]

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

echo "1..$n"
[ "$failed" = 0 ]

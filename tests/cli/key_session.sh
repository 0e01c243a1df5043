#!/usr/bin/env bash
# Black-box tests of key sessions (nakodo key unlock|lock): a key unlocked once opens
# without its passphrase in the shell that holds the session's secret, and nowhere else;
# the session file is private, ends at its time (which editing cannot extend), and lock
# ends it at once. Prints TAP. Needs NAKODO (the binary).
set -u
nk=${NAKODO:?set NAKODO to the nakodo binary}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:  $2" "want: $3"; fi; }
check() { if eval "$2"; then ok "$1"; else bad "$1" "${3:-}"; fi; }
# asks_pass DESCRIPTION COMMAND...: the command fails for want of the passphrase
asks_pass() {
	local what=$1; shift
	"$@" >/dev/null 2>"$dir/err"; local got=$?
	if [ "$got" = 2 ] && grep -q "NAKODO_PASSPHRASE_FILE" "$dir/err"; then ok "$what"
	else bad "$what" "exit $got" "$(sed 's/^/# /' "$dir/err")"; fi
}

export NAKODO_TEST_KDF=min XDG_RUNTIME_DIR="$dir/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
printf 'correct horse battery staple\n' >"$dir/pass"
unset NAKODO_KEY_SESSION
NAKODO_PASSPHRASE_FILE="$dir/pass" "$nk" keygen --out "$dir/c.key" >/dev/null 2>&1
NAKODO_PASSPHRASE_FILE="$dir/pass" "$nk" keygen --out "$dir/p.key" >/dev/null 2>&1
db="$dir/cases.db"
CASE=$("$nk" --db "$db" case new --currency USD --range 0:1,000,000)
# no passphrase to be had: a command that asks for one fails
export NAKODO_PASSPHRASE_FILE="$dir/none"

"$nk" key --help >"$dir/out"
is "key --help: exit 0" "$?" 0
check "it points at the trade-off" 'grep -q "doc/security.md" "$dir/out"'
asks_pass "without a session the passphrase is needed" "$nk" --db "$db" join "$CASE" --as claimant --key "$dir/c.key"
"$nk" key unlock "$dir/c.key" --minutes 0 >/dev/null 2>"$dir/err"
is "--minutes 0 is refused" "$?" 2
env -u XDG_RUNTIME_DIR "$nk" key unlock "$dir/c.key" >/dev/null 2>"$dir/err"
is "no runtime directory: refused" "$?" 2
check "the refusal says what to do" 'grep -q "set it to a folder of yours with mode 0700" "$dir/err"' \
	"$(cat "$dir/err")"
chmod 755 "$XDG_RUNTIME_DIR"
NAKODO_PASSPHRASE_FILE="$dir/pass" "$nk" key unlock "$dir/c.key" >/dev/null 2>"$dir/err"
is "a runtime directory open to others: refused" "$?" 2
chmod 700 "$XDG_RUNTIME_DIR"

NAKODO_PASSPHRASE_FILE="$dir/pass" "$nk" key unlock "$dir/c.key" --minutes 5 >"$dir/env" 2>"$dir/err"
is "key unlock: exit 0" "$?" 0
check "it prints shell code that sets the session" \
	'grep -qE "^NAKODO_KEY_SESSION=[0-9a-f]{64}; export NAKODO_KEY_SESSION$" "$dir/env"' "$(cat "$dir/env")"
eval "$(cat "$dir/env")"
sf=$(ls "$XDG_RUNTIME_DIR"/nakodo-session-* 2>/dev/null)
check "one session file, mode 0600, of 232 bytes" \
	'[ "$(echo "$sf" | wc -l)" = 1 ] && [ "$(stat -c "%a %s" "$sf")" = "600 232" ]' "$sf"
check "it does not hold the secret" '! grep -q "$NAKODO_KEY_SESSION" "$sf"'
"$nk" --db "$db" join "$CASE" --as claimant --key "$dir/c.key" >/dev/null 2>"$dir/err"
is "in the session the key opens without its passphrase" "$?" 0
asks_pass "another key file is not in the session" "$nk" --db "$db" join "$CASE" --as payer --key "$dir/p.key"
asks_pass "another secret does not open the session" env NAKODO_KEY_SESSION=$(printf '%064d' 0) "$nk" --db "$db" submit "$CASE" --as claimant 100 --key "$dir/c.key"
asks_pass "without the secret (another shell) nothing opens" env -u NAKODO_KEY_SESSION "$nk" --db "$db" submit "$CASE" --as claimant 100 --key "$dir/c.key"
"$nk" --db "$db" submit "$CASE" --as claimant 100 --key "$dir/c.key" >/dev/null 2>&1
is "a signed action in the session" "$?" 0

NAKODO_PASSPHRASE_FILE="$dir/pass" "$nk" key unlock "$dir/p.key" >"$dir/env2" 2>/dev/null
check "a second key joins the same session" 'grep -q "=$NAKODO_KEY_SESSION;" "$dir/env2"'
"$nk" --db "$db" join "$CASE" --as payer --key "$dir/p.key" >/dev/null 2>&1
is "and opens without its passphrase" "$?" 0

# the expiry is bound into the encryption: a later time written in fails to open
cp "$sf" "$dir/saved"
printf '\x7f\xff\xff\xff\xff\xff\xff\xff' | dd of="$sf" bs=1 count=8 conv=notrunc 2>/dev/null
asks_pass "an expiry moved later opens nothing" "$nk" --db "$db" submit "$CASE" --as claimant 100 --key "$dir/c.key"
printf '\0\0\0\0\0\0\0\1' | dd of="$sf" bs=1 count=8 conv=notrunc 2>/dev/null
asks_pass "a session past its time opens nothing" "$nk" --db "$db" submit "$CASE" --as claimant 100 --key "$dir/c.key"
check "it says the session has ended" 'grep -q "key session of .* has ended" "$dir/err"' "$(cat "$dir/err")"
check "and removes its file" '[ ! -e "$sf" ]'

cp "$dir/saved" "$sf"
"$nk" key lock "$dir/c.key" >"$dir/out"
is "key lock KEYFILE" "$(cat "$dir/out")" "1 key session ended"
"$nk" key lock >"$dir/out"
is "key lock ends every other" "$(cat "$dir/out")" "1 key session ended"
is "none is left" "$(ls "$XDG_RUNTIME_DIR" | wc -l)" 0
echo "1..$n"
exit $((failed > 0))

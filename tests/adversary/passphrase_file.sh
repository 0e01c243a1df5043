#!/bin/bash
# Attack (a local user): NAKODO_PASSPHRASE_FILE names a file whose first line opens a key
# file. The command read it whatever its mode, so a file another user could write let that
# user choose the passphrase of the next key made under it, and one others could read gave
# them the key with any copy of the key file, without a word. Now a file others can change
# is refused (nothing made), and one they can read is used with a warning, as ssh warns
# of a private key others can read. A file in a directory closed to others (mktemp -d,
# ~/.ssh) and a pipe (<(...)) are the user's own and are taken quietly.
set -u
: "${NAKODO:?set NAKODO to the nakodo binary}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nakodo-passfile-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
n=0
failed=0
check() { n=$((n + 1)); local what=$1; shift; if "$@"; then echo "ok $n - $what"; else failed=$((failed + 1)); echo "not ok $n - $what"; sed 's/^/# /' "$TMP/err"; fi; }
export NAKODO_TEST_KDF=min
chmod 755 "$TMP"	# the passphrase file's directory is open to other users
PASS='a passphrase only its owner knows'
printf '%s\n' "$PASS" >"$TMP/pass"
# keygen MODE NAME: keygen under the passphrase file made MODE; its exit status
keygen() {
	chmod "$1" "$TMP/pass"
	NAKODO_PASSPHRASE_FILE="$TMP/pass" "$NAKODO" keygen --out "$TMP/$2.key" \
		>/dev/null 2>"$TMP/err"
}
no_pass_in_err() { ! grep -qF "$PASS" "$TMP/err"; }

echo "TAP version 13"
for mode in 666 646 620 602; do
	keygen "$mode" "w$mode"
	check "a passphrase file of mode $mode (others can write it) is refused" test $? != 0
	check "  the refusal names the file, its mode and the fix" \
		grep -q "$TMP/pass can be changed by other users (mode 0$mode).*chmod 600" "$TMP/err"
	check "  and no key file was made" test ! -e "$TMP/w$mode.key"
	check "  and the passphrase is not in the error" no_pass_in_err
done
keygen 644 r644
check "a passphrase file others can read (644) still opens a key" test -s "$TMP/r644.key"
check "  with a warning naming the file, its mode and the fix" \
	grep -q "^nakodo: warning: NAKODO_PASSPHRASE_FILE $TMP/pass can be read by other users (mode 0644).*chmod 600" "$TMP/err"
keygen 640 r640
check "  group-readable (640) warns too" grep -q "can be read by other users (mode 0640)" "$TMP/err"
check "  and the warning does not hold the passphrase" no_pass_in_err
keygen 600 p600
check "a private passphrase file (600) opens a key without a warning" \
	bash -c "test -s '$TMP/p600.key' && ! grep -q warning '$TMP/err'"
keygen 400 p400
check "  and so does a read-only one (400)" \
	bash -c "test -s '$TMP/p400.key' && ! grep -q warning '$TMP/err'"
mkdir -m 700 "$TMP/own"
cp "$TMP/pass" "$TMP/own/pass"
for mode in 644 666; do
	chmod "$mode" "$TMP/own/pass"
	NAKODO_PASSPHRASE_FILE="$TMP/own/pass" "$NAKODO" keygen --out "$TMP/own$mode.key" \
		>/dev/null 2>"$TMP/err"
	check "a file of mode $mode in a directory closed to others is taken without a word" \
		bash -c "test -s '$TMP/own$mode.key' && ! grep -q warning '$TMP/err'"
done
NAKODO_PASSPHRASE_FILE=<(printf '%s\n' "$PASS") "$NAKODO" keygen --out "$TMP/pipe.key" \
	>/dev/null 2>"$TMP/err"
check "a pipe (process substitution) is taken without a warning" \
	bash -c "test -s '$TMP/pipe.key' && ! grep -q warning '$TMP/err'"
chmod 600 "$TMP/pass"
check "the key made under the pipe opens with the file's passphrase" \
	bash -c "NAKODO_PASSPHRASE_FILE='$TMP/pass' '$NAKODO' pubkey '$TMP/pipe.key' >/dev/null 2>'$TMP/err'"
echo "1..$n"
[ "$failed" = 0 ]

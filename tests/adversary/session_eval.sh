#!/bin/bash
# Attack (a review of key sessions): `nakodo key unlock KEYFILE` prints shell code that
# its user evaluates, `eval "$(nakodo key unlock KEYFILE)"`. Its comment line named the
# key file as given, so a key file whose name holds a line break (one received from
# someone else, or picked by completion from a shared folder) ran the rest of its name
# as a command in the user's shell. What is evaluated must be the variable alone.
set -u
. "$(dirname "$0")/../server/lib.sh"
nk=$NAKODO
dir=$TMP

echo "TAP version 13"
export NAKODO_TEST_KDF=min XDG_RUNTIME_DIR="$dir/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
printf 'correct horse battery staple\n' >"$dir/pass"
export NAKODO_PASSPHRASE_FILE="$dir/pass"
unset NAKODO_KEY_SESSION
name=$'k\ntouch ran #.key'
"$nk" keygen --out "$dir/$name" >/dev/null 2>&1
is "a key file whose name holds a line break is made" "$(ls "$dir" | grep -c '\.key$')" 1
code=$("$nk" key unlock "$dir/$name" --minutes 1 2>/dev/null)
is "unlock succeeds" "$?" 0
(cd "$dir" && eval "$code"; [ -n "${NAKODO_KEY_SESSION:-}" ]) >/dev/null 2>&1
is "evaluating its output sets the session" "$?" 0
is "and runs nothing the key file's name holds" "$(test -e "$dir/ran" && echo ran || echo nothing)" nothing
is "its output's every line is the variable or a comment" \
	"$(printf '%s\n' "$code" | grep -vcE '^(NAKODO_KEY_SESSION=[0-9a-f]{64}; export NAKODO_KEY_SESSION|# .*)$')" 0
"$nk" key lock >/dev/null 2>&1

echo "1..$n"
[ "$failed" -eq 0 ]

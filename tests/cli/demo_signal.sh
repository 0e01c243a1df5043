#!/usr/bin/env bash
# nakodo demo leaves nothing behind (README): its temporary store goes in TMPDIR and is
# removed on a Ctrl-C (SIGINT) or SIGTERM at any moment, as at its end. Prints TAP.
# Needs NAKODO (the binary).
set -u
nk=${NAKODO:?set NAKODO to the nakodo binary}
dir=$(mktemp -d)
# no EXIT trap: a background child signalled before it runs nakodo would run it too
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }

TMPDIR="$dir/none" "$nk" demo >/dev/null 2>"$dir/err"
if [ $? = 3 ] && grep -q "temporary store" "$dir/err"; then ok "demo makes its store in TMPDIR (one that is not there: exit 3)"
else bad "demo makes its store in TMPDIR (one that is not there: exit 3)" "$(cat "$dir/err")"; fi

mkdir "$dir/t" || exit 1
TMPDIR="$dir/t" "$nk" demo >/dev/null 2>&1
if [ -z "$(ls -A "$dir/t")" ]; then ok "a finished demo leaves nothing in TMPDIR"; else bad "a finished demo leaves nothing in TMPDIR" "$(ls -A "$dir/t")"; fi

left=0 hit=0
for i in $(seq 1 40); do
	for sig in INT TERM; do
		TMPDIR="$dir/t" "$nk" demo >/dev/null 2>&1 &
		p=$!
		sleep "0.00$((i % 10))"
		kill -s $sig $p 2>/dev/null && hit=$((hit + 1))
		wait $p 2>/dev/null
		[ -d "$dir/t" ] || { bad "TMPDIR is still there"; break 2; }
		if [ -n "$(ls -A "$dir/t")" ]; then left=$((left + 1)); rm -rf "$dir/t"/*; fi
	done
done
if [ "$left" = 0 ]; then ok "a demo stopped by SIGINT or SIGTERM leaves nothing ($hit of 80 stopped early)"
else bad "a demo stopped by SIGINT or SIGTERM leaves nothing" "$left of $hit stopped runs left their store"; fi
rm -rf "$dir"
echo "1..$n"
[ "$failed" = 0 ]

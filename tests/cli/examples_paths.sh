#!/usr/bin/env bash
# What a newcomer reads points only at files the project ships (issue 15): no
# ../shared/... path in README, doc/analyze.md, the examples or the sources, and README's
# analysis example runs on examples/genius/ and says what README shows. Prints TAP.
# Needs NAKODO (the binary).
: "${NAKODO:?set NAKODO to the nakodo binary}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi; }

for f in README.md doc/analyze.md doc/formats.md man/nakodo.1 man/nakodo-serve.8; do
	is "$f names no ../shared path" "$(grep -c 'shared/' "$ROOT/$f")" 0
done
is "examples/ and src/ name no ../shared path" \
	"$(grep -rl 'shared/' "$ROOT/examples" "$ROOT/src" | wc -l)" 0
out=$(cd "$ROOT" && "$NAKODO" analyze examples/genius/lease_domain.xml \
	examples/genius/lease_tenant.xml examples/genius/lease_landlord.xml 2>&1)
is "README's analysis example runs" "$?" 0
nash=$(grep '^nash ' <<<"$out")
is "and its Nash line is README's" "$(grep -c -F -- "    $nash" "$ROOT/README.md")" 1
is "and its frontier line too" "$(grep -c -F -- "    $(grep '^frontier:' <<<"$out")" "$ROOT/README.md")" 1

echo "1..$n"
[ "$failed" -eq 0 ]

#!/bin/sh
# Golden tests of a case with a bridge (issue 17, tool 4), through the real command: each
# NAME.steps here is a case's opening (its first line: the arguments of `case new`) and
# its figures (one a line: ROLE AMOUNT); its NAME.expected holds, byte for byte, what each
# role's briefing says (text and JSON), the mediator's log (types, actors and bodies) and
# the receipt's outcome once the case ended: exactly what each role is told. The case's
# id, its seed's commitment and its times are written as CASE, SEED and TIME (the clock
# is the file NAKODO_TEST_CLOCK names, read by nakodo-test, which NAKODO must be). TAP on
# stdout. Usage: run.sh NAKODO DIR [--update]
nakodo=$1 dir=$2 update=$3
. "$dir/../compare.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export NAKODO_TEST_CLOCK="$tmp/clock"
echo 1800000000000 >"$NAKODO_TEST_CLOCK"
n=0 failed=0
for steps in "$dir"/*.steps; do
	n=$((n + 1))
done
echo "1..$n"
i=0
for steps in "$dir"/*.steps; do
	i=$((i + 1))
	name=$(basename "$steps" .steps)
	db="$tmp/$name.db"
	nk() { "$nakodo" --db "$db" "$@" 2>&1 </dev/null; }
	{
		read -r opening
		# shellcheck disable=SC2086 # the opening's arguments, split as written
		id=$(nk case new $opening)
		echo "case new $opening: exit $?"
		while read -r role amount; do
			printf '%s %s: ' "$role" "$amount"
			nk submit "$id" --as "$role" "$amount"
		done
	} <"$steps" >"$tmp/got"
	for role in claimant payer mediator; do
		echo "--- $role's briefing" >>"$tmp/got"
		nk brief "$id" --as "$role" >>"$tmp/got"
		nk --json brief "$id" --as "$role" | jq -S 'del(.seed_commitment)' >>"$tmp/got"
	done
	echo "--- the log" >>"$tmp/got"
	nk --json log "$id" | jq -c '.events[] | [.type, .actor, (.body | del(.seed_commitment))]' \
		>>"$tmp/got"
	if nk receipt "$id" --out "$tmp/$name.receipt" >"$tmp/out"; then
		echo "--- the receipt" >>"$tmp/got"
		sed "s|$tmp/||" "$tmp/out" >>"$tmp/got"
	fi
	sed -i "s/$id/CASE/g" "$tmp/got"
	golden_compare "$i" "$name" "$tmp/got" "$dir/$name.expected" "$update"
done
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# nakodo analyze --fix with a misspelt issue or a value the issue does not take: exit 2,
# and the message says what would do (the agenda's issues, the issue's values or its
# numeric bounds), so that the user need not open the agenda file. Prints TAP. Needs
# NAKODO and EXAMPLES (the examples folder).
set -u
nk=${NAKODO:?set NAKODO to the nakodo binary}
ex=${EXAMPLES:?set EXAMPLES to the examples folder}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift
	for l in "$@"; do echo "# $l"; done
}
agenda=("$ex/agenda-1962.json" "$ex/agenda-1962-korea.json" "$ex/agenda-1962-japan.json")
# says DESCRIPTION FIX TEXT: analyze --fix FIX exits 2 and its message holds TEXT
says() {
	"$nk" analyze "${agenda[@]}" --fix "$2" >"$dir/out" 2>"$dir/err"; local got=$?
	if [ "$got" = 2 ] && grep -qF -- "$3" "$dir/err"; then ok "$1"
	else bad "$1" "exit $got" "$(cat "$dir/err")"; fi
}
says "a misspelt issue: the agenda's issues are named" claim=300 \
	"its issues are 'claims', 'fisheries', 'residents', 'cultural property', 'basic relations'"
says "a value not on a discrete issue: its values are named" fisheries=Peace \
	"one of 'Peace Line kept', '12-mile zone + joint area', '12-mile zone', '3-mile limit'"
says "whole labels, never one cut short" residents=x \
	"'residence for pre-1945 arrivals and children'"
says "a number off a numeric issue: its bounds and step" claims=301.5 \
	"it takes a number from 100 to 600 in steps of 1"
"$nk" --json analyze "${agenda[@]}" --fix fisheries=Peace >"$dir/out" 2>/dev/null
if grep -q '"field": *"fisheries"' "$dir/out" && grep -qF "'3-mile limit'" "$dir/out"; then
	ok "--json: the issue is the field, the values are in the detail"
else bad "--json: the issue is the field, the values are in the detail" "$(cat "$dir/out")"; fi
echo "1..$n"
[ "$failed" = 0 ]

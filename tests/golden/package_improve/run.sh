#!/bin/sh
# Golden tests of improvements after a tentative package, in local mode: each scenario
# below plays the 1962 case (examples/) with --improvements to its end and writes what
# every role is shown — the briefings' text and JSON at the tentative stage, after the
# improvement round and at the end, and the log's events (types and bodies, no times) —
# which must equal NAME.expected byte for byte (the case id reads CASE). TAP on stdout.
# Usage: run.sh NAKODO DIR [--update]
nakodo=$1 dir=$2 update=${3:-}
ex="$dir/../../../examples"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
K="$ex/claims-1962-package-korea.json" J="$ex/claims-1962-package-japan.json"
# Japan's improvement valuation: the "claims" label now costs it US$5 million, not 30.
sed 's/"worth": "30,000,000"/"worth": "5,000,000"/' "$J" >"$tmp/j2.json"

nk() { "$nakodo" --db "$tmp/$name.db" "$@"; }
briefs() {	# briefs STAGE: every role's briefing, text and JSON
	for role in claimant payer mediator; do
		echo "=== $1: $role"
		nk brief "$id" --as "$role"
		nk --json brief "$id" --as "$role" | jq -cS .
	done
}
play() {	# play NAME PAYER2 ANSWER_CLAIMANT ANSWER_PAYER
	name=$1
	id=$(nk package open --currency USD --components grant,loan --rounds 2 --improvements)
	nk package submit "$id" --as claimant "$K"
	nk package submit "$id" --as payer "$J"
	nk answer "$id" --as claimant accept
	nk answer "$id" --as payer accept
	briefs tentative
	nk package submit "$id" --as claimant "$K"
	nk package submit "$id" --as payer "$2"
	briefs improvement
	[ -n "$3" ] && nk answer "$id" --as claimant "$3"
	[ -n "$4" ] && nk answer "$id" --as payer "$4"
	briefs end
	echo "=== log"
	nk --json log "$id" | jq -c '.events[] | [.seq, .actor, .type, .body]'
}

names="improved none declined"
n=0 failed=0
echo "1..3"
for scenario in $names; do
	n=$((n + 1))
	case $scenario in
	improved) play improved "$tmp/j2.json" accept accept ;;
	none) play none "$J" "" "" ;;
	declined) play declined "$tmp/j2.json" accept decline ;;
	esac >"$tmp/raw" 2>&1
	sed "s/$id/CASE/g" "$tmp/raw" >"$tmp/got"
	[ "$update" = --update ] && cp "$tmp/got" "$dir/$scenario.expected"
	if cmp -s "$tmp/got" "$dir/$scenario.expected"; then
		echo "ok $n - $scenario"
	else
		echo "not ok $n - $scenario"
		diff -u "$dir/$scenario.expected" "$tmp/got" | head -40 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ]

#!/bin/sh
# Golden tests of neutral evaluation through the command line: each NAME.steps here is a
# case played on a fresh local database, one `nakodo` command a line (its words split on
# blanks; @CASE stands for the id the first line, `case new`, printed; @KEYS for keys/,
# the neutrals' key files, made once with `NAKODO_TEST_KDF=min nakodo keygen` under the
# passphrase keys/passphrase, so that each join prints the same keys). Every command's
# exit status, standard output and standard error, with the case id written as @CASE,
# must equal NAME.expected byte for byte. TAP on stdout.
# Usage: run.sh NAKODO DIR [--update]
nakodo=$1 dir=$2 update=$3
. "$dir/../compare.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
keys=$(cd "$dir/keys" && pwd) || exit 1
# a copy in the private temporary folder: git keeps keys/passphrase readable by all,
# which the command would warn of on every line
cp "$keys/passphrase" "$tmp/passphrase" || exit 1
NAKODO_PASSPHRASE_FILE="$tmp/passphrase"
export NAKODO_PASSPHRASE_FILE
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
	case_id=""
	: >"$tmp/got"
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		# shellcheck disable=SC2086
		set -- $(printf '%s' "$line" | sed -e "s/@CASE/$case_id/g" -e "s|@KEYS|$keys|g")
		"$nakodo" --db "$db" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
		status=$?
		[ -n "$case_id" ] || case_id=$(head -1 "$tmp/out")
		{
			echo "\$ nakodo $line"
			echo "exit $status"
			sed -e "s/$case_id/@CASE/g" -e "s|$keys|@KEYS|g" "$tmp/out"
			sed -e "s/$case_id/@CASE/g" -e "s|$keys|@KEYS|g" "$tmp/err" |
				sed 's/^/stderr: /'
		} >>"$tmp/got"
	done <"$steps"
	golden_compare "$i" "$name" "$tmp/got" "$dir/$name.expected" "$update"
done
[ "$failed" -eq 0 ]

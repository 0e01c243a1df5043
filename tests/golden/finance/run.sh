#!/bin/sh
# Golden tests of `nakodo loan`: each NAME.args here (one argument a line) runs the real
# command, whose exit status, standard output and standard error must equal
# NAME.expected byte for byte. TAP on stdout. Usage: run.sh NAKODO DIR [--update]
nakodo=$1 dir=$2 update=$3
. "$dir/../compare.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
for args in "$dir"/*.args; do
	n=$((n + 1))
done
echo "1..$n"
i=0
for args in "$dir"/*.args; do
	i=$((i + 1))
	name=$(basename "$args" .args)
	set --
	while IFS= read -r line; do
		set -- "$@" "$line"
	done <"$args"
	NAKODO_DB=/nonexistent/nakodo.db "$nakodo" loan "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	{
		echo "exit $status"
		echo "--- stdout"
		cat "$tmp/out"
		echo "--- stderr"
		cat "$tmp/err"
	} >"$tmp/got"
	sed -i "s/$id/CASE/g" "$tmp/got"
	golden_compare "$i" "$name" "$tmp/got" "$dir/$name.expected" "$update"
done
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Rejects calls that have no place in nakodo's C: unbounded string copies and
# formatting, and number parsing that cannot report an error. Prints TAP.
set -u
root=${1:-.}
n=0 failed=0
for pattern in 'sprintf' 'vsprintf' 'strcpy' 'strcat' 'gets' 'atoi' 'atol' 'atoll' 'atof' 'strtok'; do
	n=$((n + 1))
	# a call of exactly this name (snprintf, strtok_r and the like do not match)
	hits=$(grep -rnE "(^|[^a-zA-Z0-9_])${pattern}[[:space:]]*\(" "$root/src" "$root/include" 2>/dev/null)
	if [ -n "$hits" ]; then
		failed=$((failed + 1))
		echo "not ok $n - no $pattern() in src/ and include/"
		sed 's/^/# /' <<<"$hits"
	else
		echo "ok $n - no $pattern() in src/ and include/"
	fi
done
echo "1..$n"
[ "$failed" = 0 ]

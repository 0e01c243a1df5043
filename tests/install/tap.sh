# TAP helpers of the install, man page and completion tests: ok, bad and check count
# into n and failed; the script ends with: echo "1..$n"; exit $((failed > 0)).
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
# bad DESCRIPTION [DETAIL...]: a failure, each detail as a comment line
bad() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for l in "$@"; do echo "# $l"; done
}
# check DESCRIPTION EXPRESSION [DETAIL]: EXPRESSION evaluated by the shell
check() { if eval "$2"; then ok "$1"; else bad "$1" "${3:-}"; fi; }

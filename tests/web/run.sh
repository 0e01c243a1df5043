#!/bin/bash
# Runs the browser tests (tests/web/*.test.mjs) under node's test runner against the
# built command: run.sh NAKODO SHOTS_DIR [NAKODO_CLOCKED] (the test build whose clock a
# test sets through NAKODO_TEST_CLOCK: tests/support/test_hooks.c). Installs the pinned npm packages first with
# `npm ci` when node_modules does not match package-lock.json (a stamp of the lock
# file's hash), so a second run costs nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export NAKODO=$(realpath "$1") NAKODO_SHOTS=$(realpath -m "$2")
[ -z "${3:-}" ] || export NAKODO_CLOCKED=$(realpath "$3")
cd "$here"
for cmd in node npm; do
	command -v $cmd >/dev/null || { echo "run.sh: $cmd is missing: make deps installs it" >&2; exit 1; }
done
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
	{ echo "run.sh: ${CHROMIUM:-/usr/bin/chromium} is missing: make deps installs it" >&2; exit 1; }
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.nakodo-lock 2>/dev/null)" != "$want" ]; then
	# one install at a time, should two runs start together
	exec 9>"$here/.npm-ci.lock"
	flock 9
	if [ "$(cat node_modules/.nakodo-lock 2>/dev/null)" != "$want" ]; then
		npm ci --no-audit --no-fund --loglevel=error
		echo "$want" > node_modules/.nakodo-lock
	fi
	flock -u 9
fi
# One file at a time (each starts its own server and browser, on a two-core machine),
# by a loop rather than --test-concurrency, which Debian 12's node 18 lacks.
failed=()
for t in "$here"/*.test.mjs; do
	echo "# $(basename "$t")"
	node --test --test-reporter=spec "$t" || failed+=("$(basename "$t")")
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "run.sh: failed: ${failed[*]}" >&2
	exit 1
fi

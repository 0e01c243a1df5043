#!/usr/bin/env python3
"""Counts what the test run checked, from meson's testlog.json: every TAP line of a
TAP test (each cmocka case, each scripted check) and every other test as one. Prints
the closing line `N passed, N failed` (and skipped, when any), and exits 1 when anything
failed: this, not meson's status, is `make check`'s verdict, since meson calls cmocka's
skip ("not ok # SKIP", e.g. the reference domains when ../shared is absent) a failure."""
import json
import re
import sys

passed = failed = skipped = 0
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        test = json.loads(line)
        result = test.get("result")
        stdout = test.get("stdout") or ""
        if re.search(r"^(1\.\.\d+|TAP version \d+)\s*$", stdout, re.M):
            ok = nok = skip = 0
            for out in stdout.splitlines():
                if re.match(r"^(not )?ok\b.*#\s*skip", out, re.I):
                    skip += 1
                elif re.match(r"^ok\b", out):
                    ok += 1
                elif re.match(r"^not ok\b", out):
                    nok += 1
            # meson calls a TAP "not ok # SKIP" a failure; an exit status of 0 says it was not
            if result not in ("OK", "SKIP") and nok == 0 and not (skip and test.get("returncode") == 0):
                nok = 1  # crashed, timed out or lied about its plan
            passed, failed, skipped = passed + ok, failed + nok, skipped + skip
        elif result == "SKIP":
            skipped += 1
        elif result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        else:
            failed += 1

line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)

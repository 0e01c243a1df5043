#!/usr/bin/env python3
"""nakodo analyze --export-genius (issue 15): the domain and profiles written back as
GENIUS XML read back, by nakodo, to the same analysis, and by an independent GENIUS-semantics
reader (exact_frontier.py's, Python fractions) to the same frontier; files are private and
never replaced without --force. TAP. Usage: roundtrip.py NAKODO REPO_DIR [SHARED_DIR]."""

import json
import os
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exact_frontier as ef  # noqa: E402


def run(args):
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def main():
    nakodo, repo = sys.argv[1], sys.argv[2]
    shared = sys.argv[3] if len(sys.argv) > 3 else None
    tap = ef.Tap()
    print("TAP version 13")
    g = os.path.join(repo, "tests", "golden", "frontier")
    ex = os.path.join(repo, "examples")
    cases = [
        ("camp (GENIUS)", [os.path.join(g, f) for f in
                           ("camp.domain.xml", "camp_ann.xml", "camp_ben.xml")]),
        ("loan (JSON, integer and real issues)", [os.path.join(g, f) for f in
         ("loan.agenda.json", "loan.borrower.json", "loan.lender.json", "loan.agency.json")]),
        ("1962 talks (JSON example)", [os.path.join(ex, f) for f in
         ("agenda-1962.json", "agenda-1962-japan.json", "agenda-1962-korea.json")]),
    ]
    if shared and os.path.isdir(os.path.join(shared, "domains")):
        for d, dom, profs in ef.SHARED:
            base = os.path.join(shared, "domains", d)
            cases.append((d, [os.path.join(base, f) for f in [dom] + profs]))
    else:
        tap.ok(True, f"shared domains # SKIP {shared}/domains is absent")
    for name, files in cases:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "x")
            a = run([nakodo, "analyze", "--json", "--export-genius", out] + files)
            if a.returncode != 0:
                tap.ok(False, f"{name}: exported", a.stderr)
                continue
            written = sorted(os.listdir(out))
            profiles = [os.path.join(out, f) for f in written if f != "domain.xml"]
            # In the parties' order, as the command names them on standard error.
            order = [ln.split("wrote ", 1)[1] for ln in a.stderr.splitlines() if "wrote " in ln]
            profiles = order[1:]
            private = all(stat.S_IMODE(os.stat(os.path.join(out, f)).st_mode) == 0o600
                          for f in written)
            tap.ok(private and len(written) == len(files), f"{name}: {len(written)} files, 0600")
            b = run([nakodo, "analyze", "--json", os.path.join(out, "domain.xml")] + profiles)
            if b.returncode != 0:
                tap.ok(False, f"{name}: read back", b.stderr)
                continue
            ja, jb = json.loads(a.stdout), json.loads(b.stdout)
            for j in (ja, jb):  # a GENIUS profile is named by its file: "guarantee_agency"
                for p in j["parties"]:
                    p["name"] = p["name"].replace(" ", "_")
                    # a stepped real issue becomes discrete: its money rate goes
                    p.pop("per_utility")
            same = ja == jb
            tap.ok(same, f"{name}: read back to the same analysis",
                   "" if same else f"{len(ja['frontier'])} against {len(jb['frontier'])} points")
            # GENIUS semantics, independently: the exported files give the same frontier.
            issues = ef.read_domain(os.path.join(out, "domain.xml"))
            pr = [ef.read_profile(issues, p) for p in profiles]
            good, why = ef.compare(nakodo, os.path.join(out, "domain.xml"), profiles, issues,
                                   ef.exact_frontier(issues, pr), [p[1] for p in pr])
            tap.ok(good and len(ja["frontier"]) == len(jb["frontier"]),
                   f"{name}: exported files read with GENIUS semantics agree", why)
            again = run([nakodo, "analyze", "--export-genius", out] + files)
            tap.ok(again.returncode == 2 and "--force" in again.stderr,
                   f"{name}: an export does not replace files without --force", again.stderr)
            forced = run([nakodo, "analyze", "--force", "--export-genius", out] + files)
            tap.ok(forced.returncode == 0, f"{name}: --force replaces them", forced.stderr)
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())

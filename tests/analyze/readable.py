#!/usr/bin/env python3
"""nakodo analyze's report and plot for a person (issue 15): long names and values cut
with an ellipsis, ties at the Nash point shown, a no-deal result that says how far apart
the parties are (no concessions of 0), utilities related to money where a profile allows;
the SVG titled by the domain's name, shaded only with a deal zone, one panel per pair of
parties beyond two, every point naming its outcome in a <title>, N/KS/E/U labels that do
not overlap, and --svg that replaces no file without --force. TAP.
Usage: readable.py NAKODO REPO_DIR [SHARED_DIR]."""

import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exact_frontier import Tap  # noqa: E402

LONG = "an issue whose name is far longer than any column"
VALUE = "a value with a long and winding description"


def write(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)
    return path


def fixtures(d):
    """A tie at the Nash point ((1, 0.5) against (0.5, 1)) and long names; three parties
    whose solution points coincide."""
    agenda = write(os.path.join(d, "agenda.json"), {
        "nakodo": "agenda", "name": "tie", "issues": [
            {"name": LONG, "type": "discrete", "values": [VALUE, "short", "middle"]},
            {"name": "price", "type": "integer", "min": 0, "max": 10}]})
    a = write(os.path.join(d, "a.json"), {
        "nakodo": "profile", "name": "first party with a long name", "issues": {
            LONG: {"weight": 1, "scores": {VALUE: 1, "short": 0.5, "middle": 0.7}},
            "price": {"weight": 0, "linear": {"offset": 0, "slope": 0.1}}}})
    b = write(os.path.join(d, "b.json"), {
        "nakodo": "profile", "name": "second", "issues": {
            LONG: {"weight": 1, "scores": {VALUE: 0.5, "short": 1, "middle": 0.7}},
            "price": {"weight": 0, "linear": {"offset": 1, "slope": -0.1}}}})
    return agenda, a, b


def run(nakodo, args):
    return subprocess.run([nakodo, "analyze"] + args, capture_output=True, text=True,
                          timeout=300)


def label_boxes(svg):
    """The bold, centred label texts: (x0, y0, x1, y1, text) per label."""
    out = []
    for m in re.finditer(r'<text x="([-\d.]+)" y="([-\d.]+)" fill="[^"]+" font-weight="bold" '
                         r'text-anchor="middle">([^<]+)', svg):
        x, y, t = float(m.group(1)), float(m.group(2)), m.group(3)
        w = 8 * len(t) + 4
        out.append((x - w / 2, y - 11, x + w / 2, y + 3, t))
    return out


def marker_boxes(svg):
    """The solution points' markers (r=6 rings) of the plot, not of the legend."""
    return [(float(x) - 8, float(y) - 8, float(x) + 8, float(y) + 8)
            for x, y in re.findall(r'<circle cx="([-\d.]+)" cy="([-\d.]+)" r="6" fill="none"[^>]*>'
                                   r'<title>', svg)]


def too_close(a, b, gap=3.0):
    """Whether two boxes come within gap pixels of each other (a touch, to the eye)."""
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def main():
    nakodo, repo = sys.argv[1], sys.argv[2]
    shared = sys.argv[3] if len(sys.argv) > 3 else None
    g = os.path.join(repo, "tests", "golden", "frontier")
    ex = os.path.join(repo, "examples")
    tap = Tap()
    print("TAP version 13")
    with tempfile.TemporaryDirectory() as d:
        agenda, a, b = fixtures(d)
        p = run(nakodo, [agenda, a, b])
        text = p.stdout
        tap.ok(p.returncode == 0, "the fixture analyses", p.stderr)
        tap.ok("an issue whose name is …" in text and LONG + "=" in text,
               "a long issue name is cut with an ellipsis in its column, whole in outcomes",
               text)
        tap.ok("a value wit…" in text, "a long value is cut with an ellipsis", text)
        # the points' columns widen to a name's 24 characters; the issue table's 28
        tap.ok("first party with a long…" in text and "first par…" not in text,
               "a long party name is cut with an ellipsis past 24 characters", text)
        tap.ok("tied with nash" in text, "the tie at the Nash point is shown", text)
        j = json.loads(run(nakodo, ["--json", agenda, a, b]).stdout)
        tap.ok(j["nash_ties_count"] == 1 and len(j["nash_ties"]) == 1,
               "JSON: nash_ties names the other point", json.dumps(j.get("nash_ties")))
        tap.ok(all(p["per_utility"] is None for p in j["parties"]),
               "JSON: no money where no numeric issue weighs anything",
               json.dumps([p["per_utility"] for p in j["parties"]]))

        nodeal = [os.path.join(g, f) for f in
                  ("office.agenda.json", "office.hard-staff.json", "office.hard-board.json")]
        p = run(nakodo, nodeal)
        tap.ok("far apart" in p.stdout and "below its reservation" in p.stdout,
               "no deal: says how far apart the parties are", p.stdout)
        tap.ok("concedes" not in p.stdout and "(0.000)" not in p.stdout,
               "no deal: no concessions table of zeros", p.stdout)
        j = json.loads(run(nakodo, ["--json"] + nodeal).stdout)
        tap.ok(j["apart"] is not None and any(s > 0 for s in j["apart"]["shortfall"]),
               "JSON: apart gives the closest point and the shortfalls", json.dumps(j["apart"]))
        talks = [os.path.join(ex, f) for f in
                 ("agenda-1962.json", "agenda-1962-japan.json", "agenda-1962-korea.json")]
        p = run(nakodo, talks)
        tap.ok("0.01 utility ≈ 14.3 claims" in p.stdout,
               "text: utility related to money (japan: 0.01 is 14.3 claims)", p.stdout[:600])
        j = json.loads(run(nakodo, ["--json"] + talks).stdout)
        money = j["parties"][0]["per_utility"]
        tap.ok(money["issue"] == "claims" and abs(money["amount"] - 1 / 0.35 / 0.002) < 1e-6,
               "JSON: a point of utility in claims (1 / (weight x slope))", json.dumps(money))

        svg = os.path.join(d, "plot.svg")
        p = run(nakodo, ["--svg", svg] + nodeal)
        s = open(svg).read()
        tap.ok(p.returncode == 0 and "#e8f5e9" not in s and "no deal zone" in s,
               "SVG without a deal zone: no shading, says so")
        p = run(nakodo, ["--svg", svg] + talks)
        tap.ok(p.returncode == 2 and "--force" in p.stderr and "#e8f5e9" not in open(svg).read(),
               "--svg does not replace a file without --force", p.stderr)
        p = run(nakodo, ["--force", "--svg", svg] + talks)
        s = open(svg).read()
        tap.ok(p.returncode == 0 and "#e8f5e9" in s, "--force replaces it; a deal zone is shaded")
        dots = re.findall(r'<circle [^>]*r="3" fill="#(?:1f77b4|aaaaaa)"><title>([^<]*)</title>', s)
        front = json.loads(run(nakodo, ["--json"] + talks).stdout)["frontier"]
        tap.ok(len(dots) == len(front) and all("claims=" in t for t in dots),
               f"every frontier point names its outcome in a <title> ({len(dots)})")
        tap.ok("Pareto frontier: Korea-Japan" in s, "the title is the agenda's name")
        boxes = label_boxes(s)
        clash = [(x[4], y[4]) for i, x in enumerate(boxes) for y in boxes[i + 1:]
                 if x[0] < y[2] and y[0] < x[2] and x[1] < y[3] and y[1] < x[3]]
        tap.ok(len(boxes) >= 3 and not clash, f"labels do not overlap ({len(boxes)} labels)",
               repr(clash))
        # The 1962 plot's N, KS and E lie a few pixels apart: no label may touch another
        # label or any marker (a new user saw N and KS touch).
        marks = marker_boxes(s)
        touch = [(x[4], y[4]) for i, x in enumerate(boxes) for y in boxes[i + 1:]
                 if too_close(x, y)]
        touch += [(x[4], m) for x in boxes for m in marks if too_close(x, m)]
        tap.ok(len(marks) >= 3 and not touch,
               f"labels keep 3 px from every label and marker ({len(marks)} markers)",
               repr(touch))
        if shared and os.path.isdir(os.path.join(shared, "domains")):
            t = os.path.join(shared, "domains", "Travel")
            p = run(nakodo, ["--svg", svg, "--force"] + [os.path.join(t, f) for f in
                    ("travel_domain.xml", "travel_chox.xml", "travel_fanny.xml")])
            s = open(svg).read()
            tap.ok("Pareto frontier: travel_domain" in s and ">root<" not in s
                   and "agenda travel_domain" in p.stdout,
                   "a GENIUS objective called root: titled by the domain file's name")
            e = os.path.join(shared, "domains", "AgentHp2_EnergyGrid2016")
            p = run(nakodo, ["--svg", svg, "--force"] + [os.path.join(e, f) for f in
                    ("energy_grid_domain.xml", "consumer.xml", "producer.xml", "provider.xml")])
            s = open(svg).read()
            tap.ok(s.count("utility of ") == 6 and "<polyline" not in s
                   and "one panel per pair" in s,
                   "three parties: three pairwise panels, no zigzag through projections")
            boxes = label_boxes(s)
            clash = [(x[4], y[4]) for i, x in enumerate(boxes) for y in boxes[i + 1:]
                     if x[0] < y[2] and y[0] < x[2] and x[1] < y[3] and y[1] < x[3]]
            tap.ok(not clash and any(" " in b[4] for b in boxes),
                   "three parties: labels do not overlap, coinciding points share one",
                   repr(clash))
        else:
            tap.ok(True, f"shared domains # SKIP {shared}/domains is absent")
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())

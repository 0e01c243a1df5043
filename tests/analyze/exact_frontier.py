#!/usr/bin/env python3
"""The frontier of `nakodo analyze --json` against an enumeration in exact rationals
(fractions.Fraction from the files' decimal strings), on the shared GENIUS domains and on
seeded random agendas built so that utilities tie exactly while their doubles differ
(0.1 + 0.2 against 0.3). TAP output. Usage: exact_frontier.py NAKODO [SHARED_DIR]."""

import json
import os
import random
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from fractions import Fraction

SHARED = [  # domain dir, domain file, profiles
    ("AgentHp2_EnergyGrid2016", "energy_grid_domain.xml", ["consumer.xml", "producer.xml"]),
    ("AgentHp2_EnergyGrid2016", "energy_grid_domain.xml",
     ["consumer.xml", "producer.xml", "provider.xml"]),
    ("Amsterdam", "Amsterdam_domain.xml", ["Amsterdam_party1.xml", "Amsterdam_party2.xml"]),
    ("Camera", "camera_domain.xml", ["camera_buyer_utility.xml", "camera_seller_utility.xml"]),
    ("Car", "adg.xml", ["adg_deal.xml", "adg_deal2.xml"]),
    ("Energy", "energy_domain.xml", ["energy_consumer.xml", "energy_distributor.xml"]),
    ("EnglandZimbabwe", "EnglandZimbabwe_domain.xml", ["England.xml", "Zimbabwe.xml"]),
    ("Grocery", "Grocery_domain.xml", ["Grocery_domain_mary.xml", "Grocery_domain_sam.xml"]),
    ("ItexvsCypress", "ItexvsCypress_domain.xml",
     ["ItexvsCypress_Cypress.xml", "ItexvsCypress_Itex.xml"]),
    ("Laptop", "laptop_domain.xml", ["laptop_buyer_utility.xml", "laptop_seller_utility.xml"]),
    ("SmartPhone", "SmartPhone.xml", ["SmartPhone_util1.xml", "SmartPhone_util2.xml"]),
    ("Travel", "travel_domain.xml", ["travel_chox.xml", "travel_fanny.xml"]),
    ("Wholesaler", "Wholesaler-domain.xml", ["Wholesaler-prof1.xml", "Wholesaler-prof2.xml"]),
]


def objective(path):
    root = ET.parse(path).getroot()
    space = root if root.tag == "utility_space" else root.find("utility_space")
    return space, space.find("objective")


def issue_type(node):
    return node.get("type") or node.get("vtype")


def read_domain(path):
    """[(name, [labels], kind, lower)] in file order."""
    issues = []
    for n in objective(path)[1].findall("issue"):
        if issue_type(n) == "discrete":
            issues.append((n.get("name"), [i.get("value") for i in n.findall("item")],
                           "discrete", None))
        else:
            lo, hi = int(n.get("lowerbound")), int(n.get("upperbound"))
            issues.append((n.get("name"), [str(v) for v in range(lo, hi + 1)], "integer", lo))
    return issues


def read_profile(issues, path):
    """Per issue the exact contribution of each value, and the reservation."""
    space, obj = objective(path)
    by_index = {n.get("index"): n for n in obj.findall("issue")}
    contrib = {}
    for w in obj.findall("weight"):
        node = by_index.get(w.get("index"))
        if node is None:
            continue  # a weight for the objective itself: GENIUS ignores it
        name = node.get("name")
        weight = Fraction(w.get("value"))
        labels = next(i[1] for i in issues if i[0] == name)
        if issue_type(node) == "discrete" or node.find("item") is not None:
            ev = {i.get("value"): Fraction(i.get("evaluation")) for i in node.findall("item")}
            top = max(ev.values())
            contrib[name] = [weight * ev[v] / top if top else Fraction(0) for v in labels]
        else:
            e = node.find("evaluator")
            off, slope = Fraction(e.get("offset", "0")), Fraction(e.get("slope"))
            lo = int(labels[0])
            contrib[name] = [weight * (off + slope * (int(v) - lo)) for v in labels]
    res = space.find("reservation")
    if res is None:
        res = obj.find("reservation")
    return [contrib[i[0]] for i in issues], Fraction(res.get("value")) if res is not None else 0


def prune(partial, rem):
    """Two parties: drops the partial packages another one dominates, where the party it
    is worse for cannot reach the cap of 1 (then no completion can bring the two level);
    packages that could reach the cap for either party are all kept."""
    keys = sorted(partial, reverse=True)
    out = {}
    best = None  # largest u2 among packages with a larger u1
    i = 0
    while i < len(keys):
        j = i
        while j < len(keys) and keys[j][0] == keys[i][0]:
            j += 1
        top = keys[i][1]  # the group's largest u2
        for u in keys[i:j]:
            capable = u[0] + rem[0] >= 1 or u[1] + rem[1] >= 1
            dominated = (best is not None and best >= u[1]) or u[1] < top
            if capable or not dominated:
                out[u] = partial[u]
        best = top if best is None else max(best, top)
        i = j
    return out


def exact_frontier(issues, profiles):
    """{utilities: [count, first outcome]} for the frontier, utilities capped at 1."""
    partial = {tuple(Fraction(0) for _ in profiles): [1, ()]}
    for i in range(len(issues)):
        nxt = {}
        for u, (count, first) in partial.items():
            for v in range(len(issues[i][1])):
                w = tuple(u[k] + profiles[k][0][i][v] for k in range(len(profiles)))
                e = nxt.get(w)
                if e is None:
                    nxt[w] = [count, first + (v,)]
                else:
                    e[0] += count
                    e[1] = min(e[1], first + (v,))
        partial = prune(nxt, [sum(max(c[j]) for j in range(i + 1, len(issues)))
                              for c, _ in profiles]) if len(profiles) == 2 else nxt
    final = {}
    for u, (count, first) in partial.items():
        w = tuple(min(x, Fraction(1)) for x in u)
        e = final.get(w)
        if e is None:
            final[w] = [count, first]
        else:
            e[0] += count
            e[1] = min(e[1], first)
    keys = sorted(final, reverse=True)
    front = []
    for u in keys:  # descending lexicographic: nothing later dominates an earlier point
        if not any(all(a >= b for a, b in zip(f, u)) for f in front):
            front.append(u)
    return {u: final[u] for u in front}


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, good, name, why=""):
        self.n += 1
        if not good:
            self.failed += 1
        print(("ok" if good else "not ok") + f" {self.n} - {name}")
        if not good and why:
            for line in why.splitlines():
                print("# " + line)


def compare(nakodo, domain, profiles, issues, expect, reservations):
    """Runs nakodo; returns (ok, why)."""
    p = subprocess.run([nakodo, "analyze", "--json", domain] + profiles,
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        return False, f"exit {p.returncode}: {p.stderr.strip()}"
    got = json.loads(p.stdout)
    front = got["frontier"]
    if len(front) != len(expect):
        return False, f"{len(front)} frontier points, exact arithmetic gives {len(expect)}"
    if not got.get("exact"):
        return False, "the answer does not say it is exact"
    # Printed with 15 significant digits: matched in frontier order (party 1 ascending).
    for pt, key in zip(front, sorted(expect)):
        if any(abs(float(a) - b) > 1e-13 for a, b in zip(key, pt["utilities"])):
            return False, f"point {pt['utilities']}: exact arithmetic has {tuple(map(float, key))}"
        count, first = expect[key]
        if pt["outcomes"] != min(count, 2**63 - 1):
            return False, f"point {pt['utilities']}: {pt['outcomes']} outcomes, exact {count}"
        names = {issues[i][0]: issues[i][1][v] for i, v in enumerate(first)}
        if pt["outcome"] != names:
            return False, f"point {pt['utilities']}: outcome {pt['outcome']}, first is {names}"
        accept = all(u >= r for u, r in zip(key, reservations))
        if pt["acceptable"] != accept:
            return False, f"point {pt['utilities']}: acceptable {pt['acceptable']}, exact {accept}"
    return True, ""


def check(tap, nakodo, name, domain, profile_paths):
    issues = read_domain(domain)
    profiles = [read_profile(issues, p) for p in profile_paths]
    expect = exact_frontier(issues, profiles)
    good, why = compare(nakodo, domain, profile_paths, issues, expect, [p[1] for p in profiles])
    tap.ok(good, f"{name}: {len(expect)} points as exact arithmetic", why)
    return expect, profiles


# Random agendas whose doubles disagree with exact sums: weights of one or two decimals,
# evaluations over a largest of 3, 5, 7 or 10, so exact ties are frequent and 0.1 + 0.2
# style sums round apart.
def random_agenda(rng, d, nparties):
    nissues = rng.randint(2, 4)
    issues = [(f"issue{i}", [f"v{j}" for j in range(rng.randint(2, 5))]) for i in range(nissues)]
    dom = ['<negotiation_template>', '<utility_space number_of_issues="%d">' % nissues,
           '<objective index="0" etype="objective" type="objective" name="near-ties">']
    for i, (name, values) in enumerate(issues):
        dom.append(f'<issue index="{i + 1}" etype="discrete" type="discrete" name="{name}">')
        dom += [f'<item index="{j + 1}" value="{v}"/>' for j, v in enumerate(values)]
        dom.append('</issue>')
    dom += ['</objective>', '</utility_space>', '</negotiation_template>']
    paths = [os.path.join(d, "domain.xml")]
    with open(paths[0], "w") as f:
        f.write("\n".join(dom))
    for k in range(nparties):
        parts = [rng.choice([1, 1, 2, 3, 5]) for _ in issues]
        scale = rng.choice([10, 100])
        weights = [Fraction(round(p * scale / sum(parts)), scale) for p in parts]
        top = rng.choice([3, 5, 7, 10])
        res = rng.choice(["0", "0.3", "0.5", "0.6"])
        prof = ['<utility_space>', f'<reservation value="{res}"/>',
                '<objective index="0" etype="objective" type="objective" name="near-ties">']
        for i, w in enumerate(weights):
            prof.append(f'<weight index="{i + 1}" value="{float(w)}"/>')
        for i, (name, values) in enumerate(issues):
            prof.append(f'<issue index="{i + 1}" etype="discrete" type="discrete" name="{name}">')
            evs = [rng.randint(0, top) for _ in values]
            evs[rng.randrange(len(evs))] = top
            prof += [f'<item index="{j + 1}" value="{v}" evaluation="{e}"/>'
                     for j, (v, e) in enumerate(zip(values, evs))]
            prof.append('</issue>')
        prof += ['</objective>', '</utility_space>']
        paths.append(os.path.join(d, f"party{k + 1}.xml"))
        with open(paths[-1], "w") as f:
            f.write("\n".join(prof))
    return paths


def near_ties(issues, profiles):
    """Outcomes whose exact utilities tie while GENIUS's doubles differ, for some party."""
    import itertools
    seen = {}
    found = 0
    for out in itertools.product(*[range(len(i[1])) for i in issues]):
        for k, (c, _) in enumerate(profiles):
            exact = sum((c[i][v] for i, v in enumerate(out)), Fraction(0))
            dbl = 0.0
            for i, v in enumerate(out):
                dbl += float(c[i][v])
            prev = seen.setdefault((k, exact), dbl)
            found += prev != dbl
    return found


def main():
    nakodo = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else None
    tap = Tap()
    print("TAP version 13")
    if shared and os.path.isdir(os.path.join(shared, "domains")):
        for d, dom, profs in SHARED:
            base = os.path.join(shared, "domains", d)
            check(tap, nakodo, f"{d} ({len(profs)} parties)", os.path.join(base, dom),
                  [os.path.join(base, p) for p in profs])
    else:
        tap.ok(True, f"shared domains # SKIP {shared}/domains is absent")
    rng = random.Random(20261204)
    with_ties = 0
    for case in range(60):
        with tempfile.TemporaryDirectory() as d:
            paths = random_agenda(rng, d, 2 + case % 3)
            expect, profiles = check(tap, nakodo, f"random agenda {case}", paths[0], paths[1:])
            with_ties += near_ties(read_domain(paths[0]), profiles) > 0
    tap.ok(with_ties >= 20, f"{with_ties} of 60 random agendas have near-ties in doubles")
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Opens N cases on a running `nakodo serve` over CONNS keep-alive connections at once
and, when OUT is given, writes "CASE CLAIMANT_TOKEN PAYER_TOKEN MEDIATOR_TOKEN" lines
for bench_server_submit.lua. MONOTONE=0 in the environment opens them without the
monotone rule (the contention run sends the same figures every round).
usage: bench_server_setup.py PORT OPERATOR_TOKEN N [OUT] [CONNS]"""
import concurrent.futures, http.client, json, os, sys

port, op, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
out = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] != "-" else None
conns = int(sys.argv[5]) if len(sys.argv) > 5 else 8
rules = {"currency": "USD", "rounds": 50, "monotone": os.environ.get("MONOTONE") != "0",
         "settle": "midpoint", "band_bp": 0, "band_amount": 0, "grid": 1, "hints_bp": [],
         "range_low": 0, "range_high": 100000000, "leakage_bits": 8.0, "proposals": 1}
body = json.dumps({"rules": rules})


def opener(count):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    lines = []
    for _ in range(count):
        conn.request("POST", "/v1/cases", body, {"Authorization": "Bearer " + op,
                                                 "Content-Type": "application/json"})
        r = conn.getresponse()
        a = json.loads(r.read())
        if r.status != 201:
            sys.exit("open failed: %d %s" % (r.status, a))
        if out:
            t = a["tokens"]
            lines.append("%s %s %s %s\n" % (a["case"], t["claimant"], t["payer"],
                                            t["mediator"]))
    return lines


shares = [n // conns + (1 if i < n % conns else 0) for i in range(conns)]
with concurrent.futures.ThreadPoolExecutor(conns) as pool:
    results = list(pool.map(opener, shares))
if out:
    with open(out, "w") as f:
        for lines in results:
            f.writelines(lines)

#!/usr/bin/env python3
"""Opens N cases on a running `nakodo serve` over one keep-alive connection and writes
"CASE CLAIMANT_TOKEN PAYER_TOKEN" lines for bench_server_submit.lua.
usage: bench_server_setup.py PORT OPERATOR_TOKEN N OUT"""
import http.client, json, sys

port, op, n, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
rules = {"currency": "USD", "rounds": 50, "monotone": True, "settle": "midpoint",
         "band_bp": 0, "band_amount": 0, "grid": 1, "hints_bp": [], "range_low": 0,
         "range_high": 100000000, "leakage_bits": 8.0, "proposals": 1}
body = json.dumps({"rules": rules})
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
with open(out, "w") as f:
    for _ in range(n):
        conn.request("POST", "/v1/cases", body, {"Authorization": "Bearer " + op,
                                                 "Content-Type": "application/json"})
        r = conn.getresponse()
        a = json.loads(r.read())
        if r.status != 201:
            sys.exit("open failed: %d %s" % (r.status, a))
        f.write("%s %s %s\n" % (a["case"], a["tokens"]["claimant"], a["tokens"]["payer"]))

#!/usr/bin/env python3
"""A hostile server for the command: every request is answered 409 with a problem
document whose field and detail hold terminal escape sequences (CSI, OSC, the C1 CSI),
a bell and direction overrides. Writes its port to PORTFILE.
usage: hostile_text.py PORTFILE"""
import http.server
import json
import sys

EVIL = ("\x1b[2J\x1b[H\x1b]0;owned\x07settled at 1,000,000\u009b31m"
        "\u202eevil\u202c\u061c\r\n")
BODY = json.dumps({"type": "urn:nakodo:problem:refused", "title": "x", "status": 409,
                   "field": "amount" + EVIL, "detail": "refused" + EVIL}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        self.send_response(409)
        self.send_header("Content-Type", "application/problem+json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    do_GET = do_POST = do_DELETE = answer


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()

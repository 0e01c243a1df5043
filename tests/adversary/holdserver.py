#!/usr/bin/env python3
"""A stand-in server for watching the command between two requests: every GET is
answered with the bytes of BRIEF (a real briefing), every other request is held
unanswered, with the file HELD created, until the file RELEASE exists (at most 30 s).
Writes its port to PORTFILE.   usage: holdserver.py BRIEF PORTFILE HELD RELEASE"""
import http.server
import os
import sys
import time

brief, portfile, held, release = sys.argv[1:5]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with open(brief, "rb") as f:
            self.answer(200, f.read())

    def hold(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        open(held, "w").close()
        for _ in range(300):
            if os.path.exists(release):
                break
            time.sleep(0.1)
        self.answer(503, b'{"status":503,"field":"","detail":"held"}')

    do_POST = do_DELETE = hold


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()

#!/usr/bin/env python3
"""A recording HTTP proxy for the adversary tests: forwards each request to the server
on 127.0.0.1:UPSTREAM and writes what came back (status line, headers, body) to
OUTDIR/NNN, numbered in arrival order, so that a test can see every answer a client
received, the CLI's own requests included. Prints its port into PORTFILE. With a fourth
argument LENGTHS it also appends one line per request to that file, "METHOD PATH STATUS
sent=N answer=M", the lengths of the request's and the answer's bodies: what someone who
sees the TLS records of a client learns (lengths.sh)."""
import http.client
import http.server
import itertools
import os
import sys
import threading

upstream, outdir, portfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lengths = sys.argv[4] if len(sys.argv) > 4 else None
counter = itertools.count(1)
lock = threading.Lock()


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection", "proxy-connection")}
        conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=10)
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        with lock:
            name = os.path.join(outdir, "%03d" % next(counter))
        with open(name, "wb") as f:
            f.write(("%s %s -> %d\n" % (self.command, self.path, resp.status)).encode())
            for k, v in resp.getheaders():
                f.write(("%s: %s\n" % (k, v)).encode())
            f.write(b"\n" + data)
        if lengths:
            with lock, open(lengths, "a") as f:
                f.write("%s %s %d sent=%d answer=%d\n" % (
                    self.command, self.path.split("?")[0], resp.status, length, len(data)))
        self.send_response_only(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    do_GET = do_POST = do_DELETE = forward

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()

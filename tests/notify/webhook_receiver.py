#!/usr/bin/python3
"""A webhook receiver for notify tests: answers each POST by a plan and records it.

usage: webhook_receiver.py PORT LOG SECRET PLAN [CERT KEY]
PLAN is a comma list of answers for the requests in arrival order ("200", "500", "404",
"429", "hang" = answer after 60 s); once it is used up every request gets 200. Each request
is appended to LOG as one JSON line {path, headers, body, expected_signature} before it is
answered (over TLS with CERT and KEY when given), where expected_signature is "sha256=" + HMAC-SHA256(SECRET, body) computed here.
"""
import hashlib
import hmac
import http.server
import json
import ssl
import sys
import threading
import time

port, log_path, secret, plan = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
answers = [a for a in plan.split(",") if a]
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with lock:
            answer = answers.pop(0) if answers else "200"
            with open(log_path, "a") as log:
                log.write(json.dumps({
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", "replace"),
                    "expected_signature": "sha256=" + hmac.new(
                        secret.encode(), body, hashlib.sha256).hexdigest(),
                    "answer": answer,
                }) + "\n")
        if answer == "hang":
            time.sleep(60)
            answer = "200"
        self.send_response(int(answer))
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"answer " + answer.encode())

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
if len(sys.argv) > 6:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[5], sys.argv[6])
    server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()

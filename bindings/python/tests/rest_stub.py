"""Stands in for Tencent's REST endpoint (FORMAT.md §8) while it runs one command::

    python rest_stub.py COMMAND [ARG...]

It listens on 127.0.0.1, runs COMMAND with ``USERSIG_REST_ENDPOINT`` set to its base URL, and
exits with COMMAND's status. It checks each request as the server would (POST, the query
parameters, a JSON object body, the usersig verified with this package for the identifier and
``$USERSIG_KEY``) and answers with an envelope: FAIL 70001 to the first valid request (as if
the admin UserSig had expired, so the caller's renewal path runs), then OK with a ResultItem
for each CheckItem. docs/rest.md's Python example runs under it (bindings/python/run-tests.sh).
"""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import usersig

APP = 1400000000
served = 0
lock = threading.Lock()


def fail(code, info):
    return {"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info, "RequestId": "stub-%d" % code}


def answer(method, path, body):
    global served
    parts = urlsplit(path)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if method != "POST" or parts.path != "/v4/im_open_login_svc/account_check":
        return fail(60009, "no such resource: %s %s" % (method, parts.path))
    if q.get("contenttype") != "json" or not q.get("random"):
        return fail(60002, "bad query: " + parts.query)
    if q.get("sdkappid") != str(APP):
        return fail(60012, "sdkappid missing or wrong")
    try:
        with usersig.Verifier(APP, os.environ["USERSIG_KEY"]) as v:
            v.verify(q.get("usersig", ""), q.get("identifier", ""))
    except usersig.UserSigError as e:
        return fail(70009, str(e))
    try:
        doc = json.loads(body)
        items = doc["CheckItem"]
    except (ValueError, KeyError, TypeError) as e:
        return fail(60003, repr(e))
    with lock:
        served += 1
        first = served == 1
    if first:
        return fail(70001, "the usersig expired (the stub's first answer)")
    return {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "stub-ok",
            "ResultItem": [{"UserID": i["UserID"], "ResultCode": 0, "AccountStatus": "Imported"}
                           for i in items]}


class Handler(BaseHTTPRequestHandler):
    def _reply(self, body=b""):
        out = json.dumps(answer(self.command, self.path, body)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def do_POST(self):  # noqa: N802 - the http.server name
        self._reply(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def do_GET(self):  # noqa: N802
        self._reply()

    def log_message(self, *args):
        pass


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: rest_stub.py COMMAND [ARG...]")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ, USERSIG_REST_ENDPOINT="http://127.0.0.1:%d" % server.server_address[1])
    rc = subprocess.call(sys.argv[1:], env=env)
    server.shutdown()
    sys.exit(rc)


if __name__ == "__main__":
    main()

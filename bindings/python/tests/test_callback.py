"""usersig.callback: IM and TRTC callback verification, signatures cross-checked with hashlib and
hmac, and end to end through an http.server on 127.0.0.1."""

import base64
import doctest
import hashlib
import hmac
import http.server
import json
import os
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

import usersig
from usersig import callback

APP = 1400000000
T = 1700000000
BODY = (b'{\n\t"EventGroupId":\t1,\n\t"EventType":\t103,\n\t"CallbackTs":\t1615554923704,\n'
        b'\t"EventInfo":\t{"RoomId":12345,"UserId":"test"}\n}')


def im_query(token, app, command, t):
    return "SdkAppid=%d&CallbackCommand=%s&contenttype=json&ClientIP=%s&OptPlatform=RESTAPI" \
           "&Sign=%s&RequestTime=%d" % (app, quote(command), quote("::1"), callback.sign_im(token, t), t)


@pytest.mark.parametrize("token,t", [("xxxxyyyy", 1669872112), ("t\u00f6ken", 0), ("z" * 128, 2**64 - 1)])
def test_im_sign_matches_hashlib(token, t):
    want = hashlib.sha256(token.encode() + str(t).encode()).hexdigest()
    assert callback.sign_im(token, t) == want
    assert callback.IMCallbackVerifier(token).verify("Sign=%s&RequestTime=%d" % (want, t), now=t).request_time == t


def test_im_sign_is_the_documented_example():
    assert callback.sign_im("xxxxyyyy", 1669872112) == \
        "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"


@pytest.mark.parametrize("key,body", [(b"key", BODY), (b"k" * 100, b"\xff\x00{"), ("Ab12", b"")])
def test_trtc_sign_matches_hmac(key, body):
    k = key.encode() if isinstance(key, str) else key
    want = base64.b64encode(hmac.new(k, body, hashlib.sha256).digest()).decode()
    assert callback.sign_trtc(key, body) == want


def test_im_verifier_fields_and_every_refusal():
    v = usersig.IMCallbackVerifier("tok", window=30, sdkappid=APP)
    assert "s3cr3t" not in repr(usersig.IMCallbackVerifier("s3cr3t"))
    cb = v.verify("https://example.com/im?" + im_query("tok", APP, "C2C.CallbackBeforeSendMsg", T), now=T + 30)
    assert cb == usersig.IMCallback(T, APP, "C2C.CallbackBeforeSendMsg", "::1", "RESTAPI")
    cases = [
        (im_query("tok", APP, "x", T), T + 31, usersig.StaleError, "stale"),
        (im_query("tok", APP, "x", T), None, usersig.StaleError, "stale"),
        (im_query("other", APP, "x", T), T, usersig.BadSignatureError, "bad_signature"),
        (im_query("tok", APP + 1, "x", T), T, usersig.SdkAppIdMismatchError, "sdkappid_mismatch"),
        ("SdkAppid=1&CallbackCommand=x", T, usersig.MissingSignatureError, "missing_signature"),
        ("Sign=a&Sign=b&RequestTime=1", T, usersig.MalformedError, "malformed"),
    ]
    for query, now, cls, kind in cases:
        with pytest.raises(cls) as info:
            v.verify(query, now=now)
        e = info.value
        assert type(e) is cls and e.kind == kind and isinstance(e, usersig.VerifyError)
        assert "callback" in e.message
    check = v.verify("Sign=%s&RequestTime=%d" % (callback.sign_im("tok", T), T), now=T)
    assert (check.sdkappid, check.command, check.client_ip) == (None, None, None)
    long_ip = "1" * 1000
    got = v.verify("ClientIP=%s&Sign=%s&RequestTime=%d" % (long_ip, callback.sign_im("tok", T), T), now=T)
    assert got.client_ip == long_ip
    assert "<redacted>" in repr(v)
    with pytest.raises(usersig.EmptyKeyError):
        usersig.IMCallbackVerifier("")
    with pytest.raises(usersig.InvalidArgumentError):
        usersig.IMCallbackVerifier("t" * 129)
    v.close()
    with pytest.raises(ValueError):
        v.verify("x")


def test_trtc_verifier_fields_and_every_refusal():
    with usersig.TRTCCallbackVerifier("key", sdkappid=APP) as v:
        sign = callback.sign_trtc("key", BODY)
        e = v.verify(sign, BODY, "1400000000")
        assert (e.event_group_id, e.event_type, e.callback_ts, e.sdkappid) == (1, 103, 1615554923704, APP)
        assert e.event_info == '{"RoomId":12345,"UserId":"test"}' and e.info()["UserId"] == "test"
        assert v.verify(sign, BODY).sdkappid is None
        tampered = BODY.replace(b"12345", b"12346")
        for args, cls in [
            ((sign, tampered), usersig.BadSignatureError),
            ((None, BODY), usersig.MissingSignatureError),
            ((sign, BODY, "1400000001"), usersig.SdkAppIdMismatchError),
            ((sign, BODY, "x"), usersig.MalformedError),
            ((callback.sign_trtc("key", b"[]"), b"[]"), usersig.MalformedError),
        ]:
            with pytest.raises(cls):
                v.verify(*args)
        assert "s3cr3t" not in repr(usersig.TRTCCallbackVerifier("s3cr3t"))


def test_replies():
    assert json.loads(callback.reply_ok()) == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}
    assert callback.reply_ok() == '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}'
    assert json.loads(callback.reply_fail(7, "no \u00fc")) == {"ActionStatus": "FAIL", "ErrorCode": 7, "ErrorInfo": "no \u00fc"}


def test_docstring_examples_run():
    result = doctest.testmod(callback)
    assert result.attempted > 0 and result.failed == 0


# --- end to end: a handler as a user writes it, on 127.0.0.1 --------------------------------

IM = usersig.IMCallbackVerifier("tok", sdkappid=APP)
TRTC = usersig.TRTCCallbackVerifier("key", sdkappid=APP)


class Handler(http.server.BaseHTTPRequestHandler):
    handled = []

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/im"):
            try:
                cb = IM.verify(self.path)
            except usersig.VerifyError as e:
                return self.reply(403, callback.reply_fail(e.code, e.kind))
            self.handled.append(cb.command)
            json.loads(body)
            return self.reply(200, callback.reply_ok())
        try:
            event = TRTC.verify(self.headers.get("Sign"), body, self.headers.get("SdkAppId"))
        except usersig.VerifyError as e:
            return self.reply(403, json.dumps({"code": e.code, "error": e.kind}))
        self.handled.append(event.event_type)
        return self.reply(200, '{"code":0}')


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    Handler.handled = []
    yield "http://127.0.0.1:%d" % srv.server_address[1]
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def post(url, body, headers=None):
    req = urllib.request.Request(url, data=body, method="POST", headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    try:
        with opener.open(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_im_end_to_end(server):
    now = int(time.time())
    msg = b'{"CallbackCommand":"C2C.CallbackBeforeSendMsg","From_Account":"alice"}'
    status, out = post(server + "/im?" + im_query("tok", APP, "C2C.CallbackBeforeSendMsg", now), msg)
    assert (status, out) == (200, callback.reply_ok())
    for query, kind in [
        (im_query("tok", APP, "x", now).replace("Sign=", "Sign=0"), "bad_signature"),
        (im_query("guess", APP, "x", now), "bad_signature"),
        (im_query("tok", APP, "x", now - 3600), "stale"),
        ("SdkAppid=1400000000&CallbackCommand=x", "missing_signature"),
    ]:
        status, out = post(server + "/im?" + query, msg)
        reply = json.loads(out)
        assert status == 403 and reply["ActionStatus"] == "FAIL" and reply["ErrorInfo"] == kind, query
    assert Handler.handled == ["C2C.CallbackBeforeSendMsg"]


def test_trtc_end_to_end(server):
    sign = callback.sign_trtc("key", BODY)
    headers = {"Sign": sign, "SdkAppId": str(APP), "Content-Type": "application/json"}
    assert post(server + "/trtc", BODY, headers) == (200, '{"code":0}')
    status, out = post(server + "/trtc", BODY.replace(b"12345", b"12346"), headers)
    assert status == 403 and json.loads(out)["error"] == "bad_signature"
    status, out = post(server + "/trtc", BODY, {"SdkAppId": str(APP)})
    assert status == 403 and json.loads(out)["error"] == "missing_signature"
    assert Handler.handled == [103]


def test_the_http_server_example_in_docs_callbacks_md_runs_as_written(tmp_path):
    import re
    import subprocess
    import sys

    from conftest import repo_root

    doc = (repo_root() / "docs" / "callbacks.md").read_text(encoding="utf-8")
    marker = doc.index("bindings/python/tests/test_callback.py runs the next block")
    block = re.search(r"```python\n(.*?)```", doc[marker:], re.S).group(1)
    (tmp_path / "server.py").write_text(block)
    env = {**os.environ, "IM_CALLBACK_TOKEN": "tok", "TRTC_CALLBACK_KEY": "key", "PORT": "0"}
    proc = subprocess.Popen([sys.executable, str(tmp_path / "server.py")], env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline().split()[-1])
        base = "http://127.0.0.1:%d" % port
        now = int(time.time())
        msg = b'{"CallbackCommand":"State.StateChange"}'
        assert post(base + "/im?" + im_query("tok", APP, "State.StateChange", now), msg) == (
            200, callback.reply_ok())
        status, out = post(base + "/im?" + im_query("guess", APP, "State.StateChange", now), msg)
        assert status == 403 and json.loads(out)["ErrorInfo"] == "bad_signature"
        headers = {"Sign": callback.sign_trtc("key", BODY)}
        assert post(base + "/trtc", BODY, headers) == (200, '{"code":0}')
        status, out = post(base + "/trtc", BODY + b"\n", headers)
        assert status == 403 and json.loads(out)["ErrorInfo"] == "bad_signature"
        assert proc.stdout.readline().split()[0] == "IM"
        assert proc.stdout.readline().split()[0] == "TRTC"
    finally:
        proc.kill()
        proc.wait(10)

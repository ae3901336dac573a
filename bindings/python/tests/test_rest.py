"""The REST helpers: rest_url, RetryClass, describe_rest_code, Envelope and RestError."""

import doctest
import pickle
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

import usersig
from conftest import APP, KEY
from usersig import _native, errors

QUERY = "?sdkappid=1400000000&identifier=administrator&usersig=eJx.sig_&random=42&contenttype=json"


@pytest.mark.parametrize("endpoint,base", [
    ("sgp", "https://adminapisgp.im.qcloud.com"),
    ("SINGAPORE", "https://adminapisgp.im.qcloud.com"),
    ("usa", "https://adminapiusa.im.qcloud.com"),
    ("", "https://console.tim.qq.com"),
    ("cn", "https://console.tim.qq.com"),
    ("http://127.0.0.1:8080/tim/", "http://127.0.0.1:8080/tim"),
    ("https://proxy.internal", "https://proxy.internal"),
    (b"sgp", "https://adminapisgp.im.qcloud.com"),
])
def test_rest_url_regions_and_base(endpoint, base):
    got = usersig.rest_url(endpoint, "openim", "sendmsg", APP, "administrator", "eJx.sig_", random=42)
    assert got == base + "/v4/openim/sendmsg" + QUERY


def test_rest_url_percent_encodes_the_identifier_and_the_usersig():
    got = usersig.rest_url("sgp", "im_open_login_svc", "account_check", APP, "a+b/c=d", "x+y/z=",
                           random=7)
    assert "&identifier=a%2Bb%2Fc%3Dd&usersig=x%2By%2Fz%3D&random=7&" in got
    parts = urlsplit(got)
    q = parse_qs(parts.query)
    assert parts.path == "/v4/im_open_login_svc/account_check"
    assert q["identifier"] == ["a+b/c=d"] and q["usersig"] == ["x+y/z="]


def test_rest_url_fixed_random_bounds():
    for r in (0, 1, 2**32 - 1):
        assert "&random=%d&" % r in usersig.rest_url("sgp", "a", "b", APP, "admin", "sig", random=r)
    for r in (-1, 2**32):
        with pytest.raises(usersig.InvalidArgumentError):
            usersig.rest_url("sgp", "a", "b", APP, "admin", "sig", random=r)
    with pytest.raises(TypeError):
        usersig.rest_url("sgp", "a", "b", APP, "admin", "sig", random="1")


def test_rest_url_with_a_minted_token_and_a_fresh_random(signer):
    token = signer.user_sig("administrator", 86400)
    randoms = set()
    for _ in range(8):
        q = parse_qs(urlsplit(usersig.rest_url("sgp", "openim", "sendmsg", APP, "administrator", token)).query)
        assert q["usersig"] == [token] and q["contenttype"] == ["json"] and q["sdkappid"] == [str(APP)]
        randoms.add(q["random"][0])
    assert len(randoms) > 1
    # Longer than the 1024-byte first buffer: retried with one of the size reported.
    long = "x" * 3000
    assert "usersig=%s&random=1&" % long in usersig.rest_url("", "openim", "sendmsg", APP, "admin", long, random=1)
    assert usersig.rest_url("", "openim", "sendmsg", APP, long, long).endswith("&contenttype=json")


REST_URL_ERRORS = [
    ("unknown_region", usersig.UnknownRegionError, ("mars", "openim", "sendmsg", APP, "admin", "sig")),
    ("bad_base_url", usersig.BadBaseUrlError, ("ftp://x", "openim", "sendmsg", APP, "admin", "sig")),
    ("bad_base_url", usersig.BadBaseUrlError, ("https://x/?a=b", "openim", "sendmsg", APP, "admin", "sig")),
    ("bad_path_segment", usersig.BadPathSegmentError, ("sgp", "../etc", "sendmsg", APP, "admin", "sig")),
    ("bad_path_segment", usersig.BadPathSegmentError, ("sgp", "openim", "", APP, "admin", "sig")),
    ("missing_sdkappid", usersig.MissingSdkAppIdError, ("sgp", "openim", "sendmsg", 0, "admin", "sig")),
    ("empty_identifier", usersig.EmptyIdentifierError, ("sgp", "openim", "sendmsg", APP, "", "sig")),
    ("empty_usersig", usersig.EmptyUsersigError, ("sgp", "openim", "sendmsg", APP, "admin", "")),
    ("invalid_utf8", usersig.InvalidUtf8Error, ("sgp", "openim", "sendmsg", APP, b"\xff", "sig")),
    ("invalid_argument", usersig.InvalidArgumentError, ("sgp", "openim", "sendmsg", -1, "admin", "sig")),
]


@pytest.mark.parametrize("kind,cls,args", REST_URL_ERRORS, ids=[c[0] for c in REST_URL_ERRORS])
@pytest.mark.parametrize("random", [None, 1])
def test_rest_url_errors(kind, cls, args, random):
    with pytest.raises(cls) as info:
        usersig.rest_url(*args, random=random)
    e = info.value
    assert type(e) is cls and e.kind == kind and e.message
    assert isinstance(e, usersig.UserSigError) and not isinstance(e, usersig.VerifyError)


def test_the_new_result_codes_have_their_classes():
    lib = _native.lib()
    for code, cls in [(44, usersig.UnknownRegionError), (45, usersig.BadBaseUrlError),
                      (46, usersig.BadPathSegmentError), (47, usersig.MissingSdkAppIdError),
                      (48, usersig.EmptyUsersigError)]:
        assert errors.BY_CODE[code] is cls and type(errors.from_code(code)) is cls
        assert cls.kind == lib.usersig_error_kind(code).decode()
        assert cls.__module__ == "usersig"


def test_retry_class():
    lib = _native.lib()
    assert [int(c) for c in usersig.RetryClass] == [-1, 0, 1, 2, 3]
    labels = ["unknown", "never", "backoff", "after_60s", "renew_token"]
    assert [str(c) for c in usersig.RetryClass] == labels
    assert ["{}".format(c) for c in usersig.RetryClass] == labels
    for c in usersig.RetryClass:
        assert (c.advice != "") == (c is not usersig.RetryClass.UNKNOWN)
        assert c.advice == lib.usersig_rest_retry_class_advice(int(c)).decode()
    assert usersig.RetryClass.AFTER_60S == 2 and usersig.RetryClass(3) is usersig.RetryClass.RENEW_TOKEN


@pytest.mark.parametrize("code,retry", [
    (70001, usersig.RetryClass.RENEW_TOKEN),
    (70003, usersig.RetryClass.RENEW_TOKEN),
    (60007, usersig.RetryClass.BACKOFF),
    (60019, usersig.RetryClass.BACKOFF),
    (70050, usersig.RetryClass.AFTER_60S),
    (70009, usersig.RetryClass.NEVER),
    (60002, usersig.RetryClass.NEVER),
])
def test_describe_rest_code(code, retry):
    info = usersig.describe_rest_code(code)
    assert isinstance(info, usersig.RestCode)
    assert info.code == code and info.retry is retry and info.name and info.meaning and info.action


def test_describe_rest_code_names_and_unknown_codes():
    assert usersig.describe_rest_code(70001).name == "usersig_expired"
    assert "expired" in usersig.describe_rest_code(70001).meaning
    for code in (0, 1, 12345, 70002, -1, 2**40, 2**63, -(2**63) - 1, 2**100):
        assert usersig.describe_rest_code(code) is None
    with pytest.raises(TypeError):
        usersig.describe_rest_code("70001")
    with pytest.raises(TypeError):
        usersig.describe_rest_code(True)


def test_envelope_ok():
    body = ('{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"Id-1",'
            '"ResultItem":[{"UserID":"bob","AccountStatus":"Imported"}]}')
    for src in (body, body.encode(), bytearray(body.encode())):
        env = usersig.Envelope.from_json(src)
        assert env.ok and env.retry is None and env.raise_for_status() is env
        assert (env.action_status, env.error_code, env.error_info, env.request_id) == ("OK", 0, "", "Id-1")
        assert env.rest == {"ResultItem": [{"UserID": "bob", "AccountStatus": "Imported"}]}
    env = usersig.Envelope.from_json({"ActionStatus": "OK"})  # a dict, without ErrorCode
    assert env.ok and env.error_code == 0 and env.request_id is None and env.rest == {}


@pytest.mark.parametrize("body,code,retry,text", [
    ({"ActionStatus": "FAIL", "ErrorCode": 70001, "ErrorInfo": "sig expired", "RequestId": "r-1"},
     70001, usersig.RetryClass.RENEW_TOKEN, "REST error 70001 usersig_expired: "),
    ({"ActionStatus": "FAIL", "ErrorCode": 60007, "ErrorInfo": "busy"}, 60007,
     usersig.RetryClass.BACKOFF, "(ErrorInfo 'busy')"),
    ({"ActionStatus": "FAIL", "ErrorCode": "70050", "ErrorInfo": None}, 70050,
     usersig.RetryClass.AFTER_60S, "70050 usersig_lockout"),
    ({"ActionStatus": "FAIL", "ErrorCode": 70009, "ErrorInfo": "x"}, 70009,
     usersig.RetryClass.NEVER, "70009"),
    ({"ActionStatus": "FAIL", "ErrorCode": 91000, "ErrorInfo": "new"}, 91000,
     usersig.RetryClass.UNKNOWN, "REST error 91000 (ErrorInfo 'new')"),
    ({"ActionStatus": "OK", "ErrorCode": 60007}, 60007, usersig.RetryClass.BACKOFF, "60007"),
])
def test_envelope_fail(body, code, retry, text):
    env = usersig.Envelope.from_json(body)
    assert not env.ok and env.error_code == code and env.retry is retry
    with pytest.raises(usersig.RestError) as info:
        env.raise_for_status()
    e = info.value
    assert e.code == code and e.retry is retry and e.envelope is env
    assert e.error_info == env.error_info and e.request_id == env.request_id
    assert text in str(e) and not isinstance(e, usersig.UserSigError)
    assert (e.description is None) == (retry is usersig.RetryClass.UNKNOWN)
    again = pickle.loads(pickle.dumps(e))
    assert str(again) == str(e) and again.retry is retry


def test_rest_error_text_ends_with_info_and_request_id():
    env = usersig.Envelope.from_json('{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"e","RequestId":"r-9"}')
    with pytest.raises(usersig.RestError, match=r"\(ErrorInfo 'e'\) \[RequestId 'r-9'\]$"):
        env.raise_for_status()


@pytest.mark.parametrize("body", [
    "", "not json", "[1]", "null", b"\xff",
    {"ErrorCode": 0},
    {"ActionStatus": 1},
    {"ActionStatus": "FAIL", "ErrorInfo": "no code"},
    {"ActionStatus": "FAIL", "ErrorCode": "7x"},
    {"ActionStatus": "FAIL", "ErrorCode": 1.5},
    {"ActionStatus": "FAIL", "ErrorCode": True},
    {"ActionStatus": "FAIL", "ErrorCode": 1, "ErrorInfo": 2},
    {"ActionStatus": "OK", "RequestId": 3},
])
def test_not_an_envelope(body):
    with pytest.raises(usersig.EnvelopeError):
        usersig.Envelope.from_json(body)


def test_threads_share_the_url_builder():
    want = "https://adminapisgp.im.qcloud.com/v4/openim/sendmsg" + QUERY
    bad = []

    def work():
        for _ in range(200):
            got = usersig.rest_url("sgp", "openim", "sendmsg", APP, "administrator", "eJx.sig_", random=42)
            if got != want:
                bad.append(got)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not bad


def test_rest_docstring_examples_run():
    result = doctest.testmod(usersig.rest)
    assert result.attempted > 0 and result.failed == 0


def test_end_to_end_url_for_a_minted_admin_token():
    with usersig.Signer(APP, KEY) as s, usersig.Verifier(APP, KEY) as v:
        token = s.user_sig("administrator", 86400)
        q = parse_qs(urlsplit(usersig.rest_url("", "openim", "sendmsg", APP, "administrator", token)).query)
        assert v.verify(q["usersig"][0], q["identifier"][0]).sdkappid == APP

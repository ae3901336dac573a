"""One exception class per error kind, raised where the C ABI reports that kind."""

import pytest

import usersig
from conftest import APP, KEY, T0, encode
from usersig import _native, errors


def test_every_code_has_its_class_with_the_librarys_kind_and_message():
    lib = _native.lib()
    for code, cls in errors.BY_CODE.items():
        assert lib.usersig_error_kind(code).decode() == cls.kind
        assert issubclass(cls, usersig.UserSigError)
        assert issubclass(cls, usersig.VerifyError) == (1 <= code <= 10)
        e = cls()
        assert e.code == code and e.message == lib.usersig_error_message(code).decode()
        assert str(e).startswith(cls.kind + ": ")
    assert len(errors.BY_CODE) == 27
    assert lib.usersig_error_kind(11).decode() == "unknown"


@pytest.fixture
def tokens(signer):
    with usersig.Signer(APP + 1, KEY) as other, usersig.Signer(APP, "another key") as forger:
        yield {
            "plain": signer.user_sig("alice", 3600, time=T0),
            "pmk": signer.private_map_key("alice", 3600, 7, usersig.Privileges.ENTER_ROOM, time=T0),
            "other_app": other.user_sig("alice", 3600, time=T0),
            "forged": forger.user_sig("alice", 3600, time=T0),
            "legacy": encode('{"TLS.account_type":"0","TLS.identifier":"alice","TLS.appid_at_3rd":"0",'
                             '"TLS.sdk_appid":"1400000000","TLS.expire_after":"3600",'
                             '"TLS.version":"201512300000","TLS.time":"1569910200","TLS.sig":"MEUCIQ"}'),
        }


CASES = [
    ("malformed", usersig.MalformedError, lambda t: ("not a token", "alice", {})),
    ("unsupported_version", usersig.UnsupportedVersionError, lambda t: (t["legacy"], "alice", {})),
    ("sdkappid_mismatch", usersig.SdkAppIdMismatchError, lambda t: (t["other_app"], "alice", {})),
    ("identifier_mismatch", usersig.IdentifierMismatchError, lambda t: (t["plain"], "bob", {})),
    ("bad_signature", usersig.BadSignatureError, lambda t: (t["forged"], "alice", {})),
    ("not_yet_valid", usersig.NotYetValidError, lambda t: (t["plain"], "alice", {"now": T0 - 301})),
    ("expired", usersig.ExpiredError, lambda t: (t["plain"], "alice", {"now": T0 + 3601})),
    ("userbuf_mismatch", usersig.UserbufMismatchError,
     lambda t: (t["pmk"], "alice", {"expect": usersig.Expect.room(8, usersig.Privileges.ENTER_ROOM)})),
]


@pytest.mark.parametrize("kind,cls,args", CASES, ids=[c[0] for c in CASES])
def test_every_verification_kind(verifier, tokens, kind, cls, args):
    token, identifier, kw = args(tokens)
    kw.setdefault("now", T0)
    with pytest.raises(cls) as info:
        verifier.verify(token, identifier, **kw)
    e = info.value
    assert isinstance(e, usersig.VerifyError) and e.kind == kind and e.message
    assert type(e) is cls  # exactly this kind, not a sibling


def test_skew_leeway_and_limits(tokens):
    with usersig.Verifier(APP, KEY) as v:
        v.verify(tokens["plain"], "alice", now=T0 - 300)
    with usersig.Verifier(APP, KEY, leeway=60, max_future_skew=0) as v:
        v.verify(tokens["plain"], "alice", now=T0 + 3660)
        with pytest.raises(usersig.NotYetValidError):
            v.verify(tokens["plain"], "alice", now=T0 - 1)
    with usersig.Verifier(APP, KEY, max_token_len=50) as v:
        with pytest.raises(usersig.MalformedError):
            v.verify(tokens["plain"], "alice", now=T0)


MINTING = [
    (usersig.EmptyKeyError, lambda s: usersig.Signer(APP, "")),
    (usersig.EmptyKeyError, lambda s: usersig.Verifier(APP, b"")),
    (usersig.EmptyIdentifierError, lambda s: s.user_sig("", 60)),
    (usersig.IdentifierContainsNulError, lambda s: s.user_sig("a\0b", 60)),
    (usersig.TooLongError, lambda s: s.user_sig("x" * 65536, 60)),
    (usersig.TooLongError, lambda s: s.user_sig("a", 60, userbuf=bytes(65536))),
    (usersig.TooLongError, lambda s: s.private_map_key("a", 60, "r" * 65536, 1)),
    (usersig.ExpiryOutOfRangeError, lambda s: s.private_map_key("a", 1 << 32, 1, 1, time=T0)),
    (usersig.ExpiryOutOfRangeError, lambda s: s.user_sig("a", (1 << 64) - 1, time=T0)),
    (usersig.SdkAppIdOutOfRangeError, lambda s: usersig.Signer(1 << 32, KEY).private_map_key("a", 60, 1, 1)),
    (usersig.ClockBeforeEpochError, lambda s: s.user_sig("a", 60, time=-5)),
    (usersig.InvalidUtf8Error, lambda s: s.user_sig(b"\xff", 60)),
    (usersig.InvalidArgumentError, lambda s: s.private_map_key("a", 60, 1, 256)),
    (usersig.InvalidArgumentError, lambda s: usersig.Signer(APP, KEY, compression=3)),
]


@pytest.mark.parametrize("cls,call", MINTING, ids=["%s-%d" % (m[0].kind, i) for i, m in enumerate(MINTING)])
def test_every_minting_kind(signer, cls, call):
    with pytest.raises(cls) as info:
        call(signer)
    assert type(info.value) is cls and not isinstance(info.value, usersig.VerifyError)
    assert info.value.kind == cls.kind and info.value.message


def test_an_empty_token_is_malformed_not_a_null_argument(verifier):
    with pytest.raises(usersig.MalformedError):
        verifier.verify("", "alice")
    with pytest.raises(usersig.MalformedError):
        verifier.verify("", "", expect=usersig.Expect.userbuf(b""))

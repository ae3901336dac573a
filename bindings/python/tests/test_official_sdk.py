"""Cross-checks against the published PyPI SDK, tls-sig-api-v2==1.1 (module TLSSigAPIv2),
with its clock pinned: the same TLS.sig for the same inputs, its tokens verify here, and the
compat class mints what it mints."""

from unittest import mock

import pytest

import usersig
from conftest import APP, KEY, T0, decode
from usersig.compat import TLSSigAPIv2 as Compat

official = pytest.importorskip("TLSSigAPIv2")
CASES = [("xiaojun", None), ("0", None), ("小军/é", None), ("xiaojun", b"abc"),
         ("a b", b"\x00\xff" * 40), ("xiaojun", b"")]


def pinned(t=T0):
    return mock.patch("TLSSigAPIv2.time.time", return_value=t + 0.75)


def official_token(identifier, userbuf, expire=86400):
    api = official.TLSSigAPIv2(APP, KEY)
    with pinned():
        if userbuf is None:
            return api.gen_sig(identifier, expire)
        return api.gen_sig_with_userbuf(identifier, expire, userbuf)


@pytest.mark.parametrize("identifier,userbuf", CASES)
def test_same_inputs_give_the_same_signature(signer, identifier, userbuf):
    theirs = decode(official_token(identifier, userbuf))
    ours = decode(signer.user_sig(identifier, 86400, userbuf=userbuf, time=T0))
    assert theirs["TLS.time"] == T0
    assert ours["TLS.sig"] == theirs["TLS.sig"]


@pytest.mark.parametrize("identifier,userbuf", CASES)
def test_their_tokens_verify_here(verifier, identifier, userbuf):
    token = official_token(identifier, userbuf)
    expect = usersig.Expect.no_userbuf() if userbuf is None else usersig.Expect.userbuf(userbuf)
    c = verifier.verify(token, identifier, expect=expect, now=T0)
    assert c.userbuf == userbuf and c.expires_at == T0 + 86400
    with pytest.raises(usersig.ExpiredError):
        verifier.verify(token, identifier, now=T0 + 86401)


@pytest.mark.parametrize("identifier,userbuf", CASES)
def test_the_compat_class_mints_their_signatures_and_tokens_that_verify(verifier, identifier, userbuf):
    ours = Compat(APP, KEY)
    with pinned():
        if userbuf is None:
            token = ours.gen_sig(identifier, 86400)
            assert decode(ours.genUserSig(identifier, 86400))["TLS.sig"] == decode(token)["TLS.sig"]
        else:
            token = ours.gen_sig_with_userbuf(identifier, 86400, userbuf)
    assert decode(token)["TLS.sig"] == decode(official_token(identifier, userbuf))["TLS.sig"]
    c = verifier.verify(token, identifier, now=T0)
    assert c.time == T0 and c.userbuf == userbuf


def test_the_compat_defaults_are_the_official_ones(verifier):
    with pinned():
        token = Compat(APP, KEY).gen_sig("xiaojun")
        theirs = official.TLSSigAPIv2(APP, KEY).gen_sig("xiaojun")
    assert decode(token)["TLS.expire"] == 180 * 86400 == decode(theirs)["TLS.expire"]
    assert decode(token)["TLS.sig"] == decode(theirs)["TLS.sig"]
    assert verifier.verify(token, "xiaojun", now=T0).expire == usersig.DEFAULT_EXPIRE


def test_the_compat_private_map_keys_are_spec_s(verifier):
    api = Compat(APP, KEY)
    with pinned():
        room = api.genPrivateMapKey("xiaojun", 15552000, 10000, 255)
        strroom = api.genPrivateMapKeyWithStringRoomID("xiaojun", 15552000, "1000000040", 255)
    assert decode(room)["TLS.userbuf"] == "AAAHeGlhb2p1blNyTgAAACcQXoA7uAAAAP8AAAAA"
    assert decode(strroom)["TLS.userbuf"] == "AQAHeGlhb2p1blNyTgAAAAAAXoA7uAAAAP8AAAAAAAoxMDAwMDAwMDQw"
    verifier.verify(room, "xiaojun", now=T0, expect=usersig.Expect.room(10000, 255))
    verifier.verify(strroom, "xiaojun", now=T0, expect=usersig.Expect.room("1000000040", 255))


def test_the_compat_class_has_the_official_signatures():
    import inspect

    def params(fn):
        return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()]

    for name in ("gen_sig", "gen_sig_with_userbuf", "__init__"):
        assert params(getattr(Compat, name)) == params(getattr(official.TLSSigAPIv2, name)), name
    assert params(Compat.genUserSig) == [("self", inspect.Parameter.empty), ("userid", inspect.Parameter.empty),
                                         ("expire", 180 * 86400)]
    assert [p for p, _ in params(Compat.genPrivateMapKey)] == ["self", "userid", "expire", "roomid", "privilegeMap"]
    assert [p for p, _ in params(Compat.genPrivateMapKeyWithStringRoomID)] == [
        "self", "userid", "expire", "roomstr", "privilegeMap"]

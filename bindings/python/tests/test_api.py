"""Signer and Verifier: FORMAT.md §2 known answers, round trips of every kind of token, arguments."""

import doctest
import gc
import time

import pytest

import usersig
import usersig.api
import usersig.compat
from conftest import APP, EXPIRE, KEY, T0, decode

KNOWN = [
    ("xiaojun", None, "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ="),
    ("xiaojun", b"abc", "3TxjjQy6zPPaA/ym48DhPp0nXv+HlvvewKWOX4u3upg="),
    ("0", None, "CpjuBdQs9ZwnuGAJR8onoOeI9fweX2vIMMY94iOJWJY="),
    ("0", b"abc", "bC3u5cuslSg8Ds7KY58mhSkTrxunrFu50dkdkCYH4i8="),
]


@pytest.mark.parametrize("identifier,userbuf,sig", KNOWN)
def test_spec_known_answers(signer, identifier, userbuf, sig):
    token = signer.user_sig(identifier, EXPIRE, userbuf=userbuf, time=T0)
    assert decode(token)["TLS.sig"] == sig


def test_spec_private_map_key_examples(signer, verifier):
    room = signer.private_map_key("xiaojun", EXPIRE, 10000, usersig.Privileges.ALL, time=T0)
    assert decode(room)["TLS.userbuf"] == "AAAHeGlhb2p1blNyTgAAACcQXoA7uAAAAP8AAAAA"
    strroom = signer.private_map_key("xiaojun", EXPIRE, "1000000040", 255, time=T0)
    assert decode(strroom)["TLS.userbuf"] == "AQAHeGlhb2p1blNyTgAAAAAAXoA7uAAAAP8AAAAAAAoxMDAwMDAwMDQw"
    c = verifier.verify(strroom, "xiaojun", now=T0,
                        expect=usersig.Expect.room("1000000040", usersig.Privileges.ENTER_ROOM))
    assert c.private_map_key == usersig.PrivateMapKey(account="xiaojun", room_id=0,
                                                      string_room="1000000040", privileges=255,
                                                      expires_at=T0 + EXPIRE)


def test_round_trips_with_the_system_clock(signer, verifier):
    before = int(time.time())
    c = verifier.verify(signer.user_sig("alice"), "alice")
    assert c.identifier == "alice" and c.sdkappid == APP and c.expire == usersig.DEFAULT_EXPIRE
    assert before <= c.time <= int(time.time()) and c.expires_at == c.time + c.expire
    assert c.userbuf is None and c.private_map_key is None

    token = signer.user_sig("alice", 3600, userbuf=b"\x00\x01\xff")
    c = verifier.verify(token, "alice", expect=usersig.Expect.userbuf(b"\x00\x01\xff"))
    assert c.userbuf == b"\x00\x01\xff"

    privs = usersig.Privileges.ENTER_ROOM | usersig.Privileges.RECV_AUDIO
    token = signer.private_map_key("alice", 300, 42, privs)
    c = verifier.verify(token, "alice", expect=usersig.Expect.room(42, usersig.Privileges.ENTER_ROOM))
    assert c.private_map_key.room_id == 42 and c.private_map_key.string_room is None
    assert c.private_map_key.privileges == privs and c.private_map_key.expires_at == c.expires_at

    token = signer.private_map_key("小军", 300, "lobby-é", privs)
    c = verifier.verify(token, "小军", expect=usersig.Expect.room("lobby-é", privs))
    assert c.identifier == "小军" and c.private_map_key.string_room == "lobby-é" and c.private_map_key.account == "小军"


def test_every_compression_round_trips_with_the_same_signature(verifier):
    lengths = {}
    for comp in usersig.Compression:
        with usersig.Signer(APP, KEY, compression=comp) as s:
            token = s.user_sig("xiaojun", EXPIRE, time=T0)
        assert decode(token)["TLS.sig"] == KNOWN[0][2]
        verifier.verify(token, "xiaojun", now=T0)
        lengths[comp] = len(token)
    assert lengths[usersig.Compression.STANDARD] < lengths[usersig.Compression.STORED]


def test_an_empty_userbuf_is_carried_and_differs_from_none(signer, verifier):
    token = signer.user_sig("bob", 60, userbuf=b"", time=T0)
    assert decode(token)["TLS.userbuf"] == ""
    assert verifier.verify(token, "bob", now=T0, expect=usersig.Expect.userbuf(b"")).userbuf == b""
    with pytest.raises(usersig.UserbufMismatchError):
        verifier.verify(token, "bob", now=T0, expect=usersig.Expect.no_userbuf())


def test_large_outputs_are_retried_with_a_bigger_buffer(signer, verifier):
    big = bytes(range(256)) * 32  # beyond the 1 KiB scratch buffers
    token = signer.user_sig("carol", 60, userbuf=big)
    assert len(token) > 10000
    assert verifier.verify(token, "carol", expect=usersig.Expect.userbuf(big)).userbuf == big
    # A token longer than a default verifier accepts (FORMAT.md §5.1: 16 KiB) is not minted.
    with pytest.raises(usersig.TooLongError):
        signer.user_sig("carol", 60, userbuf=big * 2)


def test_bytes_identifiers_and_tokens_are_accepted(signer, verifier):
    token = signer.user_sig(b"dave", 60, time=T0)
    assert verifier.verify(token.encode(), b"dave", now=T0).identifier == "dave"


def test_arguments_are_checked_before_the_library_sees_them(signer):
    with pytest.raises(TypeError):
        signer.user_sig(42, 60)
    with pytest.raises(TypeError):
        signer.user_sig("a", 1.5)
    with pytest.raises(usersig.InvalidArgumentError):
        signer.user_sig("a", -1)
    with pytest.raises(usersig.InvalidArgumentError):
        signer.user_sig("a", 1 << 64)
    with pytest.raises(usersig.ClockBeforeEpochError):
        signer.user_sig("a", 60, time=-1)
    with pytest.raises(usersig.InvalidArgumentError):
        signer.private_map_key("a", 60, -1, 1)
    with pytest.raises(usersig.InvalidArgumentError):
        usersig.Signer(-1, KEY)
    with pytest.raises(usersig.InvalidArgumentError):
        usersig.Verifier(APP, KEY, leeway=-1)
    with pytest.raises(usersig.InvalidArgumentError):
        usersig.Signer(APP, KEY, compression=7)


def test_closed_handles_raise_and_close_is_idempotent():
    s = usersig.Signer(APP, KEY)
    v = usersig.Verifier(APP, KEY)
    token = s.user_sig("a", 60)
    s.close()
    s.close()
    v.close()
    v.close()
    with pytest.raises(ValueError, match="closed"):
        s.user_sig("a", 60)
    with pytest.raises(ValueError, match="closed"):
        v.verify(token, "a")


def test_garbage_collection_frees_forgotten_handles():
    for _ in range(500):
        s = usersig.Signer(APP, KEY)
        usersig.Verifier(APP, KEY).verify(s.user_sig("a", 60), "a")
    gc.collect()


def test_the_key_is_redacted():
    s, v = usersig.Signer(APP, KEY), usersig.Verifier(APP, KEY)
    assert KEY not in repr(s) and "redacted" in repr(s)
    assert KEY not in repr(v) and KEY not in repr(usersig.compat.TLSSigAPIv2(APP, KEY))


def test_library_version():
    assert len(usersig.library_version().split(".")) == 3


@pytest.mark.parametrize("module", [usersig, usersig.api, usersig.compat])
def test_docstring_examples_run(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0

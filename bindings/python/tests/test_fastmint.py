"""Signer's minting call in C (usersig._fastmint, ext/_fastmint.c) against the ctypes path it
replaces: the same tokens, the same exceptions, for every kind of mint and every bad argument."""

import threading

import pytest

import usersig
from conftest import APP, KEY, T0
from usersig import api

STRING_ROOM, ROOM = "lobby", 1234
LONG = b"\xff" * 8192  # a token over the C buffer on the stack: the heap retry


def test_the_installed_package_mints_through_the_extension(signer):
    # A build that lost the extension would still pass every other test, through ctypes.
    assert api._fastmint is not None, "usersig._fastmint did not import: %s" % api.__file__
    assert api._fast_mint is api._fastmint.mint


@pytest.fixture
def ctypes_only(monkeypatch):
    """Signer with the extension switched off: every mint through ctypes."""

    def use():
        monkeypatch.setattr(api, "_fast_mint", None)

    return use


def both(ctypes_only, call):
    """(outcome through the extension, outcome through ctypes); an outcome is the token, or
    the exception's type and text."""

    def outcome():
        try:
            return call()
        except Exception as e:  # noqa: BLE001 - compared below, whatever it is
            return (type(e), str(e))

    fast = outcome()
    ctypes_only()
    return fast, outcome()


MINTS = {
    "plain": lambda s: s.user_sig("xiaojun", 86400, time=T0),
    "plain, bytes identifier": lambda s: s.user_sig(b"xiaojun", 86400, time=T0),
    "non-ASCII identifier": lambda s: s.user_sig("用户-é", 86400, time=T0),
    "userbuf": lambda s: s.user_sig("xiaojun", 86400, userbuf=b"abc\x00\xff", time=T0),
    "empty userbuf": lambda s: s.user_sig("xiaojun", 86400, userbuf=b"", time=T0),
    "str userbuf": lambda s: s.user_sig("xiaojun", 86400, userbuf="abc", time=T0),
    "userbuf of 8192 bytes": lambda s: s.user_sig("xiaojun", 86400, userbuf=LONG, time=T0),
    "numeric room": lambda s: s.private_map_key("xiaojun", 86400, ROOM, 255, time=T0),
    "string room": lambda s: s.private_map_key("xiaojun", 86400, STRING_ROOM, 3, time=T0),
    "empty string room": lambda s: s.private_map_key("xiaojun", 86400, "", 3, time=T0),
    "privileges as flags": lambda s: s.private_map_key(
        "xiaojun", 86400, ROOM, usersig.Privileges.ENTER_ROOM | usersig.Privileges.RECV_AUDIO, time=T0),
    "privileges as bool": lambda s: s.private_map_key("xiaojun", 86400, ROOM, True, time=T0),
    "bytearray identifier": lambda s: s.user_sig(bytearray(b"ab"), 60, time=T0),
    "NUL in string room": lambda s: s.private_map_key("a", 60, "x\x00y", 1, time=T0),
    "expire 0": lambda s: s.user_sig("xiaojun", 0, time=T0),
    "time 0": lambda s: s.user_sig("xiaojun", 60, time=0),
    "time 2**64-1": lambda s: s.user_sig("xiaojun", 0, time=(1 << 64) - 1),
}


@pytest.mark.parametrize("name", MINTS)
def test_the_same_tokens_as_through_ctypes(signer, ctypes_only, name):
    fast, slow = both(ctypes_only, lambda: MINTS[name](signer))
    assert fast == slow
    assert isinstance(fast, str) or name == "time 2**64-1", fast


ERRORS = {
    "int identifier": lambda s: s.user_sig(42, 60),
    "empty identifier": lambda s: s.user_sig("", 60),
    "NUL in identifier": lambda s: s.user_sig("a\x00b", 60),
    "lone surrogate": lambda s: s.user_sig("a\udc80", 60),
    "invalid UTF-8 bytes": lambda s: s.user_sig(b"a\xff", 60),
    "float expire": lambda s: s.user_sig("a", 1.5),
    "bool expire": lambda s: s.user_sig("a", True),
    "negative expire": lambda s: s.user_sig("a", -1),
    "expire over 64 bits": lambda s: s.user_sig("a", 1 << 64),
    "expire past year 2^64": lambda s: s.user_sig("a", (1 << 64) - 1, time=T0),
    "negative time": lambda s: s.user_sig("a", 60, time=-1),
    "float time": lambda s: s.user_sig("a", 60, time=1.0),
    "userbuf of 65536 bytes": lambda s: s.user_sig("a", 60, userbuf=b"x" * 65536),
    "list userbuf": lambda s: s.user_sig("a", 60, userbuf=[1]),
    "negative room": lambda s: s.private_map_key("a", 60, -1, 1),
    "room over 32 bits": lambda s: s.private_map_key("a", 60, 1 << 32, 1),
    "float room": lambda s: s.private_map_key("a", 60, 1.0, 1),
    "privileges over 32 bits": lambda s: s.private_map_key("a", 60, 1, 1 << 32),
    "str privileges": lambda s: s.private_map_key("a", 60, 1, "all"),
    "PMK expiry past 32 bits": lambda s: s.private_map_key("a", 1 << 32, 1, 1, time=T0),
}


@pytest.mark.parametrize("name", ERRORS)
def test_the_same_errors_as_through_ctypes(signer, ctypes_only, name):
    fast, slow = both(ctypes_only, lambda: ERRORS[name](signer))
    assert isinstance(fast, tuple), "minted %r" % fast
    assert fast == slow


def test_a_closed_signer_raises_the_same(ctypes_only):
    s = usersig.Signer(APP, KEY)
    s.close()
    fast, slow = both(ctypes_only, lambda: s.user_sig("a", 60))
    assert fast == slow and fast[0] is ValueError


def test_the_clock_is_read_when_no_time_is_given(signer, verifier):
    token = signer.user_sig("alice", 60)
    assert verifier.verify(token, "alice").expire == 60


def test_other_threads_run_while_one_mints():
    # The GIL is released for the mint, as ctypes does: a thread minting level-6 tokens in a
    # loop leaves the others their turn, and every token from every thread verifies.
    with usersig.Signer(APP, KEY, compression=usersig.Compression.STANDARD) as s, \
            usersig.Verifier(APP, KEY) as v:
        tokens, errors = [], []

        def work(n):
            try:
                for i in range(200):
                    tokens.append(("u%d-%d" % (n, i), s.user_sig("u%d-%d" % (n, i), 3600)))
            except Exception as e:  # noqa: BLE001
                errors.append(e)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert len(tokens) == 800
        for identifier, token in tokens:
            assert v.verify(token, identifier).identifier == identifier


def test_bind_refuses_a_second_library():
    fastmint = api._fastmint
    if fastmint is None:
        pytest.skip("no extension")
    with pytest.raises(RuntimeError, match="another library"):
        fastmint.bind(1, 2)
    with pytest.raises(ValueError):
        fastmint.bind(0, 0)
    with pytest.raises(TypeError):
        fastmint.mint(1, 2)

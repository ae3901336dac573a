"""Signer, Verifier and what they take and return: a thin layer over the C ABI."""

from __future__ import annotations

import ctypes
import enum
import json
from ctypes import byref, c_size_t, c_void_p
from dataclasses import dataclass
from typing import Callable, Optional, Union

from . import _native
from .errors import (
    BufferTooSmallError, ClockBeforeEpochError, InvalidArgumentError, UserSigError, from_code,
)

try:
    from . import _fastmint
except ImportError:  # a source checkout used without pip install: ctypes makes every call
    _fastmint = None  # type: ignore[assignment]

#: The documented default lifetime of a token: 180 days, in seconds (FORMAT.md §7).
DEFAULT_EXPIRE = 180 * 86400
#: The default allowed clock skew for tokens issued in the future, in seconds (FORMAT.md §5.6).
DEFAULT_MAX_FUTURE_SKEW = 300
#: The default size limits of a Verifier, in bytes (FORMAT.md §5.1).
MAX_TOKEN_LEN = 16 * 1024
MAX_INFLATED_LEN = 64 * 1024

_OK = 0
_BUFFER_TOO_SMALL = BufferTooSmallError.code  # one table: errors.py
_SCRATCH = 1024  # holds ordinary tokens and PrivateMapKeys; larger outputs are retried
# usersig_mint_params kinds (USERSIG_MINT_* in usersig.h).
_MINT_PLAIN, _MINT_USERBUF, _MINT_ROOM, _MINT_STRING_ROOM = 0, 1, 2, 3
_U32 = (1 << 32) - 1
_U64 = (1 << 64) - 1

Text = Union[str, bytes]


class Compression(enum.IntEnum):
    """How a Signer compresses the token's JSON (FORMAT.md §4.1); every official verifier accepts all."""

    STORED = 0  #: zlib stored blocks, the default: fastest (as the Go SDK since 2024-11)
    FAST = 1  #: zlib level 1 (as the C++ SDK)
    STANDARD = 2  #: zlib level 6, the shortest tokens (as the Python, Node, PHP, Java SDKs)


class Privileges(enum.IntFlag):
    """The permission bits of a TRTC PrivateMapKey (FORMAT.md §6). Combine them with ``|``.

    >>> int(Privileges.ENTER_ROOM | Privileges.RECV_AUDIO)
    10
    >>> Privileges.ALL & Privileges.SEND_AUDIO == Privileges.SEND_AUDIO
    True
    """

    CREATE_ROOM = 1
    ENTER_ROOM = 2
    SEND_AUDIO = 4
    RECV_AUDIO = 8
    SEND_VIDEO = 16
    RECV_VIDEO = 32
    SEND_SUB_STREAM = 64  #: share the screen
    RECV_SUB_STREAM = 128
    ALL = 255


@dataclass(frozen=True)
class PrivateMapKey:
    """A TRTC PrivateMapKey read from a token's userbuf (FORMAT.md §6): what the app signed,
    checked against a room only when :meth:`Verifier.verify` was given :meth:`Expect.room`."""

    account: str  #: the account (identifier) the key is for
    room_id: int  #: the numeric room; 0 for a string room
    string_room: Optional[str]  #: the string room, or None for a numeric room
    privileges: int  #: the privilege bits granted (see :class:`Privileges`)
    expires_at: int  #: the absolute expiry, Unix seconds


@dataclass(frozen=True)
class Claims:
    """What a valid token says."""

    identifier: str  #: equal, byte for byte, to the identifier passed to verify
    sdkappid: int  #: ``TLS.sdkappid``
    time: int  #: ``TLS.time``: the issue time, Unix seconds
    expire: int  #: ``TLS.expire``: the lifetime, seconds
    expires_at: int  #: ``time + expire``: the last second the token is valid
    userbuf: Optional[bytes]  #: the decoded userbuf, or None without one
    #: the userbuf read as a PrivateMapKey, or None; checked against the token only when
    #: verify was given ``Expect.room``
    private_map_key: Optional[PrivateMapKey]


class Expect:
    """What :meth:`Verifier.verify` requires of the token's userbuf (FORMAT.md §5.8).

    >>> Expect.room("lobby", Privileges.ENTER_ROOM)
    Expect.room('lobby', 2)
    """

    __slots__ = ("_kind", "_userbuf", "_room_id", "_room", "_privileges")

    def __init__(self, kind: int, userbuf: Optional[bytes] = None, room_id: int = 0,
                 room: Optional[bytes] = None, privileges: int = 0) -> None:
        self._kind, self._userbuf, self._room_id = kind, userbuf, room_id
        self._room, self._privileges = room, privileges

    @classmethod
    def no_userbuf(cls) -> "Expect":
        """The token must carry no userbuf."""
        return cls(1)

    @classmethod
    def userbuf(cls, userbuf: bytes) -> "Expect":
        """The token must carry exactly these bytes (empty included)."""
        return cls(2, userbuf=bytes(userbuf))

    @classmethod
    def room(cls, room: Union[int, str], privileges: int) -> "Expect":
        """A PrivateMapKey for ``room`` (an int: numeric, a str: string room) granting at
        least ``privileges``, for this identifier and SDKAppID, not yet expired."""
        if isinstance(room, str):
            return cls(4, room=room.encode(), privileges=_u32("privileges", privileges))
        return cls(3, room_id=_u32("room", room), privileges=_u32("privileges", privileges))

    def __repr__(self) -> str:
        if self._kind == 1:
            return "Expect.no_userbuf()"
        if self._kind == 2:
            return "Expect.userbuf(%r)" % self._userbuf
        room = self._room.decode() if self._kind == 4 and self._room is not None else self._room_id
        return "Expect.room(%r, %d)" % (room, self._privileges)

    def _struct(self) -> _native.usersig_expect:
        e = _native.usersig_expect()
        e.kind = self._kind
        e.userbuf = self._userbuf or None
        e.userbuf_len = len(self._userbuf or b"")
        e.room_id = self._room_id
        e.string_room = self._room or None
        e.string_room_len = len(self._room or b"")
        e.privileges = self._privileges
        return e


def _text(name: str, value: Text) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError("%s must be str or bytes, not %s" % (name, type(value).__name__))


def _int(name: str, value: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, not %s" % (name, type(value).__name__))
    if not 0 <= value <= high:
        raise InvalidArgumentError("%s must be between 0 and %d, not %d" % (name, high, value))
    return value


def _u32(name: str, value: int) -> int:
    return _int(name, value, _U32)


def _u64(name: str, value: int) -> int:
    return _int(name, value, _U64)


def _unix(name: str, value: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        raise ClockBeforeEpochError("%s is before 1970" % name)
    return _u64(name, value)


class _Handle:
    """A library handle, freed (its keyed state wiped) when its last reference goes: the
    owner's, or that of a call in progress. ``close()`` drops the owner's reference, so a
    handle closed while another thread is inside a call is freed when that call returns, and
    the call path takes no lock. (CPython frees at the last reference; an interpreter without
    reference counting frees at its next collection.)"""

    __slots__ = ("ptr", "_free")

    def __init__(self, ptr: int, free: Callable[[int], None]) -> None:
        self.ptr = ptr
        self._free = free

    def __del__(self) -> None:
        ptr, self.ptr = self.ptr, 0
        if ptr:
            try:
                self._free(ptr)
            except Exception:  # interpreter shutdown: the library may be gone already
                pass


class _Owner:
    """What Signer, Verifier and the callback verifiers share: one native handle, closed once,
    usable as a context manager, freed by the garbage collector as a backstop, never showing
    its key."""

    _handle: Optional[_Handle] = None
    sdkappid: Optional[int]

    def _live(self) -> _Handle:
        if self._handle is None:
            raise ValueError("usersig: the %s is closed" % type(self).__name__)
        return self._handle

    def close(self) -> None:
        """Frees the handle and wipes its key, once calls in progress finish. Idempotent."""
        self._handle = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone already
            pass

    def __repr__(self) -> str:
        return "%s(sdkappid=%d, key=<redacted>)" % (type(self).__name__, self.sdkappid)


class Signer(_Owner):
    """Mints tokens for one app: an SDKAppID and its key.

    Create one per app and share it: it is safe to use from many threads at once. ``close()``
    (or leaving a ``with`` block) wipes the key; so does garbage collection.

    >>> signer = Signer(1400000000, "the app's key")
    >>> token = signer.user_sig("alice", 86400)
    >>> Verifier(1400000000, "the app's key").verify(token, "alice").expire
    86400
    >>> signer.user_sig("xiaojun", time=1569910200) == signer.user_sig("xiaojun", time=1569910200)
    True
    """

    def __init__(self, sdkappid: int, key: Text, *,
                 compression: Compression = Compression.STORED) -> None:
        """``key`` is used as its raw bytes (a str as UTF-8, FORMAT.md §1); it is not retained here.

        Raises :class:`EmptyKeyError`, or :class:`InvalidArgumentError` for an unknown
        compression."""
        self._handle: Optional[_Handle] = None
        self.sdkappid = _u64("sdkappid", sdkappid)
        k = _text("key", key)
        lib = _native.lib()
        out = c_void_p()
        rc = lib.usersig_signer_new(self.sdkappid, k or None, len(k), int(compression), byref(out))
        if rc != _OK:
            raise from_code(rc)
        self._handle = _Handle(out.value, lib.usersig_signer_free)
        _bind_fastmint(lib)

    def user_sig(self, identifier: Text, expire: int = DEFAULT_EXPIRE, *,
                 userbuf: Optional[bytes] = None, time: Optional[int] = None) -> str:
        """Mints a UserSig for ``identifier``, valid for ``expire`` seconds.

        ``userbuf``: bytes the token carries as ``TLS.userbuf`` (None: no userbuf; ``b""`` is
        carried, FORMAT.md §7). ``time``: the issue time, Unix seconds (default: now), so the same
        arguments give the same token.

        Raises :class:`EmptyIdentifierError`, :class:`IdentifierContainsNulError`,
        :class:`InvalidUtf8Error`, :class:`TooLongError`, :class:`ExpiryOutOfRangeError`, ...
        """
        handle = self._handle  # held until the call returns, so close() cannot free it
        if _fast_mint is not None and handle is not None:
            r = _fast_mint(handle.ptr, _MINT_PLAIN if userbuf is None else _MINT_USERBUF,
                           identifier, expire, time, userbuf, 0, None, 0)
            if r.__class__ is str:
                return r  # type: ignore[no-any-return]
            if r is not None:
                raise from_code(r)
        # Arguments the C call does not take as given: checked here, one by one.
        p = self._params(_MINT_PLAIN, identifier, expire)
        if userbuf is not None:
            ub = _text("userbuf", userbuf)
            p.kind, p.userbuf, p.userbuf_len = _MINT_USERBUF, ub or None, len(ub)
        return self._mint(p, time)

    def private_map_key(self, identifier: Text, expire: int, room: Union[int, str],
                        privileges: int = Privileges.ALL, *, time: Optional[int] = None) -> str:
        """Mints a TRTC PrivateMapKey (FORMAT.md §6) for ``room``: an int is a numeric room, a str
        a string room (``""`` means numeric room 0). ``privileges``: bits of
        :class:`Privileges`. Its absolute expiry must fit in 32 bits, as must the SDKAppID.

        >>> signer = Signer(1400000000, "the app's key")
        >>> pmk = signer.private_map_key("alice", 300, "lobby", Privileges.ENTER_ROOM)
        >>> v = Verifier(1400000000, "the app's key")
        >>> v.verify(pmk, "alice", expect=Expect.room("lobby", Privileges.ENTER_ROOM)).private_map_key.string_room
        'lobby'
        """
        handle = self._handle
        if _fast_mint is not None and handle is not None:
            if room.__class__ is str:
                r = _fast_mint(handle.ptr, _MINT_STRING_ROOM, identifier, expire, time, None, 0,
                               room, privileges)
            else:
                r = _fast_mint(handle.ptr, _MINT_ROOM, identifier, expire, time, None, room,
                               None, privileges)
            if r.__class__ is str:
                return r  # type: ignore[no-any-return]
            if r is not None:
                raise from_code(r)
        p = self._params(_MINT_ROOM, identifier, expire)
        p.privileges = _u32("privileges", int(privileges))
        if isinstance(room, str):
            r = room.encode("utf-8", "surrogatepass")
            p.kind, p.string_room, p.string_room_len = _MINT_STRING_ROOM, r or None, len(r)
        else:
            p.room_id = _u32("room", room)
        return self._mint(p, time)

    @staticmethod
    def _params(kind: int, identifier: Text, expire: int) -> _native.usersig_mint_params:
        """The C parameters, with the fields every kind names; the others stay zero."""
        ident = _text("identifier", identifier)
        return _native.usersig_mint_params(kind, ident or None, len(ident), _u64("expire", expire))

    def _mint(self, p: _native.usersig_mint_params, time: Optional[int]) -> str:
        """The checked path through ctypes: arguments usersig._fastmint does not take as given,
        and every mint when the extension is absent (a source checkout)."""
        handle = self._live()  # held until the call returns, so close() cannot free it
        at = _unix("time", time) if time is not None else None
        lib = _native.lib()
        n = c_size_t()
        buf = ctypes.create_string_buffer(_SCRATCH)
        # A token minted "now" may grow between two calls (the clock ticks over a digit).
        for _ in range(4):
            if at is None:
                rc = lib.usersig_mint(handle.ptr, byref(p), buf, len(buf), byref(n))
            else:
                rc = lib.usersig_mint_at(handle.ptr, byref(p), at, buf, len(buf), byref(n))
            if rc == _OK:
                return buf.raw[: n.value].decode("ascii")
            if rc != _BUFFER_TOO_SMALL:
                raise from_code(rc)
            buf = ctypes.create_string_buffer(n.value + 64)
        raise from_code(rc)


_fast_mint: Optional[Callable[..., object]] = None


def _bind_fastmint(lib: ctypes.CDLL) -> None:
    """Points usersig._fastmint at the library ctypes loaded, once; from then on Signer mints
    through it (ext/_fastmint.c). Without the extension (a source checkout), ctypes does."""
    global _fast_mint
    if _fast_mint is None and _fastmint is not None:
        address = ctypes.cast
        _fastmint.bind(address(lib.usersig_mint, c_void_p).value,
                       address(lib.usersig_mint_at, c_void_p).value)
        _fast_mint = _fastmint.mint


class Verifier(_Owner):
    """Verifies tokens for one app with fixed settings; safe to use from many threads at once.

    >>> verifier = Verifier(1400000000, "the app's key", max_future_skew=300, leeway=0)
    >>> token = Signer(1400000000, "the app's key").user_sig("alice", 60, time=1569910200)
    >>> verifier.verify(token, "alice", now=1569910200).expires_at
    1569910260
    >>> verifier.verify(token, "alice", now=1569910261)
    Traceback (most recent call last):
      ...
    usersig.ExpiredError: expired: the token has expired; mint a new one (server code 70001)
    """

    def __init__(self, sdkappid: int, key: Text, *, max_future_skew: int = DEFAULT_MAX_FUTURE_SKEW,
                 leeway: int = 0, max_token_len: int = MAX_TOKEN_LEN,
                 max_inflated_len: int = MAX_INFLATED_LEN) -> None:
        """``max_future_skew``: how far in the future (seconds) a token's issue time may be.
        ``leeway``: how long after expiry a token is still accepted. The limits are enforced
        while decoding; raising them raises what an attacker's token may cost.

        Raises :class:`EmptyKeyError`, or :class:`InvalidArgumentError` for a negative setting."""
        self._handle: Optional[_Handle] = None
        self.sdkappid = _u64("sdkappid", sdkappid)
        k = _text("key", key)
        lib = _native.lib()
        out = c_void_p()
        rc = lib.usersig_verifier_new(
            self.sdkappid, k or None, len(k), _u64("max_future_skew", max_future_skew),
            _u64("leeway", leeway), _u64("max_token_len", max_token_len),
            _u64("max_inflated_len", max_inflated_len), byref(out))
        if rc != _OK:
            raise from_code(rc)
        self._handle = _Handle(out.value, lib.usersig_verifier_free)

    def verify(self, token: Text, identifier: Text, *, expect: Optional[Expect] = None,
               now: Optional[int] = None) -> Claims:
        """Verifies ``token`` for ``identifier`` (FORMAT.md §5) as of ``now`` (Unix seconds; default:
        the system clock), and, with ``expect``, that its userbuf meets it.

        Returns the :class:`Claims`; raises the first failure as a :class:`VerifyError`
        subclass: :class:`MalformedError`, :class:`UnsupportedVersionError`,
        :class:`SdkAppIdMismatchError`, :class:`IdentifierMismatchError`,
        :class:`BadSignatureError`, :class:`NotYetValidError`, :class:`ExpiredError` or
        :class:`UserbufMismatchError`.
        """
        tok = _text("token", token)
        ident = _text("identifier", identifier)
        lib = _native.lib()
        at = _unix("now", now) if now is not None else None
        e = expect._struct() if expect is not None else None
        eref = byref(e) if e is not None else None
        handle = self._live()  # held until the call returns, so close() cannot free it
        ptr = handle.ptr
        ub = ctypes.create_string_buffer(_SCRATCH)
        for _ in range(4):
            c = _native.usersig_claims()
            if at is None:
                rc = lib.usersig_verify(ptr, tok or None, len(tok), ident or None, len(ident),
                                        eref, byref(c), ub, len(ub))
            else:
                rc = lib.usersig_verify_at(ptr, tok or None, len(tok), ident or None,
                                           len(ident), at, eref, byref(c), ub, len(ub))
            if rc == _OK:
                return _claims(ident, c, ub)
            if rc != _BUFFER_TOO_SMALL:
                raise from_code(rc)
            ub = ctypes.create_string_buffer(c.userbuf_len + 1)
        raise from_code(rc)



def _claims(identifier: bytes, c: _native.usersig_claims, buf: ctypes.Array) -> Claims:
    userbuf = buf.raw[: c.userbuf_len] if c.has_userbuf else None
    pmk = None
    if c.has_private_map_key:
        # The library locates the account and the string room in the userbuf it copied.
        ub = userbuf or b""
        account = ub[c.pmk_account_offset:c.pmk_account_offset + c.pmk_account_len]
        room = None
        if c.pmk_has_string_room:
            start = c.pmk_string_room_offset
            room = ub[start:start + c.pmk_string_room_len].decode("utf-8", "surrogatepass")
        pmk = PrivateMapKey(account=account.decode("utf-8", "surrogatepass"),
                            room_id=c.pmk_room_id, string_room=room,
                            privileges=c.pmk_privileges, expires_at=c.pmk_expires_at)
    return Claims(identifier=identifier.decode("utf-8", "surrogatepass"), sdkappid=c.sdkappid,
                  time=c.time, expire=c.expire, expires_at=c.expires_at, userbuf=userbuf,
                  private_map_key=pmk)


def inspect(token: Text, *, now: Optional[int] = None) -> dict:
    """Decodes ``token`` without a key and describes it as of ``now`` (Unix seconds; default:
    the system clock): what it claims, which implementation probably minted it, what looks
    wrong. A dict with the shape of ``usersig inspect --json`` (snake_case keys, as the CLI and
    every binding give it); ``userbuf_hex`` is the userbuf as the library decoded it.

    NOTHING IS VERIFIED: anyone can write a token with any of these values. Never accept a
    token, or decide anything about a user, on what this returns; only :meth:`Verifier.verify`
    says a token is genuine. It is for support tools, logs, and explaining a rejection.

    Raises :class:`MalformedError` when there is no token document to describe.

    >>> token = Signer(1400000000, "the app's key").user_sig("alice", 60, time=1569910200)
    >>> info = inspect(token, now=1569910200)
    >>> info["identifier"], info["expires_at"], info["producer"]
    ('alice', 1569910260, 'usersig (this library)')
    """
    tok = _text("token", token)
    at = _unix("now", now) if now is not None else None
    lib = _native.lib()
    n = c_size_t()
    buf = ctypes.create_string_buffer(4096)
    for _ in range(4):
        if at is None:
            rc = lib.usersig_inspect(tok or None, len(tok), buf, len(buf), byref(n))
        else:
            rc = lib.usersig_inspect_at(tok or None, len(tok), at, buf, len(buf), byref(n))
        if rc == _OK:
            return json.loads(buf.raw[: n.value].decode("utf-8"))  # type: ignore[no-any-return]
        if rc != _BUFFER_TOO_SMALL:
            raise from_code(rc)
        buf = ctypes.create_string_buffer(n.value + 1024)
    raise from_code(rc)


def library_version() -> str:
    """The loaded C library's version, ``"MAJOR.MINOR.PATCH"``."""
    return _native.lib().usersig_version().decode()


__all__ = [
    "Claims", "Compression", "DEFAULT_EXPIRE", "DEFAULT_MAX_FUTURE_SKEW", "Expect",
    "MAX_INFLATED_LEN", "MAX_TOKEN_LEN", "PrivateMapKey", "Privileges", "Signer", "UserSigError",
    "Verifier", "inspect", "library_version",
]

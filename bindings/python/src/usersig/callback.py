"""Tencent's callbacks to your server, verified (docs/callbacks.md).

IM webhooks carry ``Sign = hex(SHA-256(token + RequestTime))`` and ``RequestTime`` in the query
string; TRTC event callbacks carry ``Sign = base64(HMAC-SHA256(key, body))`` in a header.
Build a verifier once, share it between threads, and check every request before acting on
it. A refused request raises a :class:`~usersig.VerifyError` whose ``kind`` is
``"malformed"``, ``"missing_signature"``, ``"bad_signature"``, ``"stale"`` (IM) or
``"sdkappid_mismatch"``: :class:`~usersig.MalformedError`,
:class:`~usersig.MissingSignatureError`, :class:`~usersig.BadSignatureError`,
:class:`~usersig.StaleError`, :class:`~usersig.SdkAppIdMismatchError`.

>>> v = IMCallbackVerifier("console-token", sdkappid=1400000000)
>>> q = "SdkAppid=1400000000&CallbackCommand=State.StateChange&Sign=%s&RequestTime=1000" % (
...     sign_im("console-token", 1000))
>>> v.verify(q, now=1030).command
'State.StateChange'
>>> try:
...     v.verify(q, now=1061)
... except StaleError as e:
...     print(e.kind)
stale
>>> reply_ok()
'{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}'
"""

from __future__ import annotations

import ctypes
import json
import threading
from ctypes import (
    POINTER,
    Structure,
    byref,
    c_bool,
    c_char_p,
    c_int,
    c_size_t,
    c_uint64,
    c_void_p,
)
from dataclasses import dataclass
from typing import Any, Optional

from . import _native
from .api import Text, _Handle, _Owner, _text, _u64
from .errors import (
    BadSignatureError,
    BufferTooSmallError,
    MalformedError,
    MissingSignatureError,
    SdkAppIdMismatchError,
    StaleError,
    UserSigError,
    from_code,
)

__all__ = [
    "DEFAULT_WINDOW", "MAX_WINDOW", "IMCallback", "IMCallbackVerifier", "TRTCCallbackVerifier",
    "TRTCEvent", "reply_fail", "reply_ok", "sign_im", "sign_trtc",
]

DEFAULT_WINDOW = 60  #: seconds: USERSIG_IM_CALLBACK_DEFAULT_WINDOW_SECS
MAX_WINDOW = 3600  #: seconds: a wider window is capped to this
_TEXT_CAP = 256  # USERSIG_IM_CALLBACK_TEXT_CAP: what Tencent sends; a larger request is retried
_OK = 0
_BUFFER_TOO_SMALL = BufferTooSmallError.code  # one table: errors.py
_CALLBACK_KINDS = frozenset(
    cls.code for cls in (MalformedError, MissingSignatureError, BadSignatureError, StaleError,
                         SdkAppIdMismatchError)
)


class _IMCallback(Structure):  # usersig_im_callback
    _fields_ = [
        ("request_time", c_uint64),
        ("has_sdkappid", c_bool),
        ("sdkappid", c_uint64),
        ("command", c_void_p),
        ("command_len", c_size_t),
        ("client_ip", c_void_p),
        ("client_ip_len", c_size_t),
        ("platform", c_void_p),
        ("platform_len", c_size_t),
    ]


class _TRTCEvent(Structure):  # usersig_trtc_event
    _fields_ = [
        ("event_group_id", c_uint64),
        ("event_type", c_uint64),
        ("callback_ts", c_uint64),
        ("event_info", c_void_p),
        ("event_info_len", c_size_t),
        ("has_sdkappid", c_bool),
        ("sdkappid", c_uint64),
    ]


_IN = c_char_p
_LEN = POINTER(c_size_t)
_PROTOTYPES = {
    "usersig_im_callback_verifier_new": (c_int, [_IN, c_size_t, c_uint64, c_uint64, POINTER(c_void_p)]),
    "usersig_im_callback_verifier_free": (None, [c_void_p]),
    "usersig_im_callback_verify": (
        c_int, [c_void_p, _IN, c_size_t, POINTER(_IMCallback), c_void_p, c_size_t, _LEN]),
    "usersig_im_callback_verify_at": (
        c_int, [c_void_p, _IN, c_size_t, c_uint64, POINTER(_IMCallback), c_void_p, c_size_t, _LEN]),
    "usersig_im_callback_sign": (c_int, [_IN, c_size_t, c_uint64, c_void_p, c_size_t, _LEN]),
    "usersig_trtc_callback_verifier_new": (c_int, [_IN, c_size_t, c_uint64, POINTER(c_void_p)]),
    "usersig_trtc_callback_verifier_free": (None, [c_void_p]),
    "usersig_trtc_callback_verify": (
        c_int, [c_void_p, _IN, c_size_t, _IN, c_size_t, c_void_p, c_size_t, POINTER(_TRTCEvent)]),
    "usersig_trtc_callback_sign": (
        c_int, [_IN, c_size_t, c_void_p, c_size_t, c_void_p, c_size_t, _LEN]),
    "usersig_callback_error_message": (c_char_p, [c_int]),
}

_declared: Optional[ctypes.CDLL] = None
_declare_lock = threading.Lock()


def _lib() -> ctypes.CDLL:
    """The library with the callback prototypes declared (once)."""
    global _declared
    if _declared is None:
        with _declare_lock:
            if _declared is None:
                lib = _native.lib()
                for name, (restype, argtypes) in _PROTOTYPES.items():
                    fn = getattr(lib, name)
                    fn.restype, fn.argtypes = restype, argtypes
                _declared = lib
    return _declared


def _refused(rc: int) -> UserSigError:
    err = from_code(rc)
    if rc in _CALLBACK_KINDS:
        err = type(err)(_lib().usersig_callback_error_message(rc).decode())
    return err


@dataclass(frozen=True)
class IMCallback:
    """An IM callback request that verified. Only ``request_time`` is signed; the rest is as
    the query string carried it (None when absent, as in the console's check request)."""

    request_time: int  #: RequestTime, Unix seconds
    sdkappid: Optional[int]  #: SdkAppid
    command: Optional[str]  #: CallbackCommand, e.g. "C2C.CallbackBeforeSendMsg"
    client_ip: Optional[str]  #: ClientIP
    platform: Optional[str]  #: OptPlatform: "RESTAPI", "Web", "Android", "iOS", ...


@dataclass(frozen=True)
class TRTCEvent:
    """A TRTC event callback that verified."""

    event_group_id: int  #: EventGroupId: 1 room events, 2 media events, ...
    event_type: int  #: EventType: 101 create room, 103 enter room, 201 start video, ...
    callback_ts: int  #: CallbackTs: when Tencent sent it, Unix milliseconds
    event_info: str  #: EventInfo, the JSON object as received
    sdkappid: Optional[int]  #: the SdkAppId header

    def info(self) -> Any:
        """``event_info`` parsed."""
        return json.loads(self.event_info)


class IMCallbackVerifier(_Owner):
    """Checks IM callback requests for one app's callback token (1 to 128 bytes).

    ``window``: seconds ``RequestTime`` may be from the clock, either way (capped at
    :data:`MAX_WINDOW`). ``sdkappid``: when set, a request naming another app raises
    :class:`~usersig.SdkAppIdMismatchError`.
    """

    def __init__(self, token: Text, window: int = DEFAULT_WINDOW,
                 sdkappid: Optional[int] = None) -> None:
        t = _text("token", token)
        app = 0 if sdkappid is None else _u64("sdkappid", sdkappid)
        lib = _lib()
        h = c_void_p()
        rc = lib.usersig_im_callback_verifier_new(t or None, len(t), _u64("window", window), app,
                                                  byref(h))
        if rc != _OK:
            raise from_code(rc)
        self.window, self.sdkappid = min(window, MAX_WINDOW), sdkappid
        self._handle = _Handle(h.value, lib.usersig_im_callback_verifier_free)

    def verify(self, query_or_url: Text, now: Optional[int] = None) -> IMCallback:
        """Verifies the query string (with or without ``?``) or the whole request URL, against
        the system clock or ``now`` (Unix seconds)."""
        q = _text("query_or_url", query_or_url)
        lib = _lib()
        handle = self._live()  # held until the call returns, so close() cannot free it
        ptr = handle.ptr
        buf = ctypes.create_string_buffer(_TEXT_CAP)
        for _ in range(3):
            c, n = _IMCallback(), c_size_t()
            if now is None:
                rc = lib.usersig_im_callback_verify(ptr, q or None, len(q), byref(c), buf,
                                                    len(buf), byref(n))
            else:
                rc = lib.usersig_im_callback_verify_at(ptr, q or None, len(q),
                                                       _u64("now", now), byref(c), buf,
                                                       len(buf), byref(n))
            if rc != _BUFFER_TOO_SMALL:
                break
            buf = ctypes.create_string_buffer(n.value + 1)
        if rc != _OK:
            raise _refused(rc)
        base = ctypes.addressof(buf)

        def text(p: Optional[int], length: int) -> Optional[str]:
            if not p:
                return None
            return buf.raw[p - base:p - base + length].decode("utf-8")

        return IMCallback(
            request_time=c.request_time,
            sdkappid=c.sdkappid if c.has_sdkappid else None,
            command=text(c.command, c.command_len),
            client_ip=text(c.client_ip, c.client_ip_len),
            platform=text(c.platform, c.platform_len),
        )

    def __repr__(self) -> str:
        return "IMCallbackVerifier(token=<redacted>, window=%d, sdkappid=%r)" % (
            self.window, self.sdkappid)


class TRTCCallbackVerifier(_Owner):
    """Checks TRTC event callbacks for one app's callback key (1 to 128 bytes).

    ``sdkappid``: when set, a request whose ``SdkAppId`` header names another app raises
    :class:`~usersig.SdkAppIdMismatchError`.
    """

    def __init__(self, key: Text, sdkappid: Optional[int] = None) -> None:
        k = _text("key", key)
        app = 0 if sdkappid is None else _u64("sdkappid", sdkappid)
        lib = _lib()
        h = c_void_p()
        rc = lib.usersig_trtc_callback_verifier_new(k or None, len(k), app, byref(h))
        if rc != _OK:
            raise from_code(rc)
        self.sdkappid = sdkappid
        self._handle = _Handle(h.value, lib.usersig_trtc_callback_verifier_free)

    def verify(self, sign: Optional[Text], body: Text,
               sdkappid_header: Optional[Text] = None) -> TRTCEvent:
        """Verifies the raw ``body`` (bytes exactly as received) against the ``Sign`` header's
        value (None when absent) and, when given, the ``SdkAppId`` header's."""
        s = b"" if sign is None else _text("sign", sign)
        a = b"" if sdkappid_header is None else _text("sdkappid_header", sdkappid_header)
        b = _text("body", body)
        raw = (ctypes.c_char * max(len(b), 1)).from_buffer_copy(b or b"\0")
        lib = _lib()
        handle = self._live()  # held until the call returns, so close() cannot free it
        e = _TRTCEvent()
        rc = lib.usersig_trtc_callback_verify(handle.ptr, s or None, len(s), a or None, len(a),
                                              ctypes.addressof(raw), len(b), byref(e))
        if rc != _OK:
            raise _refused(rc)
        start = (e.event_info or 0) - ctypes.addressof(raw)
        return TRTCEvent(
            event_group_id=e.event_group_id,
            event_type=e.event_type,
            callback_ts=e.callback_ts,
            event_info=b[start:start + e.event_info_len].decode("utf-8"),
            sdkappid=e.sdkappid if e.has_sdkappid else None,
        )

    def __repr__(self) -> str:
        return "TRTCCallbackVerifier(key=<redacted>, sdkappid=%r)" % (self.sdkappid,)


def sign_im(token: Text, request_time: int) -> str:
    """The ``Sign`` Tencent sends for ``token`` at ``request_time``: lowercase hex of
    SHA-256(token + decimal time). For testing a handler."""
    t = _text("token", token)
    out, n = ctypes.create_string_buffer(65), c_size_t()
    rc = _lib().usersig_im_callback_sign(t or None, len(t), _u64("request_time", request_time),
                                         out, len(out), byref(n))
    if rc != _OK:
        raise from_code(rc)
    return out.raw[:n.value].decode("ascii")


def sign_trtc(key: Text, body: Text) -> str:
    """The ``Sign`` header Tencent sends for ``body`` under ``key``: base64 of
    HMAC-SHA256(key, body). For testing a handler."""
    k, b = _text("key", key), _text("body", body)
    out, n = ctypes.create_string_buffer(45), c_size_t()
    rc = _lib().usersig_trtc_callback_sign(k or None, len(k), b or None, len(b), out, len(out),
                                           byref(n))
    if rc != _OK:
        raise from_code(rc)
    return out.raw[:n.value].decode("ascii")


def _reply(status: str, code: int, info: str) -> str:
    return json.dumps({"ActionStatus": status, "ErrorCode": code, "ErrorInfo": info},
                      separators=(",", ":"), ensure_ascii=False)


def reply_ok() -> str:
    """The IM answer that lets the action go ahead."""
    return _reply("OK", 0, "")


def reply_fail(error_code: int = 1, error_info: str = "") -> str:
    """The IM answer that refuses it (a before-callback: the message is not sent, ...).

    >>> reply_fail(1, 'blocked "word"')
    '{"ActionStatus":"FAIL","ErrorCode":1,"ErrorInfo":"blocked \\\\"word\\\\""}'
    """
    return _reply("FAIL", int(error_code), str(error_info))

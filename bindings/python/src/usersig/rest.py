"""The REST API an admin UserSig is for (FORMAT.md §8): the request URL, the reply's envelope and
what each documented ``ErrorCode`` means.

There is no HTTP client here: POST a JSON body (``{}`` when there is nothing to send) to the
URL with the client you already use, with a timeout above the server's 3 s, and read the reply
with :meth:`Envelope.from_json`.

>>> rest_url("sgp", "openim", "sendmsg", 1400000000, "administrator", "eJx.sig_", random=42)
'https://adminapisgp.im.qcloud.com/v4/openim/sendmsg?sdkappid=1400000000&identifier=administrator&usersig=eJx.sig_&random=42&contenttype=json'
>>> env = Envelope.from_json('{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"expired"}')
>>> env.ok, env.retry, RetryClass.RENEW_TOKEN == 3
(False, <RetryClass.RENEW_TOKEN: 3>, True)
"""

from __future__ import annotations

import ctypes
import enum
import json
import re
from collections.abc import Mapping
from ctypes import byref, c_size_t, c_uint32
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Union

from . import _native
from .api import Text, _text, _u32, _u64
from .errors import BufferTooSmallError, from_code

__all__ = [
    "Envelope", "EnvelopeError", "RestCode", "RestError", "RetryClass", "describe_rest_code",
    "rest_url",
]

_OK = 0
_BUFFER_TOO_SMALL = BufferTooSmallError.code  # one table: errors.py
_SCRATCH = 1024  # a region URL with a short identifier and a default token; else retried
_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1
_DIGITS = re.compile(r"\s*-?[0-9]+\s*\Z")


def rest_url(endpoint: Text, service: Text, command: Text, sdkappid: int, identifier: Text,
             usersig: Text, *, random: Optional[int] = None) -> str:
    """The URL of one REST API request (FORMAT.md §8)::

        https://<domain>/v4/<service>/<command>?sdkappid=<n>&identifier=<admin>&usersig=<token>&random=<u32>&contenttype=json

    ``endpoint``: a region code (``"sgp"``, ``"usa"``, ``"kr"``, ``"jpn"``, ``"ger"``,
    ``"ind"``, ``"idn"``, ``"cn"`` or a longer name such as ``"singapore"``; any case), or a
    base URL ``http(s)://host[:port][/prefix]`` (a proxy, a test server); ``""`` is China,
    ``https://console.tim.qq.com``. ``service``, ``command``: ``[A-Za-z0-9_]``.
    ``identifier``, ``usersig``: the app administrator and its admin UserSig, percent-encoded
    into the URL. ``random``: None (the normal case) draws a fresh one; an int (0 to 2**32-1)
    is used as is, for tests.

    Build a new URL per request, but keep the admin UserSig and mint a new one only shortly
    before it expires.

    Raises :class:`UnknownRegionError`, :class:`BadBaseUrlError`, :class:`BadPathSegmentError`,
    :class:`MissingSdkAppIdError` (SDKAppID 0), :class:`EmptyIdentifierError`,
    :class:`EmptyUsersigError`, :class:`InvalidUtf8Error` (bytes that are not UTF-8), or
    :class:`InvalidArgumentError` (a number out of range).
    """
    args = []
    for name, value in (("endpoint", endpoint), ("service", service), ("command", command)):
        b = _text(name, value)
        args += [b or None, len(b)]
    args.append(_u64("sdkappid", sdkappid))
    for name, value in (("identifier", identifier), ("usersig", usersig)):
        b = _text(name, value)
        args += [b or None, len(b)]
    args.append(None if random is None else byref(c_uint32(_u32("random", random))))
    fn = _native.lib().usersig_rest_url
    buf = ctypes.create_string_buffer(_SCRATCH)
    # With a fresh random, a too-small call reports the longest length, which fits the next
    # call whatever it draws: the loop is a safety net.
    for _ in range(4):
        n = c_size_t()
        rc = fn(*args, buf, len(buf), byref(n))
        if rc == _OK:
            return buf.raw[: n.value].decode("ascii")
        if rc != _BUFFER_TOO_SMALL:
            raise from_code(rc)
        buf = ctypes.create_string_buffer(n.value + 1)
    raise from_code(rc)


class RetryClass(enum.IntEnum):
    """How to react to a REST ``ErrorCode`` (the C header's ``USERSIG_RETRY_*`` values).

    ``str()`` is the stable name shared with the Rust API and the CLI:

    >>> str(RetryClass.AFTER_60S), RetryClass.AFTER_60S.advice != ""
    ('after_60s', True)
    """

    UNKNOWN = -1  #: not in FORMAT.md §8's table: do not retry; read ErrorInfo
    NEVER = 0  #: retrying cannot succeed: fix the request, key or settings
    BACKOFF = 1  #: transient: retry with exponential backoff and jitter, a bounded number of times
    AFTER_60S = 2  #: locked out after too many UserSig failures (70050): wait 60 s, then retry
    RENEW_TOKEN = 3  #: admin UserSig expired or damaged: mint a new one, rebuild the URL, retry once

    @property
    def label(self) -> str:
        """``"never"``, ``"backoff"``, ``"after_60s"``, ``"renew_token"`` or ``"unknown"``."""
        name = _native.lib().usersig_rest_retry_class_name(int(self)).decode()
        return name or "unknown"

    @property
    def advice(self) -> str:
        """What the class asks of the caller, for a person (``""`` for UNKNOWN)."""
        return _native.lib().usersig_rest_retry_class_advice(int(self)).decode()

    def __str__(self) -> str:
        return self.label

    def __format__(self, spec: str) -> str:
        return format(self.label, spec)


@dataclass(frozen=True)
class RestCode:
    """A REST ``ErrorCode`` of FORMAT.md §8's table, described."""

    code: int  #: the ErrorCode
    name: str  #: its stable snake_case name, e.g. ``"usersig_expired"`` (``usersig explain``)
    meaning: str  #: what it means, e.g. ``"the UserSig has expired"``
    action: str  #: what to do about it, for a person
    retry: RetryClass  #: whether and how to retry


def _retry_of(code: int) -> RetryClass:
    if not _I64_MIN <= code <= _I64_MAX:
        return RetryClass.UNKNOWN
    return RetryClass(_native.lib().usersig_rest_code_retry(code))


def describe_rest_code(code: int) -> Optional[RestCode]:
    """What a REST ``ErrorCode`` means and whether to retry; None for a code outside FORMAT.md §8's
    table (0 included).

    >>> describe_rest_code(60007).retry
    <RetryClass.BACKOFF: 1>
    >>> describe_rest_code(12345) is None
    True
    """
    if isinstance(code, bool) or not isinstance(code, int):
        raise TypeError("code must be an int, not %s" % type(code).__name__)
    retry = _retry_of(code)
    if retry is RetryClass.UNKNOWN:
        return None
    lib = _native.lib()
    return RestCode(
        code=code,
        name=lib.usersig_rest_code_name(code).decode(),
        meaning=lib.usersig_rest_code_meaning(code).decode(),
        action=lib.usersig_rest_code_action(code).decode(),
        retry=retry,
    )


class EnvelopeError(ValueError):
    """The body is not a REST reply: not a JSON object, or a common field is missing or has the
    wrong type."""

    __module__ = "usersig"


class RestError(Exception):
    """The server answered a REST request with something other than OK.

    Not a :class:`UserSigError`: the library did not fail; the server refused the request.
    ``code`` is the REST ``ErrorCode``, ``retry`` says whether and how to retry, ``envelope``
    is the whole reply.
    """

    __module__ = "usersig"

    def __init__(self, envelope: "Envelope") -> None:
        self.envelope = envelope
        self.code = envelope.error_code
        self.error_info = envelope.error_info
        self.request_id = envelope.request_id
        self.description = describe_rest_code(self.code)
        self.retry = self.description.retry if self.description else RetryClass.UNKNOWN
        text = "REST error %d" % self.code
        if self.description:
            text += " %s: %s" % (self.description.name, self.description.action)
        elif envelope.action_status != "FAIL":
            text += " (ActionStatus %r)" % envelope.action_status
        if self.error_info:
            text += " (ErrorInfo %r)" % self.error_info
        if self.request_id:
            text += " [RequestId %r]" % self.request_id
        super().__init__(text)

    def __reduce__(self) -> Any:
        return (RestError, (self.envelope,))


@dataclass
class Envelope:
    """A REST reply: the fields common to every service, and the service's own in ``rest``."""

    action_status: str  #: ``ActionStatus``: ``"OK"`` or ``"FAIL"``
    error_code: int  #: ``ErrorCode``: 0 on success
    error_info: str  #: ``ErrorInfo``: the server's explanation ("" when absent)
    request_id: Optional[str]  #: ``RequestId``, to quote to Tencent support; None when absent
    rest: Dict[str, Any] = field(default_factory=dict)  #: every other field of the body

    @classmethod
    def from_json(cls, body: Union[str, bytes, bytearray, "Mapping[str, Any]"]) -> "Envelope":
        """Reads a reply body: its text (str or bytes) or the dict a JSON parser made of it.

        ``ErrorCode`` may be absent from a success, or sent as a string of digits.

        >>> env = Envelope.from_json(b'{"ActionStatus":"OK","ErrorCode":0,"MsgTime":1}')
        >>> env.ok, env.error_code, env.request_id, env.rest
        (True, 0, None, {'MsgTime': 1})

        Raises :class:`EnvelopeError` for a body that is not a REST reply.
        """
        if isinstance(body, (str, bytes, bytearray)):
            try:
                doc = json.loads(body)
            except ValueError as e:
                raise EnvelopeError("the body is not JSON: %s" % e) from None
        else:
            doc = body
        if not isinstance(doc, Mapping):
            raise EnvelopeError("the body is a JSON %s, not an object" % type(doc).__name__)
        rest = dict(doc)
        status = rest.pop("ActionStatus", None)
        if not isinstance(status, str):
            raise EnvelopeError("ActionStatus is %s" % ("missing" if status is None else "not a string"))
        code = rest.pop("ErrorCode", None)
        if code is None:
            if status != "OK":
                raise EnvelopeError("ErrorCode is missing from a failed response")
            code = 0
        elif isinstance(code, str) and _DIGITS.match(code):
            code = int(code)  # some services have sent numbers as strings
        elif isinstance(code, bool) or not isinstance(code, int):
            raise EnvelopeError("ErrorCode is not an integer")
        info = rest.pop("ErrorInfo", None)
        if info is not None and not isinstance(info, str):
            raise EnvelopeError("ErrorInfo is not a string")
        request_id = rest.pop("RequestId", None)
        if request_id is not None and not isinstance(request_id, str):
            raise EnvelopeError("RequestId is not a string")
        return cls(status, code, info or "", request_id, rest)

    @property
    def ok(self) -> bool:
        """``ActionStatus`` is ``"OK"`` and ``ErrorCode`` is 0."""
        return self.action_status == "OK" and self.error_code == 0

    @property
    def retry(self) -> Optional[RetryClass]:
        """None on success; otherwise whether and how to retry (UNKNOWN outside the table)."""
        return None if self.ok else _retry_of(self.error_code)

    def raise_for_status(self) -> "Envelope":
        """Returns the envelope when it is OK; raises :class:`RestError` otherwise."""
        if not self.ok:
            raise RestError(self)
        return self

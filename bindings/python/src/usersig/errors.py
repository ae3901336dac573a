"""One exception class per error kind of the C ABI (include/usersig.h).

Every error is a :class:`UserSigError` carrying ``code`` (the C result code), ``kind`` (the
stable machine-readable name, shared with the Rust API and the CLI) and ``message``. The eight
ways a token is rejected are :class:`VerifyError` subclasses::

    try:
        claims = verifier.verify(token, identifier)
    except usersig.ExpiredError:
        ...  # mint a new token
    except usersig.VerifyError as e:
        log.warning("rejected: %s", e.kind)
"""

from __future__ import annotations

from typing import Dict, Optional, Type


class UserSigError(Exception):
    """Base of every error this package raises for a failed call."""

    code: int = -1
    kind: str = "unknown"

    def __init__(self, message: Optional[str] = None) -> None:
        if message is None:
            from . import _native

            message = _native.lib().usersig_error_message(self.code).decode()
        self.message = message
        super().__init__("%s: %s" % (self.kind, message))


class VerifyError(UserSigError):
    """The token was rejected (FORMAT.md §5), or a callback request (:mod:`usersig.callback`):
    the base of the verification kinds. A callback is refused with :class:`MalformedError`,
    :class:`MissingSignatureError`, :class:`BadSignatureError`, :class:`StaleError` or
    :class:`SdkAppIdMismatchError`."""


class MalformedError(VerifyError):
    """The token could not be decoded (size, encoding, zlib, JSON or a field). Server code 70003."""

    code, kind = 1, "malformed"


class UnsupportedVersionError(VerifyError):
    """``TLS.ver`` is not ``"2.0"``, or a legacy v1 (ECDSA) token."""

    code, kind = 2, "unsupported_version"


class SdkAppIdMismatchError(VerifyError):
    """The token is for another SDKAppID. Server code 70014."""

    code, kind = 3, "sdkappid_mismatch"


class IdentifierMismatchError(VerifyError):
    """The token is for another identifier. Server code 70013."""

    code, kind = 4, "identifier_mismatch"


class BadSignatureError(VerifyError):
    """The signature does not match (wrong key, or altered). Server code 70009."""

    code, kind = 5, "bad_signature"


class NotYetValidError(VerifyError):
    """Issued further in the future than the verifier's skew allows."""

    code, kind = 6, "not_yet_valid"


class ExpiredError(VerifyError):
    """The token has expired. Server code 70001."""

    code, kind = 7, "expired"


class UserbufMismatchError(VerifyError):
    """The userbuf is not what the caller's expectation requires."""

    code, kind = 8, "userbuf_mismatch"


class MissingSignatureError(VerifyError):
    """A callback request carries no ``Sign`` (or, IM, no ``RequestTime``): callback
    authentication is off in the console, or the request is not from Tencent."""

    code, kind = 9, "missing_signature"


class StaleError(VerifyError):
    """An IM callback's ``RequestTime`` is further than the verifier's window from the clock
    (a replay, or a clock that needs NTP)."""

    code, kind = 10, "stale"


class EmptyKeyError(UserSigError):
    """The key is empty."""

    code, kind = 20, "empty_key"


class EmptyIdentifierError(UserSigError):
    """The identifier (or the admin identifier given to :func:`rest_url`) is empty."""

    code, kind = 21, "empty_identifier"


class IdentifierContainsNulError(UserSigError):
    """The identifier contains a NUL character."""

    code, kind = 22, "identifier_contains_nul"


class TooLongError(UserSigError):
    """An identifier, userbuf or room string is longer than the format's 65535 bytes."""

    code, kind = 23, "too_long"


class ExpiryOutOfRangeError(UserSigError):
    """``time + expire`` does not fit (64 bits, or 32 bits for a PrivateMapKey)."""

    code, kind = 24, "expiry_out_of_range"


class SdkAppIdOutOfRangeError(UserSigError):
    """A PrivateMapKey needs an SDKAppID that fits in 32 bits."""

    code, kind = 25, "sdkappid_out_of_range"


class ClockBeforeEpochError(UserSigError):
    """The clock, or the time given, is before 1970."""

    code, kind = 26, "clock_before_epoch"


class NullArgumentError(UserSigError):
    """A required pointer was NULL: a bug in this package."""

    code, kind = 40, "null_argument"


class InvalidUtf8Error(UserSigError):
    """An identifier or room given as bytes is not valid UTF-8."""

    code, kind = 41, "invalid_utf8"


class InvalidArgumentError(UserSigError):
    """An argument is out of range (privileges above 255, a negative number, ...)."""

    code, kind = 42, "invalid_argument"


class BufferTooSmallError(UserSigError):
    """An output buffer was too small: a bug in this package, which retries."""

    code, kind = 43, "buffer_too_small"


class UnknownRegionError(UserSigError):
    """:func:`rest_url`: the endpoint is neither a known region code nor a base URL."""

    code, kind = 44, "unknown_region"


class BadBaseUrlError(UserSigError):
    """:func:`rest_url`: the base URL is not ``http(s)://host[:port][/prefix]`` in printable
    ASCII, without a query or a fragment."""

    code, kind = 45, "bad_base_url"


class BadPathSegmentError(UserSigError):
    """:func:`rest_url`: the service or the command is empty or not made of ``[A-Za-z0-9_]``."""

    code, kind = 46, "bad_path_segment"


class MissingSdkAppIdError(UserSigError):
    """:func:`rest_url`: the SDKAppID is 0."""

    code, kind = 47, "missing_sdkappid"


class EmptyUsersigError(UserSigError):
    """:func:`rest_url`: the admin UserSig is empty."""

    code, kind = 48, "empty_usersig"


class PanicError(UserSigError):
    """The library panicked: a bug. The call had no effect."""

    code, kind = 60, "panic"


for _cls in list(globals().values()):
    if isinstance(_cls, type) and issubclass(_cls, UserSigError):
        _cls.__module__ = "usersig"  # shown in tracebacks as usersig.ExpiredError

BY_CODE: Dict[int, Type[UserSigError]] = {
    cls.code: cls
    for cls in (
        MalformedError, UnsupportedVersionError, SdkAppIdMismatchError, IdentifierMismatchError,
        BadSignatureError, NotYetValidError, ExpiredError, UserbufMismatchError,
        MissingSignatureError, StaleError, EmptyKeyError,
        EmptyIdentifierError, IdentifierContainsNulError, TooLongError, ExpiryOutOfRangeError,
        SdkAppIdOutOfRangeError, ClockBeforeEpochError, NullArgumentError, InvalidUtf8Error,
        InvalidArgumentError, BufferTooSmallError, UnknownRegionError, BadBaseUrlError,
        BadPathSegmentError, MissingSdkAppIdError, EmptyUsersigError, PanicError,
    )
}


def from_code(code: int) -> UserSigError:
    """The exception for a result code of the C ABI."""
    cls = BY_CODE.get(code)
    if cls is None:
        err = UserSigError("unknown result code %d" % code)
        err.code = code
        return err
    return cls()

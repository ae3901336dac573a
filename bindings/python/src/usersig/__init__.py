"""Mint and verify Tencent Cloud UserSig v2 tokens (Tencent IM, TRTC and Live).

A standard-library (ctypes) binding of the usersig C library. The library is found through
``USERSIG_LIB`` (the path of ``libusersig.so``), else in the ``target/release`` directory of a
cargo build above this package or the working directory, else where the dynamic loader looks.

>>> import usersig
>>> signer = usersig.Signer(1400000000, "the app's key")        # once per app; thread-safe
>>> verifier = usersig.Verifier(1400000000, "the app's key")
>>> token = signer.user_sig("alice", 86400)
>>> verifier.verify(token, "alice").identifier
'alice'
>>> try:
...     verifier.verify(token, "bob")
... except usersig.IdentifierMismatchError as e:
...     print(e.kind, isinstance(e, usersig.VerifyError))
identifier_mismatch True

For the REST API an admin UserSig is for, :func:`rest_url` builds a request URL,
:meth:`Envelope.from_json` reads a reply (``raise_for_status()`` raises :class:`RestError`,
whose ``retry`` is a :class:`RetryClass`), and :func:`describe_rest_code` explains an
``ErrorCode``; send the request with any HTTP client.

:mod:`usersig.callback` verifies Tencent's callbacks to your server (IM webhooks, TRTC events).

:func:`inspect` describes a token without its key (nothing verified: for support and logs).

``usersig.compat.TLSSigAPIv2`` is a drop-in for the official Python SDK's class.
"""

from ._native import LibraryNotFoundError
from .api import (
    DEFAULT_EXPIRE,
    DEFAULT_MAX_FUTURE_SKEW,
    MAX_INFLATED_LEN,
    MAX_TOKEN_LEN,
    Claims,
    Compression,
    Expect,
    PrivateMapKey,
    Privileges,
    Signer,
    Verifier,
    inspect,
    library_version,
)
from .errors import (
    BadBaseUrlError,
    BadPathSegmentError,
    BadSignatureError,
    BufferTooSmallError,
    ClockBeforeEpochError,
    EmptyIdentifierError,
    EmptyKeyError,
    EmptyUsersigError,
    ExpiredError,
    ExpiryOutOfRangeError,
    IdentifierContainsNulError,
    IdentifierMismatchError,
    InvalidArgumentError,
    InvalidUtf8Error,
    MalformedError,
    MissingSdkAppIdError,
    MissingSignatureError,
    NotYetValidError,
    NullArgumentError,
    PanicError,
    SdkAppIdMismatchError,
    SdkAppIdOutOfRangeError,
    StaleError,
    TooLongError,
    UnknownRegionError,
    UnsupportedVersionError,
    UserbufMismatchError,
    UserSigError,
    VerifyError,
)
from .rest import (
    Envelope,
    EnvelopeError,
    RestCode,
    RestError,
    RetryClass,
    describe_rest_code,
    rest_url,
)

from . import callback
from .callback import (
    IMCallback,
    IMCallbackVerifier,
    TRTCCallbackVerifier,
    TRTCEvent,
)

__version__ = "0.2.0"

__all__ = [
    "BadBaseUrlError", "BadPathSegmentError", "BadSignatureError", "BufferTooSmallError", "Claims",
    "ClockBeforeEpochError", "Compression", "DEFAULT_EXPIRE", "DEFAULT_MAX_FUTURE_SKEW",
    "EmptyIdentifierError", "EmptyKeyError", "EmptyUsersigError", "Envelope", "EnvelopeError",
    "Expect", "ExpiredError", "ExpiryOutOfRangeError", "IdentifierContainsNulError",
    "IdentifierMismatchError", "InvalidArgumentError", "InvalidUtf8Error", "LibraryNotFoundError",
    "MAX_INFLATED_LEN", "MAX_TOKEN_LEN", "MalformedError", "MissingSdkAppIdError",
    "NotYetValidError", "NullArgumentError", "PanicError", "PrivateMapKey", "Privileges",
    "RestCode", "RestError", "RetryClass", "SdkAppIdMismatchError", "SdkAppIdOutOfRangeError",
    "Signer", "TooLongError", "UnknownRegionError", "UnsupportedVersionError", "UserSigError",
    "UserbufMismatchError", "Verifier", "VerifyError", "describe_rest_code", "inspect", "library_version",
    "rest_url",
    # Tencent's callbacks (usersig.callback; sign_im, sign_trtc, reply_ok, reply_fail there).
    "IMCallback", "IMCallbackVerifier", "MissingSignatureError", "StaleError",
    "TRTCCallbackVerifier", "TRTCEvent", "callback",
]

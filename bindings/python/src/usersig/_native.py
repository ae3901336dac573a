"""Finding and loading the C library, and the ctypes declarations of include/usersig.h."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from ctypes import (
    POINTER,
    Structure,
    c_bool,
    c_char,
    c_char_p,
    c_int,
    c_int32,
    c_int64,
    c_size_t,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import List, Optional

if sys.platform == "darwin":
    _FILE = "libusersig.dylib"
elif sys.platform == "win32":
    _FILE = "usersig.dll"
else:
    _FILE = "libusersig.so"


class LibraryNotFoundError(OSError):
    """The shared library was not found: reinstall the package, or set ``USERSIG_LIB``."""


class usersig_expect(Structure):  # noqa: N801 - the C name
    _fields_ = [
        ("kind", c_int32),
        ("userbuf", c_char_p),
        ("userbuf_len", c_size_t),
        ("room_id", c_uint32),
        ("string_room", c_char_p),
        ("string_room_len", c_size_t),
        ("privileges", c_uint32),
    ]


class usersig_mint_params(Structure):  # noqa: N801 - the C name
    _fields_ = [
        ("kind", c_int32),
        ("identifier", c_char_p),
        ("identifier_len", c_size_t),
        ("expire", c_uint64),
        ("userbuf", c_char_p),
        ("userbuf_len", c_size_t),
        ("room_id", c_uint32),
        ("string_room", c_char_p),
        ("string_room_len", c_size_t),
        ("privileges", c_uint32),
    ]


class usersig_claims(Structure):  # noqa: N801 - the C name
    _fields_ = [
        ("sdkappid", c_uint64),
        ("time", c_uint64),
        ("expire", c_uint64),
        ("expires_at", c_uint64),
        ("has_userbuf", c_bool),
        ("userbuf_len", c_size_t),
        ("has_private_map_key", c_bool),
        ("pmk_has_string_room", c_bool),
        ("pmk_room_id", c_uint32),
        ("pmk_privileges", c_uint32),
        ("pmk_expires_at", c_uint32),
        ("pmk_account_offset", c_size_t),
        ("pmk_account_len", c_size_t),
        ("pmk_string_room_offset", c_size_t),
        ("pmk_string_room_len", c_size_t),
    ]


_OUT = POINTER(c_char)  # caller buffers: ctypes char arrays
_LEN = POINTER(c_size_t)
_IN = c_char_p  # (pointer, length) inputs: bytes, or None for (NULL, 0)

_PROTOTYPES = {
    "usersig_version": (c_char_p, []),
    "usersig_error_message": (c_char_p, [c_int]),
    "usersig_error_kind": (c_char_p, [c_int]),
    "usersig_signer_new": (c_int, [c_uint64, _IN, c_size_t, c_int, POINTER(c_void_p)]),
    "usersig_signer_free": (None, [c_void_p]),
    "usersig_mint": (
        c_int, [c_void_p, POINTER(usersig_mint_params), _OUT, c_size_t, _LEN]),
    "usersig_mint_at": (
        c_int, [c_void_p, POINTER(usersig_mint_params), c_uint64, _OUT, c_size_t, _LEN]),
    "usersig_verifier_new": (
        c_int,
        [c_uint64, _IN, c_size_t, c_uint64, c_uint64, c_size_t, c_size_t, POINTER(c_void_p)],
    ),
    "usersig_verifier_free": (None, [c_void_p]),
    "usersig_verify": (
        c_int,
        [c_void_p, _IN, c_size_t, _IN, c_size_t, POINTER(usersig_expect),
         POINTER(usersig_claims), _OUT, c_size_t],
    ),
    "usersig_verify_at": (
        c_int,
        [c_void_p, _IN, c_size_t, _IN, c_size_t, c_uint64, POINTER(usersig_expect),
         POINTER(usersig_claims), _OUT, c_size_t],
    ),
    "usersig_inspect": (c_int, [_IN, c_size_t, _OUT, c_size_t, _LEN]),
    "usersig_inspect_at": (c_int, [_IN, c_size_t, c_uint64, _OUT, c_size_t, _LEN]),
    "usersig_rest_url": (
        c_int,
        [_IN, c_size_t, _IN, c_size_t, _IN, c_size_t, c_uint64, _IN, c_size_t, _IN, c_size_t,
         POINTER(c_uint32), _OUT, c_size_t, _LEN],
    ),
    "usersig_rest_code_retry": (c_int, [c_int64]),
    "usersig_rest_code_name": (c_char_p, [c_int64]),
    "usersig_rest_code_meaning": (c_char_p, [c_int64]),
    "usersig_rest_code_action": (c_char_p, [c_int64]),
    "usersig_rest_retry_class_name": (c_char_p, [c_int]),
    "usersig_rest_retry_class_advice": (c_char_p, [c_int]),
}


def candidates() -> List[Path]:
    """Where the library is looked for, in order.

    ``USERSIG_LIB`` alone when set (the path of the library file); otherwise the library that
    ``pip install`` built into this package, then ``$CARGO_TARGET_DIR/release`` when set, then
    ``target/release`` in this package's directory and each one above it, then in the working
    directory and each one above it (a source checkout used without installing).
    """
    env = os.environ.get("USERSIG_LIB")
    if env:
        return [Path(env)]
    found: List[Path] = [Path(__file__).resolve().parent / _FILE]
    target = os.environ.get("CARGO_TARGET_DIR")
    if target:
        found.append(Path(target) / "release" / _FILE)
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for directory in (start, *start.parents):
            path = directory / "target" / "release" / _FILE
            if path not in found:
                found.append(path)
    return found


_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None
_path: Optional[str] = None


def library_path() -> Optional[str]:
    """The file the library was loaded from (loading it first), or the loader's name for it."""
    lib()
    return _path


def lib() -> ctypes.CDLL:
    """The loaded library, with its prototypes declared; loaded on first use."""
    global _lib
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is None:
            _lib = _declare(_load())
    return _lib


def _load() -> ctypes.CDLL:
    global _path
    env = os.environ.get("USERSIG_LIB")
    for path in candidates():
        if path.is_file():
            _path = str(path)
            return ctypes.CDLL(_path)
    if env:
        raise LibraryNotFoundError(
            "usersig: USERSIG_LIB is %r, which is not a file: point it at %s" % (env, _FILE)
        )
    # An installed library (bindings/c/install.sh), as the dynamic loader finds it.
    name = ctypes.util.find_library("usersig")
    if name:
        _path = name
        return ctypes.CDLL(name)
    raise LibraryNotFoundError(
        "usersig: the C library %s was not found in the package, in target/release above %s or "
        "above the working directory %s%s, nor installed where the dynamic loader looks. "
        "Reinstall the package (pip install builds the library into it), or set USERSIG_LIB "
        "to the library's path."
        % (
            _FILE,
            Path(__file__).resolve().parent,
            Path.cwd(),
            ", nor in $CARGO_TARGET_DIR/release" if os.environ.get("CARGO_TARGET_DIR") else "",
        )
    )


def _declare(cdll: ctypes.CDLL) -> ctypes.CDLL:
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(cdll, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return cdll

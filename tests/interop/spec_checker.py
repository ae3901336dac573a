#!/usr/bin/env python3
"""An independent UserSig v2 decoder and checker, written from docs/FORMAT.md only.

It shares no code with the Rust crate and uses only the Python standard library, so a token
that passes here and under `usersig verify` has been read the same way twice. The official
SDKs cannot play this role: they only mint.

As a module:
    decoded = decode_token(token)                       # FORMAT.md §4, §3; raises CheckError
    check_token(token, key, sdkappid=..., identifier=...)  # + FORMAT.md §2 signature, §5.3-5
    parse_private_map_key(decoded.userbuf)              # FORMAT.md §6
    build_private_map_key(...)                          # FORMAT.md §6, for SDKs that lack it

As a command:
    USERSIG_KEY=... python3 spec_checker.py [--sdkappid N] [--identifier ID] TOKEN|-
prints a JSON report; exit 0 when the token decodes (and, with a key, its signature and the
stated sdkappid/identifier match), 1 when it does not, 2 on usage errors. Without USERSIG_KEY
it only decodes. The key is read from the environment, never from argv.

Clock checks (FORMAT.md §5.6-7) are left to the caller: `Decoded.expires_at` is exact.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import os
import sys
import zlib

# FORMAT.md §5.1
MAX_TOKEN_BYTES = 16 * 1024
MAX_JSON_BYTES = 64 * 1024
U32_MAX = 2**32 - 1
U64_MAX = 2**64 - 1

# RFC 1950 FLEVEL, as zlib and miniz write it: levels 0 and 1 both say "fastest" (0), so
# stored blocks are told apart by walking the deflate blocks instead (see ZlibInfo.all_stored).
FLEVEL_NAMES = {0: "fastest", 1: "fast", 2: "default", 3: "maximum"}

# FORMAT.md §4.2: the token alphabet, padding kept.
_TOKEN_ALPHABET = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-_")
_ASCII_WHITESPACE = " \t\n\r\f\v"


class CheckError(Exception):
    """A token FORMAT.md says to reject. `kind` uses the CLI's error kinds (FORMAT.md §5)."""

    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


@dataclasses.dataclass(frozen=True)
class ZlibInfo:
    flevel: int          # RFC 1950 FLEVEL bits of the header (0..3)
    all_stored: bool     # every deflate block is a stored (BTYPE 00) block

    @property
    def flevel_name(self) -> str:
        return FLEVEL_NAMES[self.flevel]


@dataclasses.dataclass(frozen=True)
class Decoded:
    token: str
    compressed: bytes
    zlib: ZlibInfo
    json_bytes: bytes
    doc: dict                      # the parsed FORMAT.md §3 document, keys as in the token
    userbuf: bytes | None          # raw userbuf bytes, when TLS.userbuf is present

    @property
    def identifier(self) -> str:
        return self.doc["TLS.identifier"]

    @property
    def sdkappid(self) -> int:
        return self.doc["TLS.sdkappid"]

    @property
    def time(self) -> int:
        return self.doc["TLS.time"]

    @property
    def expire(self) -> int:
        return self.doc["TLS.expire"]

    @property
    def expires_at(self) -> int:
        return self.doc["TLS.time"] + self.doc["TLS.expire"]

    @property
    def userbuf_b64(self) -> str | None:
        return self.doc.get("TLS.userbuf")

    @property
    def sig(self) -> str:
        return self.doc["TLS.sig"]


# ---------------------------------------------------------------- FORMAT.md §4.2-4.3 outer encoding

def outer_encode(data: bytes) -> str:
    """FORMAT.md §4.2: b64, then + -> *, / -> -, = -> _ (padding kept)."""
    return base64.b64encode(data).decode("ascii").translate(str.maketrans("+/=", "*-_"))


def is_emitted_form(token: str) -> bool:
    """What we emit (FORMAT.md §4.2): only [A-Za-z0-9*_-], padded to a multiple of 4."""
    return len(token) % 4 == 0 and all(c in _TOKEN_ALPHABET for c in token)


def outer_decode(token: str) -> bytes:
    """FORMAT.md §4.2, and the leniency of §4.3: plain b64, stripped padding, ASCII whitespace."""
    if len(token.encode("utf-8", "surrogatepass")) > MAX_TOKEN_BYTES:
        raise CheckError("malformed", f"token longer than {MAX_TOKEN_BYTES} bytes (FORMAT.md §5.1)")
    text = "".join(c for c in token if c not in _ASCII_WHITESPACE)
    text = text.translate(str.maketrans("*-_", "+/="))
    stripped = text.rstrip("=")
    if len(text) - len(stripped) > 2 or "=" in stripped:
        raise CheckError("malformed", "misplaced padding")
    if len(stripped) % 4 == 1:
        raise CheckError("malformed", "truncated base64")
    padded = stripped + "=" * (-len(stripped) % 4)
    try:
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError) as e:
        raise CheckError("malformed", f"not base64: {e}") from None


# ---------------------------------------------------------------- FORMAT.md §4.1 zlib

def zlib_info(compressed: bytes) -> ZlibInfo:
    """Reads the RFC 1950 header and walks the deflate blocks while they are stored blocks."""
    if len(compressed) < 2 + 4:
        raise CheckError("malformed", "too short for a zlib stream")
    cmf, flg = compressed[0], compressed[1]
    if cmf & 0x0F != 8 or cmf >> 4 > 7 or (cmf * 256 + flg) % 31 != 0:
        # Raw deflate and gzip land here: Tencent's servers reject them (FORMAT.md §4.1).
        raise CheckError("malformed", f"not a zlib header: {compressed[:2].hex()}")
    if flg & 0x20:
        raise CheckError("malformed", "zlib preset dictionary")
    return ZlibInfo(flevel=flg >> 6, all_stored=_all_stored(compressed[2:-4]))


def _all_stored(deflate: bytes) -> bool:
    # A stored block: 3 header bits (BFINAL, BTYPE=00), pad to a byte, LEN, NLEN, LEN bytes.
    # Since stored blocks end byte-aligned, every header we meet here starts a byte.
    pos = 0
    while pos < len(deflate):
        header = deflate[pos]
        if (header >> 1) & 0b11 != 0:
            return False
        if pos + 5 > len(deflate):
            return False
        length = int.from_bytes(deflate[pos + 1:pos + 3], "little")
        nlength = int.from_bytes(deflate[pos + 3:pos + 5], "little")
        if length ^ nlength != 0xFFFF:
            return False
        pos += 5 + length
        if header & 1:
            return pos == len(deflate)
    return False


def inflate(compressed: bytes) -> bytes:
    """Exactly one zlib stream, Adler-32 checked, bounded while inflating (FORMAT.md §5.1)."""
    inflater = zlib.decompressobj(wbits=15)
    try:
        out = inflater.decompress(compressed, MAX_JSON_BYTES + 1)
    except zlib.error as e:
        raise CheckError("malformed", f"zlib: {e}") from None
    if len(out) > MAX_JSON_BYTES:
        raise CheckError("malformed", f"inflates past {MAX_JSON_BYTES} bytes (FORMAT.md §5.1)")
    if not inflater.eof:
        raise CheckError("malformed", "truncated zlib stream")
    if inflater.unused_data:
        raise CheckError("malformed", "bytes after the zlib stream")
    return out


# ---------------------------------------------------------------- FORMAT.md §3 JSON document

_INT_FIELDS = ("TLS.sdkappid", "TLS.expire", "TLS.time")
_STR_FIELDS = ("TLS.identifier", "TLS.sig")


def _reject_duplicates(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise CheckError("malformed", f"duplicate key {k!r}")
        obj[k] = v
    return obj


def _reject_constant(name):
    raise CheckError("malformed", f"not JSON: {name}")


def parse_document(json_bytes: bytes) -> dict:
    """FORMAT.md §3 and §5.2: a JSON object with the right types, integers in range, no duplicates."""
    try:
        text = json_bytes.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CheckError("malformed", f"JSON is not UTF-8: {e}") from None
    try:
        doc = json.loads(text, object_pairs_hook=_reject_duplicates,
                         parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise CheckError("malformed", f"not JSON: {e}") from None
    if not isinstance(doc, dict):
        raise CheckError("malformed", "JSON is not an object")
    if "TLS.ver" not in doc:
        if "TLS.sdk_appid" in doc or "TLS.expire_after" in doc:
            raise CheckError("unsupported_version", "legacy v1 (ECDSA) token")
        raise CheckError("malformed", "missing TLS.ver")
    if doc["TLS.ver"] != "2.0":
        raise CheckError("unsupported_version", f"TLS.ver {doc['TLS.ver']!r}")
    for name in _INT_FIELDS:
        value = doc.get(name)
        # bool is an int in Python; JSON true is not an integer.
        if type(value) is not int or not 0 <= value <= U64_MAX:
            raise CheckError("malformed", f"{name} is not an integer in range: {value!r}")
    for name in _STR_FIELDS:
        if type(doc.get(name)) is not str:
            raise CheckError("malformed", f"{name} is not a string: {doc.get(name)!r}")
    if "TLS.userbuf" in doc and type(doc["TLS.userbuf"]) is not str:
        raise CheckError("malformed", "TLS.userbuf is not a string")
    for name in ("TLS.identifier", "TLS.userbuf"):
        if name in doc:
            try:
                doc[name].encode("utf-8")
            except UnicodeEncodeError:
                raise CheckError("malformed", f"{name} holds a lone surrogate") from None
    return doc


def emitted_json(doc: dict) -> bytes:
    """The bytes FORMAT.md §3 says we emit for `doc`: compact, fixed key order, raw UTF-8."""
    order = ["TLS.ver", "TLS.identifier", "TLS.sdkappid", "TLS.expire", "TLS.time"]
    if "TLS.userbuf" in doc:
        order.append("TLS.userbuf")
    order.append("TLS.sig")
    ordered = {k: doc[k] for k in order}
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---------------------------------------------------------------- FORMAT.md §2 signature

def signed_content(identifier: str, sdkappid: int, time: int, expire: int,
                   userbuf_b64: str | None = None) -> bytes:
    """FORMAT.md §2: `name:value\\n` lines; the userbuf line carries the b64 text, not raw bytes."""
    lines = [f"TLS.identifier:{identifier}\n", f"TLS.sdkappid:{sdkappid}\n",
             f"TLS.time:{time}\n", f"TLS.expire:{expire}\n"]
    if userbuf_b64 is not None:
        lines.append(f"TLS.userbuf:{userbuf_b64}\n")
    return "".join(lines).encode("utf-8")


def compute_sig(key: str, content: bytes) -> str:
    """FORMAT.md §1-2: the key is used as its raw UTF-8 bytes, never hex-decoded."""
    if not key:
        raise ValueError("empty key")
    mac = hmac.new(key.encode("utf-8"), content, hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def signature_matches(decoded: Decoded, key: str) -> bool:
    """FORMAT.md §5.5: recompute over the parsed fields, TLS.userbuf hashed exactly as received."""
    expected = compute_sig(key, signed_content(
        decoded.identifier, decoded.sdkappid, decoded.time, decoded.expire,
        decoded.userbuf_b64))
    try:
        got = base64.b64decode(decoded.sig, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(got) == 32 and hmac.compare_digest(got, base64.b64decode(expected))


# ---------------------------------------------------------------- whole tokens

def decode_token(token: str) -> Decoded:
    """FORMAT.md §4 then §3. Raises CheckError("malformed" | "unsupported_version", ...)."""
    compressed = outer_decode(token)
    info = zlib_info(compressed)
    json_bytes = inflate(compressed)
    doc = parse_document(json_bytes)
    userbuf = None
    if "TLS.userbuf" in doc:
        # §5.5 hashes the text as received; old Java tokens wrap it, so decode leniently here.
        text = "".join(c for c in doc["TLS.userbuf"] if c not in _ASCII_WHITESPACE)
        try:
            userbuf = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as e:
            raise CheckError("malformed", f"TLS.userbuf is not base64: {e}") from None
    return Decoded(token=token, compressed=compressed, zlib=info, json_bytes=json_bytes,
                   doc=doc, userbuf=userbuf)


def check_token(token: str, key: str, sdkappid: int | None = None,
                identifier: str | None = None) -> Decoded:
    """Decode, then FORMAT.md §5.3-5 in order. Raises CheckError with the CLI's error kinds."""
    decoded = decode_token(token)
    if sdkappid is not None and decoded.sdkappid != sdkappid:
        raise CheckError("sdkappid_mismatch", f"token is for {decoded.sdkappid}")
    if identifier is not None and decoded.identifier.encode("utf-8") != identifier.encode("utf-8"):
        raise CheckError("identifier_mismatch", f"token is for {decoded.identifier!r}")
    if not signature_matches(decoded, key):
        raise CheckError("bad_signature", "HMAC-SHA256 does not match")
    return decoded


# ---------------------------------------------------------------- FORMAT.md §6 PrivateMapKey

def build_private_map_key(identifier: str, sdkappid: int, time: int, expire: int,
                          privileges: int, room_id: int = 0,
                          room_str: str | None = None) -> bytes:
    """FORMAT.md §6 layout; lengths in bytes. An empty room string means a numeric room."""
    account = identifier.encode("utf-8")
    room = (room_str or "").encode("utf-8")
    version = 1 if room else 0
    if room:
        room_id = 0
    out = bytes([version]) + len(account).to_bytes(2, "big") + account
    for value in (sdkappid, room_id, time + expire, privileges, 0):
        out += value.to_bytes(4, "big")  # raises OverflowError past u32
    if version == 1:
        out += len(room).to_bytes(2, "big") + room
    return out


def parse_private_map_key(buf: bytes) -> dict:
    """FORMAT.md §6. Every byte must be accounted for. Raises CheckError("malformed", ...)."""
    def need(n: int, at: int, what: str):
        if at + n > len(buf):
            raise CheckError("malformed", f"PrivateMapKey too short for {what} at {at}")

    need(3, 0, "header")
    version = buf[0]
    if version not in (0, 1):
        raise CheckError("malformed", f"PrivateMapKey version {version}")
    length = int.from_bytes(buf[1:3], "big")
    need(length, 3, "account")
    account_bytes = buf[3:3 + length]
    at = 3 + length
    need(20, at, "fixed fields")
    fields = [int.from_bytes(buf[at + 4 * i:at + 4 * i + 4], "big") for i in range(5)]
    at += 20
    room_str = None
    if version == 1:
        need(2, at, "room string length")
        room_len = int.from_bytes(buf[at:at + 2], "big")
        need(room_len, at + 2, "room string")
        room_bytes = buf[at + 2:at + 2 + room_len]
        at += 2 + room_len
        try:
            room_str = room_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise CheckError("malformed", "PrivateMapKey room string is not UTF-8") from None
    if at != len(buf):
        raise CheckError("malformed", f"PrivateMapKey has {len(buf) - at} trailing bytes")
    try:
        account = account_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise CheckError("malformed", "PrivateMapKey account is not UTF-8") from None
    return {
        "version": version,
        "account": account,
        "sdkappid": fields[0],
        "room_id": fields[1],
        "room_str": room_str,
        "expires_at": fields[2],
        "privileges": fields[3],
        "account_type": fields[4],
    }


# ---------------------------------------------------------------- command line

def report(decoded: Decoded, key: str | None) -> dict:
    pmk = None
    if decoded.userbuf is not None:
        try:
            pmk = parse_private_map_key(decoded.userbuf)
        except CheckError:
            pmk = None
    out = {
        "document": decoded.doc,
        "expires_at": decoded.expires_at,
        "emitted_form": is_emitted_form(decoded.token) and decoded.json_bytes == emitted_json(
            decoded.doc),
        "zlib": {"flevel": decoded.zlib.flevel, "flevel_name": decoded.zlib.flevel_name,
                 "all_stored": decoded.zlib.all_stored},
        "private_map_key": pmk,
    }
    if key is not None:
        out["signature_ok"] = signature_matches(decoded, key)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Decode and check a UserSig v2 token against docs/FORMAT.md (key from USERSIG_KEY).")
    parser.add_argument("--sdkappid", type=int)
    parser.add_argument("--identifier")
    parser.add_argument("token", help="the token, or - to read it from stdin")
    args = parser.parse_args(argv)
    token = sys.stdin.read() if args.token == "-" else args.token
    key = os.environ.get("USERSIG_KEY") or None
    try:
        if key is not None:
            decoded = check_token(token, key, args.sdkappid, args.identifier)
        else:
            decoded = decode_token(token)
            if args.sdkappid is not None and decoded.sdkappid != args.sdkappid:
                raise CheckError("sdkappid_mismatch", f"token is for {decoded.sdkappid}")
            if args.identifier is not None and decoded.identifier != args.identifier:
                raise CheckError("identifier_mismatch", f"token is for {decoded.identifier!r}")
    except CheckError as e:
        print(json.dumps({"ok": False, "error": e.kind, "message": e.message}))
        return 1
    print(json.dumps({"ok": True, **report(decoded, key)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Interop between `usersig` and the published SDKs, judged by an independent checker.

(a) Tokens minted by the real SDKs -- PyPI tls-sig-api-v2==1.1 and npm tls-sig-api-v2@1.0.2,
    clocks pinned -- must verify under `usersig verify` with exact claims, expire exactly one
    second after their last valid second, and fail under a wrong key.
(b) Tokens minted by `usersig gen` at every compression setting must decode, match FORMAT.md's
    emitted form and re-hash under spec_checker.py, which is written from docs/FORMAT.md alone with
    the standard library (the SDKs cannot verify), and carry the same TLS.sig as the PyPI SDK.
(c) spec_checker itself accepts the known answers of FORMAT.md §2 and rejects tampered tokens, so a
    passing (b) means something.

SDK quirks found while writing this suite (none stop their tokens from verifying):
- npm 1.0.2 _genUserbuf counts the account and the string room in UTF-16 units and stores
  charCodeAt() & 0xFF: a non-ASCII identifier or room string yields a PrivateMapKey that
  disagrees with FORMAT.md §6 (test_npm_private_map_key_mangles_non_ascii_accounts).
- npm 1.0.2 writes an empty string room as version 1 with a 0-byte room, where FORMAT.md §6 says
  empty means "no string room", version 0 (test_npm_empty_string_room_is_written_as_version_1).
- npm 1.0.2 reads Date.now() twice for a PrivateMapKey (token time, then the userbuf's absolute
  expiry, unfloored): unpinned they can straddle a second; the sub-second cases pin 999 ms.
- npm 1.0.2 packs the PrivateMapKey's integers with 32-bit bitwise operators: room ids and
  absolute expiries past u32 wrap silently instead of failing.
- npm 1.0.2 and PyPI 1.1 both emit TLS.userbuf "" for an empty userbuf (and hash it), unlike the
  Go SDK (FORMAT.md §7); those tokens are covered below as "empty-userbuf".
- PyPI 1.1 writes non-ASCII as \\uXXXX escapes, astral characters as surrogate pairs (FORMAT.md §3),
  and has no PrivateMapKey API: its PMK tokens here carry a userbuf built from FORMAT.md §6.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import os
import zlib
from pathlib import Path

import pytest

import spec_checker as sc
import TLSSigAPIv2  # PyPI tls-sig-api-v2==1.1
from conftest import KEY, REPO, SDKAPPID, WRONG_KEY

SPEC_TIME = 1569910200     # FORMAT.md §2 known answers
SPEC_EXPIRE = 15552000     # 180 days, the SDKs' and our default (FORMAT.md §7)
RECENT = 1700000000


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def pseudo_random(n: int) -> bytes:
    out = b""
    block = b"usersig interop"
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block
    return out[:n]


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    identifier: str
    time: int
    expire: int
    userbuf: bytes | None = None         # raw userbuf for kind "userbuf"
    room_id: int | None = None           # kind "pmk_room"
    room_str: str | None = None          # kind "pmk_str"
    privileges: int = 255
    subsecond_ms: int = 0                # how far past `time` the SDK's clock is pinned

    @property
    def kind(self) -> str:
        if self.room_str is not None:
            return "pmk_str"
        if self.room_id is not None:
            return "pmk_room"
        return "plain" if self.userbuf is None else "userbuf"

    @property
    def expected_userbuf(self) -> bytes | None:
        if self.kind.startswith("pmk"):
            return sc.build_private_map_key(
                self.identifier, SDKAPPID, self.time, self.expire, self.privileges,
                room_id=self.room_id or 0, room_str=self.room_str)
        return self.userbuf

    @property
    def expected_private_map_key(self) -> dict | None:
        # Userbufs that are not a FORMAT.md §6 layout (all the plain "userbuf" cases) report null.
        buf = self.expected_userbuf
        if buf is None:
            return None
        try:
            return sc.parse_private_map_key(buf)
        except sc.CheckError:
            return None

    def expected_claims(self) -> dict:
        buf = self.expected_userbuf
        return {
            "identifier": self.identifier,
            "sdkappid": SDKAPPID,
            "time": self.time,
            "expire": self.expire,
            "expires_at": self.time + self.expire,
            "userbuf_b64": None if buf is None else b64(buf),
            "private_map_key": self.expected_private_map_key,
        }

    def gen_args(self) -> tuple[str, ...]:
        """`usersig gen` options that mint the same token content."""
        if self.kind == "userbuf":
            return ("--userbuf-b64", b64(self.userbuf))
        if self.kind == "pmk_room":
            return ("--room-id", str(self.room_id), "--privileges", str(self.privileges))
        if self.kind == "pmk_str":
            return ("--room-str", self.room_str, "--privileges", str(self.privileges))
        return ()

    def node_request(self) -> dict:
        req = {"kind": self.kind, "sdkappid": SDKAPPID, "key": KEY,
               "identifier": self.identifier, "expire": self.expire, "time": self.time,
               "millis": self.subsecond_ms}
        if self.kind == "userbuf":
            req["userbuf_b64"] = b64(self.userbuf)
        elif self.kind == "pmk_room":
            req.update(room_id=self.room_id, privileges=self.privileges)
        elif self.kind == "pmk_str":
            req.update(room_str=self.room_str, privileges=self.privileges)
        return req


IDENTIFIERS = {
    "ascii": "xiaojun",
    "digit-zero": "0",
    "cjk-slash": "小军/é",
    "emoji": "emoji😀🎉",
    "json-special": 'a"b\\c<>&',
    "spaces": " two  spaces ",
    "long": "u" * 300,
}
TIMES = [0, 1, SPEC_TIME, RECENT, 2**31 - 1, 2**31, 4102444800]
EXPIRES = [0, 1, 300, SPEC_EXPIRE, 2**31 - 1, 2**32 + 7, 10**12, 2**53 - 1]
USERBUFS = {
    "all-bytes": bytes(range(256)),
    "all-bytes-reversed": bytes(reversed(range(256))),
    "abc": b"abc",
    "one-nul": b"\x00",
    "empty-userbuf": b"",
    "2KiB": pseudo_random(2048),
}

COMMON_CASES = [
    *(Case(f"plain-{name}", ident, SPEC_TIME, SPEC_EXPIRE) for name, ident in IDENTIFIERS.items()),
    *(Case(f"plain-time-{t}", "xiaojun", t, 86400) for t in TIMES),
    *(Case(f"plain-expire-{e}", "小军/é", RECENT, e) for e in EXPIRES),
    Case("plain-subsecond", "xiaojun", RECENT, 300, subsecond_ms=999),
    *(Case(f"userbuf-{name}", "xiaojun", SPEC_TIME, SPEC_EXPIRE, userbuf=buf)
      for name, buf in USERBUFS.items()),
    Case("userbuf-all-bytes-emoji-id", "emoji😀🎉", RECENT, 0, userbuf=bytes(range(256))),
    # PrivateMapKeys: ASCII accounts and rooms only, which npm 1.0.2 packs correctly.
    Case("pmk-room-spec-example", "xiaojun", SPEC_TIME, SPEC_EXPIRE, room_id=10000),
    Case("pmk-room-u32-max", "user_1", RECENT, 300, room_id=2**32 - 1, privileges=42),
    Case("pmk-room-expire-0-no-privileges", "0", RECENT, 0, room_id=1, privileges=0),
    Case("pmk-room-subsecond", "xiaojun", RECENT, 86400, room_id=123, subsecond_ms=999),
    Case("pmk-str-spec-example", "xiaojun", SPEC_TIME, SPEC_EXPIRE, room_str="1000000040"),
    Case("pmk-str-ascii", "user_1", RECENT, 86400, room_str="Room_A-01.x", privileges=43),
]
# The PyPI SDK has no PrivateMapKey API; these go through gen_sig_with_userbuf with a §6
# userbuf counted in bytes, which npm 1.0.2 cannot produce.
PYPI_ONLY_CASES = [
    Case("pmk-room-non-ascii-account", "小军/é", SPEC_TIME, SPEC_EXPIRE, room_id=10000),
    Case("pmk-str-non-ascii-room", "小军/é", RECENT, 600, room_str="房间-🎉", privileges=12),
    Case("pmk-str-long-room", "xiaojun", RECENT, 600, room_str="r" * 1000),
]
NPM_CASES = COMMON_CASES
PYPI_CASES = COMMON_CASES + PYPI_ONLY_CASES
SDK_CASES = [pytest.param("pypi", c, id=f"pypi-{c.name}") for c in PYPI_CASES] + \
            [pytest.param("npm", c, id=f"npm-{c.name}") for c in NPM_CASES]


def mint_pypi(case: Case, monkeypatch) -> str:
    api = TLSSigAPIv2.TLSSigAPIv2(SDKAPPID, KEY)
    pinned = case.time + case.subsecond_ms / 1000
    with monkeypatch.context() as m:
        m.setattr(TLSSigAPIv2.time, "time", lambda: pinned)
        if case.expected_userbuf is None:
            return api.gen_sig(case.identifier, expire=case.expire)
        return api.gen_sig_with_userbuf(case.identifier, case.expire, case.expected_userbuf)


@pytest.fixture(scope="session")
def npm_tokens(mint_node) -> dict[str, str]:
    """Every npm case minted by one Node process."""
    return dict(zip((c.name for c in NPM_CASES),
                    mint_node([c.node_request() for c in NPM_CASES])))


@pytest.fixture
def sdk_token(request, monkeypatch):
    def token(sdk: str, case: Case) -> str:
        if sdk == "pypi":
            return mint_pypi(case, monkeypatch)
        return request.getfixturevalue("npm_tokens")[case.name]
    return token


def contract_fields(got: dict | None, expected: dict | None) -> dict | None:
    """`got` cut to the keys the contract names: the CLI may add more (e.g. expires_at_utc)."""
    if not isinstance(got, dict) or expected is None:
        return got
    return {k: got.get(k, "<missing>") for k in expected}


def assert_claims(result: dict, expected: dict):
    assert result["valid"] is True and result["error"] is None, result
    assert isinstance(result["message"], str)
    claims = result["claims"]
    assert contract_fields(claims, expected) | {
        "private_map_key": contract_fields(claims.get("private_map_key", "<missing>"),
                                           expected["private_map_key"])} == expected


def assert_invalid(code: int, result: dict, kind: str):
    """The contract: exit 1, one JSON object, an error kind, a message, no claims."""
    assert (code, result["valid"], result["error"]) == (1, False, kind), result
    assert isinstance(result["message"], str) and result["message"], result
    assert "claims" not in result, result


# ------------------------------------------------------------------ (a) SDK tokens, our CLI

@pytest.mark.parametrize("sdk,case", SDK_CASES)
def test_sdk_token_verifies_with_exact_claims(usersig, sdk_token, sdk, case):
    token = sdk_token(sdk, case)
    # The checker reads the SDK token the same way first, so a CLI failure below is the CLI's.
    decoded = sc.check_token(token, KEY, SDKAPPID, case.identifier)
    assert decoded.userbuf == case.expected_userbuf

    expected = case.expected_claims()
    userbuf_args = () if expected["userbuf_b64"] is None else \
        ("--userbuf-b64", expected["userbuf_b64"])
    code, result = usersig.verify(token, identifier=case.identifier, now=case.time,
                                  extra=userbuf_args)
    assert code == 0, result
    assert_claims(result, expected)


@pytest.mark.parametrize("sdk,case", SDK_CASES)
def test_sdk_token_fails_an_unmet_userbuf_expectation(usersig, sdk_token, sdk, case):
    # FORMAT.md §5.8: a stated userbuf must be present with equal bytes.
    token = sdk_token(sdk, case)
    buf = case.expected_userbuf
    wrong = b"abc" if buf is None else buf + b"\x00"
    code, result = usersig.verify(token, identifier=case.identifier, now=case.time,
                                  extra=("--userbuf-b64", b64(wrong)))
    assert_invalid(code, result, "userbuf_mismatch")


@pytest.mark.parametrize("sdk,case", [p for p in SDK_CASES if p.values[1].kind.startswith("pmk")])
def test_sdk_private_map_key_meets_room_and_privilege_expectations(usersig, sdk_token, sdk, case):
    token = sdk_token(sdk, case)
    if case.kind == "pmk_room":
        right = ("--room-id", str(case.room_id))
        wrong = ("--room-id", str(case.room_id + 1 if case.room_id < 2**32 - 1 else 1))
    else:
        right = ("--room-str", case.room_str)
        wrong = ("--room-str", case.room_str + "x")
    privileges = ("--privileges", str(case.privileges))

    code, result = usersig.verify(token, identifier=case.identifier, now=case.time,
                                  extra=right + privileges)
    assert code == 0, result
    assert_claims(result, case.expected_claims())

    code, result = usersig.verify(token, identifier=case.identifier, now=case.time,
                                  extra=wrong + privileges)
    assert_invalid(code, result, "userbuf_mismatch")


@pytest.mark.parametrize("sdk,case", SDK_CASES)
def test_sdk_token_is_valid_in_its_last_second_and_expired_one_second_later(
        usersig, sdk_token, sdk, case):
    token = sdk_token(sdk, case)
    last_second = case.time + case.expire  # FORMAT.md §5.7: expired iff now > time + expire
    code, result = usersig.verify(token, identifier=case.identifier, now=last_second)
    assert code == 0, result
    code, result = usersig.verify(token, identifier=case.identifier, now=last_second + 1)
    assert_invalid(code, result, "expired")


@pytest.mark.parametrize("sdk,case", SDK_CASES)
def test_sdk_token_fails_under_a_wrong_key(usersig, sdk_token, sdk, case):
    token = sdk_token(sdk, case)
    code, result = usersig.verify(token, identifier=case.identifier, now=case.time,
                                  key=WRONG_KEY)
    assert_invalid(code, result, "bad_signature")


def test_pypi_escapes_astral_identifiers_as_surrogate_pairs(usersig, monkeypatch):
    # FORMAT.md §3: we accept any valid escape, surrogate pairs included. Make sure the PyPI token
    # really exercises that path rather than trusting the SDK's json.dumps defaults.
    case = Case("surrogates", "emoji😀🎉", SPEC_TIME, SPEC_EXPIRE)
    token = mint_pypi(case, monkeypatch)
    raw = sc.decode_token(token).json_bytes
    assert b"\\ud83d\\ude00" in raw and raw.isascii()
    code, result = usersig.verify(token, identifier=case.identifier, now=case.time)
    assert code == 0, result
    assert result["claims"]["identifier"] == "emoji😀🎉"


def test_npm_private_map_key_mangles_non_ascii_accounts(usersig, mint_node):
    # npm 1.0.2 quirk: account length in UTF-16 units, bytes = charCodeAt() & 0xFF. The token is
    # still correctly signed over the userbuf it carries, so it verifies; only the PMK is wrong.
    case = Case("mangled", "小军", SPEC_TIME, SPEC_EXPIRE, room_id=10000)
    [token] = mint_node([case.node_request()])
    decoded = sc.check_token(token, KEY, SDKAPPID, case.identifier)
    assert decoded.userbuf[1:5] == b"\x00\x02\x0f\x9b"  # U+5C0F, U+519B cut to their low bytes
    assert decoded.userbuf != case.expected_userbuf
    code, result = usersig.verify(token, identifier=case.identifier, now=case.time,
                                  extra=("--userbuf-b64", decoded.userbuf_b64))
    assert code == 0, result
    assert result["claims"]["userbuf_b64"] == decoded.userbuf_b64


def test_npm_empty_string_room_is_written_as_version_1(usersig, mint_node):
    # npm 1.0.2 quirk: FORMAT.md §6 says an empty string room means a numeric room (version 0);
    # the SDK writes version 1 with a zero-length room string. It still verifies as a userbuf.
    case = Case("empty-room", "xiaojun", SPEC_TIME, SPEC_EXPIRE, room_str="")
    [token] = mint_node([case.node_request()])
    decoded = sc.check_token(token, KEY, SDKAPPID, case.identifier)
    assert decoded.userbuf[0] == 1 and decoded.userbuf.endswith(b"\x00\x00")
    assert sc.parse_private_map_key(decoded.userbuf)["room_str"] == ""
    assert sc.build_private_map_key("xiaojun", SDKAPPID, SPEC_TIME, SPEC_EXPIRE, 255,
                                    room_str="")[0] == 0
    code, result = usersig.verify(token, identifier=case.identifier, now=case.time,
                                  extra=("--userbuf-b64", decoded.userbuf_b64))
    assert code == 0, result
    assert result["claims"]["userbuf_b64"] == decoded.userbuf_b64


# ------------------------------------------------------------------ (b) our tokens, spec_checker

OUR_CASES = [
    *(Case(f"plain-{name}", ident, SPEC_TIME, SPEC_EXPIRE) for name, ident in IDENTIFIERS.items()),
    Case("plain-time-0", "xiaojun", 0, 86400),
    Case("plain-expire-0", "xiaojun", RECENT, 0),
    Case("plain-expire-2^53-1", "小军/é", RECENT, 2**53 - 1),
    Case("userbuf-all-bytes", "xiaojun", SPEC_TIME, SPEC_EXPIRE, userbuf=bytes(range(256))),
    Case("userbuf-empty", "小军/é", SPEC_TIME, SPEC_EXPIRE, userbuf=b""),
    Case("userbuf-2KiB", "xiaojun", RECENT, 300, userbuf=pseudo_random(2048)),
    Case("pmk-room-spec-example", "xiaojun", SPEC_TIME, SPEC_EXPIRE, room_id=10000),
    Case("pmk-room-non-ascii-u32-max", "小军/é", RECENT, 300, room_id=2**32 - 1, privileges=42),
    Case("pmk-str-spec-example", "xiaojun", SPEC_TIME, SPEC_EXPIRE, room_str="1000000040"),
    Case("pmk-str-non-ascii-room", "emoji😀🎉", RECENT, 0, room_str="房间-🎉", privileges=1),
    # FORMAT.md §6: an empty string room means "no string room", version 0, room id 0.
    Case("pmk-str-empty-means-numeric", "xiaojun", SPEC_TIME, SPEC_EXPIRE, room_str=""),
]
COMPRESSIONS = {
    # name: (RFC 1950 FLEVEL that zlib and miniz write, every deflate block stored?)
    "stored": (0, True),
    "fast": (0, False),
    "default": (2, False),
}


def expected_document(case: Case) -> dict:
    buf = case.expected_userbuf
    doc = {"TLS.ver": "2.0", "TLS.identifier": case.identifier, "TLS.sdkappid": SDKAPPID,
           "TLS.expire": case.expire, "TLS.time": case.time}
    if buf is not None:
        doc["TLS.userbuf"] = b64(buf)
    doc["TLS.sig"] = sc.compute_sig(KEY, sc.signed_content(
        case.identifier, SDKAPPID, case.time, case.expire, doc.get("TLS.userbuf")))
    return doc


@pytest.mark.parametrize("compression", list(COMPRESSIONS))
@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in OUR_CASES])
def test_our_token_decodes_and_rehashes_under_the_spec_checker(
        usersig, monkeypatch, case, compression):
    token = usersig.gen(identifier=case.identifier, time=case.time, expire=case.expire,
                        extra=case.gen_args() + ("--compression", compression))
    assert sc.is_emitted_form(token), token  # FORMAT.md §4.2: [A-Za-z0-9*_-], padding kept

    decoded = sc.check_token(token, KEY, SDKAPPID, case.identifier)
    expected = expected_document(case)
    assert decoded.doc == expected
    assert decoded.json_bytes == sc.emitted_json(expected)  # FORMAT.md §3: what we emit
    assert decoded.userbuf == case.expected_userbuf          # FORMAT.md §6 for PMKs
    if case.kind.startswith("pmk"):
        assert sc.parse_private_map_key(decoded.userbuf) == case.expected_private_map_key

    flevel, all_stored = COMPRESSIONS[compression]
    assert (decoded.zlib.flevel, decoded.zlib.all_stored) == (flevel, all_stored), \
        f"{compression}: zlib header {decoded.compressed[:2].hex()}"

    # The same content signed by the PyPI SDK carries the same TLS.sig.
    assert sc.decode_token(mint_pypi(case, monkeypatch)).sig == decoded.sig


def test_our_default_expire_is_180_days(usersig):
    token = usersig.gen(identifier="xiaojun", time=SPEC_TIME, expire=None)
    decoded = sc.check_token(token, KEY, SDKAPPID, "xiaojun")
    assert decoded.expire == SPEC_EXPIRE  # FORMAT.md §7
    assert decoded.sig == "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ="  # FORMAT.md §2


def test_cli_reads_the_token_from_stdin_and_the_key_from_a_file(usersig, tmp_path):
    token = usersig.gen(identifier="小军/é", time=SPEC_TIME, expire=SPEC_EXPIRE)
    key_file = tmp_path / "key"
    key_file.write_text(KEY)
    out = usersig.run(["verify", "--json", "--key-file", str(key_file), "--now", str(SPEC_TIME),
                       "--sdkappid", str(SDKAPPID), "--identifier", "小军/é", "-"],
                      key=None, stdin=token + "\n")
    assert out.code == 0, out
    assert_claims(out.json(), Case("", "小军/é", SPEC_TIME, SPEC_EXPIRE).expected_claims())


def test_cli_without_a_key_is_a_usage_error(usersig):
    token = usersig.gen(identifier="xiaojun", time=SPEC_TIME, expire=SPEC_EXPIRE)
    out = usersig.run(["verify", "--sdkappid", str(SDKAPPID), "--identifier", "xiaojun",
                       "--now", str(SPEC_TIME), "--", token], key=None)
    assert out.code == 2, out
    out = usersig.run(["gen", "--sdkappid", str(SDKAPPID), "--identifier", "xiaojun"], key=None)
    assert out.code == 2, out


# ------------------------------------------------------------------ (c) the checker can fail

SPEC_KNOWN_ANSWERS = [  # FORMAT.md §2
    ("xiaojun", None, "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ="),
    ("xiaojun", "abc", "3TxjjQy6zPPaA/ym48DhPp0nXv+HlvvewKWOX4u3upg="),
    ("0", None, "CpjuBdQs9ZwnuGAJR8onoOeI9fweX2vIMMY94iOJWJY="),
    ("0", "abc", "bC3u5cuslSg8Ds7KY58mhSkTrxunrFu50dkdkCYH4i8="),
]


def spec_token(doc: dict, level: int = 6, json_bytes: bytes | None = None) -> str:
    """A token built by hand from FORMAT.md §3-4, to tamper with."""
    raw = json_bytes if json_bytes is not None else sc.emitted_json(doc)
    return sc.outer_encode(zlib.compress(raw, level))


def known_answer_doc(**changes) -> dict:
    doc = expected_document(Case("ka", "xiaojun", SPEC_TIME, SPEC_EXPIRE))
    doc.update(changes)
    return doc


@pytest.mark.parametrize("identifier,userbuf,sig", SPEC_KNOWN_ANSWERS)
def test_checker_reproduces_the_spec_known_answers(identifier, userbuf, sig):
    userbuf_b64 = None if userbuf is None else b64(userbuf.encode())
    content = sc.signed_content(identifier, SDKAPPID, SPEC_TIME, SPEC_EXPIRE, userbuf_b64)
    assert sc.compute_sig(KEY, content) == sig
    doc = {"TLS.ver": "2.0", "TLS.identifier": identifier, "TLS.sdkappid": SDKAPPID,
           "TLS.expire": SPEC_EXPIRE, "TLS.time": SPEC_TIME, "TLS.sig": sig}
    if userbuf_b64 is not None:
        doc["TLS.userbuf"] = userbuf_b64
    assert sc.check_token(spec_token(doc), KEY, SDKAPPID, identifier).sig == sig
    # The key is its raw bytes (FORMAT.md §1): hex-decoding it gives a different signature.
    assert b64(hmac.new(bytes.fromhex(KEY), content, "sha256").digest()) != sig


def test_checker_reproduces_the_spec_private_map_key_examples():
    room = sc.build_private_map_key("xiaojun", SDKAPPID, SPEC_TIME, SPEC_EXPIRE, 255,
                                    room_id=10000)
    assert b64(room) == "AAAHeGlhb2p1blNyTgAAACcQXoA7uAAAAP8AAAAA"  # FORMAT.md §6
    string = sc.build_private_map_key("xiaojun", SDKAPPID, SPEC_TIME, SPEC_EXPIRE, 255,
                                      room_str="1000000040")
    assert b64(string) == "AQAHeGlhb2p1blNyTgAAAAAAXoA7uAAAAP8AAAAAAAoxMDAwMDAwMDQw"
    assert sc.parse_private_map_key(string) == {
        "version": 1, "account": "xiaojun", "sdkappid": SDKAPPID, "room_id": 0,
        "room_str": "1000000040", "expires_at": SPEC_TIME + SPEC_EXPIRE, "privileges": 255,
        "account_type": 0}
    for broken in (room[:-1], room + b"\x00", b"\x02" + room[1:], b""):
        with pytest.raises(sc.CheckError):
            sc.parse_private_map_key(broken)


def test_checker_accepts_the_lenient_outer_forms_of_spec_4_3():
    token = spec_token(known_answer_doc())
    assert token.endswith("_"), "pick a document whose token is padded"
    plain = token.translate(str.maketrans("*-_", "+/="))
    wrapped = "\n".join(token[i:i + 60] for i in range(0, len(token), 60)) + "\r\n"
    for variant in (token, plain, token.rstrip("_"), plain.rstrip("="), wrapped):
        assert sc.check_token(variant, KEY, SDKAPPID, "xiaojun").time == SPEC_TIME


TAMPERED = {
    "time-changed-sig-kept": (spec_token(known_answer_doc(**{"TLS.time": SPEC_TIME + 1})),
                              "bad_signature"),
    "expire-changed-sig-kept": (spec_token(known_answer_doc(**{"TLS.expire": 2**31})),
                                "bad_signature"),
    "userbuf-added-sig-kept": (spec_token(known_answer_doc(**{"TLS.userbuf": ""})),
                               "bad_signature"),
    "sig-truncated": (spec_token(known_answer_doc(**{"TLS.sig": "gOoeW13s19Fgyn8RwlEt"})),
                      "bad_signature"),
    "raw-deflate": (sc.outer_encode(zlib.compress(sc.emitted_json(known_answer_doc()))[2:-4]),
                    "malformed"),
    "bytes-after-stream": (sc.outer_encode(
        zlib.compress(sc.emitted_json(known_answer_doc())) + b"\x00"), "malformed"),
    "expire-as-string": (spec_token(known_answer_doc(**{"TLS.expire": "15552000"})),
                         "malformed"),
    "expire-as-float": (spec_token({}, json_bytes=sc.emitted_json(known_answer_doc()).replace(
        b'"TLS.expire":15552000', b'"TLS.expire":15552000.0')), "malformed"),
    "expire-negative": (spec_token(known_answer_doc(**{"TLS.expire": -1})), "malformed"),
    "expire-null": (spec_token(known_answer_doc(**{"TLS.expire": None})), "malformed"),
    "duplicate-time": (spec_token({}, json_bytes=sc.emitted_json(known_answer_doc()).replace(
        b'"TLS.sig"', b'"TLS.time":1,"TLS.sig"')), "malformed"),
    "version-3": (spec_token(known_answer_doc(**{"TLS.ver": "3.0"})), "unsupported_version"),
}


@pytest.mark.parametrize("token,kind", [pytest.param(*v, id=k) for k, v in TAMPERED.items()])
def test_checker_rejects_tampered_tokens(token, kind):
    with pytest.raises(sc.CheckError) as err:
        sc.check_token(token, KEY, SDKAPPID, "xiaojun")
    assert err.value.kind == kind


def test_checker_rejects_every_single_character_change_of_a_token():
    token = spec_token(known_answer_doc())
    alphabet = "AB*-_"
    for i in range(len(token)):
        for c in alphabet:
            if c == token[i]:
                continue
            tampered = token[:i] + c + token[i + 1:]
            try:
                sc.check_token(tampered, KEY, SDKAPPID, "xiaojun")
            except sc.CheckError:
                continue
            # A change confined to the final padding or unused low bits may decode to the same
            # bytes; anything else is a checker bug.
            assert sc.outer_decode(tampered) == sc.outer_decode(token), (i, c)


def test_checker_rejects_a_wrong_key_and_mismatched_claims():
    token = spec_token(known_answer_doc())
    for kwargs, kind in (({"key": WRONG_KEY}, "bad_signature"),
                         ({"sdkappid": SDKAPPID + 1}, "sdkappid_mismatch"),
                         ({"identifier": "xiaojun2"}, "identifier_mismatch")):
        args = {"key": KEY, "sdkappid": SDKAPPID, "identifier": "xiaojun", **kwargs}
        with pytest.raises(sc.CheckError) as err:
            sc.check_token(token, **args)
        assert err.value.kind == kind


@pytest.mark.parametrize("name", ["time-changed-sig-kept", "userbuf-added-sig-kept",
                                  "raw-deflate", "expire-as-float", "duplicate-time",
                                  "version-3"])
def test_cli_agrees_with_the_checker_on_tampered_tokens(usersig, name):
    token, kind = TAMPERED[name]
    code, result = usersig.verify(token, identifier="xiaojun", now=SPEC_TIME)
    assert_invalid(code, result, kind)


def official_vectors() -> list[dict]:
    """tests/data/official.json (or $USERSIG_VECTORS): the repository's own copy, always there."""
    path = Path(os.environ.get("USERSIG_VECTORS") or REPO / "tests" / "data" / "official.json")
    return json.loads(path.read_text(encoding="utf-8"))["vectors"]


def test_the_official_vectors_are_reminted_byte_for_byte_by_the_pinned_sdks(mint_node, monkeypatch):
    # Provenance (tests/data/README.md): the npm vectors come from tls-sig-api-v2@1.0.2 and the
    # Python ones without a room from PyPI tls-sig-api-v2==1.1, minted with the clock pinned at
    # the vector's time. Re-minting them here proves it, and that the vectors were not edited.
    node_kinds = {"room_id": "pmk_room", "room_str": "pmk_str"}
    npm = [v for v in official_vectors()
           if v["name"].startswith("node-") and v["expect"] == "valid"]
    requests = [{"kind": next((k for f, k in node_kinds.items() if f in v), "plain"),
                 "sdkappid": v["sdkappid"], "key": v["key"], "identifier": v["identifier"],
                 "expire": v["expire"], "time": v["time"],
                 **{f: v[f] for f in ("room_id", "room_str", "privileges") if f in v}}
                for v in npm]
    assert len(npm) >= 4
    assert [v["token"] for v in npm] == mint_node(requests)
    pypi = [v for v in official_vectors() if v["name"] in ("python-plain", "python-unicode")]
    assert len(pypi) == 2
    for v in pypi:
        with monkeypatch.context() as m:
            m.setattr(TLSSigAPIv2.time, "time", lambda v=v: v["time"])
            token = TLSSigAPIv2.TLSSigAPIv2(v["sdkappid"], v["key"]).gen_sig(v["identifier"],
                                                                            expire=v["expire"])
        assert token == v["token"], v["name"]


def test_checker_classifies_the_official_vectors_as_the_spec_does():
    for v in official_vectors():
        try:
            decoded = sc.check_token(v["token"], v["key"], v["sdkappid"], v["identifier"])
        except sc.CheckError as e:
            assert e.kind == v["expect"], (v["name"], e)
            continue
        assert v["expect"] == "valid", v["name"]
        assert (decoded.sig, decoded.time, decoded.expire) == (v["sig"], v["time"], v["expire"])
        assert decoded.userbuf_b64 == v.get("userbuf_b64"), v["name"]

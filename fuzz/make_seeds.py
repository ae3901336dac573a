#!/usr/bin/env python3
"""Writes the committed seed corpus, fuzz/corpus/<target>/seed-*, from the official vectors.

Usage: python3 fuzz/make_seeds.py [path/to/official.json]
Default vectors path: tests/data/official.json in the repository. Re-running is
idempotent; it only rewrites seed-* files (libFuzzer's own finds are git-ignored).
"""
import base64
import json
import pathlib
import sys
import zlib

FUZZ = pathlib.Path(__file__).resolve().parent
VECTORS = FUZZ.parent / "tests" / "data" / "official.json"
TOKEN_TARGETS = ["verify", "inspect", "outer", "differential", "forgery"]


def outer(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return text.replace("+", "*").replace("/", "-").replace("=", "_")


def token_of(doc: dict, level: int = 6) -> str:
    return outer(zlib.compress(json.dumps(doc, separators=(",", ":")).encode(), level))


def main() -> None:
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else VECTORS
    vectors = json.loads(path.read_text())["vectors"]
    seeds = {t: {} for t in TOKEN_TARGETS + ["private_map_key"]}
    for v in vectors:
        for t in TOKEN_TARGETS:
            seeds[t][v["name"]] = v["token"].encode()
        if "userbuf_b64" in v and ("room_id" in v or "room_str" in v):
            seeds["private_map_key"][v["name"]] = base64.b64decode(v["userbuf_b64"])

    # A few shapes the vectors lack: v1, another version, a duplicate key, line wrapping.
    base = {"TLS.ver": "2.0", "TLS.identifier": "xiaojun", "TLS.sdkappid": 1400000000,
            "TLS.expire": 15552000, "TLS.time": 1569910200,
            "TLS.sig": "gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ="}
    v1 = {"TLS.account_type": "0", "TLS.identifier": "xiaojun", "TLS.appid_at_3rd": "0",
          "TLS.sdk_appid": "1400000000", "TLS.expire_after": "180", "TLS.version": "201512300000",
          "TLS.time": "1569910200", "TLS.sig": "MEUCIQ"}
    extra = {
        "synth-v1": token_of(v1),
        "synth-ver-3": token_of({**base, "TLS.ver": "3.0"}),
        "synth-level9": token_of(base, 9),
        "synth-wrapped": "\n".join(token_of(base)[i:i + 64] for i in range(0, 200, 64)),
    }
    dup = zlib.compress(b'{"TLS.ver":"2.0","TLS.time":1,"TLS.time":2}', 6)
    extra["synth-duplicate"] = outer(dup)
    for t in TOKEN_TARGETS:
        for name, tok in extra.items():
            seeds[t][name] = tok.encode()
    seeds["private_map_key"]["synth-v1-empty-room"] = bytes(
        [1, 0, 1]) + b"a" + bytes(20) + bytes([0, 0])

    for target, files in seeds.items():
        d = FUZZ / "corpus" / target
        d.mkdir(parents=True, exist_ok=True)
        for old in d.glob("seed-*"):
            old.unlink()
        for name, data in files.items():
            (d / f"seed-{name}").write_bytes(data)
    print(f"wrote {sum(len(f) for f in seeds.values())} seeds for {len(seeds)} targets")


if __name__ == "__main__":
    main()

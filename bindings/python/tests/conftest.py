"""Shared fixtures: the app of FORMAT.md §2's known answers, and the official vectors (tests/data/official.json)."""

import base64
import json
import os
import zlib
from pathlib import Path

import pytest

APP = 1400000000
KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
T0 = 1569910200
EXPIRE = 15552000


def repo_root() -> Path:
    """The first directory above the tests holding Cargo.toml."""
    here = Path(__file__).resolve().parent
    for d in (here, *here.parents):
        if (d / "Cargo.toml").is_file():
            return d
    raise RuntimeError("no Cargo.toml above %s" % here)


def load_vectors():
    path = os.environ.get("USERSIG_VECTORS") or repo_root() / "tests" / "data" / "official.json"
    with open(path, encoding="utf-8") as f:
        vectors = json.load(f)["vectors"]
    assert vectors, path
    return vectors


def decode(token: str) -> dict:
    """FORMAT.md §4 undone: the token's JSON document."""
    raw = token.replace("*", "+").replace("-", "/").replace("_", "=")
    return json.loads(zlib.decompress(base64.b64decode(raw)))


def encode(doc: str) -> str:
    """FORMAT.md §4 applied to a JSON document."""
    text = base64.b64encode(zlib.compress(doc.encode())).decode()
    return text.replace("+", "*").replace("/", "-").replace("=", "_")


@pytest.fixture
def signer():
    import usersig

    with usersig.Signer(APP, KEY) as s:
        yield s


@pytest.fixture
def verifier():
    import usersig

    with usersig.Verifier(APP, KEY) as v:
        yield v

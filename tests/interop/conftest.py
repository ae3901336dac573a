"""Fixtures for the interop suite: our CLI, the npm SDK driver, and the demo app.

Setup (from the repository root):
    python3 -m venv target/interop-venv
    target/interop-venv/bin/pip install -r tests/interop/requirements.txt
    npm ci --prefix tests/interop
    cargo build --release            # or set USERSIG_BIN
    target/interop-venv/bin/python -m pytest tests/interop -q
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

INTEROP_DIR = Path(__file__).resolve().parent
REPO = INTEROP_DIR.parents[1]
sys.path.insert(0, str(INTEROP_DIR))

# The demo app of the official docs (FORMAT.md §2).
SDKAPPID = 1400000000
KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
# Same shape as KEY, one digit changed: a wrong key a careless checker might still accept.
WRONG_KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5f"

NODE_SDK_DIR = INTEROP_DIR / "node_modules" / "tls-sig-api-v2"


def _find_usersig() -> Path:
    from_env = os.environ.get("USERSIG_BIN")
    if from_env:
        path = Path(from_env)
        if not (path.is_file() and os.access(path, os.X_OK)):
            pytest.fail(f"USERSIG_BIN={from_env} is not an executable file", pytrace=False)
        return path
    for profile in ("release", "debug"):
        path = REPO / "target" / profile / "usersig"
        if path.is_file() and os.access(path, os.X_OK):
            return path
    pytest.fail(
        "the usersig CLI is missing: build it with `cargo build --release` "
        f"(looked for USERSIG_BIN, {REPO}/target/release/usersig, {REPO}/target/debug/usersig)",
        pytrace=False)


@dataclasses.dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        try:
            return json.loads(self.stdout)
        except json.JSONDecodeError:
            pytest.fail(f"usersig printed no JSON (exit {self.code}):\n"
                        f"stdout: {self.stdout!r}\nstderr: {self.stderr!r}", pytrace=False)


@dataclasses.dataclass(frozen=True)
class Usersig:
    """Runs the CLI. The key goes through the environment only, as the contract says."""

    binary: Path

    def run(self, args: list[str], key: str | None = KEY, stdin: str | None = None) -> Outcome:
        env = {k: v for k, v in os.environ.items() if k != "USERSIG_KEY"}
        if key is not None:
            env["USERSIG_KEY"] = key
        proc = subprocess.run([str(self.binary), *args], input=stdin, capture_output=True,
                              text=True, encoding="utf-8", env=env, timeout=30)
        return Outcome(proc.returncode, proc.stdout, proc.stderr)

    def gen(self, *, identifier: str, time: int, expire: int | None,
            sdkappid: int = SDKAPPID, extra: tuple[str, ...] = (), key: str = KEY) -> str:
        args = ["gen", "--sdkappid", str(sdkappid), "--identifier", identifier,
                "--time", str(time)]
        if expire is not None:
            args += ["--expire", str(expire)]
        out = self.run(args + list(extra), key=key)
        assert out.code == 0, f"usersig {args + list(extra)} exited {out.code}: {out.stderr}"
        assert out.stdout.endswith("\n") and out.stdout.count("\n") == 1, \
            f"gen must print the token and one newline, got {out.stdout!r}"
        return out.stdout[:-1]

    def verify(self, token: str, *, identifier: str, now: int, sdkappid: int = SDKAPPID,
               extra: tuple[str, ...] = (), key: str | None = KEY) -> tuple[int, dict]:
        args = ["verify", "--json", "--now", str(now), "--sdkappid", str(sdkappid),
                "--identifier", identifier, *extra, "--", token]
        out = self.run(args, key=key)
        return out.code, out.json()


@pytest.fixture(scope="session")
def usersig() -> Usersig:
    return Usersig(_find_usersig())


@pytest.fixture(scope="session")
def mint_node():
    """Returns mint(requests) -> tokens, driving the npm SDK through mint_node.js."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; the npm SDK needs Node.js", pytrace=False)
    if not (NODE_SDK_DIR / "TLSSigAPIv2.js").is_file():
        pytest.fail(f"{NODE_SDK_DIR} is missing: run `npm ci --prefix tests/interop` "
                    "from the repository root", pytrace=False)

    def mint(requests: list[dict]) -> list[str]:
        proc = subprocess.run([node, str(INTEROP_DIR / "mint_node.js")],
                              input=json.dumps(requests), capture_output=True, text=True,
                              encoding="utf-8", timeout=60)
        assert proc.returncode == 0, f"mint_node.js failed: {proc.stderr}"
        tokens = json.loads(proc.stdout)
        assert len(tokens) == len(requests)
        return tokens

    return mint

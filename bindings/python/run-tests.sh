#!/usr/bin/env bash
# The Python binding's whole test suite, in one command:
#   PYTHON=target/test-venv/bin/python bash bindings/python/run-tests.sh
# It builds the library (cargo build --release; quick when up to date), installs
# bindings/python into $PYTHON's environment with pip (default PYTHON=python3), checks that
# the installed copy is what gets imported, runs pytest (the official vectors, round trips,
# every error kind, 8 threads, the docstring examples, and the cross-checks against PyPI
# tls-sig-api-v2==1.1 when it is installed: tests/interop/requirements.txt pins both), then
# runs the README's examples as written, and docs/rest.md's Python example against a local
# stand-in for the REST endpoint (tests/rest_stub.py).
# The last line is "N passed, M failed"; the exit status is 0 only when M is 0.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PY_DIR=$ROOT/bindings/python
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BUILD=$TARGET/python-tests
LOGS=$BUILD/logs
PYTHON=${PYTHON:-python3}
# Absolute, as the steps below change directory (a venv's python is kept, not resolved).
case $PYTHON in */*) PYTHON=$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON") ;; esac
KEY=5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e
# The package must load the library pip built into it: no USERSIG_LIB from outside.
unset USERSIG_LIB
LIBRARY=$TARGET/release/libusersig.so

rm -rf "$BUILD"
mkdir -p "$LOGS"
# shellcheck source=../../scripts/steps.sh
. "$ROOT/scripts/steps.sh"

run cargo-build-release bash -c "cd '$ROOT' && cargo build --release"
if [ ! -f "$LIBRARY" ]; then
  echo "no library to test: $LIBRARY"
  failed=$((failed + 1))
  summary
fi

"$PYTHON" --version || { echo "no interpreter: PYTHON=$PYTHON"; exit 1; }

# With setuptools (>= 61) and wheel already there, build offline; otherwise let pip fetch
# the build backend (setuptools) into an isolated environment.
pip_install() {
  local isolation=()
  if "$PYTHON" -c 'import setuptools, wheel, sys; sys.exit(int(setuptools.__version__.split(".")[0]) < 61)' 2>/dev/null; then
    isolation=(--no-build-isolation)
  fi
  # pip builds in the tree: clear setuptools' build/ and egg-info before (stale files there
  # would be packaged) and after (keeping the checkout clean).
  local clean="rm -rf $PY_DIR/build $PY_DIR/src/usersig.egg-info"
  $clean
  "$PYTHON" -m pip install --disable-pip-version-check --force-reinstall --no-deps \
    "${isolation[@]}" "$PY_DIR"
  local rc=$?
  $clean
  return $rc
}
run pip-install pip_install

# The minting extension (ext/_fastmint.c) compiles without a warning, against the header the
# Rust code generates and this interpreter's Python.h.
fastmint_warnings() {
  local include
  include=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])') || return 1
  "${CC:-cc}" -fsyntax-only -std=c99 -Wall -Wextra -Wpedantic -Werror -I"$include" \
    -I"$ROOT/include" "$PY_DIR/ext/_fastmint.c"
}
run fastmint-warnings fastmint_warnings

# `pip wheel` makes a platform wheel with the library inside.
wheel() {
  local dir=$BUILD/wheel clean="rm -rf $PY_DIR/build $PY_DIR/src/usersig.egg-info"
  $clean
  "$PYTHON" -m pip wheel --disable-pip-version-check --no-deps --no-build-isolation -w "$dir" "$PY_DIR"
  local rc=$?
  $clean
  [ $rc -eq 0 ] || return 1
  "$PYTHON" - "$dir" <<'PY'
import pathlib, sys, zipfile
[whl] = pathlib.Path(sys.argv[1]).glob("usersig-*.whl")
print(whl.name)
assert not whl.name.endswith("-none-any.whl"), "a native library needs a platform wheel"
names = zipfile.ZipFile(whl).namelist()
assert "usersig/libusersig.so" in names, "no library in the wheel"
assert any(n.startswith("usersig/_fastmint.") and n.endswith(".so") for n in names), "no _fastmint"
assert not any(n.endswith(".c") for n in names), "C source in the wheel"
PY
}
run pip-wheel wheel

# The tests must import the installed package, not the source tree, and the package must load
# the library pip built into it.
installed() (
  cd "$BUILD" && "$PYTHON" -c '
import os, sys, usersig
from usersig import _native, _fastmint
print(usersig.__file__, _fastmint.__file__, usersig.library_version(), _native.library_path())
if "/bindings/python/src/" in usersig.__file__:
    sys.exit("imported from the source tree")
if os.path.dirname(_native.library_path()) != os.path.dirname(usersig.__file__):
    sys.exit("the library was not loaded from inside the installed package")'
)
run import-installed-package installed

pytest_suite() (
  cd "$PY_DIR" && "$PYTHON" -m pytest -p no:cacheprovider -q -rs tests
)
run pytest pytest_suite

# The README's examples, as written: app.py and the compat block from its Python blocks, run
# with the command line the README gives (checked to be in the file).
readme_examples() (
  local readme=$PY_DIR/README-section.md dir=$BUILD/readme
  local cmd="USERSIG_KEY=$KEY python3 app.py"
  grep -qF -- "$cmd" "$readme" || { echo "not in README-section.md: $cmd"; return 1; }
  grep -qF -- 'python3 -m pip install "$USERSIG/bindings/python"' "$readme" || return 1
  mkdir -p "$dir" && cd "$dir" || return 1
  "$PYTHON" - "$readme" <<'PY' || return 1
import re, sys
blocks = re.findall(r"```python\n(.*?)```", open(sys.argv[1], encoding="utf-8").read(), re.S)
open("app.py", "w").write(blocks[0])
open("compat.py", "w").write(blocks[1])
PY
  export USERSIG=$ROOT
  # python3 in the README is the interpreter the package was installed into: $PYTHON here.
  local out
  out=$(eval "${cmd/python3/\"\$PYTHON\"}") || return 1
  echo "$out"
  grep -q "^alice's token expires at [0-9]*$" <<<"$out" &&
    grep -qx 'room lobby grants 10' <<<"$out" &&
    grep -qx 'bob: identifier_mismatch' <<<"$out" &&
    "$PYTHON" compat.py
)
run readme-examples readme_examples

# docs/rest.md's Python example, as written there (the ```python block after the marker
# comment), run under tests/rest_stub.py: a stand-in for the REST endpoint on 127.0.0.1 that
# verifies the usersig in the URL with this package and answers 70001 once, then OK.
docs_rest_example() (
  local dir=$BUILD/docs-rest
  mkdir -p "$dir" && cd "$dir" || return 1
  awk '/bindings\/python\/run-tests.sh runs the next block/ { marked = 1; next }
       marked && /^```python$/ { inside = 1; next }
       inside && /^```$/ { exit }
       inside' "$ROOT/docs/rest.md" >rest_app.py
  grep -q 'usersig.rest_url(' rest_app.py || { echo "no Python example found in docs/rest.md"; return 1; }
  local out
  out=$(USERSIG_KEY=$KEY NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 \
    "$PYTHON" "$PY_DIR/tests/rest_stub.py" "$PYTHON" rest_app.py) || return 1
  echo "$out"
  [ "$out" = "70001 usersig_expired: the UserSig has expired; retry: renew_token
bob Imported" ]
)
run docs-rest-example docs_rest_example

grep -E '[0-9]+ (passed|failed|skipped)' "$LOGS/pytest.log" | tail -n 1 | sed 's/^/      pytest: /'
grep -E '^SKIPPED' "$LOGS/pytest.log" | sed 's/^/      /'
summary

#!/usr/bin/env bash
# Installs the pinned official SDKs (the same pins as the interop suite), builds usersig, and
# times them all in one run: see benches/compare.py.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=target/test-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r tests/interop/requirements.txt
"$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps \
  --no-build-isolation bindings/python
rm -rf bindings/python/build bindings/python/src/usersig.egg-info
npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
node bindings/node/install.js            # the Node package's addon (cargo build -p usersig-node)
cargo build --release --quiet
# The C ABI timer, linked statically like a C server would (README "Use from C and C++").
cc -O2 -Wall -Wextra -Werror -std=c99 -D_POSIX_C_SOURCE=200809L -Iinclude benches/c/bench_capi.c \
  target/release/libusersig.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -o target/bench_capi
"$VENV/bin/python" benches/compare.py "$@"

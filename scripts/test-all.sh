#!/usr/bin/env bash
# The whole test suite: installs what the tests need (pinned), then runs everything.
# This is the README's test command and exactly what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=never

step() { printf '\n==> %s\n' "$*"; }
suites_passed=0
tests_passed=0
pass() { suites_passed=$((suites_passed + 1)); tests_passed=$((tests_passed + ${1:-0})); }
# Sums the "N passed" figures a runner printed into a log.
count() { grep -oE '[0-9]+ passed' "$1" | awk '{n += $1} END {print n + 0}'; }

# --- installs ------------------------------------------------------------------------------
# Debian packages, only when missing (they come from the distribution, pinned by its release).
need_apt=()
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v go >/dev/null || need_apt+=(golang-go)
command -v node >/dev/null || need_apt+=(nodejs npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "apt-get install ${need_apt[*]}"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

step "Python test environment (pinned: tests/interop/requirements.txt)"
VENV=$ROOT/target/test-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r tests/interop/requirements.txt

step "npm packages (pinned: tests/interop/package-lock.json)"
npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error

# --- static checks -------------------------------------------------------------------------
step "cargo fmt --check"
cargo fmt --all -- --check
pass
step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets --quiet -- -D warnings
pass

# --- Rust ----------------------------------------------------------------------------------
step "cargo build --release"
cargo build --release --quiet
step "cargo test"
cargo test --quiet 2>&1 | tee target/cargo-test.log | grep -E '^(test result|error|failures)|FAILED|panicked' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "cargo test failed: see target/cargo-test.log"; exit 1; }
pass "$(count target/cargo-test.log)"

step "cargo clippy and cargo test with the REST client feature (--features client)"
cargo clippy --all-targets --features client --quiet -- -D warnings
cargo test --features client --quiet --test rest_client --test cli_rest 2>&1 | tee target/cargo-test-client.log \
  | grep -E '^(test result|error|failures)|FAILED|panicked' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "cargo test --features client failed"; exit 1; }
pass "$(count target/cargo-test-client.log)"

# --- the C ABI: header, link commands, C and C++ tests under ASan+UBSan and valgrind ---------
step "C and C++ (bindings/c/run-tests.sh)"
bash bindings/c/run-tests.sh > target/c-tests.log 2>&1 || { tail -40 target/c-tests.log; exit 1; }
tail -3 target/c-tests.log
pass "$(tail -1 target/c-tests.log | grep -oE '^[0-9]+')"

# --- Go and Python packages over the C ABI --------------------------------------------------
step "Go (bindings/go/run-tests.sh: vet, -race, vectors, benchmarks, README example)"
bash bindings/go/run-tests.sh > target/go-tests.log 2>&1 || { tail -40 target/go-tests.log; exit 1; }
tail -2 target/go-tests.log
pass "$(count target/go-tests.log)"

step "Python (bindings/python/run-tests.sh: pip install, pytest, README example)"
PYTHON=$VENV/bin/python bash bindings/python/run-tests.sh > target/python-tests.log 2>&1 \
  || { tail -40 target/python-tests.log; exit 1; }
tail -2 target/python-tests.log
pass "$(count target/python-tests.log)"

# --- interop with the official SDKs ---------------------------------------------------------
step "interop: PyPI tls-sig-api-v2==1.1 and npm tls-sig-api-v2@1.0.2"
USERSIG_BIN=$ROOT/target/release/usersig "$VENV/bin/python" -m pytest tests/interop -q -p no:cacheprovider \
  | tee target/interop.log | tail -3
[ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
pass "$(count target/interop.log)"

# --- fuzzing: a bounded smoke run of every target (fuzz/smoke.sh; longer runs: SECURITY.md) --
step "fuzz smoke run (${SMOKE_SECONDS:-20} s per target)"
bash fuzz/smoke.sh > target/fuzz-smoke.log 2>&1 || { tail -40 target/fuzz-smoke.log; exit 1; }
tail -8 target/fuzz-smoke.log
pass

step "summary"
echo "${suites_passed} suites green"
echo "${tests_passed} passed, 0 failed"

#!/usr/bin/env bash
# The whole test suite: installs what the tests need (pinned), then runs every step in order.
# This is the README's test command and exactly what CI runs (.ci/run).
#
# Each step's own exit status decides: the first failing step stops the run, names itself and
# shows the tail of its log (all logs: target/test-logs/). The closing line, "N passed, M
# failed", is summed from what the test runners printed (cargo test, the C test programs,
# go test, pytest, node --test, the fuzz smoke run); a step that failed without a runner
# counting a failure (a build, fmt, clippy) adds one to M.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
LOGS=$ROOT/target/test-logs
export CARGO_TERM_COLOR=never
mkdir -p "$LOGS"

passed=0
failed=0

closing() { printf '\n%s passed, %s failed\n' "$passed" "$failed"; }

# counts KIND LOG...: prints "PASSED FAILED" as the runner of KIND reported them in LOG(s).
counts() {
  local kind=$1
  shift
  case $kind in
    cargo) # "test result: ok. 12 passed; 0 failed; ..." once per test binary
      cat "$@" 2>/dev/null | sed -n 's/^test result: [A-Za-z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' ;;
    pytest) # the summary line: "3 failed, 120 passed, 2 skipped in 4.1s"
      cat "$@" 2>/dev/null | grep -E '^=*[ ]*[0-9]+ (passed|failed|error)' | tail -n 1 |
        awk '{for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed/) p = $i; if ($(i+1) ~ /^(failed|errors?)/) f += $i }}
             END {print p + 0, f + 0}' ;;
    gotest) # go test -v: one "--- PASS"/"--- FAIL" line per test and subtest
      printf '%s %s\n' "$(cat "$@" 2>/dev/null | grep -cE '^ *--- PASS')" \
        "$(cat "$@" 2>/dev/null | grep -cE '^ *--- FAIL')" ;;
    checks) # the C test programs (bindings/c/tests/check.h): "NAME: N checks, M failed"
      cat "$@" 2>/dev/null | sed -n 's/.*: \([0-9]*\) checks, \([0-9]*\) failed.*/\1 \2/p' |
        awk '{p += $1 - $2; f += $2} END {print p + 0, f + 0}' ;;
    nodetest) # node --test's closing lines: "# pass 113" and "# fail 0"
      cat "$@" 2>/dev/null | awk '/^# pass [0-9]+$/ {p = $3} /^# fail [0-9]+$/ {f = $3} END {print p + 0, f + 0}' ;;
    fuzz) # fuzz/smoke.sh: one "== TARGET" line per target run, "FAILED: t1 t2" at the end
      local ran bad
      ran=$(cat "$@" 2>/dev/null | grep -c '^== ')
      bad=$(cat "$@" 2>/dev/null | sed -n 's/^smoke.sh: FAILED: //p' | wc -w)
      echo "$((ran - bad)) $bad" ;;
    none) ;;
  esac | awk '{p += $1; f += $2} END {print p + 0, f + 0}'
}

# step NAME KIND[:LOG...] COMMAND...: runs COMMAND with its output in $LOGS/<NAME>.log, adds
# what the runner of KIND reported (in that log, or in the LOGs named after the colon), and
# stops the whole run when COMMAND fails.
step() {
  local name=$1 spec=$2 start=$SECONDS rc p f log
  shift 2
  # The log's file name: the step's name with every run of other characters as one '-'.
  log=$LOGS/$(printf '%s' "$name" | tr -cs 'A-Za-z0-9._+' '-' | sed 's/^-//; s/-$//').log
  local kind=${spec%%:*} sources=("$log")
  [ "$kind" = "$spec" ] || IFS=: read -r -a sources <<<"${spec#*:}"
  printf '==> %s\n' "$name"
  "$@" >"$log" 2>&1
  rc=$?
  # Globs in the sources are expanded only now, after the step wrote its logs.
  # shellcheck disable=SC2068
  read -r p f < <(counts "$kind" ${sources[@]})
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$rc" -ne 0 ]; then
    [ "$f" -gt 0 ] || failed=$((failed + 1))
    printf '\nFAILED: step "%s" (exit status %s, %s s); the end of %s:\n' \
      "$name" "$rc" "$((SECONDS - start))" "$log"
    # The failures by name first (cargo test, go test, pytest, the C checks), then the end.
    grep -E -e '^---- .* stdout ----$' -e '^    [^ ].*$' -e '^--- FAIL' -e '^FAILED ' \
      -e 'check failed|, [1-9][0-9]* failed' "$log" | grep -v '^    Running' | head -n 30 |
      sed 's/^/  ! /'
    tail -n 60 "$log" | sed 's/^/  | /'
    closing
    exit 1
  fi
  printf '    ok, %s s' "$((SECONDS - start))"
  [ "$kind" = none ] || printf ': %s passed, %s failed' "$p" "$f"
  printf '\n'
}

# --- installs -----------------------------------------------------------------------------
# Debian packages, only when missing (their versions are the distribution release's).
apt_packages() {
  local need=()
  command -v valgrind >/dev/null || need+=(valgrind)
  command -v pkg-config >/dev/null || need+=(pkg-config)
  command -v go >/dev/null || need+=(golang-go)
  command -v node >/dev/null || need+=(nodejs npm)
  # Python.h, for the Python package's extension: Debian's python3 keeps it in python3-dev.
  python3 -c 'import os, sys, sysconfig
sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' ||
    need+=(python3-dev)
  [ ${#need[@]} -gt 0 ] || { echo "all present"; return 0; }
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "apt-get install ${need[*]}"
  $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
}
step "install: Debian packages (valgrind pkg-config golang-go nodejs npm python3-dev, when missing)" none apt_packages

VENV=$ROOT/target/test-venv
python_env() {
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV" || return 1
  "$VENV/bin/pip" install -q --disable-pip-version-check -r tests/interop/requirements.txt
}
step "install: Python packages into target/test-venv (tests/interop/requirements.txt)" none python_env
step "install: npm packages into tests/interop (package-lock.json)" none \
  npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
# cargo-fuzz, pinned, under target/tools: nothing goes into the user's ~/.cargo/bin.
export CARGO_FUZZ_ROOT=$ROOT/target/tools
step "install: cargo-fuzz into target/tools (fuzz/smoke.sh)" none bash fuzz/smoke.sh --install-only

# --- static checks ------------------------------------------------------------------------
step "cargo fmt --check" none cargo fmt --all -- --check --color never
step "cargo clippy --all-targets -D warnings" none cargo clippy --all-targets -- -D warnings
step "cargo clippy --all-targets --features client -D warnings" none \
  cargo clippy --all-targets --features client -- -D warnings
# The Node addon is no default member (building the C libraries must not compile napi).
step "cargo clippy -p usersig-node -D warnings" none cargo clippy -p usersig-node -- -D warnings

# A Rust project that depends on usersig with default-features = false compiles neither the
# CLI's clap nor the HTTP client (and never the C libraries: they are the usersig-c package).
lean_dependents() {
  local deps
  deps=$(cargo tree -p usersig --no-default-features -e normal --prefix none) || return 1
  echo "$deps" | awk '{print $1}' | sort -u | tr '\n' ' '
  echo
  ! echo "$deps" | grep -qE '^(clap|ureq|rustls|ring|usersig-c) '
}
step "crate shape: usersig with default-features = false pulls no clap, ureq or C library" none lean_dependents

# --- Rust: every failing test is named (--no-fail-fast) -----------------------------------
step "cargo build --release" none cargo build --release
step "cargo test" cargo cargo test --no-fail-fast
step "cargo test --features client (REST client)" cargo \
  cargo test --no-fail-fast --features client --test rest_client --test cli_rest

# --- the C ABI: header, link commands, C and C++ tests under ASan+UBSan and valgrind -------
step "C and C++ (bindings/c/run-tests.sh)" "checks:$ROOT/target/c-tests/logs/*-asan-ubsan.log:$ROOT/target/c-tests/logs/*-valgrind.log" \
  bash bindings/c/run-tests.sh

# --- Go and Python packages over the C ABI -----------------------------------------------
step "Go (bindings/go/run-tests.sh)" "gotest:$ROOT/target/go-tests/logs/go-test-race.log" \
  bash bindings/go/run-tests.sh
step "Python (bindings/python/run-tests.sh)" "pytest:$ROOT/target/python-tests/logs/pytest.log" \
  env PYTHON="$VENV/bin/python" bash bindings/python/run-tests.sh

# --- the Node package: a napi-rs addon over the Rust API (not over the C ABI) --------------
step "Node (bindings/node/run-tests.sh)" "nodetest:$ROOT/target/node-tests/logs/node-test.log" \
  bash bindings/node/run-tests.sh

# --- interop with the official SDKs -------------------------------------------------------
step "interop: PyPI tls-sig-api-v2==1.1 and npm tls-sig-api-v2@1.0.2 (tests/interop)" pytest \
  env USERSIG_BIN="$ROOT/target/release/usersig" \
  "$VENV/bin/python" -m pytest tests/interop -q -p no:cacheprovider

# --- fuzzing: a bounded smoke run of every target (longer runs: SECURITY.md) --------------
step "fuzz smoke run (fuzz/smoke.sh, ${SMOKE_SECONDS:-20} s per target)" fuzz bash fuzz/smoke.sh

closing

#!/usr/bin/env bash
# The Go binding's whole test suite, in one command:
#   bash bindings/go/run-tests.sh
# It builds the library (cargo build --release; quick when up to date), then checks gofmt and
# go vet, runs go test -race (16 goroutines sharing one signer and one verifier, the official
# vectors, the compat package, the examples), the same tests with GODEBUG=cgocheck=2 (cgo's
# pointer-passing rules, checked at run time), the benchmarks (run, not timed), the README
# example exactly as written, docs/rest.md's Go example against a local stand-in for the REST
# endpoint (testdata/reststub), and the tests again linked through pkg-config
# (-tags usersig_system) against a scratch install of the library.
# The last line is "N passed, M failed"; the exit status is 0 only when M is 0.
#
# Needs on Debian: golang-go (1.19 or later), gcc, pkg-config. No module is downloaded
# (GOPROXY=off). The vectors are tests/data/official.json, or $USERSIG_VECTORS.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GO_DIR=$ROOT/bindings/go
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BUILD=$TARGET/go-tests
LOGS=$BUILD/logs
export GOPROXY=off GOFLAGS= CGO_ENABLED=1
KEY=5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e

rm -rf "$BUILD"
mkdir -p "$LOGS"
# shellcheck source=../../scripts/steps.sh
. "$ROOT/scripts/steps.sh"

run cargo-build-release bash -c "cd '$ROOT' && cargo build --release"
if [ ! -f "$TARGET/release/libusersig.a" ]; then
  echo "no library to test"
  failed=$((failed + 1))
  summary
fi
if [ "$TARGET" != "$ROOT/target" ]; then
  # The cgo directives name $ROOT/target/release/libusersig.a (link_tree.go).
  echo "note: CARGO_TARGET_DIR is set; the default build links $ROOT/target/release/libusersig.a"
fi

cd "$GO_DIR" || exit 1
go version

gofmt_clean() {
  local out
  out=$(gofmt -l .)
  [ -z "$out" ] || { echo "not gofmt-ed: $out"; return 1; }
}
run gofmt gofmt_clean
run go-vet go vet ./...

# -v for the counts below; -count=1 so nothing is cached.
run go-test-race go test -race -count=1 -v ./...
# cgocheck=2 also checks every pointer C receives and every write into C memory.
run go-test-cgocheck2 env GODEBUG=cgocheck=2 go test -count=1 ./...
run go-bench go test -run '^$' -bench . -benchtime 2000x -benchmem ./...

# The README's example, as written: its shell lines (each checked to be in the file) in a
# scratch directory, with main.go taken from its Go block. (A subshell: it changes directory.)
readme_example() (
  local readme=$GO_DIR/README-section.md dir=$BUILD/readme-example
  local edit='go mod edit -require=usersig/bindings/go@v0.0.0 -replace=usersig/bindings/go="$USERSIG/bindings/go"'
  local runline="USERSIG_KEY=$KEY go run ."
  for line in 'go mod init example.com/app' "$edit" "$runline"; do
    grep -qF -- "$line" "$readme" || { echo "not in README-section.md: $line"; return 1; }
  done
  mkdir -p "$dir" && cd "$dir" || return 1
  python3 - "$readme" >main.go <<'PY' || return 1
import re, sys
blocks = re.findall(r"```go\n(.*?)```", open(sys.argv[1], encoding="utf-8").read(), re.S)
sys.stdout.write(next(b for b in blocks if b.startswith("package main")))
PY
  export USERSIG=$ROOT
  go mod init example.com/app || return 1
  eval "$edit" || return 1
  local out
  out=$(eval "$runline") || return 1
  echo "$out"
  grep -q '^alice.s token expires at 20' <<<"$out" &&
    grep -qx 'room lobby grants enter_room|recv_audio' <<<"$out" &&
    grep -qx 'bob: identifier_mismatch' <<<"$out"
)
run readme-example readme_example

# docs/rest.md's Go example, as written there (the ```go block after the marker comment), run
# under testdata/reststub: a stand-in for the REST endpoint on 127.0.0.1 that verifies the
# usersig in the URL with this package and answers 70001 once, then OK.
docs_rest_example() (
  local dir=$BUILD/docs-rest
  mkdir -p "$dir" || return 1
  awk '/bindings\/go\/run-tests.sh runs the next block/ { marked = 1; next }
       marked && /^```go$/ { inside = 1; next }
       inside && /^```$/ { exit }
       inside' "$ROOT/docs/rest.md" >"$dir/main.go"
  grep -q 'usersig.RestURL(' "$dir/main.go" || { echo "no Go example found in docs/rest.md"; return 1; }
  go build -o "$dir/reststub" ./testdata/reststub || return 1
  cd "$dir" || return 1
  go mod init example.com/app || return 1
  go mod edit -require=usersig/bindings/go@v0.0.0 -replace=usersig/bindings/go="$ROOT/bindings/go" || return 1
  go vet . || return 1
  local out
  out=$(USERSIG_KEY=$KEY NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 ./reststub go run .) || return 1
  echo "$out"
  [ "$out" = "70001 usersig_expired: the UserSig has expired; retry: renew_token
bob Imported" ]
)
run docs-rest-example docs_rest_example

# The override: link the installed shared library through pkg-config.
system_library() (
  command -v pkg-config >/dev/null || { echo "pkg-config is missing (apt-get install pkg-config)"; return 1; }
  local prefix=$BUILD/prefix
  bash "$ROOT/bindings/c/install.sh" "$prefix" || return 1
  export PKG_CONFIG_PATH=$prefix/lib/pkgconfig LD_LIBRARY_PATH=$prefix/lib
  go vet -tags usersig_system ./... &&
    go test -tags usersig_system -count=1 ./... &&
    go test -tags usersig_system -c -o "$BUILD/system.test" . &&
    readelf -d "$BUILD/system.test" | grep -F 'libusersig.so'
)
run usersig-system-tag system_library

# What ran, from go test -v.
tests=$(grep -cE '^\s*--- PASS' "$LOGS/go-test-race.log" 2>/dev/null)
fails=$(grep -cE '^\s*--- FAIL' "$LOGS/go-test-race.log" 2>/dev/null)
echo "      go test -race: ${tests:-0} tests and subtests ok, ${fails:-0} failing"
grep -E '^Benchmark' "$LOGS/go-bench.log" | sed 's/^/      /'
summary

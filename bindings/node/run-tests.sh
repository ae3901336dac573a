#!/usr/bin/env bash
# The Node package's whole test suite, in one command:
#   bash bindings/node/run-tests.sh
# It installs the package from an empty scratch folder exactly as README.md says (npm install
# "$USERSIG/bindings/node", whose install script builds the addon with cargo), runs
# `node --test test/*.test.js` (round trips, every error kind, the official vectors, npm
# tls-sig-api-v2@1.0.2 from tests/interop/node_modules, tests/interop/spec_checker.py, the type
# declarations, a speed run), then the examples of README.md and of the repository's README
# ("Use from Node.js") as written, from the scratch folder, and
# bench.js (ns per genUserSig, ours and npm's, and the ratio).
# The last line is "N passed, M failed"; the exit status is 0 only when M is 0.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NODE_DIR=$ROOT/bindings/node
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BUILD=$TARGET/node-tests
LOGS=$BUILD/logs
KEY=5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e

rm -rf "$BUILD"
mkdir -p "$LOGS"
# shellcheck source=../../scripts/steps.sh
. "$ROOT/scripts/steps.sh"

node --version || { echo "no node"; exit 1; }
if [ ! -d "$ROOT/tests/interop/node_modules/tls-sig-api-v2" ]; then
  echo "tests/interop/node_modules has no tls-sig-api-v2: run npm ci --prefix tests/interop"
  failed=$((failed + 1))
  summary
fi

# README.md's install line, as written, from an empty folder; then the addon must be there and
# be what the scratch project loads.
npm_install() (
  local app=$BUILD/app cmd='npm install "$USERSIG/bindings/node"'
  grep -qF -- "$cmd" "$NODE_DIR/README.md" || { echo "not in README.md: $cmd"; return 1; }
  mkdir -p "$app" && cd "$app" || return 1
  rm -f "$NODE_DIR/usersig.node"
  USERSIG=$ROOT eval "$cmd" || return 1
  [ -f "$NODE_DIR/usersig.node" ] || { echo "the install script built no usersig.node"; return 1; }
  node -e '
const p = require.resolve("usersig"), fs = require("fs");
console.log("usersig ->", fs.realpathSync(p));
if (fs.realpathSync(p) !== fs.realpathSync(process.argv[1])) process.exit(1);' "$NODE_DIR/index.js"
)
run npm-install npm_install

node_tests() (
  cd "$NODE_DIR" && node --test test/*.test.js
)
run node-test node_tests

# The README's examples, as written: app.js and the compat block, in the scratch project.
readme_examples() (
  local app=$BUILD/app
  local cmd="USERSIG_KEY=$KEY node app.js"
  grep -qF -- "$cmd" "$NODE_DIR/README.md" || { echo "not in README.md: $cmd"; return 1; }
  cd "$app" || return 1
  node - "$NODE_DIR/README.md" <<'JS' || return 1
const fs = require('fs');
const blocks = [...fs.readFileSync(process.argv[2], 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
fs.writeFileSync('app.js', blocks[0]);
// The compat block, then a check that its tokens verify.
fs.writeFileSync('compat.js', blocks[1] + `
const usersig = require('usersig');
const v = new usersig.Verifier(1400000000, '${'5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e'}');
for (const t of [sig, buf, pmk, pmkStr]) v.verify(t, 'xiaojun');
console.log('compat tokens verify');
`);
JS
  local out
  out=$(eval "$cmd") || return 1
  echo "$out"
  grep -q "^alice's token expires at [0-9]*$" <<<"$out" &&
    grep -qx 'room lobby grants 10' <<<"$out" &&
    grep -qx 'bob: identifier_mismatch' <<<"$out" &&
    node compat.js || return 1
  # The repository README's "Use from Node.js" example, with the command line it gives.
  awk '/^## Use from Node.js$/ { marked = 1; next }
       marked && /^```js$/ { inside = 1; next }
       inside && /^```$/ { exit }
       inside' "$ROOT/README.md" >app.js
  grep -qF -- "$cmd" "$ROOT/README.md" || { echo "not in README.md: $cmd"; return 1; }
  grep -qF -- 'npm install "$USERSIG/bindings/node"' "$ROOT/README.md" || return 1
  out=$(eval "$cmd") || return 1
  echo "$out"
  grep -q "^expires at [0-9]*$" <<<"$out" && grep -qx 'true identifier_mismatch 4' <<<"$out"
)
run readme-examples readme_examples

bench() (
  cd "$NODE_DIR" && node bench.js
)
run bench bench

grep -E '^# (pass|fail) ' "$LOGS/node-test.log" | tr '\n' ' ' | sed 's/^/      node --test: /'
echo
sed 's/^/      /' "$LOGS/bench.log"
summary

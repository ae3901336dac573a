#!/usr/bin/env bash
# The C ABI's whole test suite, in one command:
#   bash bindings/c/run-tests.sh
# It builds the library (cargo build --release), checks include/usersig.h (fresh, strict C99
# and C++17, version macros = Cargo.toml), the SONAME and the native libraries a static link
# needs, installs into a scratch prefix, builds the README's link commands as written, then
# builds every C and C++ test twice and runs it under AddressSanitizer + UBSan (static link)
# and under valgrind (dynamic link, through pkg-config), requiring 0 errors and 0 leaks.
# The last line is "N passed, M failed"; the exit status is 0 only when M is 0.
#
# Needs on Debian: gcc, g++, python3 and binutils (present), plus
#   apt-get install -y valgrind pkg-config
# The official vectors are read from tests/data/official.json, or from $USERSIG_VECTORS.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BUILD=$TARGET/c-tests
PREFIX=$BUILD/prefix
LOGS=$BUILD/logs
VECTORS=${USERSIG_VECTORS:-$ROOT/tests/data/official.json}
# What a static link needs besides libusersig.a; the same list as README-section.md and
# install.sh (Libs.private). The native-libs step checks it against rustc's answer.
NATIVE_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
CWARN="-Wall -Wextra -Werror"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
VALGRIND="valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect"

rm -rf "$BUILD"
mkdir -p "$BUILD" "$LOGS"
# shellcheck source=../../scripts/steps.sh
. "$ROOT/scripts/steps.sh"

# --- prerequisites ------------------------------------------------------------------------
prerequisites() {
  local tool missing=0
  for tool in cargo gcc g++ cc c++ python3 readelf valgrind pkg-config; do
    command -v "$tool" >/dev/null || { echo "missing: $tool"; missing=1; }
  done
  [ "$missing" = 0 ] || echo "on Debian: apt-get install -y valgrind pkg-config (gcc, g++, binutils, python3)"
  [ "$missing" = 0 ]
}
run prerequisites prerequisites

# --- the library --------------------------------------------------------------------------
run cargo-build-release cargo build --release
if [ ! -f "$TARGET/release/libusersig.a" ] || [ ! -f "$TARGET/release/libusersig.so" ]; then
  echo "no library to test"
  failed=$((failed + 1))
  summary
fi

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
if [ "$major" = 0 ]; then abi="0.$minor"; else abi=$major; fi

# --- the header ---------------------------------------------------------------------------
run header-fresh cargo test --quiet --test ffi_header

header_c99() {
  printf '#include "usersig.h"\n#include "usersig.h"\nint main(void) { return USERSIG_OK; }\n' \
    >"$BUILD/header.c"
  gcc -std=c99 $CWARN -pedantic -Iinclude -c "$BUILD/header.c" -o "$BUILD/header_c.o"
}
run header-c99-strict header_c99

header_cxx17() {
  printf '#include "usersig.h"\n#include "usersig.hpp"\nint main() { return USERSIG_OK; }\n' \
    >"$BUILD/header.cpp"
  g++ -std=c++17 $CWARN -pedantic -Iinclude -Ibindings/cpp -c "$BUILD/header.cpp" \
    -o "$BUILD/header_cpp.o"
}
run header-cxx17-strict header_cxx17

version_macros() {
  printf '#include <stdio.h>\n#include "usersig.h"\nint main(void) { printf("%%s %%d.%%d.%%d\\n", USERSIG_VERSION_STRING, USERSIG_VERSION_MAJOR, USERSIG_VERSION_MINOR, USERSIG_VERSION_PATCH); return 0; }\n' \
    >"$BUILD/version.c"
  gcc -std=c99 $CWARN -Iinclude "$BUILD/version.c" -o "$BUILD/version"
  local got
  got=$("$BUILD/version")
  echo "header: $got; Cargo.toml: $version"
  [ "$got" = "$version $version" ]
}
run version-macros-match-cargo-toml version_macros

# --- linking ------------------------------------------------------------------------------
soname() {
  local got
  got=$(readelf -d "$TARGET/release/libusersig.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
  echo "SONAME $got, want libusersig.so.$abi"
  [ "$got" = "libusersig.so.$abi" ]
}
run soname soname

# The static link commands below prove the documented list suffices. Asking rustc for its
# list rebuilds the library with other flags (minutes), so it is opt-in:
# USERSIG_CHECK_NATIVE_LIBS=1 also checks that every library rustc prints is documented.
native_libs() {
  grep -qF -- "$NATIVE_LIBS" bindings/c/README-section.md || return 1
  grep -qF -- "Libs.private: $NATIVE_LIBS" bindings/c/install.sh || return 1
  echo "documented: $NATIVE_LIBS"
  [ "${USERSIG_CHECK_NATIVE_LIBS:-0}" = 1 ] || return 0
  local printed lib
  printed=$(cargo rustc --release -p usersig-c --lib -- --print native-static-libs 2>&1 |
    sed -n 's/.*native-static-libs: //p' | tail -n 1)
  echo "rustc: $printed"
  [ -n "$printed" ] || return 1
  for lib in $printed; do
    case " $NATIVE_LIBS " in *" $lib "*) ;; *) echo "missing from the docs: $lib"; return 1 ;; esac
  done
}
run native-static-libs-documented native_libs

run install bash bindings/c/install.sh "$PREFIX"
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig

# The README's commands, exactly as written there (each line is checked to be in the file),
# run in a scratch directory holding app.c.
readme_cmd() {
  local dir=$BUILD/readme-$1 cmd=$2
  grep -qF -- "$cmd" bindings/c/README-section.md || { echo "not in README-section.md: $cmd"; return 1; }
  rm -rf "$dir" && mkdir -p "$dir" && cp bindings/c/example/app.c "$dir/"
  (cd "$dir" && export USERSIG="$ROOT" && eval "$cmd")
}
link_static() {
  local cmd='cc -o app app.c $(pkg-config --cflags usersig) "$(pkg-config --variable=libdir usersig)/libusersig.a" -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc'
  readme_cmd static "$cmd" || return 1
  ! readelf -d "$BUILD/readme-static/app" | grep -q libusersig || return 1
  "$BUILD/readme-static/app"
}
link_dynamic() {
  local cmd='cc -o app app.c $(pkg-config --cflags --libs usersig)'
  readme_cmd dynamic "$cmd" || return 1
  readelf -d "$BUILD/readme-dynamic/app" | grep -F "[libusersig.so.$abi]" || return 1
  LD_LIBRARY_PATH=$PREFIX/lib "$BUILD/readme-dynamic/app"
}
link_tree() {
  local cmd='cc -o app app.c -I"$USERSIG/include" "$USERSIG/target/release/libusersig.a" -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc'
  [ "$TARGET" = "$ROOT/target" ] || { echo "skipped: CARGO_TARGET_DIR is set"; return 0; }
  readme_cmd tree "$cmd" || return 1
  "$BUILD/readme-tree/app"
}
link_cxx() {
  local cmd='c++ -std=c++17 -o app app.cpp $(pkg-config --cflags --libs usersig)'
  grep -qF -- "$cmd" bindings/c/README-section.md || { echo "not in README-section.md: $cmd"; return 1; }
  local dir=$BUILD/readme-cxx
  mkdir -p "$dir"
  printf '#include <iostream>\n#include <usersig.hpp>\nint main() {\n  usersig::signer s(1400000000, "k");\n  usersig::verifier v(1400000000, "k");\n  std::cout << v.verify(s.sign("alice", 60), "alice").expires_at << "\\n";\n}\n' >"$dir/app.cpp"
  (cd "$dir" && eval "$cmd") && LD_LIBRARY_PATH=$PREFIX/lib "$dir/app"
}
run readme-static-link link_static
run readme-dynamic-link link_dynamic
run readme-build-tree-link link_tree
run readme-cxx-link link_cxx

# docs/rest.md's C example, extracted as written there (the ```c block after the marker
# comment), built strictly and run under AddressSanitizer + UBSan.
docs_rest_example() {
  local dir=$BUILD/docs-rest
  mkdir -p "$dir"
  awk '/run-tests.sh compiles and runs the next block/ { marked = 1; next }
       marked && /^```c$/ { inside = 1; next }
       inside && /^```$/ { exit }
       inside' docs/rest.md >"$dir/rest.c"
  grep -q usersig_rest_url "$dir/rest.c" || { echo "no C example found in docs/rest.md"; return 1; }
  gcc -std=c99 $CWARN -pedantic -g -O1 $SAN -Iinclude "$dir/rest.c" \
    "$TARGET/release/libusersig.a" $NATIVE_LIBS -o "$dir/rest" || return 1
  "$dir/rest" | tee "$dir/out.txt" || return 1
  grep -q '^POST https://adminapisgp.im.qcloud.com/v4/openim/sendmsg?sdkappid=1400000000&identifier=administrator&usersig=' "$dir/out.txt" &&
    grep -q '^retry: renew_token ' "$dir/out.txt"
}
run docs-rest-c-example docs_rest_example

# --- the tests, twice each ----------------------------------------------------------------
run gen-vectors python3 bindings/c/gen_vectors.py "$VECTORS" "$BUILD/vectors.h"

C_TESTS="test_api test_rest test_vectors test_threads test_clock test_callback test_callback_http"
# NAME SOURCE COMPILER STD: static link, AddressSanitizer + UBSan (leak detection on).
asan_test() {
  $3 -std=$4 $CWARN -pedantic -g -O1 $SAN -Iinclude -Ibindings/cpp -I"$BUILD" "$2" \
    "$TARGET/release/libusersig.a" $NATIVE_LIBS -o "$BUILD/asan-$1" && "$BUILD/asan-$1"
}
# NAME SOURCE COMPILER STD: dynamic link through pkg-config, under valgrind.
valgrind_test() {
  $3 -std=$4 $CWARN -pedantic -g -O1 -I"$BUILD" "$2" $(pkg-config --cflags --libs usersig) \
    -pthread -o "$BUILD/vg-$1" && LD_LIBRARY_PATH=$PREFIX/lib $VALGRIND "$BUILD/vg-$1"
}
for t in $C_TESTS; do
  run "$t-asan-ubsan" asan_test "$t" "bindings/c/tests/$t.c" gcc c99
  run "$t-valgrind" valgrind_test "$t" "bindings/c/tests/$t.c" gcc c99
done
run cpp-wrapper-asan-ubsan asan_test test_cpp bindings/cpp/test_usersig.cpp g++ c++17
run cpp-wrapper-valgrind valgrind_test test_cpp bindings/cpp/test_usersig.cpp g++ c++17
run cpp-callback-asan-ubsan asan_test test_cpp_callback bindings/cpp/test_callback.cpp g++ c++17
run cpp-callback-valgrind valgrind_test test_cpp_callback bindings/cpp/test_callback.cpp g++ c++17

# The negative control: a deliberate leak must fail both checkers.
leak_caught() {
  if asan_test leak_control bindings/c/tests/leak_control.c gcc c99; then
    echo "AddressSanitizer missed the leak"
    return 1
  fi
  if valgrind_test leak_control bindings/c/tests/leak_control.c gcc c99; then
    echo "valgrind missed the leak"
    return 1
  fi
  echo "both checkers caught the deliberate leak"
}
run sanitizers-catch-a-deliberate-leak leak_caught

# The checks each program ran, from their own summaries.
(cd "$LOGS" && grep -H "checks, " -- *-asan-ubsan.log *-valgrind.log 2>/dev/null) | sed 's/^/      /'
summary

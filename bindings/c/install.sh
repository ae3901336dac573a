#!/usr/bin/env bash
# Installs the C library into PREFIX (default /usr/local):
#   PREFIX/include/usersig.h, PREFIX/include/usersig.hpp (the C++17 wrapper),
#   PREFIX/lib/libusersig.a, PREFIX/lib/libusersig.so.<ABI> (+ the libusersig.so link),
#   PREFIX/lib/pkgconfig/usersig.pc
#
# Usage: cargo build --release && bindings/c/install.sh [PREFIX]
# Set LIBDIR to install the libraries elsewhere (e.g. PREFIX/lib/x86_64-linux-gnu).
# Needs: install, readelf (binutils, which gcc brings).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PREFIX=${1:-/usr/local}
LIBDIR=${LIBDIR:-$PREFIX/lib}
INCLUDEDIR=$PREFIX/include
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}/release

for f in "$TARGET/libusersig.a" "$TARGET/libusersig.so"; do
  [ -f "$f" ] || { echo "install.sh: $f is missing: run 'cargo build --release' first" >&2; exit 1; }
done
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)
# The SONAME build.rs gave the library (libusersig.so.<ABI>): the file is installed under it.
soname=$(readelf -d "$TARGET/libusersig.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ -n "$soname" ] || { echo "install.sh: libusersig.so has no SONAME" >&2; exit 1; }

install -d "$INCLUDEDIR" "$LIBDIR/pkgconfig"
install -m 644 "$ROOT/include/usersig.h" "$ROOT/bindings/cpp/usersig.hpp" "$INCLUDEDIR/"
install -m 644 "$TARGET/libusersig.a" "$LIBDIR/libusersig.a"
install -m 755 "$TARGET/libusersig.so" "$LIBDIR/$soname"
ln -sfn "$soname" "$LIBDIR/libusersig.so"

# Libs.private: what a static link needs besides libusersig.a, from
#   cargo rustc --release -p usersig-c --lib -- --print native-static-libs
# (run-tests.sh checks this list against that output).
cat > "$LIBDIR/pkgconfig/usersig.pc" <<PC
prefix=$PREFIX
includedir=\${prefix}/include
libdir=$LIBDIR

Name: usersig
Description: Mint, verify and inspect Tencent Cloud UserSig v2 tokens
Version: $version
URL: https://crates.io/crates/usersig
Cflags: -I\${includedir}
Libs: -L\${libdir} -lusersig
Libs.private: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
PC
echo "installed usersig $version ($soname) into $PREFIX"

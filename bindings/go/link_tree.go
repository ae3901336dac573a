//go:build !usersig_system

package usersig

// Links the static library from this checkout's cargo target directory: run
// `cargo build --release` at the repository root first. The -l flags are the system libraries
// Rust's standard library needs on Linux with glibc (the list bindings/c/install.sh writes as
// Libs.private; `cargo rustc --release --lib --crate-type staticlib -- --print
// native-static-libs` prints it for another target).
//
// Build with -tags usersig_system to link an installed library through pkg-config instead
// (link_system.go).

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libusersig.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"

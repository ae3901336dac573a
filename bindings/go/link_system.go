//go:build usersig_system

package usersig

// Links the library installed by bindings/c/install.sh (or a distribution package), found
// through pkg-config's usersig.pc: set PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig for a prefix
// pkg-config does not search, and LD_LIBRARY_PATH=$PREFIX/lib (or an rpath) to run.

// #cgo pkg-config: usersig
import "C"

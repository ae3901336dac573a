//! The C libraries: every `extern "C"` function of `usersig::ffi` (declared in
//! `include/usersig.h`), built as `libusersig.a` and `libusersig.so`. The functions live in the
//! Rust crate; this package only chooses the crate types, so a Rust project depending on
//! `usersig` never builds them, and `build.rs` gives the shared library its SONAME.
#![no_std]

pub use usersig_core::ffi::*;

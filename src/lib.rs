//! Mint, verify and inspect Tencent Cloud **UserSig** tokens (TLS Sig API v2), the tokens
//! behind Tencent IM, TRTC and Live, and the admin tokens of their REST API.
//!
//! - [`Signer`] mints plain UserSigs, UserSigs carrying a userbuf, and TRTC PrivateMapKeys,
//!   accepted by every official implementation.
//! - [`Verifier`] checks tokens strictly, in bounded memory, comparing signatures in constant
//!   time, and explains every failure with a [`VerifyError`] of a stable [`ErrorKind`].
//! - [`inspect`] decodes any token without the key and says what it claims, who probably
//!   minted it and what looks wrong.
//! - [`rest`] builds REST API URLs, keeps a self-renewing admin token, reads the response
//!   envelope and explains every error code (FORMAT.md §8); feature `client` adds a pooled HTTPS client.
//! - [`callback`] verifies the callbacks Tencent sends to your server (IM webhooks, TRTC events).
//! - [`ffi`] is the C ABI (`include/usersig.h`) that C, C++ and every other language link.
//!
//! The format is specified byte by byte in the project's `docs/FORMAT.md`; code cites its sections.
//!
//! ```
//! use usersig::{ErrorKind, Mint, Signer, Verifier, DEMO_KEY, DEMO_SDKAPPID};
//!
//! let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY)?;
//! let token = signer.user_sig("alice", 86_400)?;
//!
//! let verifier = Verifier::new(DEMO_SDKAPPID, DEMO_KEY)?;
//! let claims = verifier.verify(&token, "alice")?;
//! assert_eq!(claims.identifier, "alice");
//!
//! let tampered = token.replacen('A', "B", 1);
//! assert!(verifier.verify(&tampered, "alice").is_err());
//! # let _ = (Mint::new("x"), ErrorKind::Expired);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo
    )
)]

pub mod callback;
mod claims_json;
mod error;
mod hex;
// The C ABI: the only module allowed `unsafe` (see its docs for the conventions).
#[allow(unsafe_code)]
pub mod ffi;
mod inspect;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod internals;
mod mac;
pub mod rest;
mod sign;
mod time_fmt;
mod userbuf;
mod verify;
mod wire;

pub use claims_json::claims_json;
pub use error::{
    ConfigError, ConfigErrorKind, ErrorKind, KeyError, KeyErrorKind, Layer, Malformed, SignError,
    SignErrorKind, VerifyError,
};
pub use inspect::{Inspection, JsonStyle, Warning, ZlibInfo, inspect, inspect_at};
pub use sign::{DEFAULT_EXPIRE_SECS, Mint, Signer, UserIdProblem, check_user_id};
pub use userbuf::{ParsePrivilegesError, PmkParseError, PrivateMapKey, Privileges, Room};
pub use verify::{Claims, DEFAULT_MAX_FUTURE_SKEW_SECS, Expect, Verifier};
pub use wire::{Compression, Limits, OuterStyle};

/// The public demo SDKAppID used in Tencent's documentation and in FORMAT.md §2.
pub const DEMO_SDKAPPID: u64 = 1_400_000_000;

/// The public demo key from Tencent's documentation (FORMAT.md §2). Never use it in production.
pub const DEMO_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

// The README's examples compile as doctests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

//! Minting errors ([`SignError`], [`SignErrorKind`]) and the unusable key ([`KeyError`],
//! [`KeyErrorKind`]) shared by `Signer::new` and `Verifier::new`.

use std::fmt;

/// Why a token could not be minted (FORMAT.md §7). Nothing is minted that could not verify.
///
/// ```
/// use usersig::{SignError, SignErrorKind, Signer, DEMO_KEY};
/// let signer = Signer::new(1400000000, DEMO_KEY)?;
/// let err = signer.user_sig("", 86400).unwrap_err();
/// assert_eq!(err, SignError::EmptyIdentifier);
/// assert_eq!(err.kind(), SignErrorKind::EmptyIdentifier);
/// # Ok::<(), SignError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The key is empty.
    EmptyKey,
    /// The identifier is empty.
    EmptyIdentifier,
    /// The identifier contains a NUL byte.
    IdentifierContainsNul,
    /// An input is longer than the format can carry (u16 lengths, FORMAT.md §6-7), or the token
    /// would exceed the verifier's default limits (FORMAT.md §5.1: 16 KiB of token, 64 KiB of
    /// JSON), which no default verifier would accept.
    TooLong {
        /// Which input: `"identifier"`, `"userbuf"`, `"room"`, `"token"` or `"token document"`.
        what: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The most the format can carry.
        max: usize,
    },
    /// `time + expire` does not fit: in u64, or in u32 for a PrivateMapKey (FORMAT.md §6).
    ExpiryOutOfRange {
        /// The issue time.
        time: u64,
        /// The lifetime in seconds.
        expire: u64,
    },
    /// A PrivateMapKey stores the SDKAppID as u32 (FORMAT.md §6); this one does not fit.
    SdkAppIdOutOfRange {
        /// The SDKAppID.
        sdkappid: u64,
    },
    /// The system clock is before 1970.
    ClockBeforeEpoch,
}

impl SignError {
    /// The stable kind of this error, for a program to branch on.
    ///
    /// ```
    /// use usersig::{Mint, SignErrorKind, Signer, DEMO_KEY};
    /// let signer = Signer::new(1400000000, DEMO_KEY)?;
    /// let err = signer.mint(&Mint::new("alice").time(u64::MAX)).unwrap_err();
    /// assert_eq!(err.kind(), SignErrorKind::ExpiryOutOfRange);
    /// assert_eq!(err.kind().as_str(), "expiry_out_of_range");
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn kind(&self) -> SignErrorKind {
        match self {
            SignError::EmptyKey => SignErrorKind::EmptyKey,
            SignError::EmptyIdentifier => SignErrorKind::EmptyIdentifier,
            SignError::IdentifierContainsNul => SignErrorKind::IdentifierContainsNul,
            SignError::TooLong { .. } => SignErrorKind::TooLong,
            SignError::ExpiryOutOfRange { .. } => SignErrorKind::ExpiryOutOfRange,
            SignError::SdkAppIdOutOfRange { .. } => SignErrorKind::SdkAppIdOutOfRange,
            SignError::ClockBeforeEpoch => SignErrorKind::ClockBeforeEpoch,
        }
    }
}

impl From<KeyError> for SignError {
    /// A key no signer can use is a reason no token can be minted: `?` in a minting function
    /// passes a [`KeyError`] on as the [`SignError`] of the same kind.
    fn from(err: KeyError) -> SignError {
        match err {
            KeyError::EmptyKey => SignError::EmptyKey,
        }
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::EmptyKey => fmt::Display::fmt(&KeyError::EmptyKey, f),
            SignError::EmptyIdentifier => f.write_str("the identifier is empty"),
            SignError::IdentifierContainsNul => f.write_str("the identifier contains a NUL byte"),
            SignError::TooLong { what, len, max } => write!(
                f,
                "the {what} is {len} bytes long; the format carries at most {max}"
            ),
            SignError::ExpiryOutOfRange { time, expire } => write!(
                f,
                "time {time} + expire {expire} is out of range for this token"
            ),
            SignError::SdkAppIdOutOfRange { sdkappid } => write!(
                f,
                "SDKAppID {sdkappid} does not fit in the 32 bits a PrivateMapKey has"
            ),
            SignError::ClockBeforeEpoch => f.write_str("the system clock is before 1970"),
        }
    }
}

impl std::error::Error for SignError {}

/// The stable kind of a minting failure ([`SignError::kind`]).
///
/// The names returned by [`SignErrorKind::as_str`] are a public contract, the same as the C
/// ABI's kinds for these result codes (`usersig_error_kind`).
///
/// ```
/// use usersig::SignErrorKind;
/// assert_eq!(SignErrorKind::TooLong.as_str(), "too_long");
/// assert_eq!(SignErrorKind::from_name("too_long"), Some(SignErrorKind::TooLong));
/// assert_eq!(SignErrorKind::ALL.len(), 7);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignErrorKind {
    /// [`SignError::EmptyKey`].
    EmptyKey,
    /// [`SignError::EmptyIdentifier`].
    EmptyIdentifier,
    /// [`SignError::IdentifierContainsNul`].
    IdentifierContainsNul,
    /// [`SignError::TooLong`].
    TooLong,
    /// [`SignError::ExpiryOutOfRange`].
    ExpiryOutOfRange,
    /// [`SignError::SdkAppIdOutOfRange`].
    SdkAppIdOutOfRange,
    /// [`SignError::ClockBeforeEpoch`].
    ClockBeforeEpoch,
}

impl SignErrorKind {
    /// Every kind, in the order of their result codes.
    pub const ALL: [SignErrorKind; 7] = [
        SignErrorKind::EmptyKey,
        SignErrorKind::EmptyIdentifier,
        SignErrorKind::IdentifierContainsNul,
        SignErrorKind::TooLong,
        SignErrorKind::ExpiryOutOfRange,
        SignErrorKind::SdkAppIdOutOfRange,
        SignErrorKind::ClockBeforeEpoch,
    ];

    /// The stable snake_case name, e.g. `"identifier_contains_nul"`: the kind the C ABI gives
    /// this kind's result code ([`crate::ffi::RESULT_CODES`]).
    ///
    /// ```
    /// use usersig::SignErrorKind;
    /// assert_eq!(SignErrorKind::IdentifierContainsNul.as_str(), "identifier_contains_nul");
    /// ```
    pub const fn as_str(self) -> &'static str {
        crate::ffi::kind_name(self.result_code())
    }

    /// Parses a name produced by [`SignErrorKind::as_str`].
    ///
    /// ```
    /// use usersig::SignErrorKind;
    /// assert_eq!(SignErrorKind::from_name("empty_key"), Some(SignErrorKind::EmptyKey));
    /// assert_eq!(SignErrorKind::from_name("expired"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<SignErrorKind> {
        SignErrorKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for SignErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a key cannot be used: the error of [`Verifier::new`](crate::Verifier::new).
///
/// ```
/// use usersig::{KeyError, KeyErrorKind, Verifier};
/// let err = Verifier::new(1400000000, "").unwrap_err();
/// assert_eq!(err, KeyError::EmptyKey);
/// assert_eq!(err.kind(), KeyErrorKind::EmptyKey);
/// assert_eq!(err.kind().as_str(), "empty_key");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The key is empty.
    EmptyKey,
}

impl KeyError {
    /// The stable kind of this error, for a program to branch on.
    ///
    /// ```
    /// use usersig::{KeyErrorKind, Verifier};
    /// assert_eq!(Verifier::new(1, b"").unwrap_err().kind(), KeyErrorKind::EmptyKey);
    /// ```
    pub fn kind(&self) -> KeyErrorKind {
        match self {
            KeyError::EmptyKey => KeyErrorKind::EmptyKey,
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::EmptyKey => f.write_str("the key is empty"),
        }
    }
}

impl std::error::Error for KeyError {}

/// The stable kind of an unusable key ([`KeyError::kind`]).
///
/// The names returned by [`KeyErrorKind::as_str`] are a public contract, the same as the C
/// ABI's kinds for these result codes (`usersig_error_kind`); an empty key has the same kind,
/// `"empty_key"`, whether a signer or a verifier refused it.
///
/// ```
/// use usersig::{KeyErrorKind, SignErrorKind};
/// assert_eq!(KeyErrorKind::EmptyKey.as_str(), "empty_key");
/// assert_eq!(KeyErrorKind::EmptyKey.as_str(), SignErrorKind::EmptyKey.as_str());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyErrorKind {
    /// [`KeyError::EmptyKey`].
    EmptyKey,
}

impl KeyErrorKind {
    /// Every kind.
    pub const ALL: [KeyErrorKind; 1] = [KeyErrorKind::EmptyKey];

    /// The stable snake_case name, `"empty_key"`: the kind the C ABI gives this kind's result
    /// code ([`crate::ffi::RESULT_CODES`]).
    ///
    /// ```
    /// assert_eq!(usersig::KeyErrorKind::EmptyKey.as_str(), "empty_key");
    /// ```
    pub const fn as_str(self) -> &'static str {
        crate::ffi::kind_name(self.result_code())
    }

    /// Parses a name produced by [`KeyErrorKind::as_str`].
    ///
    /// ```
    /// use usersig::KeyErrorKind;
    /// assert_eq!(KeyErrorKind::from_name("empty_key"), Some(KeyErrorKind::EmptyKey));
    /// assert_eq!(KeyErrorKind::from_name("too_long"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<KeyErrorKind> {
        KeyErrorKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for KeyErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

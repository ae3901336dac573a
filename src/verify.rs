//! Verification: strict, bounded, constant-time (FORMAT.md §5).

use std::borrow::Cow;
use std::fmt;

use subtle::ConstantTimeEq;

use crate::error::{ConfigError, ConfigErrorKind, KeyError, Malformed, VerifyError};
use crate::mac::{Content, KeyedMac};
use crate::time_fmt::unix_now;
use crate::userbuf::{PrivateMapKey, Privileges, Room};
use crate::wire::{self, Document, Limits};

/// What a valid token says. Returned only after every FORMAT.md §5 check has passed.
///
/// ```
/// use usersig::{Mint, Signer, Verifier, DEMO_KEY};
/// let token = Signer::new(1400000000, DEMO_KEY)?
///     .mint(&Mint::new("xiaojun").time(1569910200).expire_secs(86400))?;
/// let claims = Verifier::new(1400000000, DEMO_KEY)?.verify_at(&token, "xiaojun", 1569910200)?;
/// assert_eq!((claims.time, claims.expire, claims.expires_at), (1569910200, 86400, 1569996600));
/// assert_eq!(claims.userbuf, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claims {
    /// `TLS.identifier`.
    pub identifier: String,
    /// `TLS.sdkappid`.
    pub sdkappid: u64,
    /// `TLS.time`: the issue time, Unix seconds.
    pub time: u64,
    /// `TLS.expire`: the lifetime in seconds.
    pub expire: u64,
    /// `time + expire`: the last second the token is valid, Unix seconds.
    pub expires_at: u64,
    /// The decoded `TLS.userbuf`, when the token carries one.
    pub userbuf: Option<Vec<u8>>,
    /// The `TLS.userbuf` text exactly as it was signed.
    pub userbuf_b64: Option<String>,
    /// The userbuf parsed as a TRTC PrivateMapKey, when it is one (FORMAT.md §6).
    pub private_map_key: Option<PrivateMapKey>,
}

/// What the caller requires of the userbuf (FORMAT.md §5.8).
///
/// ```
/// use usersig::{Expect, Privileges, Room};
/// let none = Expect::NoUserbuf;
/// let bytes = Expect::Userbuf(b"abc");
/// let room = Expect::Room { room: Room::Numeric(10000), privileges: Privileges::ENTER_ROOM };
/// # let _ = (none, bytes, room);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Expect<'a> {
    /// No requirement: with or without a userbuf.
    #[default]
    Anything,
    /// The token must not carry a userbuf.
    NoUserbuf,
    /// The token must carry exactly these userbuf bytes.
    Userbuf(&'a [u8]),
    /// The token must carry a PrivateMapKey for this identifier and SDKAppID, for `room`, not
    /// expired, granting at least `privileges`.
    Room {
        /// The room the caller is entering.
        room: Room<'a>,
        /// The privileges the caller needs.
        privileges: Privileges,
    },
}

/// Verifies tokens for one app with explicit settings. Made once per (SDKAppID, key);
/// immutable and shareable across threads; its keyed state is wiped on drop.
///
/// ```
/// use usersig::{ErrorKind, Limits, Signer, Verifier, DEMO_KEY};
/// let verifier = Verifier::new(1400000000, DEMO_KEY)?
///     .max_future_skew_secs(60)?
///     .leeway_secs(5)?
///     .limits(Limits::default())?;
/// let token = Signer::new(1400000000, DEMO_KEY)?.user_sig("alice", 3600)?;
/// assert_eq!(verifier.verify(&token, "alice")?.identifier, "alice");
/// assert_eq!(verifier.verify(&token, "bob").unwrap_err().kind(), ErrorKind::IdentifierMismatch);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    sdkappid: u64,
    /// The SDKAppID in decimal, formatted once for the signed content.
    sdkappid_text: Box<str>,
    mac: KeyedMac,
    max_future_skew: u64,
    leeway: u64,
    limits: Limits,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("sdkappid", &self.sdkappid)
            .field("key", &"<redacted>")
            .field("max_future_skew", &self.max_future_skew)
            .field("leeway", &self.leeway)
            .field("limits", &self.limits)
            .finish()
    }
}

/// The default allowed clock skew for tokens issued in the future: 300 s (FORMAT.md §5.6).
pub const DEFAULT_MAX_FUTURE_SKEW_SECS: u64 = 300;

impl Verifier {
    /// A verifier for `sdkappid` and the app's key, with the default settings: 300 s future
    /// skew, no expiry leeway, [`Limits::default`]. The key is used as its raw bytes
    /// (FORMAT.md §1); an empty one is a [`KeyError`].
    ///
    /// ```
    /// use usersig::{KeyError, Verifier, DEMO_KEY};
    /// let verifier = Verifier::new(1400000000, DEMO_KEY)?;
    /// assert_eq!(Verifier::new(1400000000, "").unwrap_err(), KeyError::EmptyKey);
    /// # Ok::<(), KeyError>(())
    /// ```
    pub fn new(sdkappid: u64, key: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        Ok(Verifier {
            sdkappid,
            sdkappid_text: sdkappid.to_string().into(),
            mac: KeyedMac::new(key.as_ref())?,
            max_future_skew: DEFAULT_MAX_FUTURE_SKEW_SECS,
            leeway: 0,
            limits: Limits::default(),
        })
    }

    /// How far in the future `TLS.time` may be, in seconds (default 300), at most
    /// [`ConfigError::MAX_SECS`] (a year).
    ///
    /// ```
    /// # use usersig::{ErrorKind, Mint, Signer, Verifier, DEMO_KEY};
    /// let token = Signer::new(1, DEMO_KEY)?.mint(&Mint::new("a").time(1_000))?;
    /// let strict = Verifier::new(1, DEMO_KEY)?.max_future_skew_secs(0)?;
    /// assert_eq!(strict.verify_at(&token, "a", 999).unwrap_err().kind(), ErrorKind::NotYetValid);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_future_skew_secs(mut self, secs: u64) -> Result<Self, ConfigError> {
        if secs > ConfigError::MAX_SECS {
            return Err(ConfigError::new(
                ConfigErrorKind::FutureSkewTooLarge,
                secs,
                ConfigError::MAX_SECS,
            ));
        }
        self.max_future_skew = secs;
        Ok(self)
    }

    /// How long after expiry a token is still accepted, in seconds (default 0), at most
    /// [`ConfigError::MAX_SECS`] (a year): a larger leeway would accept every expired token.
    ///
    /// ```
    /// # use usersig::{Mint, Signer, Verifier, DEMO_KEY};
    /// let token = Signer::new(1, DEMO_KEY)?.mint(&Mint::new("a").time(100).expire_secs(10))?;
    /// let lenient = Verifier::new(1, DEMO_KEY)?.leeway_secs(5)?;
    /// assert!(lenient.verify_at(&token, "a", 115).is_ok());
    /// assert!(lenient.verify_at(&token, "a", 116).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn leeway_secs(mut self, secs: u64) -> Result<Self, ConfigError> {
        if secs > ConfigError::MAX_SECS {
            return Err(ConfigError::new(
                ConfigErrorKind::LeewayTooLarge,
                secs,
                ConfigError::MAX_SECS,
            ));
        }
        self.leeway = secs;
        Ok(self)
    }

    /// The size limits (default 16 KiB token, 64 KiB inflated), at most
    /// [`ConfigError::MAX_TOKEN_BYTES`] and [`ConfigError::MAX_INFLATED_BYTES`]: above them a
    /// token could cost what the limits exist to bound (FORMAT.md §5.1).
    ///
    /// ```
    /// # use usersig::{ConfigErrorKind, Limits, Verifier, DEMO_KEY};
    /// let v = Verifier::new(1, DEMO_KEY)?;
    /// let huge = Limits { max_token_bytes: 16 * 1024, max_inflated_bytes: usize::MAX };
    /// assert_eq!(v.limits(huge).unwrap_err().kind(), ConfigErrorKind::InflatedLimitTooLarge);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn limits(mut self, limits: Limits) -> Result<Self, ConfigError> {
        let too_large = |kind, value: usize, max: usize| {
            ConfigError::new(
                kind,
                u64::try_from(value).unwrap_or(u64::MAX),
                u64::try_from(max).unwrap_or(u64::MAX),
            )
        };
        if limits.max_token_bytes > ConfigError::MAX_TOKEN_BYTES {
            return Err(too_large(
                ConfigErrorKind::TokenLimitTooLarge,
                limits.max_token_bytes,
                ConfigError::MAX_TOKEN_BYTES,
            ));
        }
        if limits.max_inflated_bytes > ConfigError::MAX_INFLATED_BYTES {
            return Err(too_large(
                ConfigErrorKind::InflatedLimitTooLarge,
                limits.max_inflated_bytes,
                ConfigError::MAX_INFLATED_BYTES,
            ));
        }
        self.limits = limits;
        Ok(self)
    }

    /// The SDKAppID this verifier accepts.
    pub fn sdkappid(&self) -> u64 {
        self.sdkappid
    }

    /// Verifies `token` for `identifier` against the system clock.
    ///
    /// ```
    /// # use usersig::{Signer, Verifier, DEMO_KEY};
    /// let token = Signer::new(1400000000, DEMO_KEY)?.user_sig("alice", 60)?;
    /// let claims = Verifier::new(1400000000, DEMO_KEY)?.verify(&token, "alice")?;
    /// assert_eq!(claims.expire, 60);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self, token: &str, identifier: &str) -> Result<Claims, VerifyError> {
        self.verify_with(token, identifier, &Expect::Anything, None)
    }

    /// Verifies `token` for `identifier` at `now` (Unix seconds).
    ///
    /// ```
    /// # use usersig::{ErrorKind, Mint, Signer, Verifier, DEMO_KEY};
    /// let token = Signer::new(1400000000, DEMO_KEY)?
    ///     .mint(&Mint::new("alice").time(1_700_000_000).expire_secs(60))?;
    /// let verifier = Verifier::new(1400000000, DEMO_KEY)?;
    /// assert!(verifier.verify_at(&token, "alice", 1_700_000_060).is_ok()); // the last second
    /// let err = verifier.verify_at(&token, "alice", 1_700_000_061).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Expired);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_at(
        &self,
        token: &str,
        identifier: &str,
        now: u64,
    ) -> Result<Claims, VerifyError> {
        self.verify_with(token, identifier, &Expect::Anything, Some(now))
    }

    /// Verifies `token` for `identifier` with a userbuf expectation, at `now` or, when `None`,
    /// against the system clock. Checks run in FORMAT.md §5 order; the first failure is returned.
    ///
    /// ```
    /// use usersig::{ErrorKind, Expect, Mint, Privileges, Room, Signer, Verifier, DEMO_KEY};
    /// let signer = Signer::new(1400000000, DEMO_KEY)?;
    /// let verifier = Verifier::new(1400000000, DEMO_KEY)?;
    /// let token = signer.mint(&Mint::new("ann").time(1569910200)
    ///     .private_map_key(Room::Numeric(7), Privileges::ENTER_ROOM | Privileges::RECV_AUDIO))?;
    /// let enter = Expect::Room { room: Room::Numeric(7), privileges: Privileges::ENTER_ROOM };
    /// assert!(verifier.verify_with(&token, "ann", &enter, Some(1569910200)).is_ok());
    /// let speak = Expect::Room { room: Room::Numeric(7), privileges: Privileges::SEND_AUDIO };
    /// let err = verifier.verify_with(&token, "ann", &speak, Some(1569910200)).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::UserbufMismatch);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify_with(
        &self,
        token: &str,
        identifier: &str,
        expect: &Expect<'_>,
        now: Option<u64>,
    ) -> Result<Claims, VerifyError> {
        // §5.1-5.2: size, encoding, zlib, JSON, field types; limits enforced while decoding.
        // A stored stream's document is read where it lies in the decoded bytes, and the
        // fields borrow from it where they need no unescaping: no copies until the claims.
        self.verify_bytes(token.as_bytes(), identifier, expect, now)
    }

    /// [`Verifier::verify_with`] for a token given as bytes (from the C ABI): a token that is
    /// not UTF-8 text is malformed, found so while decoding rather than by a pass of its own.
    pub(crate) fn verify_bytes(
        &self,
        token: &[u8],
        identifier: &str,
        expect: &Expect<'_>,
        now: Option<u64>,
    ) -> Result<Claims, VerifyError> {
        wire::decode(token, &self.limits, |doc| {
            self.verify_document(doc?, identifier, expect, now)
        })
    }

    /// FORMAT.md §5.3-5.8 on the type-checked document.
    fn verify_document(
        &self,
        doc: Document<'_>,
        identifier: &str,
        expect: &Expect<'_>,
        now: Option<u64>,
    ) -> Result<Claims, VerifyError> {
        let userbuf = doc
            .userbuf_b64
            .as_deref()
            .map(wire::decode_userbuf)
            .transpose()?;
        // Checked while parsing; repeated here so no path can ever wrap around.
        let expires_at = doc
            .time
            .checked_add(doc.expire)
            .ok_or_else(|| Malformed::field("TLS.expire", "time + expire overflows"))?;

        // §5.3
        if doc.sdkappid != self.sdkappid {
            return Err(VerifyError::SdkAppIdMismatch {
                expected: self.sdkappid,
                found: doc.sdkappid,
            });
        }
        // §5.4: byte for byte.
        if doc.identifier.as_bytes() != identifier.as_bytes() {
            return Err(VerifyError::IdentifierMismatch {
                expected: identifier.to_owned(),
                found: doc.identifier.into_owned(),
            });
        }
        // §5.5: the userbuf text is hashed exactly as received. The comparison is constant
        // time: `subtle`'s `ct_eq` folds the differences of all four 64-bit words into one mask
        // before a single branch, so its timing does not depend on where (or whether) the tags
        // differ (words rather than bytes: 4 optimisation barriers instead of 32). A sig
        // that is not 32 bytes of base64 is compared too (as zeros) and then rejected.
        let (sig, sig_ok) = match wire::decode_sig(&doc.sig_b64) {
            Some(sig) => (sig, true),
            None => ([0u8; 32], false),
        };
        let (mut time, mut expire) = (itoa::Buffer::new(), itoa::Buffer::new());
        let expected = self.mac.tag(&Content {
            identifier: &doc.identifier,
            // Equal to the document's, checked above (§5.3).
            sdkappid: &self.sdkappid_text,
            time: time.format(doc.time),
            expire: expire.format(doc.expire),
            userbuf_b64: doc.userbuf_b64.as_deref(),
        });
        let equal: bool = words(&expected).ct_eq(&words(&sig)).into();
        if !(sig_ok & equal) {
            return Err(VerifyError::BadSignature);
        }

        let now = match now {
            Some(n) => n,
            None => unix_now().unwrap_or(0),
        };
        // §5.6
        if doc.time > now.saturating_add(self.max_future_skew) {
            return Err(VerifyError::NotYetValid {
                time: doc.time,
                now,
                max_future_skew: self.max_future_skew,
            });
        }
        // §5.7: the last second is still valid.
        if now > expires_at.saturating_add(self.leeway) {
            return Err(VerifyError::Expired {
                expired_at: expires_at,
                now,
                leeway: self.leeway,
            });
        }

        let private_map_key = userbuf
            .as_deref()
            .and_then(|b| PrivateMapKey::parse(b).ok());
        // §5.8
        check_expectation(
            expect,
            userbuf.as_deref(),
            private_map_key.as_ref(),
            &doc.identifier,
            self.sdkappid,
            now,
            self.leeway,
        )?;

        Ok(Claims {
            identifier: doc.identifier.into_owned(),
            sdkappid: doc.sdkappid,
            time: doc.time,
            expire: doc.expire,
            expires_at,
            userbuf,
            userbuf_b64: doc.userbuf_b64.map(Cow::into_owned),
            private_map_key,
        })
    }
}

/// A tag as four words, for a constant-time comparison a word at a time.
fn words(tag: &[u8; 32]) -> [u64; 4] {
    let mut words = [0u64; 4];
    for (word, bytes) in words.iter_mut().zip(tag.chunks_exact(8)) {
        if let Ok(bytes) = <[u8; 8]>::try_from(bytes) {
            *word = u64::from_le_bytes(bytes);
        }
    }
    words
}

fn mismatch(reason: impl Into<String>) -> VerifyError {
    VerifyError::UserbufMismatch {
        reason: reason.into(),
    }
}

fn check_expectation(
    expect: &Expect<'_>,
    userbuf: Option<&[u8]>,
    pmk: Option<&PrivateMapKey>,
    identifier: &str,
    sdkappid: u64,
    now: u64,
    leeway: u64,
) -> Result<(), VerifyError> {
    match (expect, userbuf) {
        (Expect::Anything, _) | (Expect::NoUserbuf, None) => Ok(()),
        (Expect::NoUserbuf, Some(_)) => Err(mismatch("expected no userbuf, the token carries one")),
        (Expect::Userbuf(want), Some(got)) if want == &got => Ok(()),
        (Expect::Userbuf(want), Some(got)) => Err(mismatch(format!(
            "expected {} userbuf bytes that differ from the {} the token carries",
            want.len(),
            got.len()
        ))),
        (Expect::Userbuf(_), None) | (Expect::Room { .. }, None) => {
            Err(mismatch("expected a userbuf, the token carries none"))
        }
        (Expect::Room { room, privileges }, Some(_)) => {
            let pmk = pmk.ok_or_else(|| mismatch("the userbuf is not a PrivateMapKey"))?;
            if pmk.account != identifier {
                return Err(mismatch(format!(
                    "the PrivateMapKey is for account {:?}, not the token's identifier",
                    crate::error::Shown(&pmk.account).to_string()
                )));
            }
            if u64::from(pmk.sdkappid) != sdkappid {
                return Err(mismatch(format!(
                    "the PrivateMapKey is for SDKAppID {}, not {sdkappid}",
                    pmk.sdkappid
                )));
            }
            if room.normalized() != pmk.room() {
                return Err(mismatch(format!(
                    "the PrivateMapKey grants {}, not {}",
                    pmk.room(),
                    room.normalized()
                )));
            }
            if now > u64::from(pmk.expires_at).saturating_add(leeway) {
                return Err(mismatch(format!(
                    "the PrivateMapKey expired at {}",
                    crate::time_fmt::rfc3339(u64::from(pmk.expires_at))
                )));
            }
            if !pmk.privileges.contains(*privileges) {
                return Err(mismatch(format!(
                    "the PrivateMapKey grants {:?}, which lacks {:?}",
                    pmk.privileges.names(),
                    Privileges::from_bits(privileges.bits() & !pmk.privileges.bits())
                        .unwrap_or(Privileges::NONE)
                        .names()
                )));
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_as_bytes_verify_as_text_does_and_non_text_is_malformed() {
        let signer = crate::Signer::new(1_400_000_000, crate::DEMO_KEY).unwrap();
        let verifier = Verifier::new(1_400_000_000, crate::DEMO_KEY).unwrap();
        let now = Some(1_569_910_200);
        let long = "x".repeat(600);
        for id in ["xiaojun", long.as_str()] {
            let token = signer
                .mint(&crate::Mint::new(id).time(1_569_910_200))
                .unwrap();
            let as_text = verifier.verify_with(&token, id, &Expect::Anything, now);
            let as_bytes = verifier.verify_bytes(token.as_bytes(), id, &Expect::Anything, now);
            assert_eq!(as_bytes, as_text);
            assert!(as_bytes.is_ok());
            // One byte that is not text, in the data, at the end, and in a token too long
            // for the stack buffer.
            for at in [0, token.len() / 2, token.len() - 1] {
                let mut bytes = token.clone().into_bytes();
                bytes[at] = 0xff;
                let err = verifier
                    .verify_bytes(&bytes, id, &Expect::Anything, now)
                    .unwrap_err();
                assert_eq!(err.kind(), crate::ErrorKind::Malformed, "{err}");
            }
        }
    }
}

//! Minting: parameters -> signed content -> HMAC -> JSON -> zlib -> token (FORMAT.md §2, §7).

use std::cell::RefCell;
use std::fmt;
use std::mem::MaybeUninit;

use crate::error::SignError;
use crate::mac::{Content, KeyedMac};
use crate::time_fmt::unix_now;
use crate::userbuf::{Privileges, Room, write_pmk};
use crate::wire::{self, Compression, Encoder, Limits, OutDoc};

/// The default lifetime: 180 days, as in Tencent's documentation (FORMAT.md §7).
pub const DEFAULT_EXPIRE_SECS: u64 = 180 * 86_400;

/// What to mint: the identifier, the lifetime, the issue time and the userbuf.
///
/// ```
/// use usersig::{Mint, Privileges, Room};
/// let plain = Mint::new("alice");                                  // 180 days from now
/// let pinned = Mint::new("alice").time(1569910200).expire_secs(3600);
/// let with_buf = Mint::new("alice").userbuf(b"opaque bytes");
/// let pmk = Mint::new("alice").private_map_key(Room::Numeric(1234), Privileges::ALL);
/// # let _ = (plain, pinned, with_buf, pmk);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mint<'a> {
    identifier: &'a str,
    expire: u64,
    time: Option<u64>,
    payload: Payload<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Payload<'a> {
    None,
    Userbuf(&'a [u8]),
    PrivateMapKey {
        room: Room<'a>,
        privileges: Privileges,
    },
}

impl<'a> Mint<'a> {
    /// A plain UserSig for `identifier`, valid for [`DEFAULT_EXPIRE_SECS`] from now.
    pub fn new(identifier: &'a str) -> Self {
        Mint {
            identifier,
            expire: DEFAULT_EXPIRE_SECS,
            time: None,
            payload: Payload::None,
        }
    }

    /// The lifetime in seconds, counted from the issue time. 0 is allowed (FORMAT.md §7).
    pub fn expire_secs(mut self, expire: u64) -> Self {
        self.expire = expire;
        self
    }

    /// The issue time in Unix seconds, instead of the system clock.
    pub fn time(mut self, unix: u64) -> Self {
        self.time = Some(unix);
        self
    }

    /// Carry these bytes as `TLS.userbuf` (an empty userbuf is still carried, FORMAT.md §7).
    pub fn userbuf(mut self, userbuf: &'a [u8]) -> Self {
        self.payload = Payload::Userbuf(userbuf);
        self
    }

    /// Carry a TRTC PrivateMapKey for `room` granting `privileges` (FORMAT.md §6). Its absolute
    /// expiry is the token's `time + expire`.
    pub fn private_map_key(mut self, room: Room<'a>, privileges: Privileges) -> Self {
        self.payload = Payload::PrivateMapKey { room, privileges };
        self
    }
}

/// Mints UserSig tokens for one app. Made once per (SDKAppID, key); cheap to share across
/// threads (`&Signer` is `Sync`), immutable after creation, its keyed state wiped on drop.
///
/// ```
/// use usersig::{Mint, Privileges, Room, Signer, DEMO_KEY, DEMO_SDKAPPID};
/// let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY)?;
/// let token = signer.user_sig("xiaojun", 86400)?;
/// assert!(token.starts_with("eJ") || token.starts_with("eAE"));
/// let pmk = signer.private_map_key("xiaojun", 300, Room::Str("lobby"), Privileges::ALL)?;
/// # let _ = pmk;
/// # Ok::<(), usersig::SignError>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    sdkappid: u64,
    /// The SDKAppID in decimal, formatted once: every token carries it twice.
    sdkappid_text: Box<str>,
    mac: KeyedMac,
    compression: Compression,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("sdkappid", &self.sdkappid)
            .field("key", &"<redacted>")
            .field("compression", &self.compression)
            .finish()
    }
}

impl Signer {
    /// A signer for `sdkappid` with the app's key (used as raw bytes, FORMAT.md §1).
    ///
    /// ```
    /// assert_eq!(usersig::Signer::new(1, "").unwrap_err(), usersig::SignError::EmptyKey);
    /// ```
    pub fn new(sdkappid: u64, key: impl AsRef<[u8]>) -> Result<Self, SignError> {
        Ok(Signer {
            sdkappid,
            sdkappid_text: sdkappid.to_string().into(),
            mac: KeyedMac::new(key.as_ref())?,
            compression: Compression::default(),
        })
    }

    /// The same signer with another compression setting (default: [`Compression::Stored`]).
    ///
    /// ```
    /// use usersig::{Compression, Signer, DEMO_KEY};
    /// let signer = Signer::new(1, DEMO_KEY)?.with_compression(Compression::Fast);
    /// assert_eq!(signer.compression(), Compression::Fast);
    /// assert_eq!(signer.sdkappid(), 1);
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn with_compression(mut self, compression: Compression) -> Self {
        self.compression = compression;
        self
    }

    /// The SDKAppID this signer mints for.
    pub fn sdkappid(&self) -> u64 {
        self.sdkappid
    }

    /// The compression setting.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// A plain UserSig issued now, valid for `expire` seconds.
    ///
    /// ```
    /// # use usersig::{Signer, DEMO_KEY};
    /// let token = Signer::new(1400000000, DEMO_KEY)?.user_sig("alice", 86_400)?;
    /// assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b"*-_".contains(&b)));
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn user_sig(&self, identifier: &str, expire: u64) -> Result<String, SignError> {
        self.mint(&Mint::new(identifier).expire_secs(expire))
    }

    /// A UserSig issued now carrying `userbuf`.
    ///
    /// ```
    /// # use usersig::{Signer, Verifier, DEMO_KEY};
    /// let signer = Signer::new(1400000000, DEMO_KEY)?;
    /// let token = signer.user_sig_with_userbuf("bob", 600, b"\x00\xff")?;
    /// let claims = Verifier::new(1400000000, DEMO_KEY)?.verify(&token, "bob")?;
    /// assert_eq!(claims.userbuf.as_deref(), Some(&b"\x00\xff"[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn user_sig_with_userbuf(
        &self,
        identifier: &str,
        expire: u64,
        userbuf: &[u8],
    ) -> Result<String, SignError> {
        self.mint(&Mint::new(identifier).expire_secs(expire).userbuf(userbuf))
    }

    /// A TRTC PrivateMapKey issued now for `room` (FORMAT.md §6).
    ///
    /// ```
    /// # use usersig::{Privileges, Room, Signer, DEMO_KEY};
    /// let signer = Signer::new(1400000000, DEMO_KEY)?;
    /// let pmk = signer.private_map_key("alice", 300, Room::Numeric(1234), Privileges::ENTER_ROOM)?;
    /// let info = usersig::inspect(&pmk).unwrap();
    /// assert_eq!(info.private_map_key.unwrap().room_id, 1234);
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn private_map_key(
        &self,
        identifier: &str,
        expire: u64,
        room: Room<'_>,
        privileges: Privileges,
    ) -> Result<String, SignError> {
        self.mint(
            &Mint::new(identifier)
                .expire_secs(expire)
                .private_map_key(room, privileges),
        )
    }

    /// Mints the token `mint` describes.
    ///
    /// ```
    /// use usersig::{Mint, Signer, DEMO_KEY};
    /// let signer = Signer::new(1400000000, DEMO_KEY)?;
    /// let a = signer.mint(&Mint::new("xiaojun").time(1569910200))?;
    /// let b = signer.mint(&Mint::new("xiaojun").time(1569910200))?;
    /// assert_eq!(a, b); // deterministic once the time is pinned
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn mint(&self, mint: &Mint<'_>) -> Result<String, SignError> {
        let mut out = String::new();
        self.mint_into(mint, &mut out)?;
        Ok(out)
    }

    /// Mints into `out`, replacing its contents; on error `out` is left empty. Reuse one
    /// `String` across calls and minting allocates nothing: the intermediate buffers are kept
    /// per thread.
    ///
    /// ```
    /// use usersig::{Mint, Signer, DEMO_KEY};
    /// let signer = Signer::new(1400000000, DEMO_KEY)?;
    /// let mut token = String::new();
    /// for user in ["alice", "bob"] {
    ///     signer.mint_into(&Mint::new(user), &mut token)?;
    ///     assert!(!token.is_empty());
    /// }
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn mint_into(&self, mint: &Mint<'_>, out: &mut String) -> Result<(), SignError> {
        out.clear();
        let result = with_scratch(|scratch| {
            self.mint_with(mint, scratch)?;
            scratch.encoder.write_text(out);
            Ok(())
        });
        if result.is_err() {
            out.clear();
        }
        result
    }

    /// Mints into the start of `out` (the C ABI's caller buffer, which may be uninitialized),
    /// without the copy and the UTF-8 check a `String` costs. `Ok(Ok(n))`: the token's `n`
    /// bytes (ASCII) were written; `Ok(Err(n))`: the token needs `n` bytes, more than `out`
    /// holds, and nothing meaningful was written.
    pub(crate) fn mint_into_uninit(
        &self,
        mint: &Mint<'_>,
        out: &mut [MaybeUninit<u8>],
    ) -> Result<Result<usize, usize>, SignError> {
        with_scratch(|scratch| {
            self.mint_with(mint, scratch)?;
            let needed = scratch.encoder.text_len();
            if needed > out.len() {
                return Ok(Err(needed));
            }
            Ok(Ok(scratch.encoder.write_text_uninit(out)))
        })
    }

    /// Mints up to the zlib stream, which it leaves in `scratch.encoder`, checked to give a
    /// token no longer than verification accepts.
    fn mint_with(&self, mint: &Mint<'_>, scratch: &mut Scratch) -> Result<(), SignError> {
        scratch.clear();
        let identifier = mint.identifier;
        check_identifier(identifier)?;
        let time = match mint.time {
            Some(t) => t,
            None => unix_now().ok_or(SignError::ClockBeforeEpoch)?,
        };
        let expire = mint.expire;
        let expires_at = time
            .checked_add(expire)
            .ok_or(SignError::ExpiryOutOfRange { time, expire })?;

        let has_userbuf = match mint.payload {
            Payload::None => false,
            Payload::Userbuf(bytes) => {
                check_len("userbuf", bytes.len())?;
                wire::encode_standard(bytes, &mut scratch.userbuf_b64);
                true
            }
            Payload::PrivateMapKey { room, privileges } => {
                let sdkappid =
                    u32::try_from(self.sdkappid).map_err(|_| SignError::SdkAppIdOutOfRange {
                        sdkappid: self.sdkappid,
                    })?;
                let expires_at = u32::try_from(expires_at)
                    .map_err(|_| SignError::ExpiryOutOfRange { time, expire })?;
                // FORMAT.md §6: an empty string room means numeric room 0, version 0.
                let room = match room.normalized() {
                    Room::Numeric(n) => (n, None),
                    Room::Str(s) => (0, Some(s)),
                };
                write_pmk(
                    identifier,
                    sdkappid,
                    room,
                    expires_at,
                    privileges,
                    0,
                    &mut scratch.pmk,
                )?;
                check_len("userbuf", scratch.pmk.len())?;
                wire::encode_standard(&scratch.pmk, &mut scratch.userbuf_b64);
                true
            }
        };
        let userbuf_b64 = has_userbuf.then_some(scratch.userbuf_b64.as_str());

        // Each number formatted once, for both the signature and the document, and not again
        // while it stays the same: a busy server mints many tokens in each second, most with
        // the same lifetime.
        let content = Content {
            identifier,
            sdkappid: &self.sdkappid_text,
            time: scratch.time.format(time),
            expire: scratch.expire.format(expire),
            userbuf_b64,
        };
        let sig = wire::encode_sig(&self.mac.tag(&content));
        let doc = OutDoc {
            content,
            sig_b64: &sig,
        };
        // FORMAT.md §7: never mint what §5 would refuse. Only identifiers or userbufs of many KiB
        // get near the default limits.
        scratch
            .encoder
            .encode(&doc, self.compression, &Limits::default())
            .map_err(|e| SignError::TooLong {
                what: e.what,
                len: e.len,
                max: e.max,
            })?;
        Ok(())
    }
}

/// Per-thread buffers for minting, so a warm `mint_into` allocates nothing.
#[derive(Default)]
struct Scratch {
    pmk: Vec<u8>,
    userbuf_b64: String,
    encoder: Encoder,
    time: Decimal,
    expire: Decimal,
}

/// A number's decimal text, kept with the number until another one is formatted.
#[derive(Default)]
struct Decimal {
    value: Option<u64>,
    text: String,
}

impl Decimal {
    fn format(&mut self, value: u64) -> &str {
        if self.value != Some(value) {
            self.text.clear();
            self.text.push_str(itoa::Buffer::new().format(value));
            self.value = Some(value);
        }
        &self.text
    }
}

impl Scratch {
    fn clear(&mut self) {
        self.pmk.clear();
        self.userbuf_b64.clear();
    }

    /// Gives memory back after an unusually large token, so one big mint does not pin it.
    fn trim(&mut self) {
        const KEEP: usize = 16 * 1024;
        if self.pmk.capacity() > KEEP || self.userbuf_b64.capacity() > KEEP {
            (self.pmk, self.userbuf_b64) = Default::default();
        }
        self.encoder.trim();
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` on this thread's scratch buffers (trimmed after), or on fresh ones when they are
/// in use (re-entry, which cannot happen today) or gone (thread teardown). `f` runs once.
fn with_scratch<R>(mut f: impl FnMut(&mut Scratch) -> R) -> R {
    let reused = SCRATCH.try_with(|cell| {
        let mut scratch = cell.try_borrow_mut().ok()?;
        let result = f(&mut scratch);
        scratch.trim();
        Some(result)
    });
    match reused {
        Ok(Some(result)) => result,
        _ => f(&mut Scratch::default()),
    }
}

fn check_identifier(identifier: &str) -> Result<(), SignError> {
    if identifier.is_empty() {
        return Err(SignError::EmptyIdentifier);
    }
    if identifier.as_bytes().contains(&0) {
        return Err(SignError::IdentifierContainsNul);
    }
    check_len("identifier", identifier.len())
}

fn check_len(what: &'static str, len: usize) -> Result<(), SignError> {
    let max = usize::from(u16::MAX);
    if len > max {
        return Err(SignError::TooLong { what, len, max });
    }
    Ok(())
}

/// Why an identifier breaks Tencent's documented UserID rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserIdProblem {
    /// Empty.
    Empty,
    /// Longer than 32 bytes.
    TooLong {
        /// The length in bytes.
        len: usize,
    },
    /// Contains a character that is not printable ASCII.
    NotPrintableAscii {
        /// The first offending character.
        ch: char,
    },
}

impl fmt::Display for UserIdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserIdProblem::Empty => f.write_str("the UserID is empty"),
            UserIdProblem::TooLong { len } => {
                write!(f, "the UserID is {len} bytes; Tencent allows at most 32")
            }
            UserIdProblem::NotPrintableAscii { ch } => write!(
                f,
                "the UserID contains {ch:?}; Tencent allows printable ASCII only"
            ),
        }
    }
}

/// Checks Tencent's documented UserID rules: 1 to 32 bytes of printable ASCII (FORMAT.md §7).
/// Minting does not require this; it is a separate, explicit check.
///
/// ```
/// use usersig::{check_user_id, UserIdProblem};
/// assert!(check_user_id("user_42-a").is_ok());
/// assert_eq!(check_user_id("小军"), Err(UserIdProblem::NotPrintableAscii { ch: '小' }));
/// ```
pub fn check_user_id(identifier: &str) -> Result<(), UserIdProblem> {
    if identifier.is_empty() {
        return Err(UserIdProblem::Empty);
    }
    if let Some(ch) = identifier.chars().find(|c| !(' '..='~').contains(c)) {
        return Err(UserIdProblem::NotPrintableAscii { ch });
    }
    if identifier.len() > 32 {
        return Err(UserIdProblem::TooLong {
            len: identifier.len(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_decimal_follows_every_change_of_its_number() {
        let mut decimal = Decimal::default();
        for value in [0, 0, 7, 86400, 86400, 7, u64::MAX, 10, 1_569_910_200, 0] {
            assert_eq!(decimal.format(value), value.to_string());
        }
    }

    #[test]
    fn tokens_minted_in_turn_on_one_thread_carry_their_own_numbers() {
        // The kept `time` and `expire` texts must never leak from one token into the next.
        let signer = Signer::new(crate::DEMO_SDKAPPID, crate::DEMO_KEY).unwrap();
        let verifier = crate::Verifier::new(crate::DEMO_SDKAPPID, crate::DEMO_KEY).unwrap();
        let mut out = String::new();
        for (time, expire) in [(1000, 60), (1000, 61), (1001, 61), (1000, 60), (5, 86400)] {
            let mint = Mint::new("xiaojun").time(time).expire_secs(expire);
            signer.mint_into(&mint, &mut out).unwrap();
            let claims = verifier.verify_at(&out, "xiaojun", time).unwrap();
            assert_eq!((claims.time, claims.expire), (time, expire));
        }
    }
}

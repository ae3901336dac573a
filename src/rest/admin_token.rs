//! The admin UserSig every REST request carries: one per process, minted anew ahead of its
//! expiry (FORMAT.md §8), with the clock injectable for tests.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwap;

use super::clock::{Clock, SystemClock};
use crate::error::SignError;
use crate::sign::{Mint, Signer};

/// The default lifetime of an admin token: one day.
///
/// Shorter than the 180 days of a user token on purpose: an admin token travels in every
/// request URL, where proxies and access logs may record it, and it grants everything. Renewing
/// it costs one HMAC a day.
///
/// ```
/// use usersig::rest::{AdminToken, DEFAULT_ADMIN_LIFETIME_SECS};
/// use usersig::{Signer, DEMO_KEY};
/// let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
/// assert_eq!(admin.lifetime_secs(), DEFAULT_ADMIN_LIFETIME_SECS);
/// # Ok::<(), usersig::SignError>(())
/// ```
pub const DEFAULT_ADMIN_LIFETIME_SECS: u64 = 86_400;

/// The shortest admin-token lifetime [`AdminTokenBuilder::lifetime_secs`] accepts: one minute.
///
/// ```
/// use usersig::rest::{AdminToken, MIN_ADMIN_LIFETIME_SECS};
/// use usersig::{Signer, DEMO_KEY};
/// let admin = AdminToken::builder(Signer::new(1400000000, DEMO_KEY)?, "administrator")
///     .lifetime_secs(1)
///     .build()?;
/// assert_eq!(admin.lifetime_secs(), MIN_ADMIN_LIFETIME_SECS);
/// # Ok::<(), usersig::SignError>(())
/// ```
pub const MIN_ADMIN_LIFETIME_SECS: u64 = 60;

/// The default renewal margin for a lifetime: a tenth of it, at most one hour.
///
/// A token is renewed once less than this remains. A tenth keeps short-lived tokens from being
/// used to their last second (clocks drift, requests are retried); the one-hour cap keeps long
/// ones from being re-minted days early for nothing.
///
/// ```
/// use usersig::rest::default_renew_margin_secs;
/// assert_eq!(default_renew_margin_secs(86_400), 3_600);
/// assert_eq!(default_renew_margin_secs(600), 60);
/// ```
pub const fn default_renew_margin_secs(lifetime_secs: u64) -> u64 {
    let tenth = lifetime_secs / 10;
    if tenth < 3_600 { tenth } else { 3_600 }
}

struct Issued {
    token: Arc<str>,
    expires_at: u64,
    renew_at: u64,
}

/// One admin UserSig, shared by every REST request of a process and minted anew ahead of its
/// expiry (FORMAT.md §8: "renew it ahead of time, never per request").
///
/// [`get`](AdminToken::get) is the hot path: one atomic load of the current token and a clock
/// read; it takes no lock and does not allocate (it returns an `Arc<str>`, a reference count
/// increment; `arc-swap` sets up a small per-thread slot once per thread). Only when the renewal margin is reached does one caller take a mutex and mint;
/// callers that arrive meanwhile wait for that one HMAC. Share it as `&AdminToken` or in an
/// `Arc`: it is `Send + Sync`.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::sync::Arc;
/// use usersig::rest::AdminToken;
/// use usersig::{Signer, Verifier, DEMO_KEY};
///
/// let now = Arc::new(AtomicU64::new(1_700_000_000));
/// let clock = { let now = now.clone(); move || now.load(Ordering::Relaxed) };
/// let admin = AdminToken::builder(Signer::new(1400000000, DEMO_KEY)?, "administrator")
///     .lifetime_secs(3_600)
///     .clock(clock)
///     .build()?;
/// let first = admin.get()?;
/// now.fetch_add(3_000, Ordering::Relaxed);          // 600 s left: above the 360 s margin
/// assert!(Arc::ptr_eq(&first, &admin.get()?));      // the same token, no minting
/// now.fetch_add(300, Ordering::Relaxed);            // 300 s left: renew
/// let second = admin.get()?;
/// assert_ne!(first, second);
/// let claims = Verifier::new(1400000000, DEMO_KEY)?
///     .verify_at(&second, "administrator", 1_700_003_300)?;
/// assert_eq!(claims.expires_at, 1_700_003_300 + 3_600);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AdminToken {
    signer: Signer,
    identifier: String,
    lifetime: u64,
    margin: u64,
    clock: Box<dyn Clock>,
    current: ArcSwap<Issued>,
    renewing: Mutex<()>,
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminToken")
            .field("sdkappid", &self.signer.sdkappid())
            .field("identifier", &self.identifier)
            .field("lifetime", &self.lifetime)
            .field("margin", &self.margin)
            .field("expires_at", &self.current.load().expires_at)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// Settings for an [`AdminToken`]; made by [`AdminToken::builder`].
///
/// ```
/// use usersig::rest::AdminToken;
/// use usersig::{Signer, DEMO_KEY};
/// let admin = AdminToken::builder(Signer::new(1400000000, DEMO_KEY)?, "administrator")
///     .lifetime_secs(7 * 86_400)
///     .renew_margin_secs(86_400)
///     .build()?;
/// assert_eq!(admin.renew_margin_secs(), 86_400);
/// # Ok::<(), usersig::SignError>(())
/// ```
pub struct AdminTokenBuilder {
    signer: Signer,
    identifier: String,
    lifetime: u64,
    margin: Option<u64>,
    clock: Box<dyn Clock>,
}

impl fmt::Debug for AdminTokenBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminTokenBuilder")
            .field("signer", &self.signer)
            .field("identifier", &self.identifier)
            .field("lifetime", &self.lifetime)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl AdminTokenBuilder {
    /// The lifetime of each minted token, in seconds (default [`DEFAULT_ADMIN_LIFETIME_SECS`];
    /// at least [`MIN_ADMIN_LIFETIME_SECS`]: shorter values are raised to it).
    ///
    /// ```
    /// # use usersig::rest::AdminToken;
    /// # use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::builder(Signer::new(1400000000, DEMO_KEY)?, "administrator")
    ///     .lifetime_secs(3_600)
    ///     .build()?;
    /// assert_eq!(admin.lifetime_secs(), 3_600);
    /// assert_eq!(admin.renew_margin_secs(), 360);
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn lifetime_secs(mut self, secs: u64) -> Self {
        self.lifetime = secs.max(MIN_ADMIN_LIFETIME_SECS);
        self
    }

    /// Renew once less than this many seconds of the token's life remain (default
    /// [`default_renew_margin_secs`] of the lifetime). At most half the lifetime is used, so a
    /// token always serves for at least half its life and is never minted per request.
    ///
    /// ```
    /// # use usersig::rest::AdminToken;
    /// # use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::builder(Signer::new(1400000000, DEMO_KEY)?, "administrator")
    ///     .lifetime_secs(3_600)
    ///     .renew_margin_secs(7_200)
    ///     .build()?;
    /// assert_eq!(admin.renew_margin_secs(), 1_800); // at most half the lifetime
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn renew_margin_secs(mut self, secs: u64) -> Self {
        self.margin = Some(secs);
        self
    }

    /// The clock (default [`SystemClock`]).
    ///
    /// ```
    /// # use usersig::rest::AdminToken;
    /// # use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::builder(Signer::new(1400000000, DEMO_KEY)?, "administrator")
    ///     .clock(|| 1_700_000_000)
    ///     .build()?;
    /// assert_eq!(admin.expires_at(), 1_700_000_000 + 86_400);
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Mints the first token and returns the cache.
    ///
    /// ```
    /// use usersig::rest::AdminToken;
    /// use usersig::{SignError, Signer, DEMO_KEY};
    /// let err = AdminToken::builder(Signer::new(1, DEMO_KEY)?, "").build().unwrap_err();
    /// assert_eq!(err, SignError::EmptyIdentifier);
    /// # Ok::<(), SignError>(())
    /// ```
    pub fn build(self) -> Result<AdminToken, SignError> {
        let margin = self
            .margin
            .unwrap_or(default_renew_margin_secs(self.lifetime))
            .min(self.lifetime / 2);
        let mut admin = AdminToken {
            signer: self.signer,
            identifier: self.identifier,
            lifetime: self.lifetime,
            margin,
            clock: self.clock,
            current: ArcSwap::from_pointee(Issued {
                token: Arc::from(""),
                expires_at: 0,
                renew_at: 0,
            }),
            renewing: Mutex::new(()),
        };
        let first = admin.issue(admin.clock.now_unix())?;
        admin.current = ArcSwap::from_pointee(first);
        Ok(admin)
    }
}

impl AdminToken {
    /// A cache for `identifier` (the app administrator) with the default lifetime, margin and
    /// clock. Mints the first token now.
    ///
    /// ```
    /// use usersig::rest::AdminToken;
    /// use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// assert_eq!(admin.lifetime_secs(), 86_400);
    /// assert_eq!(admin.renew_margin_secs(), 3_600);
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn new(signer: Signer, identifier: impl Into<String>) -> Result<AdminToken, SignError> {
        AdminToken::builder(signer, identifier).build()
    }

    /// Settings beyond the defaults: lifetime, margin, clock.
    ///
    /// ```
    /// use usersig::rest::AdminToken;
    /// use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::builder(Signer::new(1400000000, DEMO_KEY)?, "administrator")
    ///     .lifetime_secs(7_200)
    ///     .build()?;
    /// assert_eq!(admin.lifetime_secs(), 7_200);
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn builder(signer: Signer, identifier: impl Into<String>) -> AdminTokenBuilder {
        AdminTokenBuilder {
            signer,
            identifier: identifier.into(),
            lifetime: DEFAULT_ADMIN_LIFETIME_SECS,
            margin: None,
            clock: Box::new(SystemClock),
        }
    }

    /// The current token, renewed first if less than the margin remains.
    ///
    /// ```
    /// # use usersig::rest::AdminToken;
    /// # use usersig::{Signer, Verifier, DEMO_KEY};
    /// let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// let token = admin.get()?;
    /// Verifier::new(1400000000, DEMO_KEY)?.verify(&token, "administrator")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get(&self) -> Result<Arc<str>, SignError> {
        let now = self.clock.now_unix();
        {
            let current = self.current.load();
            if now < current.renew_at {
                return Ok(Arc::clone(&current.token));
            }
        }
        self.renew(now, None)
    }

    /// Replaces `rejected` after the server refused it (70001 expired, 70003 illegal: see
    /// [`RetryClass::RenewToken`](super::RetryClass::RenewToken)) and returns the new current token. When another thread has
    /// already replaced it, the token now current is returned and nothing is minted, so a burst
    /// of rejections renews once.
    ///
    /// ```
    /// # use usersig::rest::AdminToken;
    /// # use usersig::{Signer, DEMO_KEY};
    /// let t = std::sync::atomic::AtomicU64::new(1_700_000_000);
    /// let admin = AdminToken::builder(Signer::new(1400000000, DEMO_KEY)?, "admin")
    ///     .clock(move || t.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    ///     .build()?;
    /// let old = admin.get()?;
    /// let new = admin.renew_rejected(&old)?;
    /// assert_ne!(old, new);
    /// assert_eq!(admin.renew_rejected(&old)?, new); // already replaced: no second mint
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn renew_rejected(&self, rejected: &Arc<str>) -> Result<Arc<str>, SignError> {
        let now = self.clock.now_unix();
        self.renew(now, Some(rejected))
    }

    fn renew(&self, now: u64, rejected: Option<&Arc<str>>) -> Result<Arc<str>, SignError> {
        let _guard = self.renewing.lock().unwrap_or_else(PoisonError::into_inner);
        // Another caller may have renewed while we waited for the lock.
        let current = self.current.load_full();
        let still_good = match rejected {
            Some(rejected) => !Arc::ptr_eq(&current.token, rejected),
            None => now < current.renew_at,
        };
        if still_good {
            return Ok(Arc::clone(&current.token));
        }
        let issued = self.issue(now)?;
        let token = Arc::clone(&issued.token);
        self.current.store(Arc::new(issued));
        Ok(token)
    }

    fn issue(&self, now: u64) -> Result<Issued, SignError> {
        let token = self.signer.mint(
            &Mint::new(&self.identifier)
                .time(now)
                .expire_secs(self.lifetime),
        )?;
        let expires_at = now.saturating_add(self.lifetime);
        Ok(Issued {
            token: Arc::from(token),
            expires_at,
            renew_at: expires_at.saturating_sub(self.margin),
        })
    }

    /// The admin identifier the tokens are for.
    ///
    /// ```
    /// # use usersig::rest::AdminToken;
    /// # use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// assert_eq!(admin.identifier(), "administrator");
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn identifier(&self) -> &str {
        &self.identifier
    }

    /// The SDKAppID the tokens are for.
    ///
    /// ```
    /// # use usersig::rest::AdminToken;
    /// # use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// assert_eq!(admin.sdkappid(), 1400000000);
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn sdkappid(&self) -> u64 {
        self.signer.sdkappid()
    }

    /// The lifetime of each minted token, in seconds.
    ///
    /// ```
    /// # use usersig::rest::AdminToken;
    /// # use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// assert_eq!(admin.lifetime_secs(), 86_400);
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn lifetime_secs(&self) -> u64 {
        self.lifetime
    }

    /// The renewal margin in use, in seconds.
    ///
    /// ```
    /// # use usersig::rest::AdminToken;
    /// # use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// assert_eq!(admin.renew_margin_secs(), 3_600);
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn renew_margin_secs(&self) -> u64 {
        self.margin
    }

    /// When the current token expires (Unix seconds): `time + expire`.
    ///
    /// ```
    /// # use usersig::rest::AdminToken;
    /// # use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::builder(Signer::new(1400000000, DEMO_KEY)?, "admin")
    ///     .clock(|| 1_700_000_000).build()?;
    /// assert_eq!(admin.expires_at(), 1_700_000_000 + 86_400);
    /// # Ok::<(), usersig::SignError>(())
    /// ```
    pub fn expires_at(&self) -> u64 {
        self.current.load().expires_at
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;
    use crate::{DEMO_KEY, DEMO_SDKAPPID};

    const T0: u64 = 1_700_000_000;

    /// A cache on a clock the test moves, and the handle to move it.
    fn cache(lifetime: u64, margin: Option<u64>) -> (AdminToken, Arc<AtomicU64>) {
        let now = Arc::new(AtomicU64::new(T0));
        let clock = Arc::clone(&now);
        let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY).unwrap();
        let mut builder = AdminToken::builder(signer, "administrator")
            .lifetime_secs(lifetime)
            .clock(move || clock.load(Ordering::Relaxed));
        if let Some(margin) = margin {
            builder = builder.renew_margin_secs(margin);
        }
        (builder.build().unwrap(), now)
    }

    #[test]
    fn the_default_margin_is_a_tenth_of_the_lifetime_capped_at_an_hour() {
        for (lifetime, margin) in [
            (0, 0),
            (9, 0),
            (60, 6),
            (600, 60),
            (35_999, 3_599),
            (36_000, 3_600),
            (86_400, 3_600),
            (u64::MAX, 3_600),
        ] {
            assert_eq!(default_renew_margin_secs(lifetime), margin, "{lifetime}");
        }
    }

    #[test]
    fn the_first_token_is_minted_at_build_and_renews_a_margin_before_expiry() {
        let (admin, _) = cache(3_600, None);
        let issued = admin.current.load();
        assert_eq!(issued.expires_at, T0 + 3_600);
        assert_eq!(issued.renew_at, T0 + 3_600 - 360);
        assert!(!issued.token.is_empty());
    }

    #[test]
    fn the_token_is_kept_until_the_second_renewal_is_due_and_renewed_on_it() {
        let (admin, now) = cache(3_600, None);
        let first = admin.get().unwrap();
        now.store(T0 + 3_600 - 361, Ordering::Relaxed);
        assert!(Arc::ptr_eq(&first, &admin.get().unwrap()));
        now.store(T0 + 3_600 - 360, Ordering::Relaxed);
        let second = admin.get().unwrap();
        assert!(!Arc::ptr_eq(&first, &second));
        assert_eq!(admin.expires_at(), T0 + 3_600 - 360 + 3_600);
    }

    #[test]
    fn a_zero_margin_renews_at_expiry_and_not_before() {
        let (admin, now) = cache(600, Some(0));
        assert_eq!(admin.renew_margin_secs(), 0);
        let first = admin.get().unwrap();
        now.store(T0 + 599, Ordering::Relaxed);
        assert!(Arc::ptr_eq(&first, &admin.get().unwrap()));
        now.store(T0 + 600, Ordering::Relaxed);
        assert!(!Arc::ptr_eq(&first, &admin.get().unwrap()));
    }

    #[test]
    fn a_margin_is_cut_to_half_the_lifetime_and_a_lifetime_raised_to_a_minute() {
        let (admin, _) = cache(1_000, Some(u64::MAX));
        assert_eq!(admin.renew_margin_secs(), 500);
        let (admin, _) = cache(1, None);
        assert_eq!(admin.lifetime_secs(), MIN_ADMIN_LIFETIME_SECS);
        assert_eq!(admin.renew_margin_secs(), 6);
    }

    #[test]
    fn a_clock_that_goes_back_keeps_the_current_token() {
        let (admin, now) = cache(3_600, None);
        let first = admin.get().unwrap();
        now.store(0, Ordering::Relaxed);
        assert!(Arc::ptr_eq(&first, &admin.get().unwrap()));
    }

    #[test]
    fn a_clock_at_the_end_of_time_is_an_error_not_a_panic() {
        let signer = Signer::new(DEMO_SDKAPPID, DEMO_KEY).unwrap();
        let err = AdminToken::builder(signer, "administrator")
            .clock(|| u64::MAX - 10)
            .build()
            .unwrap_err();
        assert!(matches!(err, SignError::ExpiryOutOfRange { .. }), "{err:?}");
    }

    #[test]
    fn a_failed_renewal_keeps_the_current_token_for_later() {
        let (admin, now) = cache(3_600, None);
        let first = admin.get().unwrap();
        now.store(u64::MAX, Ordering::Relaxed);
        assert!(admin.get().is_err());
        assert!(admin.renew_rejected(&first).is_err());
        now.store(T0 + 1, Ordering::Relaxed);
        assert!(Arc::ptr_eq(&first, &admin.get().unwrap()));
    }

    #[test]
    fn a_rejected_token_that_is_no_longer_current_mints_nothing() {
        let (admin, now) = cache(3_600, None);
        let current = admin.get().unwrap();
        let stranger: Arc<str> = Arc::from(&*current); // equal text, another allocation
        now.fetch_add(1, Ordering::Relaxed);
        assert!(Arc::ptr_eq(
            &current,
            &admin.renew_rejected(&stranger).unwrap()
        ));
        let renewed = admin.renew_rejected(&current).unwrap();
        assert!(!Arc::ptr_eq(&current, &renewed));
        assert_eq!(admin.expires_at(), T0 + 1 + 3_600);
    }

    #[test]
    fn the_accessors_report_what_the_tokens_are_for() {
        let (admin, _) = cache(7_200, Some(100));
        assert_eq!(admin.identifier(), "administrator");
        assert_eq!(admin.sdkappid(), DEMO_SDKAPPID);
        assert_eq!(admin.lifetime_secs(), 7_200);
        assert_eq!(admin.renew_margin_secs(), 100);
    }

    #[test]
    fn debug_output_shows_neither_the_token_nor_the_key() {
        let (admin, _) = cache(3_600, None);
        let token = admin.get().unwrap();
        let shown = format!("{admin:?}");
        assert!(
            !shown.contains(&*token) && !shown.contains(DEMO_KEY),
            "{shown}"
        );
        let builder = AdminToken::builder(Signer::new(1, DEMO_KEY).unwrap(), "a");
        let shown = format!("{builder:?}");
        assert!(!shown.contains(DEMO_KEY), "{shown}");
    }
}

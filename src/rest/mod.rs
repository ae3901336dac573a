//! Tencent's REST API, the reason servers mint admin UserSigs (FORMAT.md §8): the request URL, a
//! self-renewing admin token, the response envelope and what every documented error code means.
//!
//! Nothing here touches the network. The optional `client` feature adds `Client`, a blocking,
//! pooled HTTPS client that puts these pieces together with bounded, jittered retries.
//!
//! ```
//! use usersig::rest::{AdminToken, Endpoint, Envelope, Region, RestUrl, RetryClass};
//! use usersig::{Signer, DEMO_KEY, DEMO_SDKAPPID};
//!
//! // One admin token per process, shared by every request, renewed ahead of expiry.
//! let admin = AdminToken::new(Signer::new(DEMO_SDKAPPID, DEMO_KEY)?, "administrator")?;
//! let endpoint = Endpoint::from(Region::Singapore);
//! let token = admin.get()?;
//! let url = RestUrl::new(&endpoint, "im_open_login_svc", "account_check")
//!     .sdkappid(admin.sdkappid())
//!     .identifier(admin.identifier())
//!     .usersig(&token)
//!     .build()?;
//! assert!(url.starts_with("https://adminapisgp.im.qcloud.com/v4/im_open_login_svc/account_check?"));
//!
//! // POST `{}` or a JSON object to `url`, then read the envelope.
//! let reply = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":70001,"ErrorInfo":"expired"}"#)?;
//! let err = reply.into_result().unwrap_err();
//! assert_eq!(err.code().retry(), RetryClass::RenewToken);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwap;
use serde_json::{Map, Value};

use crate::error::{Shown, SignError};
use crate::sign::{Mint, Signer};
use crate::time_fmt::unix_now;

// ---------------------------------------------------------------------------------------------
// Regions and endpoints
// ---------------------------------------------------------------------------------------------

/// A data-center region of Tencent Cloud Chat (IM), each with its own REST domain (FORMAT.md §8).
///
/// An app lives in one region, chosen when it was created; calling another region's domain
/// fails with 70016 or 70020. The domains are the ones Tencent's "RESTful API Overview" page
/// (document 1047/34620) lists.
///
/// ```
/// use usersig::rest::Region;
/// assert_eq!(Region::default(), Region::China);
/// assert_eq!(Region::Singapore.domain(), "adminapisgp.im.qcloud.com");
/// assert_eq!("usa".parse::<Region>(), Ok(Region::SiliconValley));
/// assert_eq!(Region::from_code("ger"), Some(Region::Frankfurt));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// China: `console.tim.qq.com`, the default.
    #[default]
    China,
    /// Singapore: `adminapisgp.im.qcloud.com`.
    Singapore,
    /// Seoul: `adminapikr.im.qcloud.com`.
    Seoul,
    /// Tokyo: `adminapijpn.im.qcloud.com`.
    Tokyo,
    /// Frankfurt: `adminapiger.im.qcloud.com`.
    Frankfurt,
    /// Mumbai: `adminapiind.im.qcloud.com`.
    Mumbai,
    /// Silicon Valley (USA): `adminapiusa.im.qcloud.com`.
    SiliconValley,
    /// Jakarta: `adminapiidn.im.qcloud.com`.
    Jakarta,
}

impl Region {
    /// Every region, China first.
    ///
    /// ```
    /// assert_eq!(usersig::rest::Region::ALL.len(), 8);
    /// ```
    pub const ALL: [Region; 8] = [
        Region::China,
        Region::Singapore,
        Region::Seoul,
        Region::Tokyo,
        Region::Frankfurt,
        Region::Mumbai,
        Region::SiliconValley,
        Region::Jakarta,
    ];

    /// The short code, as in Tencent's domain names: `cn`, `sgp`, `kr`, `jpn`, `ger`, `ind`,
    /// `usa`, `idn`. The CLI's `--region` takes these.
    ///
    /// ```
    /// assert_eq!(usersig::rest::Region::Seoul.code(), "kr");
    /// ```
    pub const fn code(self) -> &'static str {
        match self {
            Region::China => "cn",
            Region::Singapore => "sgp",
            Region::Seoul => "kr",
            Region::Tokyo => "jpn",
            Region::Frankfurt => "ger",
            Region::Mumbai => "ind",
            Region::SiliconValley => "usa",
            Region::Jakarta => "idn",
        }
    }

    /// The REST API's domain for this region.
    ///
    /// ```
    /// assert_eq!(usersig::rest::Region::China.domain(), "console.tim.qq.com");
    /// ```
    pub const fn domain(self) -> &'static str {
        match self {
            Region::China => "console.tim.qq.com",
            Region::Singapore => "adminapisgp.im.qcloud.com",
            Region::Seoul => "adminapikr.im.qcloud.com",
            Region::Tokyo => "adminapijpn.im.qcloud.com",
            Region::Frankfurt => "adminapiger.im.qcloud.com",
            Region::Mumbai => "adminapiind.im.qcloud.com",
            Region::SiliconValley => "adminapiusa.im.qcloud.com",
            Region::Jakarta => "adminapiidn.im.qcloud.com",
        }
    }

    /// The backup domain Tencent documents for when the main one's DNS is hijacked.
    ///
    /// ```
    /// assert_eq!(usersig::rest::Region::China.backup_domain(), "adminapi.my-imcloud.com");
    /// ```
    pub const fn backup_domain(self) -> &'static str {
        match self {
            Region::China => "adminapi.my-imcloud.com",
            Region::Singapore => "adminapisgp.my-imcloud.com",
            Region::Seoul => "adminapikr.my-imcloud.com",
            Region::Tokyo => "adminapijpn.my-imcloud.com",
            Region::Frankfurt => "adminapiger.my-imcloud.com",
            Region::Mumbai => "adminapiind.my-imcloud.com",
            Region::SiliconValley => "adminapiusa.my-imcloud.com",
            Region::Jakarta => "adminapiidn.my-imcloud.com",
        }
    }

    /// `https://` and the domain: the base of every request URL in this region.
    ///
    /// ```
    /// assert_eq!(usersig::rest::Region::Tokyo.base_url(), "https://adminapijpn.im.qcloud.com");
    /// ```
    pub const fn base_url(self) -> &'static str {
        match self {
            Region::China => "https://console.tim.qq.com",
            Region::Singapore => "https://adminapisgp.im.qcloud.com",
            Region::Seoul => "https://adminapikr.im.qcloud.com",
            Region::Tokyo => "https://adminapijpn.im.qcloud.com",
            Region::Frankfurt => "https://adminapiger.im.qcloud.com",
            Region::Mumbai => "https://adminapiind.im.qcloud.com",
            Region::SiliconValley => "https://adminapiusa.im.qcloud.com",
            Region::Jakarta => "https://adminapiidn.im.qcloud.com",
        }
    }

    /// A region from its [`code`](Region::code) or its English name, case-insensitively
    /// (`sgp`, `singapore`, `usa`, `us`, `silicon-valley`, ...).
    ///
    /// ```
    /// use usersig::rest::Region;
    /// assert_eq!(Region::from_code("SGP"), Some(Region::Singapore));
    /// assert_eq!(Region::from_code("india"), Some(Region::Mumbai));
    /// assert_eq!(Region::from_code("mars"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Region> {
        let code = code.trim().to_ascii_lowercase();
        let region = match code.as_str() {
            "cn" | "china" => Region::China,
            "sgp" | "sg" | "singapore" => Region::Singapore,
            "kr" | "seoul" | "korea" => Region::Seoul,
            "jpn" | "jp" | "tokyo" | "japan" => Region::Tokyo,
            "ger" | "de" | "frankfurt" | "germany" => Region::Frankfurt,
            "ind" | "in" | "mumbai" | "india" => Region::Mumbai,
            "usa" | "us" | "silicon-valley" | "siliconvalley" => Region::SiliconValley,
            "idn" | "id" | "jakarta" | "indonesia" => Region::Jakarta,
            _ => return None,
        };
        Some(region)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Region {
    type Err = UrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::from_code(s).ok_or_else(|| UrlError::UnknownRegion(s.chars().take(64).collect()))
    }
}

/// Where requests go: a [`Region`]'s domain, or a custom base URL (a proxy, a test server).
///
/// A custom base is `http://` or `https://`, a host, and optionally a port and a path prefix;
/// requests go to `<base>/v4/<service>/<command>?...`.
///
/// ```
/// use usersig::rest::{Endpoint, Region};
/// assert_eq!(Endpoint::default().base_url(), "https://console.tim.qq.com");
/// assert_eq!(Endpoint::from(Region::Seoul).base_url(), "https://adminapikr.im.qcloud.com");
/// let local = Endpoint::custom("http://127.0.0.1:8080/")?;
/// assert_eq!(local.base_url(), "http://127.0.0.1:8080");
/// assert_eq!(Endpoint::parse("sgp")?, Endpoint::from(Region::Singapore));
/// assert!(Endpoint::custom("ftp://example.com").is_err());
/// # Ok::<(), usersig::rest::UrlError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    base: Cow<'static, str>,
}

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint::from(Region::default())
    }
}

impl From<Region> for Endpoint {
    fn from(region: Region) -> Self {
        Endpoint {
            base: Cow::Borrowed(region.base_url()),
        }
    }
}

impl Endpoint {
    /// A custom base URL: `http(s)://host[:port][/prefix]`, no query, no fragment, no spaces.
    /// A trailing `/` is dropped.
    ///
    /// ```
    /// use usersig::rest::Endpoint;
    /// assert!(Endpoint::custom("https://proxy.internal/tencent").is_ok());
    /// assert!(Endpoint::custom("https://x/?a=1").is_err());
    /// assert!(Endpoint::custom("https://").is_err());
    /// // The userinfo trick would send the admin token to another host: refused.
    /// assert!(Endpoint::custom("https://console.tim.qq.com@evil.example").is_err());
    /// assert!(Endpoint::custom("https://x:notaport").is_err());
    /// assert!(Endpoint::custom("https://:80").is_err());
    /// assert_eq!(Endpoint::custom("HTTPS://[::1]:8443/")?.base_url(), "https://[::1]:8443");
    /// # Ok::<(), usersig::rest::UrlError>(())
    /// ```
    pub fn custom(base_url: &str) -> Result<Endpoint, UrlError> {
        let bad = |reason: &'static str| UrlError::BadBaseUrl {
            url: base_url.chars().take(64).collect(),
            reason,
        };
        let trimmed = base_url.trim_end_matches('/');
        if trimmed.bytes().any(|b| b <= b' ' || b >= 0x7f) {
            return Err(bad("it must be printable ASCII without spaces"));
        }
        if trimmed.contains(['?', '#']) {
            return Err(bad("it must not carry a query or a fragment"));
        }
        // Schemes are case-insensitive (RFC 3986 §3.1); the rest is kept as given.
        let (scheme, rest) = trimmed
            .split_once("://")
            .ok_or_else(|| bad("it must start with https:// or http://"))?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "https" => "https",
            "http" => "http",
            _ => return Err(bad("it must start with https:// or http://")),
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        // `https://console.tim.qq.com@evil.example` sends the request, and the admin token
        // in it, to evil.example: userinfo is refused outright.
        if authority.contains('@') {
            return Err(bad("it must not carry a user name (`@`)"));
        }
        let (host, port) = match authority.strip_prefix('[') {
            Some(v6) => {
                let (addr, after) = v6
                    .split_once(']')
                    .ok_or_else(|| bad("its IPv6 address has no closing `]`"))?;
                if addr.is_empty() || !addr.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
                    return Err(bad("its IPv6 address is not valid"));
                }
                match after {
                    "" => (addr, None),
                    _ => (
                        addr,
                        Some(
                            after
                                .strip_prefix(':')
                                .ok_or_else(|| bad("only a port may follow the host"))?,
                        ),
                    ),
                }
            }
            None => match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            },
        };
        if host.is_empty() {
            return Err(bad("it has no host"));
        }
        if !authority.starts_with('[')
            && !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            return Err(bad("its host may hold only letters, digits, `-` and `.`"));
        }
        if let Some(port) = port {
            let valid = !port.is_empty()
                && port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u32>().is_ok_and(|p| (1..=65_535).contains(&p));
            if !valid {
                return Err(bad("its port must be a number from 1 to 65535"));
            }
        }
        let trimmed = format!("{scheme}://{authority}{path}");
        Ok(Endpoint {
            base: Cow::Owned(trimmed),
        })
    }

    /// A region code or name ([`Region::from_code`]) or a custom base URL ([`Endpoint::custom`]).
    /// This is what the C ABI and the CLI accept as one string.
    ///
    /// ```
    /// use usersig::rest::Endpoint;
    /// assert_eq!(Endpoint::parse("usa")?.base_url(), "https://adminapiusa.im.qcloud.com");
    /// assert_eq!(Endpoint::parse("http://127.0.0.1:9")?.base_url(), "http://127.0.0.1:9");
    /// assert!(Endpoint::parse("atlantis").is_err());
    /// # Ok::<(), usersig::rest::UrlError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Endpoint, UrlError> {
        if text.contains("://") {
            Endpoint::custom(text)
        } else {
            text.parse::<Region>().map(Endpoint::from)
        }
    }

    /// The base URL, without a trailing `/`.
    ///
    /// ```
    /// assert_eq!(usersig::rest::Endpoint::default().base_url(), "https://console.tim.qq.com");
    /// ```
    pub fn base_url(&self) -> &str {
        &self.base
    }
}

// ---------------------------------------------------------------------------------------------
// The request URL
// ---------------------------------------------------------------------------------------------

/// Why a request URL could not be built.
///
/// ```
/// use usersig::rest::{Endpoint, RestUrl, UrlError};
/// let err = RestUrl::new(&Endpoint::default(), "../etc", "x")
///     .sdkappid(1400000000).identifier("admin").usersig("token").build().unwrap_err();
/// assert!(matches!(err, UrlError::BadPathSegment { what: "service", .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// The service or command is empty or not made of `[A-Za-z0-9_]` (they are path segments;
    /// every documented one fits, and anything else could redirect the request).
    BadPathSegment {
        /// `"service"` or `"command"`.
        what: &'static str,
        /// The value given, cut to 64 characters.
        value: String,
    },
    /// The admin identifier is empty.
    EmptyIdentifier,
    /// The UserSig is empty.
    EmptyUserSig,
    /// The SDKAppID was not given (0).
    MissingSdkAppId,
    /// The custom base URL is not usable.
    BadBaseUrl {
        /// The URL given, cut to 64 characters.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The region code is not one of [`Region::ALL`].
    UnknownRegion(String),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::BadPathSegment { what, value } => write!(
                f,
                "the {what} {} is not a REST {what} name (letters, digits and `_` only)",
                Shown(value)
            ),
            UrlError::EmptyIdentifier => f.write_str("the admin identifier is empty"),
            UrlError::EmptyUserSig => f.write_str("the admin UserSig is empty"),
            UrlError::MissingSdkAppId => f.write_str("the SDKAppID is missing (0)"),
            UrlError::BadBaseUrl { url, reason } => {
                write!(f, "the base URL {} is not usable: {reason}", Shown(url))
            }
            UrlError::UnknownRegion(code) => write!(
                f,
                "unknown region {}; known: cn, sgp, kr, jpn, ger, ind, usa, idn, or a base URL",
                Shown(code)
            ),
        }
    }
}

impl std::error::Error for UrlError {}

/// The URL of one REST request (FORMAT.md §8):
/// `<base>/v4/<service>/<command>?sdkappid=..&identifier=..&usersig=..&random=..&contenttype=json`.
///
/// `random` is fresh for every `RestUrl` (see [`fresh_random`]) unless pinned with
/// [`RestUrl::random`]. The identifier and the token are percent-encoded; a token in the
/// UserSig alphabet (FORMAT.md §4.2) passes through unchanged, a plain-base64 one gets `+/=` escaped.
///
/// ```
/// use usersig::rest::{Endpoint, RestUrl};
/// let url = RestUrl::new(&Endpoint::default(), "openim", "sendmsg")
///     .sdkappid(1400000000)
///     .identifier("admin")
///     .usersig("eJyrVgrxCdYrSy1SslI")
///     .random(42)
///     .build()?;
/// assert_eq!(url, "https://console.tim.qq.com/v4/openim/sendmsg?sdkappid=1400000000\
///     &identifier=admin&usersig=eJyrVgrxCdYrSy1SslI&random=42&contenttype=json");
/// # Ok::<(), usersig::rest::UrlError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestUrl<'a> {
    endpoint: &'a Endpoint,
    usersig: &'a str,
    service: &'a str,
    command: &'a str,
    sdkappid: u64,
    identifier: &'a str,
    random: Option<u32>,
}

impl<'a> RestUrl<'a> {
    /// A URL for `service`/`command` (e.g. `openim`/`sendmsg`) at `endpoint`. Set the
    /// [`sdkappid`](RestUrl::sdkappid), the admin [`identifier`](RestUrl::identifier) and its
    /// [`usersig`](RestUrl::usersig) too: each is required.
    pub fn new(endpoint: &'a Endpoint, service: &'a str, command: &'a str) -> Self {
        RestUrl {
            endpoint,
            usersig: "",
            service,
            command,
            sdkappid: 0,
            identifier: "",
            random: None,
        }
    }

    /// The admin UserSig, e.g. from [`AdminToken::get`].
    pub fn usersig(mut self, usersig: &'a str) -> Self {
        self.usersig = usersig;
        self
    }

    /// The app's SDKAppID.
    pub fn sdkappid(mut self, sdkappid: u64) -> Self {
        self.sdkappid = sdkappid;
        self
    }

    /// The app administrator the UserSig was minted for.
    pub fn identifier(mut self, identifier: &'a str) -> Self {
        self.identifier = identifier;
        self
    }

    /// Pins `random` instead of drawing a fresh one (for tests and reproducible output).
    pub fn random(mut self, random: u32) -> Self {
        self.random = Some(random);
        self
    }

    /// The URL as a new `String`.
    ///
    /// ```
    /// # use usersig::rest::{Endpoint, RestUrl};
    /// let url = RestUrl::new(&Endpoint::default(), "s", "c").sdkappid(1).identifier("a b")
    ///     .usersig("t").build()?;
    /// assert!(url.contains("identifier=a%20b&"));
    /// # Ok::<(), usersig::rest::UrlError>(())
    /// ```
    pub fn build(&self) -> Result<String, UrlError> {
        let mut out = String::new();
        self.write_into(&mut out)?;
        Ok(out)
    }

    /// Writes the URL into `out`, replacing its contents; on error `out` is left empty. Reuse
    /// one `String` across requests to avoid allocating per URL.
    ///
    /// ```
    /// # use usersig::rest::{Endpoint, RestUrl};
    /// let mut buf = String::new();
    /// RestUrl::new(&Endpoint::default(), "s", "c").sdkappid(1).identifier("a")
    ///     .usersig("tok+/=").random(7).write_into(&mut buf)?;
    /// assert!(buf.contains("usersig=tok%2B%2F%3D&random=7&"));
    /// # Ok::<(), usersig::rest::UrlError>(())
    /// ```
    pub fn write_into(&self, out: &mut String) -> Result<(), UrlError> {
        out.clear();
        check_segment("service", self.service)?;
        check_segment("command", self.command)?;
        if self.sdkappid == 0 {
            return Err(UrlError::MissingSdkAppId);
        }
        if self.identifier.is_empty() {
            return Err(UrlError::EmptyIdentifier);
        }
        if self.usersig.is_empty() {
            return Err(UrlError::EmptyUserSig);
        }
        let random = self.random.unwrap_or_else(fresh_random);
        let mut num = itoa::Buffer::new();
        out.reserve(
            self.endpoint.base_url().len()
                + self.service.len()
                + self.command.len()
                + self.identifier.len() * 3
                + self.usersig.len()
                + 96,
        );
        out.push_str(self.endpoint.base_url());
        out.push_str("/v4/");
        out.push_str(self.service);
        out.push('/');
        out.push_str(self.command);
        out.push_str("?sdkappid=");
        out.push_str(num.format(self.sdkappid));
        out.push_str("&identifier=");
        percent_encode_into(self.identifier, out);
        out.push_str("&usersig=");
        percent_encode_into(self.usersig, out);
        out.push_str("&random=");
        out.push_str(num.format(random));
        out.push_str("&contenttype=json");
        Ok(())
    }
}

fn check_segment(what: &'static str, value: &str) -> Result<(), UrlError> {
    let ok = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(UrlError::BadPathSegment {
            what,
            value: value.chars().take(64).collect(),
        })
    }
}

/// RFC 3986 unreserved characters pass, and `*`, which the UserSig alphabet uses (FORMAT.md §4.2)
/// and which is legal in a query: a UserSig goes out byte for byte as the official SDKs send it.
fn percent_encode_into(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'*') {
            out.push(char::from(b));
        } else {
            out.push('%');
            for nibble in [b >> 4, b & 0x0f] {
                out.push(HEX.get(usize::from(nibble)).map_or('0', |&h| char::from(h)));
            }
        }
    }
}

/// A fresh `random` for a request URL, from the operating system's generator.
///
/// FORMAT.md §8 only asks that `random` be fresh per request: it identifies the request, it is not a
/// secret. We draw it from the OS (`getrandom`) all the same: it is as cheap as a userspace PRNG
/// at this rate, needs no seeding or state, and two processes started in the same instant cannot
/// collide by construction. In the practically impossible case that the OS generator fails, a
/// mix of the clock and a process-wide counter is returned, which is still fresh per call.
///
/// ```
/// let a = usersig::rest::fresh_random();
/// let b = usersig::rest::fresh_random();
/// let c = usersig::rest::fresh_random();
/// assert!(a != b || b != c); // 3 equal draws: 1 in 2^64
/// ```
pub fn fresh_random() -> u32 {
    getrandom::u32().unwrap_or_else(|_| fallback_random())
}

fn fallback_random() -> u32 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    // SplitMix64's finalizer: spreads the counter and the clock over all bits.
    let mut z = nanos ^ count.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as u32
}

// ---------------------------------------------------------------------------------------------
// The admin token cache
// ---------------------------------------------------------------------------------------------

/// A source of Unix time in seconds, injectable for tests.
///
/// Implemented by [`SystemClock`] and by any `Fn() -> u64 + Send + Sync` closure.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::sync::Arc;
/// use usersig::rest::Clock;
/// let now = Arc::new(AtomicU64::new(1_700_000_000));
/// let clock = { let now = now.clone(); move || now.load(Ordering::Relaxed) };
/// assert_eq!(clock.now_unix(), 1_700_000_000);
/// ```
pub trait Clock: Send + Sync {
    /// The current Unix time in seconds.
    fn now_unix(&self) -> u64;
}

impl<F: Fn() -> u64 + Send + Sync> Clock for F {
    fn now_unix(&self) -> u64 {
        self()
    }
}

/// The system clock (0 if it is set before 1970).
///
/// ```
/// use usersig::rest::{Clock, SystemClock};
/// assert!(SystemClock.now_unix() > 1_600_000_000);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> u64 {
        unix_now().unwrap_or(0)
    }
}

/// The default lifetime of an admin token: one day.
///
/// Shorter than the 180 days of a user token on purpose: an admin token travels in every
/// request URL, where proxies and access logs may record it, and it grants everything. Renewing
/// it costs one HMAC a day.
pub const DEFAULT_ADMIN_LIFETIME_SECS: u64 = 86_400;

/// The shortest admin-token lifetime [`AdminTokenBuilder::lifetime_secs`] accepts: one minute.
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
    pub fn lifetime_secs(mut self, secs: u64) -> Self {
        self.lifetime = secs.max(MIN_ADMIN_LIFETIME_SECS);
        self
    }

    /// Renew once less than this many seconds of the token's life remain (default
    /// [`default_renew_margin_secs`] of the lifetime). At most half the lifetime is used, so a
    /// token always serves for at least half its life and is never minted per request.
    pub fn renew_margin_secs(mut self, secs: u64) -> Self {
        self.margin = Some(secs);
        self
    }

    /// The clock (default [`SystemClock`]).
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
    /// [`RetryClass::RenewToken`]) and returns the new current token. When another thread has
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
    pub fn identifier(&self) -> &str {
        &self.identifier
    }

    /// The SDKAppID the tokens are for.
    pub fn sdkappid(&self) -> u64 {
        self.signer.sdkappid()
    }

    /// The lifetime of each minted token, in seconds.
    pub fn lifetime_secs(&self) -> u64 {
        self.lifetime
    }

    /// The renewal margin in use, in seconds.
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

// ---------------------------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------------------------

/// Whether and how to retry a request that failed with a given code (FORMAT.md §8).
///
/// The names of [`as_str`](RetryClass::as_str) and the integer values are a public contract
/// (the C ABI returns the integer).
///
/// ```
/// use usersig::rest::{describe, RetryClass};
/// assert_eq!(describe(60007).map(|i| i.retry), Some(RetryClass::Backoff));
/// assert_eq!(RetryClass::RenewToken as u8, 3);
/// assert_eq!(RetryClass::After60s.as_str(), "after_60s");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RetryClass {
    /// Retrying the same request cannot succeed: fix the request, the key or the settings.
    Never = 0,
    /// Transient (rate limit, timeout): retry with exponential backoff and jitter.
    Backoff = 1,
    /// Locked out for a while: wait 60 seconds before retrying.
    After60s = 2,
    /// The admin UserSig was refused as expired or damaged: mint a new one, retry once.
    RenewToken = 3,
}

impl RetryClass {
    /// Every class, in integer order.
    pub const ALL: [RetryClass; 4] = [
        RetryClass::Never,
        RetryClass::Backoff,
        RetryClass::After60s,
        RetryClass::RenewToken,
    ];

    /// The stable snake_case name: `never`, `backoff`, `after_60s`, `renew_token`.
    ///
    /// ```
    /// assert_eq!(usersig::rest::RetryClass::Never.as_str(), "never");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            RetryClass::Never => "never",
            RetryClass::Backoff => "backoff",
            RetryClass::After60s => "after_60s",
            RetryClass::RenewToken => "renew_token",
        }
    }

    /// What to do, for a person.
    ///
    /// ```
    /// assert!(usersig::rest::RetryClass::Backoff.advice().contains("backoff"));
    /// ```
    pub const fn advice(self) -> &'static str {
        match self {
            RetryClass::Never => "do not retry: the same request will fail the same way",
            RetryClass::Backoff => "retry with exponential backoff and jitter",
            RetryClass::After60s => "wait 60 seconds, then retry",
            RetryClass::RenewToken => "mint a new admin UserSig, then retry once",
        }
    }

    /// Whether a retry can help at all.
    ///
    /// ```
    /// assert!(!usersig::rest::RetryClass::Never.is_retryable());
    /// ```
    pub const fn is_retryable(self) -> bool {
        !matches!(self, RetryClass::Never)
    }
}

impl fmt::Display for RetryClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a REST error code means and what to do about it: one row of FORMAT.md §8's table.
///
/// ```
/// let info = usersig::rest::describe(70009).unwrap();
/// assert_eq!(info.name, "usersig_bad_signature");
/// assert!(!info.retry.is_retryable());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    /// The `ErrorCode`.
    pub code: i64,
    /// A stable snake_case name for the condition (60004 and 60005 share one, as do 60018
    /// and 60019: Tencent documents them alike).
    pub name: &'static str,
    /// What it means.
    pub meaning: &'static str,
    /// What to do about it.
    pub action: &'static str,
    /// Whether and how to retry.
    pub retry: RetryClass,
}

const fn row(
    code: i64,
    name: &'static str,
    meaning: &'static str,
    action: &'static str,
    retry: RetryClass,
) -> CodeInfo {
    CodeInfo {
        code,
        name,
        meaning,
        action,
        retry,
    }
}

/// Every code of FORMAT.md §8's table, in numeric order.
///
/// ```
/// use usersig::rest::CODES;
/// assert_eq!(CODES.len(), 28);
/// assert!(CODES.windows(2).all(|w| w[0].code < w[1].code));
/// ```
pub const CODES: [CodeInfo; 28] = {
    use RetryClass::{After60s, Backoff, Never, RenewToken};
    [
        row(
            60002,
            "http_parse",
            "HTTP parse error",
            "check the request URL's format",
            Never,
        ),
        row(
            60003,
            "request_json_parse",
            "the request body is not valid JSON",
            "fix the body; send {} when there is nothing to send, never an empty body",
            Never,
        ),
        row(
            60004,
            "bad_account_or_signature",
            "wrong account or signature in the URL or the body",
            "check the identifier and usersig parameters: the identifier must be the app \
             administrator the UserSig was minted for",
            Never,
        ),
        row(
            60005,
            "bad_account_or_signature",
            "wrong account or signature in the URL or the body",
            "check the identifier and usersig parameters: the identifier must be the app \
             administrator the UserSig was minted for",
            Never,
        ),
        row(
            60006,
            "sdkappid_invalid",
            "the SDKAppID is invalid",
            "check the sdkappid parameter against the console",
            Never,
        ),
        row(
            60007,
            "rest_rate_limited",
            "the REST API call rate limit was exceeded",
            "retry with backoff, and lower the call rate",
            Backoff,
        ),
        row(
            60008,
            "service_timeout",
            "the service timed out, or the HTTP request was malformed",
            "retry with backoff; if it persists, check the request format",
            Backoff,
        ),
        row(
            60009,
            "resource_error",
            "request resource error",
            "check the service and command in the URL",
            Never,
        ),
        row(
            60010,
            "admin_required",
            "the request needs App administrator privileges",
            "call with an identifier that is an App administrator in the console",
            Never,
        ),
        row(
            60011,
            "sdkappid_rate_limited",
            "the SDKAppID's call rate limit was exceeded",
            "retry with backoff, and lower the call rate",
            Backoff,
        ),
        row(
            60012,
            "sdkappid_missing",
            "the SDKAppID is missing from the URL",
            "add the sdkappid parameter",
            Never,
        ),
        row(
            60013,
            "response_json_parse",
            "the server could not parse a JSON response internally",
            "retry with backoff",
            Backoff,
        ),
        row(
            60014,
            "account_replace_timeout",
            "account replacement timed out",
            "retry with backoff",
            Backoff,
        ),
        row(
            60015,
            "account_wrong_type",
            "an account in the body has the wrong type",
            "send accounts as JSON strings",
            Never,
        ),
        row(
            60016,
            "sdkappid_disabled",
            "the SDKAppID is disabled",
            "check the app's status in the console",
            Never,
        ),
        row(
            60017,
            "request_disabled",
            "the request is disabled",
            "check that the feature is enabled for the app in the console",
            Never,
        ),
        row(
            60018,
            "too_frequent",
            "requests are too frequent",
            "retry later with backoff",
            Backoff,
        ),
        row(
            60019,
            "too_frequent",
            "requests are too frequent",
            "retry later with backoff",
            Backoff,
        ),
        row(
            60020,
            "plan_expired",
            "the Professional Edition package has expired",
            "renew the package in the console",
            Never,
        ),
        row(
            60021,
            "source_ip_not_allowed",
            "the calling IP address is not allowed",
            "add this server's IP to the app's allowlist in the console",
            Never,
        ),
        row(
            70001,
            "usersig_expired",
            "the UserSig has expired",
            "mint a new admin UserSig and retry once; if it recurs, check this server's clock",
            RenewToken,
        ),
        row(
            70003,
            "usersig_invalid",
            "the UserSig is illegal or truncated",
            "mint a new one and retry once; check that nothing (URL handling, a log line, a \
             length limit) altered or cut it",
            RenewToken,
        ),
        row(
            70009,
            "usersig_bad_signature",
            "the UserSig's signature does not match (wrong key or SDKAppID)",
            "check that the key and the SDKAppID come from the same app in the console",
            Never,
        ),
        row(
            70013,
            "identifier_mismatch",
            "the UserID in the request differs from the UserSig's",
            "use the identifier the admin UserSig was minted for",
            Never,
        ),
        row(
            70014,
            "sdkappid_mismatch",
            "the SDKAppID in the request differs from the UserSig's",
            "use the SDKAppID the admin UserSig was minted for",
            Never,
        ),
        row(
            70016,
            "key_not_found",
            "the key does not exist",
            "check the region: the app may live in another region's domain",
            Never,
        ),
        row(
            70020,
            "sdkappid_not_found",
            "the SDKAppID does not exist",
            "check the SDKAppID and the region domain",
            Never,
        ),
        row(
            70050,
            "usersig_lockout",
            "too many UserSig failures",
            "wait 60 seconds before retrying, and fix what makes the UserSigs fail",
            After60s,
        ),
    ]
};

/// What `code` means and whether to retry, or `None` for a code outside FORMAT.md §8's table
/// (including 0, success).
///
/// ```
/// use usersig::rest::{describe, RetryClass};
/// let info = describe(70001).unwrap();
/// assert_eq!(info.retry, RetryClass::RenewToken);
/// assert!(info.meaning.contains("expired"));
/// assert!(describe(0).is_none());
/// assert!(describe(91000).is_none());
/// ```
pub fn describe(code: i64) -> Option<&'static CodeInfo> {
    CODES
        .binary_search_by_key(&code, |info| info.code)
        .ok()
        .and_then(|i| CODES.get(i))
}

/// A REST error code as a type: one variant per condition of FORMAT.md §8's table, and
/// [`Unknown`](RestCode::Unknown) for everything else.
///
/// ```
/// use usersig::rest::{RestCode, RetryClass};
/// assert_eq!(RestCode::from_code(70001), RestCode::UserSigExpired);
/// assert_eq!(RestCode::from_code(60019), RestCode::TooFrequent { code: 60019 });
/// assert_eq!(RestCode::from_code(60019).code(), 60019);
/// assert_eq!(RestCode::from_code(12345), RestCode::Unknown(12345));
/// assert_eq!(RestCode::Unknown(12345).retry(), RetryClass::Never);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RestCode {
    /// 60002: HTTP parse error.
    HttpParse,
    /// 60003: the request body is not valid JSON.
    RequestJsonParse,
    /// 60004 or 60005: wrong account or signature in the URL or the body.
    BadAccountOrSignature {
        /// 60004 or 60005.
        code: i64,
    },
    /// 60006: the SDKAppID is invalid.
    SdkAppIdInvalid,
    /// 60007: REST call rate limit exceeded.
    RestRateLimited,
    /// 60008: the service timed out, or the request was malformed.
    ServiceTimeout,
    /// 60009: request resource error.
    ResourceError,
    /// 60010: needs App administrator privileges.
    AdminRequired,
    /// 60011: SDKAppID rate limit exceeded.
    SdkAppIdRateLimited,
    /// 60012: the SDKAppID is missing from the URL.
    SdkAppIdMissing,
    /// 60013: response JSON parse error.
    ResponseJsonParse,
    /// 60014: account replacement timed out.
    AccountReplaceTimeout,
    /// 60015: an account in the body has the wrong type.
    AccountWrongType,
    /// 60016: the SDKAppID is disabled.
    SdkAppIdDisabled,
    /// 60017: the request is disabled.
    RequestDisabled,
    /// 60018 or 60019: requests are too frequent.
    TooFrequent {
        /// 60018 or 60019.
        code: i64,
    },
    /// 60020: the Professional Edition package has expired.
    PlanExpired,
    /// 60021: the calling IP is not allowed.
    SourceIpNotAllowed,
    /// 70001: the UserSig expired.
    UserSigExpired,
    /// 70003: the UserSig is illegal or truncated.
    UserSigInvalid,
    /// 70009: the UserSig's signature does not match.
    UserSigBadSignature,
    /// 70013: the request's UserID differs from the UserSig's.
    IdentifierMismatch,
    /// 70014: the request's SDKAppID differs from the UserSig's.
    SdkAppIdMismatch,
    /// 70016: the key does not exist.
    KeyNotFound,
    /// 70020: the SDKAppID does not exist.
    SdkAppIdNotFound,
    /// 70050: too many UserSig failures; locked out for a minute.
    UserSigLockout,
    /// A code outside FORMAT.md §8's table (service-specific codes, new codes).
    Unknown(i64),
}

impl RestCode {
    /// The typed form of an `ErrorCode`.
    pub fn from_code(code: i64) -> RestCode {
        match code {
            60002 => RestCode::HttpParse,
            60003 => RestCode::RequestJsonParse,
            60004 | 60005 => RestCode::BadAccountOrSignature { code },
            60006 => RestCode::SdkAppIdInvalid,
            60007 => RestCode::RestRateLimited,
            60008 => RestCode::ServiceTimeout,
            60009 => RestCode::ResourceError,
            60010 => RestCode::AdminRequired,
            60011 => RestCode::SdkAppIdRateLimited,
            60012 => RestCode::SdkAppIdMissing,
            60013 => RestCode::ResponseJsonParse,
            60014 => RestCode::AccountReplaceTimeout,
            60015 => RestCode::AccountWrongType,
            60016 => RestCode::SdkAppIdDisabled,
            60017 => RestCode::RequestDisabled,
            60018 | 60019 => RestCode::TooFrequent { code },
            60020 => RestCode::PlanExpired,
            60021 => RestCode::SourceIpNotAllowed,
            70001 => RestCode::UserSigExpired,
            70003 => RestCode::UserSigInvalid,
            70009 => RestCode::UserSigBadSignature,
            70013 => RestCode::IdentifierMismatch,
            70014 => RestCode::SdkAppIdMismatch,
            70016 => RestCode::KeyNotFound,
            70020 => RestCode::SdkAppIdNotFound,
            70050 => RestCode::UserSigLockout,
            other => RestCode::Unknown(other),
        }
    }

    /// The numeric `ErrorCode`.
    ///
    /// ```
    /// use usersig::rest::{RestCode, CODES};
    /// assert!(CODES.iter().all(|i| RestCode::from_code(i.code).code() == i.code));
    /// ```
    pub fn code(self) -> i64 {
        match self {
            RestCode::HttpParse => 60002,
            RestCode::RequestJsonParse => 60003,
            RestCode::BadAccountOrSignature { code } | RestCode::TooFrequent { code } => code,
            RestCode::SdkAppIdInvalid => 60006,
            RestCode::RestRateLimited => 60007,
            RestCode::ServiceTimeout => 60008,
            RestCode::ResourceError => 60009,
            RestCode::AdminRequired => 60010,
            RestCode::SdkAppIdRateLimited => 60011,
            RestCode::SdkAppIdMissing => 60012,
            RestCode::ResponseJsonParse => 60013,
            RestCode::AccountReplaceTimeout => 60014,
            RestCode::AccountWrongType => 60015,
            RestCode::SdkAppIdDisabled => 60016,
            RestCode::RequestDisabled => 60017,
            RestCode::PlanExpired => 60020,
            RestCode::SourceIpNotAllowed => 60021,
            RestCode::UserSigExpired => 70001,
            RestCode::UserSigInvalid => 70003,
            RestCode::UserSigBadSignature => 70009,
            RestCode::IdentifierMismatch => 70013,
            RestCode::SdkAppIdMismatch => 70014,
            RestCode::KeyNotFound => 70016,
            RestCode::SdkAppIdNotFound => 70020,
            RestCode::UserSigLockout => 70050,
            RestCode::Unknown(code) => code,
        }
    }

    /// The table row for this code, `None` for [`Unknown`](RestCode::Unknown).
    ///
    /// ```
    /// use usersig::rest::RestCode;
    /// assert_eq!(RestCode::KeyNotFound.info().map(|i| i.name), Some("key_not_found"));
    /// ```
    pub fn info(self) -> Option<&'static CodeInfo> {
        describe(self.code())
    }

    /// Whether and how to retry. Unknown codes are not retried: retrying what we cannot
    /// classify risks repeating a request that had an effect.
    pub fn retry(self) -> RetryClass {
        self.info().map_or(RetryClass::Never, |info| info.retry)
    }
}

impl fmt::Display for RestCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.info() {
            Some(info) => write!(f, "{} ({}): {}", info.code, info.name, info.meaning),
            None => write!(f, "{} (not in the common code table)", self.code()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The response envelope
// ---------------------------------------------------------------------------------------------

/// The `ActionStatus` of a response.
///
/// ```
/// use usersig::rest::ActionStatus;
/// assert_eq!(ActionStatus::from_wire("OK"), ActionStatus::Ok);
/// assert_eq!(ActionStatus::from_wire("FAIL").as_str(), "FAIL");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ActionStatus {
    /// `"OK"`.
    Ok,
    /// `"FAIL"`.
    Fail,
    /// Anything else, kept as received (treated as a failure).
    Other(String),
}

impl ActionStatus {
    /// Reads the wire value.
    pub fn from_wire(text: &str) -> ActionStatus {
        match text {
            "OK" => ActionStatus::Ok,
            "FAIL" => ActionStatus::Fail,
            other => ActionStatus::Other(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            ActionStatus::Ok => "OK",
            ActionStatus::Fail => "FAIL",
            ActionStatus::Other(s) => s,
        }
    }
}

/// Why a response body is not a REST envelope.
///
/// ```
/// use usersig::rest::{Envelope, EnvelopeError};
/// assert!(matches!(Envelope::parse("<html>"), Err(EnvelopeError::NotJson(_))));
/// assert!(matches!(Envelope::parse("{}"), Err(EnvelopeError::Field { field: "ActionStatus", .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The body is not a JSON object.
    NotJson(String),
    /// A field is missing or has the wrong JSON type.
    Field {
        /// `ActionStatus`, `ErrorCode`, `ErrorInfo` or `RequestId`.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvelopeError::NotJson(e) => write!(f, "the response is not a JSON object: {e}"),
            EnvelopeError::Field { field, reason } => {
                write!(f, "the response's `{field}` {reason}")
            }
        }
    }
}

impl std::error::Error for EnvelopeError {}

/// A REST response (FORMAT.md §8): the four common fields, and every other field of the body
/// untouched in [`rest`](Envelope::rest).
///
/// Lenient where it costs nothing: `ErrorCode` may be missing on an `OK` response (it is then
/// 0), `ErrorInfo` may be missing (empty), `RequestId` is optional.
///
/// ```
/// use usersig::rest::{ActionStatus, Envelope};
/// let env = Envelope::parse(r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"",
///     "RequestId":"Id-8f2a","ResultItem":[{"UserID":"bob","AccountStatus":"Imported"}]}"#)?;
/// assert!(env.is_ok());
/// assert_eq!(env.action_status, ActionStatus::Ok);
/// assert_eq!(env.request_id.as_deref(), Some("Id-8f2a"));
/// assert_eq!(env.rest["ResultItem"][0]["UserID"], "bob");
/// # Ok::<(), usersig::rest::EnvelopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// `ActionStatus`.
    pub action_status: ActionStatus,
    /// `ErrorCode`: 0 on success.
    pub error_code: i64,
    /// `ErrorInfo`: the server's explanation, often empty on success.
    pub error_info: String,
    /// `RequestId`, to quote to Tencent support.
    pub request_id: Option<String>,
    /// Every other field of the body.
    pub rest: Map<String, Value>,
}

impl Envelope {
    /// Parses a response body.
    pub fn parse(body: &str) -> Result<Envelope, EnvelopeError> {
        match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(map)) => Envelope::from_map(map),
            Ok(_) => Err(EnvelopeError::NotJson("a JSON value, not an object".into())),
            Err(e) => Err(EnvelopeError::NotJson(e.to_string())),
        }
    }

    /// Takes the common fields out of a parsed body.
    ///
    /// ```
    /// use usersig::rest::Envelope;
    /// let map = serde_json::json!({"ActionStatus": "OK"});
    /// let env = Envelope::from_map(map.as_object().cloned().unwrap_or_default())?;
    /// assert_eq!(env.error_code, 0);
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn from_map(mut map: Map<String, Value>) -> Result<Envelope, EnvelopeError> {
        let field = |field, reason| EnvelopeError::Field { field, reason };
        let action_status = match map.remove("ActionStatus") {
            Some(Value::String(s)) => ActionStatus::from_wire(&s),
            Some(_) => return Err(field("ActionStatus", "is not a string")),
            None => return Err(field("ActionStatus", "is missing")),
        };
        let error_code = match map.remove("ErrorCode") {
            Some(Value::Number(n)) => n
                .as_i64()
                .ok_or_else(|| field("ErrorCode", "is not an integer"))?,
            // Some services have sent numbers as strings; tolerate digits.
            Some(Value::String(s)) => s
                .trim()
                .parse::<i64>()
                .map_err(|_| field("ErrorCode", "is not an integer"))?,
            Some(_) => return Err(field("ErrorCode", "is not an integer")),
            None if action_status == ActionStatus::Ok => 0,
            None => return Err(field("ErrorCode", "is missing from a failed response")),
        };
        let error_info = match map.remove("ErrorInfo") {
            Some(Value::String(s)) => s,
            Some(Value::Null) | None => String::new(),
            Some(_) => return Err(field("ErrorInfo", "is not a string")),
        };
        let request_id = match map.remove("RequestId") {
            Some(Value::String(s)) => Some(s),
            Some(Value::Null) | None => None,
            Some(_) => return Err(field("RequestId", "is not a string")),
        };
        Ok(Envelope {
            action_status,
            error_code,
            error_info,
            request_id,
            rest: map,
        })
    }

    /// `ActionStatus` is `OK` and `ErrorCode` is 0.
    pub fn is_ok(&self) -> bool {
        self.action_status == ActionStatus::Ok && self.error_code == 0
    }

    /// The typed `ErrorCode`.
    ///
    /// ```
    /// # use usersig::rest::{Envelope, RestCode};
    /// let env = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":""}"#)?;
    /// assert_eq!(env.code(), RestCode::RestRateLimited);
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn code(&self) -> RestCode {
        RestCode::from_code(self.error_code)
    }

    /// `Ok(self)` on success, else the typed error (which keeps the envelope).
    ///
    /// ```
    /// # use usersig::rest::{Envelope, RestCode};
    /// let env = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":70009,"ErrorInfo":"sig"}"#)?;
    /// let err = env.into_result().unwrap_err();
    /// assert_eq!(err.code(), RestCode::UserSigBadSignature);
    /// assert!(err.to_string().contains("70009"));
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn into_result(self) -> Result<Envelope, RestError> {
        if self.is_ok() {
            Ok(self)
        } else {
            Err(RestError { envelope: self })
        }
    }

    /// The body as JSON again, the common fields first.
    ///
    /// ```
    /// # use usersig::rest::Envelope;
    /// let env = Envelope::parse(r#"{"X":1,"ActionStatus":"OK"}"#)?;
    /// assert_eq!(env.to_json().to_string(),
    ///     r#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","X":1}"#);
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert(
            "ActionStatus".into(),
            Value::String(self.action_status.as_str().to_owned()),
        );
        map.insert("ErrorCode".into(), Value::from(self.error_code));
        map.insert("ErrorInfo".into(), Value::String(self.error_info.clone()));
        if let Some(id) = &self.request_id {
            map.insert("RequestId".into(), Value::String(id.clone()));
        }
        for (k, v) in &self.rest {
            map.insert(k.clone(), v.clone());
        }
        Value::Object(map)
    }
}

/// A request the server answered with `FAIL`: the typed code, and the whole envelope.
///
/// ```
/// use usersig::rest::{Envelope, RetryClass};
/// let err = Envelope::parse(
///     r#"{"ActionStatus":"FAIL","ErrorCode":60018,"ErrorInfo":"busy","RequestId":"r1"}"#,
/// )?.into_result().unwrap_err();
/// assert_eq!(err.retry(), RetryClass::Backoff);
/// assert_eq!(err.envelope().request_id.as_deref(), Some("r1"));
/// # Ok::<(), usersig::rest::EnvelopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RestError {
    envelope: Envelope,
}

impl RestError {
    /// The typed `ErrorCode`.
    pub fn code(&self) -> RestCode {
        self.envelope.code()
    }

    /// Whether and how to retry.
    pub fn retry(&self) -> RetryClass {
        self.code().retry()
    }

    /// The response.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// The response, by value.
    pub fn into_envelope(self) -> Envelope {
        self.envelope
    }
}

impl fmt::Display for RestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let env = &self.envelope;
        write!(f, "REST error {}", self.code())?;
        if let Some(info) = self.code().info() {
            write!(f, "; {}", info.action)?;
        }
        if !env.error_info.is_empty() {
            write!(f, " (ErrorInfo {})", Shown(&env.error_info))?;
        }
        if let Some(id) = &env.request_id {
            write!(f, " [RequestId {}]", Shown(id))?;
        }
        Ok(())
    }
}

impl std::error::Error for RestError {}

#[cfg(feature = "client")]
pub use client::{
    Client, ClientBuilder, ClientError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, MIN_TIMEOUT,
    RetryPolicy,
};

// ---------------------------------------------------------------------------------------------
// The HTTPS client (feature `client`)
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "client")]
mod client {
    use std::fmt;
    use std::sync::Arc;
    use std::time::Duration;

    use serde_json::{Map, Value};

    use super::{
        AdminToken, Endpoint, Envelope, EnvelopeError, RestCode, RestError, RestUrl, RetryClass,
        UrlError, fresh_random,
    };
    use crate::error::{Shown, SignError};

    /// The default connect timeout: 5 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
    /// The default timeout of a whole request, connecting included: 10 s.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
    /// The shortest whole-request timeout accepted: 4 s. The server gives up after 3 s (FORMAT.md
    /// §8); a client that gives up first cannot know whether its request took effect.
    pub const MIN_TIMEOUT: Duration = Duration::from_secs(4);
    /// Responses longer than this are refused (a REST reply is kilobytes; a page of a large
    /// list is well under this).
    const MAX_RESPONSE_BYTES: u64 = 16 << 20;

    /// How [`Client`] retries: a bounded number of attempts, exponential backoff with jitter,
    /// and only on what FORMAT.md §8 marks retryable or on network failures.
    ///
    /// - [`RetryClass::Backoff`] codes, network errors and HTTP 408/429/5xx without an envelope:
    ///   retried after `base * 2^(n-1)` (capped at `max_delay`), jittered to between half and
    ///   all of it, so that many clients throttled together do not return together.
    /// - [`RetryClass::RenewToken`] (70001, 70003): the admin token is renewed and the request
    ///   retried at once, once.
    /// - [`RetryClass::After60s`] (70050): given up by default: a call that blocks a minute
    ///   surprises its caller. [`wait_out_lockout`](RetryPolicy::wait_out_lockout) opts in.
    /// - [`RetryClass::Never`] and unknown codes: never retried.
    ///
    /// A retried request may have taken effect the first time (a network failure after the
    /// server got it): make commands idempotent where the API allows (`sendmsg`'s `MsgRandom`
    /// deduplicates), or use [`RetryPolicy::none`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use usersig::rest::RetryPolicy;
    /// let policy = RetryPolicy::default()
    ///     .max_attempts(5)
    ///     .base_delay(Duration::from_millis(100))
    ///     .max_delay(Duration::from_secs(2));
    /// assert_eq!(policy.attempts(), 5);
    /// assert_eq!(RetryPolicy::none().attempts(), 1);
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct RetryPolicy {
        max_attempts: u32,
        base_delay: Duration,
        max_delay: Duration,
        wait_out_lockout: bool,
    }

    impl Default for RetryPolicy {
        /// 3 attempts, 200 ms base delay, 5 s cap, no waiting out a lockout.
        fn default() -> Self {
            RetryPolicy {
                max_attempts: 3,
                base_delay: Duration::from_millis(200),
                max_delay: Duration::from_secs(5),
                wait_out_lockout: false,
            }
        }
    }

    impl RetryPolicy {
        /// The most attempts any request may make, retries included.
        pub const MAX_ATTEMPTS: u32 = 10;

        /// One attempt, no retries at all (not even after renewing the token).
        pub fn none() -> Self {
            RetryPolicy::default().max_attempts(1)
        }

        /// Attempts per request, the first included: 1 to [`RetryPolicy::MAX_ATTEMPTS`]
        /// (values outside are clamped).
        pub fn max_attempts(mut self, n: u32) -> Self {
            self.max_attempts = n.clamp(1, Self::MAX_ATTEMPTS);
            self
        }

        /// The delay before the first backoff retry; it doubles for each one after.
        pub fn base_delay(mut self, delay: Duration) -> Self {
            self.base_delay = delay;
            self
        }

        /// The longest backoff delay.
        pub fn max_delay(mut self, delay: Duration) -> Self {
            self.max_delay = delay;
            self
        }

        /// On 70050 (too many UserSig failures), sleep 60 s and retry instead of giving up.
        pub fn wait_out_lockout(mut self, wait: bool) -> Self {
            self.wait_out_lockout = wait;
            self
        }

        /// The attempts per request.
        pub fn attempts(&self) -> u32 {
            self.max_attempts
        }

        /// The jittered delay before retry number `retry` (1 for the first retry).
        fn delay(&self, retry: u32) -> Duration {
            let factor = 1u32 << retry.saturating_sub(1).min(16);
            let full = self.base_delay.saturating_mul(factor).min(self.max_delay);
            let half = full / 2;
            let spread = u64::try_from(half.as_micros()).unwrap_or(u64::MAX);
            let jitter = match spread {
                0 => 0,
                n => u64::from(fresh_random()) % (n + 1),
            };
            half + Duration::from_micros(jitter)
        }
    }

    /// Why a [`Client`] call failed.
    ///
    /// ```
    /// use usersig::rest::{ClientError, RestCode};
    /// # use usersig::rest::Envelope;
    /// # let error = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":70009}"#)?
    /// #     .into_result().unwrap_err();
    /// let err = ClientError::Rest { error, attempts: 1 };
    /// assert_eq!(err.rest_code(), Some(RestCode::UserSigBadSignature));
    /// assert!(err.envelope().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[derive(Debug)]
    #[non_exhaustive]
    pub enum ClientError {
        /// The server answered `FAIL`, and retrying did not help or was not allowed.
        Rest {
            /// The last answer.
            error: RestError,
            /// The attempts made.
            attempts: u32,
        },
        /// The network failed: DNS, connect, TLS, a timeout, a dropped connection.
        Transport {
            /// What failed (the UserSig is never in it).
            message: String,
            /// The attempts made.
            attempts: u32,
        },
        /// The server answered a status other than 200 with no envelope (a proxy, an outage).
        Http {
            /// The HTTP status.
            status: u16,
            /// The start of the body.
            body: String,
            /// The attempts made.
            attempts: u32,
        },
        /// The server answered 200 with a body that is not a REST envelope.
        BadResponse(EnvelopeError),
        /// The request body given is not a JSON object.
        BadBody(String),
        /// The URL could not be built (service or command name).
        Url(UrlError),
        /// The admin token could not be minted.
        Sign(SignError),
    }

    impl ClientError {
        /// The REST error code, when the server answered `FAIL`.
        pub fn rest_code(&self) -> Option<RestCode> {
            match self {
                ClientError::Rest { error, .. } => Some(error.code()),
                _ => None,
            }
        }

        /// The server's answer, when it answered `FAIL`.
        pub fn envelope(&self) -> Option<&Envelope> {
            match self {
                ClientError::Rest { error, .. } => Some(error.envelope()),
                _ => None,
            }
        }
    }

    impl fmt::Display for ClientError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let tries = |n: &u32| if *n == 1 { "" } else { "s" };
            match self {
                ClientError::Rest { error, attempts } => {
                    write!(f, "{error} (after {attempts} attempt{})", tries(attempts))
                }
                ClientError::Transport { message, attempts } => write!(
                    f,
                    "network error: {message} (after {attempts} attempt{})",
                    tries(attempts)
                ),
                ClientError::Http {
                    status,
                    body,
                    attempts,
                } => write!(
                    f,
                    "HTTP {status} without a REST envelope: {} (after {attempts} attempt{})",
                    Shown(body),
                    tries(attempts)
                ),
                ClientError::BadResponse(e) => write!(f, "unexpected response: {e}"),
                ClientError::BadBody(e) => write!(f, "the request body is not a JSON object: {e}"),
                ClientError::Url(e) => write!(f, "cannot build the request URL: {e}"),
                ClientError::Sign(e) => write!(f, "cannot mint the admin UserSig: {e}"),
            }
        }
    }

    impl std::error::Error for ClientError {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            match self {
                ClientError::Rest { error, .. } => Some(error),
                ClientError::BadResponse(e) => Some(e),
                ClientError::Url(e) => Some(e),
                ClientError::Sign(e) => Some(e),
                _ => None,
            }
        }
    }

    impl From<UrlError> for ClientError {
        fn from(e: UrlError) -> Self {
            ClientError::Url(e)
        }
    }

    impl From<SignError> for ClientError {
        fn from(e: SignError) -> Self {
            ClientError::Sign(e)
        }
    }

    /// A blocking HTTPS client for the REST API: one pooled, keep-alive connection set (ureq on
    /// rustls with the `ring` provider and Mozilla's roots; no OpenSSL), the [`AdminToken`]
    /// built in, timeouts above the server's 3 s, and bounded retries ([`RetryPolicy`]).
    ///
    /// Make one per process and share it (`&Client` is `Send + Sync`): a client per request
    /// would pay a TLS handshake each time.
    ///
    /// ```no_run
    /// use usersig::rest::{AdminToken, Client, Region};
    /// use usersig::Signer;
    /// let key = std::env::var("USERSIG_KEY")?;
    /// let admin = AdminToken::new(Signer::new(1400000000, key)?, "administrator")?;
    /// let client = Client::new(Region::Singapore.into(), admin);
    /// let reply = client.call("im_open_login_svc", "account_check",
    ///     &serde_json::json!({"CheckItem": [{"UserID": "bob"}]}))?;
    /// println!("{}", reply.rest["ResultItem"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub struct Client {
        agent: ureq::Agent,
        endpoint: Endpoint,
        token: Arc<AdminToken>,
        policy: RetryPolicy,
    }

    impl fmt::Debug for Client {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("Client")
                .field("endpoint", &self.endpoint)
                .field("token", &self.token)
                .field("policy", &self.policy)
                .finish_non_exhaustive()
        }
    }

    /// Settings for a [`Client`]; made by [`Client::builder`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use usersig::rest::{AdminToken, Client, Endpoint, RetryPolicy};
    /// use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// let client = Client::builder(Endpoint::custom("http://127.0.0.1:8080")?, admin)
    ///     .retry(RetryPolicy::none())
    ///     .connect_timeout(Duration::from_secs(2))
    ///     .timeout(Duration::from_secs(6))
    ///     .build();
    /// # let _ = client;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[derive(Debug)]
    pub struct ClientBuilder {
        endpoint: Endpoint,
        token: Arc<AdminToken>,
        policy: RetryPolicy,
        connect_timeout: Duration,
        timeout: Duration,
    }

    impl ClientBuilder {
        /// The retry policy (default [`RetryPolicy::default`]).
        pub fn retry(mut self, policy: RetryPolicy) -> Self {
            self.policy = policy;
            self
        }

        /// The connect timeout (default [`DEFAULT_CONNECT_TIMEOUT`]).
        pub fn connect_timeout(mut self, timeout: Duration) -> Self {
            self.connect_timeout = timeout;
            self
        }

        /// The timeout of a whole attempt, connecting included (default [`DEFAULT_TIMEOUT`],
        /// at least [`MIN_TIMEOUT`]: shorter values are raised to it).
        pub fn timeout(mut self, timeout: Duration) -> Self {
            self.timeout = timeout.max(MIN_TIMEOUT);
            self
        }

        /// The client.
        pub fn build(self) -> Client {
            let config = ureq::Agent::config_builder()
                .timeout_connect(Some(self.connect_timeout))
                .timeout_global(Some(self.timeout))
                // The envelope carries the error; a proxy's 502 is read and classified too.
                .http_status_as_error(false)
                // A redirect would resend the UserSig in the URL somewhere else.
                .max_redirects(0)
                .max_idle_connections_per_host(8)
                .max_idle_age(Duration::from_secs(55))
                .user_agent(concat!("usersig-rust/", env!("CARGO_PKG_VERSION")))
                .build();
            Client {
                agent: ureq::Agent::new_with_config(config),
                endpoint: self.endpoint,
                token: self.token,
                policy: self.policy,
            }
        }
    }

    enum Failure {
        Transport(String),
        Http { status: u16, body: String },
        BadResponse(EnvelopeError),
    }

    impl Client {
        /// A client for `endpoint` with the default timeouts and retries.
        pub fn new(endpoint: Endpoint, token: impl Into<Arc<AdminToken>>) -> Client {
            Client::builder(endpoint, token).build()
        }

        /// Settings beyond the defaults. The token may be shared (`Arc<AdminToken>`) with
        /// other clients or code that builds URLs itself.
        pub fn builder(endpoint: Endpoint, token: impl Into<Arc<AdminToken>>) -> ClientBuilder {
            ClientBuilder {
                endpoint,
                token: token.into(),
                policy: RetryPolicy::default(),
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                timeout: DEFAULT_TIMEOUT,
            }
        }

        /// The admin token in use.
        pub fn token(&self) -> &AdminToken {
            &self.token
        }

        /// The endpoint requests go to.
        pub fn endpoint(&self) -> &Endpoint {
            &self.endpoint
        }

        /// Calls `service`/`command` with `body`, a JSON object (`Value::Null` sends `{}`).
        /// `Ok` only for `ActionStatus` `OK` with `ErrorCode` 0.
        ///
        /// ```no_run
        /// # use usersig::rest::{AdminToken, Client, Endpoint};
        /// # use usersig::{Signer, DEMO_KEY};
        /// # let client = Client::new(Endpoint::default(),
        /// #     AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?);
        /// let reply = client.call("openim", "querystate",
        ///     &serde_json::json!({"To_Account": ["alice"]}))?;
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn call(
            &self,
            service: &str,
            command: &str,
            body: &Value,
        ) -> Result<Envelope, ClientError> {
            let text = match body {
                Value::Null => "{}".to_owned(),
                Value::Object(_) => body.to_string(),
                _ => return Err(ClientError::BadBody("a JSON value, not an object".into())),
            };
            self.send(service, command, &text)
        }

        /// Calls `service`/`command` with a body given as JSON text, sent as is after checking
        /// that it is an object. An empty or blank body sends `{}` (FORMAT.md §8: never empty).
        ///
        /// ```no_run
        /// # use usersig::rest::{AdminToken, Client, Endpoint};
        /// # use usersig::{Signer, DEMO_KEY};
        /// # let client = Client::new(Endpoint::default(),
        /// #     AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?);
        /// let reply = client.call_json("im_open_login_svc", "account_import",
        ///     r#"{"UserID":"bob"}"#)?;
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        pub fn call_json(
            &self,
            service: &str,
            command: &str,
            body: &str,
        ) -> Result<Envelope, ClientError> {
            let body = body.trim();
            if body.is_empty() {
                return self.send(service, command, "{}");
            }
            serde_json::from_str::<Map<String, Value>>(body)
                .map_err(|e| ClientError::BadBody(e.to_string()))?;
            self.send(service, command, body)
        }

        fn send(&self, service: &str, command: &str, body: &str) -> Result<Envelope, ClientError> {
            let mut url = String::new();
            let mut attempts = 0u32;
            let mut renewed = false;
            loop {
                attempts += 1;
                let token = self.token.get()?;
                // A fresh `random` per attempt (FORMAT.md §8).
                RestUrl::new(&self.endpoint, service, command)
                    .sdkappid(self.token.sdkappid())
                    .identifier(self.token.identifier())
                    .usersig(&token)
                    .write_into(&mut url)?;
                let (class, error) = match self.attempt(&url, body, &token) {
                    Ok(envelope) => match envelope.into_result() {
                        Ok(envelope) => return Ok(envelope),
                        Err(error) => (error.retry(), ClientError::Rest { error, attempts }),
                    },
                    Err(Failure::Transport(message)) => (
                        RetryClass::Backoff,
                        ClientError::Transport { message, attempts },
                    ),
                    Err(Failure::Http { status, body }) => {
                        let class = if status == 408 || status == 429 || status >= 500 {
                            RetryClass::Backoff
                        } else {
                            RetryClass::Never
                        };
                        (
                            class,
                            ClientError::Http {
                                status,
                                body,
                                attempts,
                            },
                        )
                    }
                    Err(Failure::BadResponse(e)) => {
                        (RetryClass::Never, ClientError::BadResponse(e))
                    }
                };
                if attempts >= self.policy.max_attempts {
                    return Err(error);
                }
                match class {
                    RetryClass::RenewToken if !renewed => {
                        renewed = true;
                        self.token.renew_rejected(&token)?;
                    }
                    RetryClass::Backoff => std::thread::sleep(self.policy.delay(attempts)),
                    RetryClass::After60s if self.policy.wait_out_lockout => {
                        std::thread::sleep(Duration::from_secs(60));
                    }
                    _ => return Err(error),
                }
            }
        }

        fn attempt(&self, url: &str, body: &str, token: &str) -> Result<Envelope, Failure> {
            // ureq's messages do not carry the URL today; scrub the token all the same.
            let scrub = |e: ureq::Error| e.to_string().replace(token, "<usersig>");
            let mut response = self
                .agent
                .post(url)
                .header("Content-Type", "application/json")
                .send(body)
                .map_err(|e| Failure::Transport(scrub(e)))?;
            let status = response.status().as_u16();
            let text = response
                .body_mut()
                .with_config()
                .limit(MAX_RESPONSE_BYTES)
                .read_to_string()
                .map_err(|e| Failure::Transport(scrub(e)))?;
            match Envelope::parse(&text) {
                Ok(envelope) => Ok(envelope),
                Err(e) if status == 200 => Err(Failure::BadResponse(e)),
                Err(_) => Err(Failure::Http {
                    status,
                    body: text.chars().take(256).collect(),
                }),
            }
        }
    }
}

//! Where requests go: a region's domain or a custom base URL, and [`UrlError`], why a URL or
//! an endpoint could not be made.

use std::borrow::Cow;
use std::fmt;

use super::region::Region;
use crate::error::Shown;

impl std::str::FromStr for Region {
    type Err = UrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::from_code(s).ok_or_else(|| UrlError::UnknownRegion(s.chars().take(64).collect()))
    }
}

/// Where requests go: a [`Region`]'s domain, or a custom base URL (a proxy, a test server).
///
/// A custom base is `https://` (or `http://` for a loopback host only: a local emulator or
/// test server), a host, and optionally a port and a path prefix; requests go to
/// `<base>/v4/<service>/<command>?...`.
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
    /// A custom base URL: `https://host[:port][/prefix]`, no query, no fragment, no spaces.
    /// A trailing `/` is dropped.
    ///
    /// Plain `http://` is accepted only for a loopback host (`localhost`, `127.0.0.0/8`,
    /// `[::1]`): every request carries the admin UserSig, a bearer token with every right on
    /// the app, which must not cross a network in cleartext. Any other host is refused with
    /// [`UrlError::BadBaseUrl`] saying so.
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
    /// // Cleartext only on this machine.
    /// assert!(Endpoint::custom("http://localhost:8080").is_ok());
    /// assert!(Endpoint::custom("http://proxy.internal").is_err());
    /// assert!(Endpoint::custom("http://127.0.0.1.evil.example").is_err());
    /// # Ok::<(), usersig::rest::UrlError>(())
    /// ```
    pub fn custom(base_url: &str) -> Result<Endpoint, UrlError> {
        let bad = |reason: &'static str| UrlError::BadBaseUrl {
            url: base_url.chars().take(64).collect(),
            reason,
        };
        if base_url.bytes().any(|b| b <= b' ' || b >= 0x7f) {
            return Err(bad("it must be printable ASCII without spaces"));
        }
        if base_url.contains(['?', '#']) {
            return Err(bad("it must not carry a query or a fragment"));
        }
        // Schemes are case-insensitive (RFC 3986 §3.1); the rest is kept as given. Trailing
        // slashes go after the scheme is split off, so `https://` has no host rather than no
        // scheme.
        let (scheme, rest) = base_url
            .split_once("://")
            .ok_or_else(|| bad("it must start with https:// or http://"))?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "https" => "https",
            "http" => "http",
            _ => return Err(bad("it must start with https:// or http://")),
        };
        let rest = rest.trim_end_matches('/');
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
        // Every request carries the admin UserSig in its query: over plain http anyone on the
        // path reads it. Only a host that cannot leave this machine may be reached without TLS.
        if scheme == "http" && !is_loopback(host) {
            return Err(bad(CLEARTEXT_HTTP));
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

/// Why `http://` is refused for a host that is not loopback.
const CLEARTEXT_HTTP: &str = "plain http:// would send the admin UserSig in cleartext: use \
                              https://, or http:// only for a loopback host (localhost, \
                              127.0.0.0/8, [::1])";

/// `localhost` (any case), an IPv4 address in 127.0.0.0/8 written as four decimal numbers, or
/// the IPv6 loopback address: the hosts a request cannot leave the machine for. Names that only
/// start with them (`127.0.0.1.evil.com`, `localhost.evil.com`) are other hosts; so are
/// shorthand and octal forms (`127.1`, `0127.0.0.1`), which resolvers read differently.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
        || host
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

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
    /// The custom base URL is not usable: malformed, or plain `http://` to a host that is not
    /// loopback (the admin UserSig would cross the network in cleartext).
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
            UrlError::UnknownRegion(code) => {
                write!(f, "unknown region {}; known: ", Shown(code))?;
                for region in Region::ALL {
                    write!(f, "{region}, ")?;
                }
                f.write_str("or a base URL")
            }
        }
    }
}

impl std::error::Error for UrlError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(url: &str) -> &'static str {
        match Endpoint::custom(url) {
            Err(UrlError::BadBaseUrl { reason, .. }) => reason,
            other => panic!("{url:?} gave {other:?}"),
        }
    }

    #[test]
    fn the_default_endpoint_is_china() {
        assert_eq!(Endpoint::default(), Endpoint::from(Region::China));
        assert_eq!(Endpoint::default().base_url(), "https://console.tim.qq.com");
    }

    #[test]
    fn a_region_s_base_url_given_as_custom_is_the_same_endpoint() {
        for region in Region::ALL {
            let custom = Endpoint::custom(region.base_url()).unwrap();
            assert_eq!(custom, Endpoint::from(region));
            assert_eq!(Endpoint::parse(region.code()).unwrap(), custom);
        }
    }

    #[test]
    fn parse_reads_text_with_a_scheme_as_a_base_url_and_the_rest_as_a_region() {
        assert_eq!(
            Endpoint::parse("https://sgp").unwrap().base_url(),
            "https://sgp"
        );
        assert!(matches!(
            Endpoint::parse("http://sgp"),
            Err(UrlError::BadBaseUrl { .. })
        ));
        assert_eq!(
            Endpoint::parse(" SGP ").unwrap(),
            Endpoint::from(Region::Singapore)
        );
        assert!(matches!(
            Endpoint::parse("sgp://x"),
            Err(UrlError::BadBaseUrl { .. })
        ));
        assert!(matches!(
            Endpoint::parse("https:/x"),
            Err(UrlError::UnknownRegion(_))
        ));
    }

    #[test]
    fn every_trailing_slash_goes_and_the_rest_is_kept_as_given() {
        for (given, base) in [
            ("https://x///", "https://x"),
            (
                "HtTpS://Host.Example/Pre/Fix/",
                "https://Host.Example/Pre/Fix",
            ),
            ("http://localhost:1/a//b", "http://localhost:1/a//b"),
            ("https://[fe80::1]", "https://[fe80::1]"),
        ] {
            assert_eq!(Endpoint::custom(given).unwrap().base_url(), base, "{given}");
        }
    }

    #[test]
    fn ports_from_1_to_65535_are_accepted_and_nothing_else() {
        for port in ["1", "80", "08080", "65535"] {
            assert!(
                Endpoint::custom(&format!("https://x:{port}")).is_ok(),
                "{port}"
            );
        }
        for port in [
            "0", "00000", "65536", "99999", "000001", "+80", "-1", "8_0", "",
        ] {
            assert_eq!(
                reason(&format!("https://x:{port}")),
                "its port must be a number from 1 to 65535",
                "{port}"
            );
        }
    }

    #[test]
    fn each_refusal_says_what_is_wrong() {
        for (url, expected) in [
            ("https://x y", "it must be printable ASCII without spaces"),
            ("https://hôst", "it must be printable ASCII without spaces"),
            (
                "https://x\u{7f}",
                "it must be printable ASCII without spaces",
            ),
            ("https://x?a", "it must not carry a query or a fragment"),
            ("https://x/#top", "it must not carry a query or a fragment"),
            ("x.example", "it must start with https:// or http://"),
            ("wss://x", "it must start with https:// or http://"),
            ("https://u@x", "it must not carry a user name (`@`)"),
            ("https://[::1", "its IPv6 address has no closing `]`"),
            ("https://[]", "its IPv6 address is not valid"),
            ("https://[::g]", "its IPv6 address is not valid"),
            ("https://[::1]80", "only a port may follow the host"),
            ("https:///path", "it has no host"),
            ("https://", "it has no host"),
            ("http://x", CLEARTEXT_HTTP),
            ("http://[fe80::1]", CLEARTEXT_HTTP),
            ("https://:443", "it has no host"),
            (
                "https://x_y",
                "its host may hold only letters, digits, `-` and `.`",
            ),
            (
                "https://x%41",
                "its host may hold only letters, digits, `-` and `.`",
            ),
        ] {
            assert_eq!(reason(url), expected, "{url:?}");
        }
    }

    #[test]
    fn loopback_is_localhost_127_slash_8_and_the_ipv6_loopback_only() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.0.0.0",
            "127.255.255.255",
            "::1",
            "0:0:0:0:0:0:0:1",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "",
            "localhost.",
            "localhost.evil.com",
            "127.0.0.1.evil.com",
            "127.1",
            "0127.0.0.1",
            "127.0.0.256",
            "128.0.0.1",
            "0.0.0.0",
            "::",
            "::2",
            "fe80::1",
            "::ffff:7f00:1",
            "evil.com",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn a_path_may_hold_an_at_sign_once_past_the_host() {
        // Only the authority decides where the request goes; `@` in the path is harmless.
        assert_eq!(
            Endpoint::custom("https://x/@y").unwrap().base_url(),
            "https://x/@y"
        );
    }

    #[test]
    fn an_error_keeps_at_most_64_characters_of_what_was_given() {
        let long = format!("ftp://{}", "é".repeat(200));
        match Endpoint::custom(&long) {
            Err(UrlError::BadBaseUrl { url, .. }) => assert_eq!(url.chars().count(), 64),
            other => panic!("{other:?}"),
        }
        match "x".repeat(500).parse::<Region>() {
            Err(UrlError::UnknownRegion(code)) => assert_eq!(code.len(), 64),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unknown_region_message_lists_every_region_code() {
        let text = UrlError::UnknownRegion("mars".into()).to_string();
        assert_eq!(
            text,
            "unknown region \"mars\"; known: cn, sgp, kr, jpn, ger, ind, usa, idn, or a base URL"
        );
        for region in Region::ALL {
            assert!(text.contains(region.code()), "{region}");
        }
    }

    #[test]
    fn error_messages_escape_and_shorten_what_was_given() {
        let err = UrlError::BadPathSegment {
            what: "service",
            value: "a\nb".into(),
        };
        assert_eq!(
            err.to_string(),
            "the service \"a\\nb\" is not a REST service name (letters, digits and `_` only)"
        );
        let err = Endpoint::custom("https://x\u{1b}[31m").unwrap_err();
        assert!(!err.to_string().contains('\u{1b}'), "{err}");
    }
}

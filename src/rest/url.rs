//! The URL of one REST request (FORMAT.md §8), its percent-encoding, and the fresh `random`
//! every request carries.

use std::fmt;

use super::endpoint::{Endpoint, UrlError};

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
///
/// `Debug` shows everything but the UserSig, a bearer token with every right on the app:
/// `{:?}` in a log line does not leak it. [`build`](RestUrl::build) and
/// [`write_into`](RestUrl::write_into) carry it in full.
///
/// ```
/// # use usersig::rest::{Endpoint, RestUrl};
/// let endpoint = Endpoint::default();
/// let url = RestUrl::new(&endpoint, "openim", "sendmsg").usersig("eJyrVgrxCdYrSy1SslI");
/// assert!(!format!("{url:?}").contains("eJyrVgrxCdYrSy1SslI"));
/// assert!(format!("{url:?}").contains(r#"usersig: "<redacted>""#));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
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
    ///
    /// ```
    /// use usersig::rest::{Endpoint, RestUrl, UrlError};
    /// let endpoint = Endpoint::default();
    /// let url = RestUrl::new(&endpoint, "openim", "sendmsg");
    /// assert_eq!(url.build(), Err(UrlError::MissingSdkAppId)); // the parameters are required
    /// ```
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

    /// The admin UserSig, e.g. from [`AdminToken::get`](super::AdminToken::get).
    ///
    /// ```
    /// # use usersig::rest::{Endpoint, RestUrl};
    /// let endpoint = Endpoint::default();
    /// let url = RestUrl::new(&endpoint, "s", "c").sdkappid(1).identifier("a").usersig("eJx*A");
    /// assert!(url.build()?.contains("&usersig=eJx*A&"));
    /// # Ok::<(), usersig::rest::UrlError>(())
    /// ```
    pub fn usersig(mut self, usersig: &'a str) -> Self {
        self.usersig = usersig;
        self
    }

    /// The app's SDKAppID.
    ///
    /// ```
    /// # use usersig::rest::{Endpoint, RestUrl};
    /// let endpoint = Endpoint::default();
    /// let url = RestUrl::new(&endpoint, "s", "c").sdkappid(1400000000).identifier("a").usersig("t");
    /// assert!(url.build()?.contains("?sdkappid=1400000000&"));
    /// # Ok::<(), usersig::rest::UrlError>(())
    /// ```
    pub fn sdkappid(mut self, sdkappid: u64) -> Self {
        self.sdkappid = sdkappid;
        self
    }

    /// The app administrator the UserSig was minted for.
    ///
    /// ```
    /// # use usersig::rest::{Endpoint, RestUrl};
    /// let endpoint = Endpoint::default();
    /// let url = RestUrl::new(&endpoint, "s", "c").sdkappid(1).identifier("administrator").usersig("t");
    /// assert!(url.build()?.contains("&identifier=administrator&"));
    /// # Ok::<(), usersig::rest::UrlError>(())
    /// ```
    pub fn identifier(mut self, identifier: &'a str) -> Self {
        self.identifier = identifier;
        self
    }

    /// Pins `random` instead of drawing a fresh one (for tests and reproducible output).
    ///
    /// ```
    /// # use usersig::rest::{Endpoint, RestUrl};
    /// let endpoint = Endpoint::default();
    /// let url = RestUrl::new(&endpoint, "s", "c").sdkappid(1).identifier("a").usersig("t").random(7);
    /// assert_eq!(url.build()?, url.build()?);
    /// assert!(url.build()?.ends_with("&random=7&contenttype=json"));
    /// # Ok::<(), usersig::rest::UrlError>(())
    /// ```
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

impl fmt::Debug for RestUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An unset UserSig shows as `""`, which explains `UrlError::EmptyUserSig`; a set one
        // never shows.
        let usersig = if self.usersig.is_empty() {
            ""
        } else {
            "<redacted>"
        };
        f.debug_struct("RestUrl")
            .field("endpoint", self.endpoint)
            .field("service", &self.service)
            .field("command", &self.command)
            .field("sdkappid", &self.sdkappid)
            .field("identifier", &self.identifier)
            .field("usersig", &usersig)
            .field("random", &self.random)
            .finish()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(text: &str) -> String {
        let mut out = String::new();
        percent_encode_into(text, &mut out);
        out
    }

    fn url<'a>(endpoint: &'a Endpoint) -> RestUrl<'a> {
        RestUrl::new(endpoint, "openim", "sendmsg")
            .sdkappid(1400000000)
            .identifier("admin")
            .usersig("eJx*-_9")
            .random(42)
    }

    #[test]
    fn unreserved_characters_and_the_star_pass_unchanged() {
        let plain = "AZaz09-._~*";
        assert_eq!(encoded(plain), plain);
    }

    #[test]
    fn every_other_byte_becomes_percent_and_two_uppercase_hex_digits() {
        for b in 0u8..=0x7f {
            let c = char::from(b);
            if c.is_ascii_alphanumeric() || "-._~*".contains(c) {
                continue;
            }
            assert_eq!(encoded(&c.to_string()), format!("%{b:02X}"), "{b:#04x}");
        }
        assert_eq!(encoded("é管"), "%C3%A9%E7%AE%A1");
        assert_eq!(encoded("a+b/c=="), "a%2Bb%2Fc%3D%3D");
        assert_eq!(encoded(""), "");
    }

    #[test]
    fn percent_encoding_appends_to_what_is_already_there() {
        let mut out = String::from("x=");
        percent_encode_into("a b", &mut out);
        assert_eq!(out, "x=a%20b");
    }

    #[test]
    fn a_path_segment_is_letters_digits_and_underscores_only() {
        for good in ["openim", "im_open_login_svc", "A9_", "_"] {
            assert_eq!(check_segment("service", good), Ok(()), "{good}");
        }
        for bad in [
            "", "a-b", "a.b", "..", "a/b", "a b", "a?b", "a%2F", "é", "a\0",
        ] {
            assert!(
                matches!(
                    check_segment("command", bad),
                    Err(UrlError::BadPathSegment {
                        what: "command",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_refused_segment_keeps_at_most_64_characters() {
        let long = "é".repeat(100);
        match check_segment("service", &long) {
            Err(UrlError::BadPathSegment { value, .. }) => assert_eq!(value.chars().count(), 64),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_url_has_the_base_the_path_and_five_parameters_in_order() {
        let endpoint = Endpoint::default();
        assert_eq!(
            url(&endpoint).build().unwrap(),
            "https://console.tim.qq.com/v4/openim/sendmsg?sdkappid=1400000000&identifier=admin\
             &usersig=eJx*-_9&random=42&contenttype=json"
        );
    }

    #[test]
    fn a_hostile_identifier_cannot_add_parameters_or_change_the_path() {
        let endpoint = Endpoint::default();
        let built = url(&endpoint)
            .identifier("a&usersig=x#/../v4?")
            .build()
            .unwrap();
        let (path, query) = built.split_once('?').unwrap();
        assert_eq!(path, "https://console.tim.qq.com/v4/openim/sendmsg");
        assert_eq!(query.split('&').count(), 5);
        assert!(!built.contains('#'));
    }

    #[test]
    fn the_largest_random_and_sdkappid_are_written_in_full() {
        let endpoint = Endpoint::default();
        let built = url(&endpoint)
            .sdkappid(u64::MAX)
            .random(u32::MAX)
            .build()
            .unwrap();
        assert!(built.contains("sdkappid=18446744073709551615&"));
        assert!(built.contains("&random=4294967295&"));
    }

    #[test]
    fn the_path_is_checked_before_the_parameters() {
        let endpoint = Endpoint::default();
        let nothing_set = RestUrl::new(&endpoint, "bad/service", "c");
        assert!(matches!(
            nothing_set.build(),
            Err(UrlError::BadPathSegment {
                what: "service",
                ..
            })
        ));
        let bad_command = RestUrl::new(&endpoint, "s", "bad/command");
        assert!(matches!(
            bad_command.build(),
            Err(UrlError::BadPathSegment {
                what: "command",
                ..
            })
        ));
        assert_eq!(
            RestUrl::new(&endpoint, "s", "c").build(),
            Err(UrlError::MissingSdkAppId)
        );
    }

    #[test]
    fn write_into_replaces_the_buffer_and_build_gives_the_same_text() {
        let endpoint = Endpoint::from(crate::rest::Region::Jakarta);
        let mut buf = String::from("leftover");
        url(&endpoint).write_into(&mut buf).unwrap();
        assert_eq!(buf, url(&endpoint).build().unwrap());
        url(&endpoint).usersig("").write_into(&mut buf).unwrap_err();
        assert!(buf.is_empty());
    }

    #[test]
    fn an_unpinned_random_is_drawn_for_each_url() {
        let endpoint = Endpoint::default();
        let unpinned = RestUrl::new(&endpoint, "s", "c")
            .sdkappid(1)
            .identifier("a")
            .usersig("t");
        let urls: std::collections::HashSet<String> =
            (0..4).map(|_| unpinned.build().unwrap()).collect();
        assert!(urls.len() >= 3, "{urls:?}");
    }

    #[test]
    fn the_fallback_random_differs_from_call_to_call() {
        let draws: std::collections::HashSet<u32> = (0..64).map(|_| fallback_random()).collect();
        assert_eq!(draws.len(), 64);
    }
}

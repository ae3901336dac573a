//! What a support engineer would want to know about a token.

use std::fmt;

use super::Inspection;
use crate::time_fmt::{rfc3339, span};
use crate::{DEFAULT_MAX_FUTURE_SKEW_SECS, UserIdProblem, check_user_id, wire};

/// Something a support engineer would want to know about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// The token has expired.
    Expired {
        /// `time + expire`.
        expires_at: u64,
        /// How long ago, in seconds.
        secs_ago: u64,
    },
    /// The token expires within 24 hours.
    ExpiresSoon {
        /// `time + expire`.
        expires_at: u64,
        /// Seconds left.
        secs_left: u64,
    },
    /// The issue time is more than 300 s in the future.
    IssuedInFuture {
        /// `TLS.time`.
        time: u64,
        /// Seconds ahead of now.
        secs_ahead: u64,
    },
    /// The lifetime is under 24 hours.
    ShortLifetime {
        /// `TLS.expire`.
        expire: u64,
    },
    /// The lifetime is over 50 years.
    LongLifetime {
        /// `TLS.expire`.
        expire: u64,
    },
    /// The identifier breaks Tencent's UserID rules.
    UserIdRules(UserIdProblem),
    /// A legacy v1 (ECDSA) token.
    LegacyV1,
    /// The token uses `+`, `/` or `=`, which must be percent-encoded in a URL.
    NeedsUrlEscaping,
    /// A verifier will reject this token whatever the key: the reason.
    WillNotVerify(String),
    /// The PrivateMapKey disagrees with the token around it.
    PrivateMapKeyInconsistent(String),
}

impl Warning {
    /// A stable snake_case name for scripts, e.g. `"expires_soon"`.
    ///
    /// ```
    /// # use usersig::{inspect_at, Mint, Signer, DEMO_KEY};
    /// let token = Signer::new(1, DEMO_KEY)?.mint(&Mint::new("a").time(0).expire_secs(60))?;
    /// let codes: Vec<_> = inspect_at(&token, 61)?.warnings.iter().map(|w| w.code()).collect();
    /// assert_eq!(codes, ["expired", "short_lifetime"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Warning::Expired { .. } => "expired",
            Warning::ExpiresSoon { .. } => "expires_soon",
            Warning::IssuedInFuture { .. } => "issued_in_future",
            Warning::ShortLifetime { .. } => "short_lifetime",
            Warning::LongLifetime { .. } => "long_lifetime",
            Warning::UserIdRules(_) => "userid_rules",
            Warning::LegacyV1 => "legacy_v1",
            Warning::NeedsUrlEscaping => "needs_url_escaping",
            Warning::WillNotVerify(_) => "will_not_verify",
            Warning::PrivateMapKeyInconsistent(_) => "private_map_key_inconsistent",
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Expired {
                expires_at,
                secs_ago,
            } => write!(
                f,
                "expired at {}, {} ago: mint a new one",
                rfc3339(*expires_at),
                span(*secs_ago)
            ),
            Warning::ExpiresSoon {
                expires_at,
                secs_left,
            } => write!(
                f,
                "expires within 24 h, at {} (in {})",
                rfc3339(*expires_at),
                span(*secs_left)
            ),
            Warning::IssuedInFuture { time, secs_ahead } => write!(
                f,
                "issued at {}, {} in the future: the minting server's clock is ahead",
                rfc3339(*time),
                span(*secs_ahead)
            ),
            Warning::ShortLifetime { expire } => write!(
                f,
                "lifetime is only {}: clients will need new tokens often",
                span(*expire)
            ),
            Warning::LongLifetime { expire } => write!(
                f,
                "lifetime is {}, over 50 years: a leaked token stays valid practically forever",
                span(*expire)
            ),
            Warning::UserIdRules(p) => write!(f, "{p}"),
            Warning::LegacyV1 => f.write_str(
                "legacy v1 (ECDSA) token: current SDKs and this library only verify v2 tokens",
            ),
            Warning::NeedsUrlEscaping => f.write_str(
                "uses the plain base64 alphabet (+ / =): percent-encode it in URLs, or mint \
                 with the URL-safe variant (* - _) every official SDK uses",
            ),
            Warning::WillNotVerify(why) => write!(f, "no verifier will accept this token: {why}"),
            Warning::PrivateMapKeyInconsistent(why) => write!(f, "PrivateMapKey: {why}"),
        }
    }
}

pub(super) fn warnings(info: &Inspection, json: &[u8], now: u64) -> Vec<Warning> {
    let mut out = Vec::new();
    if info.legacy_v1 {
        out.push(Warning::LegacyV1);
    } else if let Err(e) = wire::parse_document(json) {
        out.push(Warning::WillNotVerify(e.to_string()));
    } else if let Some(Err(e)) = info.userbuf_b64.as_deref().map(wire::decode_userbuf) {
        out.push(Warning::WillNotVerify(e.to_string()));
    }
    if let Some(expires_at) = info.expires_at {
        if now > expires_at {
            out.push(Warning::Expired {
                expires_at,
                secs_ago: now - expires_at,
            });
        } else if expires_at - now < 86_400 {
            out.push(Warning::ExpiresSoon {
                expires_at,
                secs_left: expires_at - now,
            });
        }
    }
    if let Some(time) = info.time {
        if time > now.saturating_add(DEFAULT_MAX_FUTURE_SKEW_SECS) {
            out.push(Warning::IssuedInFuture {
                time,
                secs_ahead: time - now,
            });
        }
    }
    match info.expire {
        Some(e) if e < 86_400 => out.push(Warning::ShortLifetime { expire: e }),
        Some(e) if e > 50 * 31_557_600 => out.push(Warning::LongLifetime { expire: e }),
        _ => {}
    }
    if let Some(id) = &info.identifier {
        if let Err(p) = check_user_id(id) {
            out.push(Warning::UserIdRules(p));
        }
    }
    if info.encoding.plain_chars {
        out.push(Warning::NeedsUrlEscaping);
    }
    if let Some(pmk) = &info.private_map_key {
        if info.identifier.as_deref() != Some(pmk.account.as_str()) {
            out.push(Warning::PrivateMapKeyInconsistent(
                "its account differs from the token's identifier".into(),
            ));
        }
        if info.sdkappid != Some(u64::from(pmk.sdkappid)) {
            out.push(Warning::PrivateMapKeyInconsistent(
                "its SDKAppID differs from the token's".into(),
            ));
        }
        if info.expires_at != Some(u64::from(pmk.expires_at)) {
            out.push(Warning::PrivateMapKeyInconsistent(format!(
                "its expiry {} differs from the token's time + expire",
                rfc3339(u64::from(pmk.expires_at))
            )));
        }
    }
    out
}

//! Tencent's REST API, the reason servers mint admin UserSigs (FORMAT.md §8): the request URL
//! for any region, a self-renewing admin token, the response envelope and what every
//! documented error code means.
//!
//! Nothing here touches the network. The optional `client` feature adds `Client`, a blocking,
//! pooled HTTPS client that puts these pieces together with bounded, jittered retries.
//!
//! The folder holds one concern a file, and this file only re-exports them, so every item is
//! `usersig::rest::Item`. Data flows one way, from the left of each line to the right:
//!
//! - `region` (the regions and their domains, one table) -> `endpoint` (a region or a custom
//!   base URL, and `UrlError`) -> `url` (`RestUrl`, percent-encoding, `fresh_random`);
//! - `clock` (`Clock`, `SystemClock`) -> `admin_token` (`AdminToken`, minted anew ahead of
//!   expiry);
//! - `retry` (`RetryClass`) -> `codes` (the code table, one table, and `RestCode`) ->
//!   `envelope` (`Envelope`, `RestError`);
//! - feature `client`: `retry_policy` (`RetryPolicy`), `client_error` (`ClientError`) and
//!   `client` (`Client`), which uses all of the above.
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

mod admin_token;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod client_error;
mod clock;
mod codes;
mod endpoint;
mod envelope;
mod region;
mod retry;
#[cfg(feature = "client")]
mod retry_policy;
mod url;

pub use admin_token::{
    AdminToken, AdminTokenBuilder, DEFAULT_ADMIN_LIFETIME_SECS, MIN_ADMIN_LIFETIME_SECS,
    default_renew_margin_secs,
};
#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, MIN_TIMEOUT};
#[cfg(feature = "client")]
pub use client_error::ClientError;
pub use clock::{Clock, SystemClock};
pub use codes::{CODES, CodeInfo, RestCode, describe};
pub use endpoint::{Endpoint, UrlError};
pub use envelope::{ActionStatus, Envelope, EnvelopeError, RestError};
pub use region::Region;
pub use retry::RetryClass;
#[cfg(feature = "client")]
pub use retry_policy::RetryPolicy;
pub use url::{RestUrl, fresh_random};

//! A blocking, pooled HTTPS client for the REST API (feature `client`): the URL, the admin
//! token, the envelope and the retry policy put together.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use super::admin_token::AdminToken;
use super::client_error::ClientError;
use super::endpoint::Endpoint;
use super::envelope::{Envelope, EnvelopeError};
use super::retry::RetryClass;
use super::retry_policy::RetryPolicy;
use super::url::RestUrl;

/// The default connect timeout: 5 s.
///
/// ```
/// assert_eq!(usersig::rest::DEFAULT_CONNECT_TIMEOUT.as_secs(), 5);
/// ```
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default timeout of a whole request, connecting included: 10 s.
///
/// ```
/// use usersig::rest::{DEFAULT_TIMEOUT, MIN_TIMEOUT};
/// assert!(DEFAULT_TIMEOUT.as_secs() == 10 && DEFAULT_TIMEOUT > MIN_TIMEOUT);
/// ```
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The shortest whole-request timeout accepted: 4 s. The server gives up after 3 s (FORMAT.md
/// §8); a client that gives up first cannot know whether its request took effect.
///
/// ```
/// assert_eq!(usersig::rest::MIN_TIMEOUT.as_secs(), 4);
/// ```
pub const MIN_TIMEOUT: Duration = Duration::from_secs(4);
/// Responses longer than this are refused (a REST reply is kilobytes; a page of a large
/// list is well under this).
const MAX_RESPONSE_BYTES: u64 = 16 << 20;

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
    ///
    /// ```
    /// # use usersig::rest::{AdminToken, Client, Endpoint, RetryPolicy};
    /// # use usersig::{Signer, DEMO_KEY};
    /// # let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// let client = Client::builder(Endpoint::default(), admin)
    ///     .retry(RetryPolicy::default().max_attempts(5))
    ///     .build();
    /// # let _ = client;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The connect timeout (default [`DEFAULT_CONNECT_TIMEOUT`]).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use usersig::rest::{AdminToken, Client, Endpoint};
    /// # use usersig::{Signer, DEMO_KEY};
    /// # let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// let client = Client::builder(Endpoint::default(), admin)
    ///     .connect_timeout(Duration::from_secs(2))
    ///     .build();
    /// # let _ = client;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The timeout of a whole attempt, connecting included (default [`DEFAULT_TIMEOUT`],
    /// at least [`MIN_TIMEOUT`]: shorter values are raised to it).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use usersig::rest::{AdminToken, Client, Endpoint};
    /// # use usersig::{Signer, DEMO_KEY};
    /// # let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// let client = Client::builder(Endpoint::default(), admin)
    ///     .timeout(Duration::from_secs(1)) // raised to MIN_TIMEOUT, 4 s
    ///     .build();
    /// # let _ = client;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(MIN_TIMEOUT);
        self
    }

    /// The client.
    ///
    /// ```
    /// # use usersig::rest::{AdminToken, Client, Region};
    /// # use usersig::{Signer, DEMO_KEY};
    /// # let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// let client = Client::builder(Region::Tokyo.into(), admin).build();
    /// assert_eq!(client.endpoint().base_url(), "https://adminapijpn.im.qcloud.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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

/// How to retry an HTTP status that came without an envelope: a timeout (408), a rate limit
/// (429) or a server-side failure (5xx, a proxy or an outage) is transient; anything else is not.
fn http_status_retry(status: u16) -> RetryClass {
    if status == 408 || status == 429 || status >= 500 {
        RetryClass::Backoff
    } else {
        RetryClass::Never
    }
}

enum Failure {
    Transport(String),
    Http { status: u16, body: String },
    BadResponse(EnvelopeError),
}

impl Client {
    /// A client for `endpoint` with the default timeouts and retries.
    ///
    /// ```
    /// use usersig::rest::{AdminToken, Client, Region};
    /// use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// let client = Client::new(Region::Singapore.into(), admin);
    /// assert_eq!(client.endpoint().base_url(), "https://adminapisgp.im.qcloud.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(endpoint: Endpoint, token: impl Into<Arc<AdminToken>>) -> Client {
        Client::builder(endpoint, token).build()
    }

    /// Settings beyond the defaults. The token may be shared (`Arc<AdminToken>`) with
    /// other clients or code that builds URLs itself.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use usersig::rest::{AdminToken, Client, Endpoint, RetryPolicy};
    /// use usersig::{Signer, DEMO_KEY};
    /// let admin = Arc::new(AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?);
    /// let once = Client::builder(Endpoint::default(), Arc::clone(&admin))
    ///     .retry(RetryPolicy::none())
    ///     .build();
    /// let retrying = Client::new(Endpoint::default(), admin);
    /// assert!(std::ptr::eq(once.token(), retrying.token()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
    ///
    /// ```
    /// # use usersig::rest::{AdminToken, Client, Endpoint};
    /// # use usersig::{Signer, DEMO_KEY};
    /// let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// let client = Client::new(Endpoint::default(), admin);
    /// assert_eq!(client.token().identifier(), "administrator");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn token(&self) -> &AdminToken {
        &self.token
    }

    /// The endpoint requests go to.
    ///
    /// ```
    /// # use usersig::rest::{AdminToken, Client, Endpoint};
    /// # use usersig::{Signer, DEMO_KEY};
    /// # let admin = AdminToken::new(Signer::new(1400000000, DEMO_KEY)?, "administrator")?;
    /// let client = Client::new(Endpoint::custom("http://127.0.0.1:8080/")?, admin);
    /// assert_eq!(client.endpoint().base_url(), "http://127.0.0.1:8080");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
                Err(Failure::Http { status, body }) => (
                    http_status_retry(status),
                    ClientError::Http {
                        status,
                        body,
                        attempts,
                    },
                ),
                Err(Failure::BadResponse(e)) => (RetryClass::Never, ClientError::BadResponse(e)),
            };
            if attempts >= self.policy.attempts() {
                return Err(error);
            }
            match class {
                RetryClass::RenewToken if !renewed => {
                    renewed = true;
                    self.token.renew_rejected(&token)?;
                }
                RetryClass::Backoff => std::thread::sleep(self.policy.delay(attempts)),
                RetryClass::After60s if self.policy.waits_out_lockout() => {
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

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;
    use crate::rest::UrlError;
    use crate::{DEMO_KEY, DEMO_SDKAPPID, Signer};

    fn builder() -> ClientBuilder {
        let admin = AdminToken::new(Signer::new(DEMO_SDKAPPID, DEMO_KEY).unwrap(), "admin");
        // Port 9 (discard) on loopback: nothing in these tests reaches the network.
        Client::builder(
            Endpoint::custom("http://127.0.0.1:9").unwrap(),
            admin.unwrap(),
        )
    }

    #[test]
    fn timeouts_default_to_5_and_10_seconds_and_never_go_below_the_server_s() {
        let b = builder();
        assert_eq!(
            (b.connect_timeout, b.timeout),
            (DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT)
        );
        assert_eq!(builder().timeout(Duration::ZERO).timeout, MIN_TIMEOUT);
        assert_eq!(
            builder().timeout(Duration::from_secs(30)).timeout,
            Duration::from_secs(30)
        );
        assert!(
            MIN_TIMEOUT > Duration::from_secs(3),
            "the server gives up after 3 s"
        );
    }

    #[test]
    fn timeouts_rate_limits_and_server_failures_without_an_envelope_are_retried() {
        for status in [408, 429, 500, 502, 503, 504, 599, 600, u16::MAX] {
            assert_eq!(http_status_retry(status), RetryClass::Backoff, "{status}");
        }
        for status in [
            0, 100, 200, 204, 301, 302, 400, 401, 403, 404, 407, 409, 428, 499,
        ] {
            assert_eq!(http_status_retry(status), RetryClass::Never, "{status}");
        }
    }

    #[test]
    fn a_body_that_is_no_json_object_is_refused_before_anything_is_sent() {
        let client = builder().build();
        for body in [json(1), json("x"), json([1]), Value::Bool(true)] {
            assert!(
                matches!(client.call("s", "c", &body), Err(ClientError::BadBody(_))),
                "{body}"
            );
        }
        for body in ["[]", "1", "{", "{} {}", "null"] {
            assert!(
                matches!(
                    client.call_json("s", "c", body),
                    Err(ClientError::BadBody(_))
                ),
                "{body}"
            );
        }
    }

    #[test]
    fn a_bad_service_name_is_refused_before_anything_is_sent() {
        let client = builder().build();
        let err = client.call("../s", "c", &Value::Null).unwrap_err();
        assert!(
            matches!(err, ClientError::Url(UrlError::BadPathSegment { .. })),
            "{err}"
        );
        assert!(err.source().is_some());
    }

    #[test]
    fn debug_output_does_not_show_the_token() {
        let client = builder().build();
        let token = client.token().get().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains(&*token), "{shown}");
        assert_eq!(client.endpoint().base_url(), "http://127.0.0.1:9");
    }

    fn json(value: impl Into<Value>) -> Value {
        value.into()
    }
}

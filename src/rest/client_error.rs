//! [`ClientError`]: why a call of the client (feature `client`) failed, and how many attempts
//! it made.

use std::fmt;

use super::codes::RestCode;
use super::endpoint::UrlError;
use super::envelope::{Envelope, EnvelopeError, RestError};
use crate::error::{Shown, SignError};
/// Why a [`Client`](super::Client) call failed.
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
    ///
    /// ```
    /// use usersig::rest::{ClientError, Envelope, RestCode};
    /// let error = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":60007}"#)?
    ///     .into_result()
    ///     .unwrap_err();
    /// let err = ClientError::Rest { error, attempts: 3 };
    /// assert_eq!(err.rest_code(), Some(RestCode::RestRateLimited));
    /// assert_eq!(ClientError::BadBody("[]".into()).rest_code(), None);
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
    pub fn rest_code(&self) -> Option<RestCode> {
        match self {
            ClientError::Rest { error, .. } => Some(error.code()),
            _ => None,
        }
    }

    /// The server's answer, when it answered `FAIL`.
    ///
    /// ```
    /// use usersig::rest::{ClientError, Envelope};
    /// let error = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":60007,"RequestId":"r"}"#)?
    ///     .into_result()
    ///     .unwrap_err();
    /// let err = ClientError::Rest { error, attempts: 1 };
    /// assert_eq!(err.envelope().and_then(|e| e.request_id.as_deref()), Some("r"));
    /// assert!(ClientError::BadBody("[]".into()).envelope().is_none());
    /// # Ok::<(), usersig::rest::EnvelopeError>(())
    /// ```
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

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn errors_count_their_attempts_in_words() {
        let once = ClientError::Transport {
            message: "refused".into(),
            attempts: 1,
        };
        assert_eq!(once.to_string(), "network error: refused (after 1 attempt)");
        let thrice = ClientError::Http {
            status: 502,
            body: "bad gateway".into(),
            attempts: 3,
        };
        assert_eq!(
            thrice.to_string(),
            "HTTP 502 without a REST envelope: \"bad gateway\" (after 3 attempts)"
        );
        assert!(once.rest_code().is_none() && once.envelope().is_none());
    }

    #[test]
    fn a_server_failure_keeps_its_code_and_envelope() {
        let error = Envelope::parse(r#"{"ActionStatus":"FAIL","ErrorCode":70050}"#)
            .unwrap()
            .into_result()
            .unwrap_err();
        let err = ClientError::Rest { error, attempts: 2 };
        assert_eq!(err.rest_code(), Some(RestCode::UserSigLockout));
        assert_eq!(err.envelope().map(|e| e.error_code), Some(70050));
        assert!(err.to_string().ends_with("(after 2 attempts)"), "{err}");
        assert!(err.source().is_some());
    }

    #[test]
    fn url_and_sign_errors_convert_into_client_errors() {
        assert!(matches!(
            ClientError::from(UrlError::EmptyIdentifier),
            ClientError::Url(UrlError::EmptyIdentifier)
        ));
        assert!(matches!(
            ClientError::from(SignError::EmptyKey),
            ClientError::Sign(SignError::EmptyKey)
        ));
    }
}

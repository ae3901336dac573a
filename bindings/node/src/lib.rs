//! The Node.js addon behind the npm package `usersig` (this folder): a thin napi-rs layer over
//! the Rust API. `index.js` and `compat.js` beside it are the public API; they check argument
//! types and ranges, and turn the errors thrown here into the package's error classes.
//!
//! Conventions of this layer:
//!
//! - Every error thrown here is a JS `Error` whose `code` is the stable kind string (the
//!   `kind` of a row of [`usersig::ffi::RESULT_CODES`], e.g. `"expired"`) and whose message is
//!   the Rust error's text. `index.js` maps the kind to its class and to the row's number.
//! - Integers arrive as JS numbers (`f64`), already checked by `index.js` to be integers in
//!   range; they are checked again here, so a bad one is an `invalid_argument`, never a wrap.
//! - Strings arrive as UTF-8 (`index.js` rejects lone surrogates, which N-API would replace).
//! - A panic never crosses into Node: it becomes a `"panic"` error, as at the C ABI.

use std::panic::{AssertUnwindSafe, catch_unwind};

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use usersig::callback::{CallbackError, im, trtc};
use usersig::ffi::RESULT_CODES;
use usersig::{Compression, Expect, Mint, Privileges, Room, Signer, Verifier};

/// An error for JS: `code` is the kind, the message the Rust error's text.
type JsError = napi::Error<&'static str>;
type Result<T> = std::result::Result<T, JsError>;

fn error(kind: &'static str, message: impl ToString) -> JsError {
    napi::Error::new(kind, message)
}

/// The message of `kind` in the one table (index.js checks at load that its kinds have rows).
fn table_message(kind: &str) -> &'static str {
    RESULT_CODES
        .iter()
        .find(|row| row.kind == kind)
        .map_or("unknown error", |row| row.message)
}

fn invalid(message: impl ToString) -> JsError {
    error("invalid_argument", message)
}

/// Runs `f`, turning a panic into the `"panic"` error instead of aborting the process.
fn guard<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(error("panic", table_message("panic"))))
}

/// The largest integer a JS number holds exactly: index.js accepts integers up to it.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A non-negative integer that a JS number holds exactly.
fn uint(name: &str, value: f64) -> Result<u64> {
    if value.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&value) {
        // In range and integral: the conversion is exact.
        Ok(value as u64)
    } else {
        Err(invalid(format!(
            "{name} must be an integer from 0 to 2^53 - 1, not {value}"
        )))
    }
}

fn u32_arg(name: &str, value: f64) -> Result<u32> {
    u32::try_from(uint(name, value)?)
        .map_err(|_| invalid(format!("{name} must be an integer from 0 to 2^32 - 1")))
}

fn privileges(bits: f64) -> Result<Privileges> {
    let bits = u32_arg("privileges", bits)?;
    Privileges::from_bits(bits).ok_or_else(|| {
        invalid(format!(
            "privileges must be from 0 to 255 (the eight TRTC privilege bits), not {bits}"
        ))
    })
}

fn room(id: f64, name: Option<&str>) -> Result<Room<'_>> {
    Ok(match name {
        Some(text) => Room::Str(text),
        None => Room::Numeric(u32_arg("room", id)?),
    })
}

/// Every row of the result-code table, for `index.js` to give each error class its code.
#[napi(object)]
pub struct ResultCodeRow {
    pub code: i32,
    pub name: String,
    pub kind: String,
    pub message: String,
}

/// `usersig::ffi::RESULT_CODES`, row by row.
#[napi]
pub fn result_codes() -> Vec<ResultCodeRow> {
    RESULT_CODES
        .iter()
        .map(|row| ResultCodeRow {
            code: row.code,
            name: row.name.to_owned(),
            kind: row.kind.to_owned(),
            message: row.message.to_owned(),
        })
        .collect()
}

/// The privilege names and bits (`Privileges::NAMED`, then `"all"`).
#[napi]
pub fn privilege_names() -> Vec<(String, u32)> {
    Privileges::NAMED
        .iter()
        .map(|(name, p)| ((*name).to_owned(), p.bits()))
        .chain([(Privileges::ALL_NAME.to_owned(), Privileges::ALL.bits())])
        .collect()
}

/// Parses privileges written as text, as the CLI does: a number, or names separated by commas.
#[napi]
pub fn parse_privileges(text: String) -> Result<u32> {
    guard(|| {
        text.parse::<Privileges>()
            .map(Privileges::bits)
            .map_err(|e| invalid(format!("privileges {text:?}: {e}")))
    })
}

/// The default lifetime of a token, seconds (180 days).
#[napi]
pub fn default_expire_secs() -> f64 {
    usersig::DEFAULT_EXPIRE_SECS as f64
}

/// The default allowed clock skew of a verifier, seconds.
#[napi]
pub fn default_max_future_skew_secs() -> f64 {
    usersig::DEFAULT_MAX_FUTURE_SKEW_SECS as f64
}

/// A `usersig::Signer`.
#[napi]
pub struct NativeSigner {
    inner: Signer,
}

#[napi]
impl NativeSigner {
    /// `compression`: 0 stored, 1 fast, 2 standard.
    #[napi(constructor)]
    pub fn new(sdkappid: f64, key: Buffer, compression: u32) -> Result<Self> {
        guard(|| {
            let compression = match compression {
                0 => Compression::Stored,
                1 => Compression::Fast,
                2 => Compression::Standard,
                other => return Err(invalid(format!("unknown compression {other}"))),
            };
            let inner = Signer::new(uint("sdkappid", sdkappid)?, &key[..])
                .map_err(|e| error(e.kind().as_str(), e))?
                .with_compression(compression);
            Ok(NativeSigner { inner })
        })
    }

    fn mint(&self, mint: Mint<'_>, time: Option<f64>) -> Result<String> {
        let mint = match time {
            Some(t) => mint.time(uint("time", t)?),
            None => mint,
        };
        self.inner
            .mint(&mint)
            .map_err(|e| error(e.kind().as_str(), e))
    }

    /// A plain UserSig; `time` None: now.
    #[napi]
    pub fn user_sig(&self, identifier: String, expire: f64, time: Option<f64>) -> Result<String> {
        guard(|| {
            let mint = Mint::new(&identifier).expire_secs(uint("expire", expire)?);
            self.mint(mint, time)
        })
    }

    /// A UserSig carrying `userbuf`.
    #[napi]
    pub fn user_sig_with_userbuf(
        &self,
        identifier: String,
        expire: f64,
        userbuf: Buffer,
        time: Option<f64>,
    ) -> Result<String> {
        guard(|| {
            let mint = Mint::new(&identifier)
                .expire_secs(uint("expire", expire)?)
                .userbuf(&userbuf);
            self.mint(mint, time)
        })
    }

    /// A PrivateMapKey for numeric room `room_id`, or for string room `room_str` when given.
    #[napi]
    pub fn private_map_key(
        &self,
        identifier: String,
        expire: f64,
        room_id: f64,
        room_str: Option<String>,
        bits: f64,
        time: Option<f64>,
    ) -> Result<String> {
        guard(|| {
            let room = room(room_id, room_str.as_deref())?;
            let mint = Mint::new(&identifier)
                .expire_secs(uint("expire", expire)?)
                .private_map_key(room, privileges(bits)?);
            self.mint(mint, time)
        })
    }
}

/// A PrivateMapKey as JS sees it.
#[napi(object, use_nullable = true)]
pub struct PrivateMapKeyObject {
    pub account: String,
    pub sdkappid: u32,
    pub room_id: u32,
    pub string_room: Option<String>,
    pub expires_at: u32,
    pub privileges: u32,
}

/// The claims of a verified token as JS sees them (field names in camelCase).
#[napi(object, use_nullable = true)]
pub struct ClaimsObject {
    pub identifier: String,
    pub sdkappid: f64,
    pub time: f64,
    pub expire: f64,
    pub expires_at: f64,
    pub userbuf: Option<Buffer>,
    pub private_map_key: Option<PrivateMapKeyObject>,
}

/// A `usersig::Verifier`.
#[napi]
pub struct NativeVerifier {
    inner: Verifier,
}

#[napi]
impl NativeVerifier {
    #[napi(constructor)]
    pub fn new(
        sdkappid: f64,
        key: Buffer,
        max_future_skew_secs: f64,
        leeway_secs: f64,
    ) -> Result<Self> {
        guard(|| {
            let skew = uint("maxFutureSkewSecs", max_future_skew_secs)?;
            let leeway = uint("leewaySecs", leeway_secs)?;
            let inner = Verifier::new(uint("sdkappid", sdkappid)?, &key[..])
                .map_err(|e| error(e.kind().as_str(), e))?
                .max_future_skew_secs(skew)
                .and_then(|v| v.leeway_secs(leeway))
                // A setting over its ceiling (a year) is an invalid argument, as in the C ABI.
                .map_err(invalid)?;
            Ok(NativeVerifier { inner })
        })
    }

    /// Verifies `token` for `identifier` at `now` (None: the system clock). `expect`: 0
    /// anything, 1 no userbuf, 2 exactly `userbuf`, 3 a PrivateMapKey for the room (`room_str`
    /// when given, else `room_id`) granting at least `bits`.
    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn verify(
        &self,
        token: String,
        identifier: String,
        now: Option<f64>,
        expect: u32,
        userbuf: Option<Buffer>,
        room_id: f64,
        room_str: Option<String>,
        bits: f64,
    ) -> Result<ClaimsObject> {
        guard(|| {
            let expect = match (expect, &userbuf) {
                (0, _) => Expect::Anything,
                (1, _) => Expect::NoUserbuf,
                (2, Some(bytes)) => Expect::Userbuf(bytes),
                (3, _) => Expect::Room {
                    room: room(room_id, room_str.as_deref())?,
                    privileges: privileges(bits)?,
                },
                _ => return Err(invalid("unknown expectation")),
            };
            let now = now.map(|t| uint("now", t)).transpose()?;
            let claims = self
                .inner
                .verify_with(&token, &identifier, &expect, now)
                .map_err(|e| error(e.kind().as_str(), e))?;
            // Unix seconds and lifetimes: exact as JS numbers up to 2^53 (285 million years).
            Ok(ClaimsObject {
                sdkappid: claims.sdkappid as f64,
                time: claims.time as f64,
                expire: claims.expire as f64,
                expires_at: claims.expires_at as f64,
                userbuf: claims.userbuf.map(Buffer::from),
                private_map_key: claims.private_map_key.map(|pmk| PrivateMapKeyObject {
                    account: pmk.account,
                    sdkappid: pmk.sdkappid,
                    room_id: pmk.room_id,
                    string_room: pmk.room_str,
                    expires_at: pmk.expires_at,
                    privileges: pmk.privileges.bits(),
                }),
                identifier: claims.identifier,
            })
        })
    }
}

/// `usersig::inspect_at` (or `inspect` when `now` is None) as the JSON text of
/// `Inspection::to_json`, the shape of `usersig inspect --json`.
#[napi]
pub fn inspect(token: String, now: Option<f64>) -> Result<String> {
    guard(|| {
        let inspection = match now {
            Some(t) => usersig::inspect_at(&token, uint("now", t)?),
            None => usersig::inspect(&token),
        }
        .map_err(|e| error(e.kind().as_str(), e))?;
        Ok(inspection.to_json().to_string())
    })
}

// ---------------------------------------------------------------------------------------------
// Callbacks (`usersig::callback`): IM webhooks and TRTC event callbacks.
// ---------------------------------------------------------------------------------------------

/// A refused callback: the kind is one of the five callback kinds, each a row of the table.
fn refused(e: CallbackError) -> JsError {
    error(e.kind().as_str(), e)
}

/// A token or key for a callback verifier: empty is `empty_key` (as at the C ABI), longer than
/// the console allows `invalid_argument`.
fn callback_secret(what: &str, secret: &[u8], max: usize) -> Result<()> {
    if secret.is_empty() {
        return Err(error("empty_key", format!("the callback {what} is empty")));
    }
    if secret.len() > max {
        return Err(invalid(format!(
            "the callback {what} has {} bytes; the console allows at most {max}",
            secret.len()
        )));
    }
    Ok(())
}

/// A number from a request, for JS: exact up to 2^53 - 1. Tencent's are far below (SDKAppIDs
/// fit in 32 bits, times are seconds or milliseconds); a larger one cannot be handed on
/// exactly, so the request is refused as malformed rather than rounded.
fn exact(name: &str, value: u64) -> Result<f64> {
    if value < 1 << 53 {
        // Below 2^53: the conversion is exact.
        Ok(value as f64)
    } else {
        Err(error(
            "malformed",
            format!(
                "malformed callback request: {name} {value} is beyond 2^53 - 1, which a JS number cannot hold exactly"
            ),
        ))
    }
}

/// `im::DEFAULT_WINDOW_SECS` and `im::MAX_WINDOW_SECS`.
#[napi]
pub fn im_callback_window_secs() -> (f64, f64) {
    (im::DEFAULT_WINDOW_SECS as f64, im::MAX_WINDOW_SECS as f64)
}

/// A verified IM callback as JS sees it (camelCase; null where the query had no such field).
#[napi(object, use_nullable = true)]
pub struct ImCallbackObject {
    pub request_time: f64,
    pub sdkappid: Option<f64>,
    pub command: Option<String>,
    pub client_ip: Option<String>,
    pub platform: Option<String>,
}

/// A `usersig::callback::im::Verifier`.
#[napi]
pub struct NativeImCallbackVerifier {
    inner: im::Verifier,
}

#[napi]
impl NativeImCallbackVerifier {
    /// `window_secs` is capped at `im::MAX_WINDOW_SECS`; `sdkappid` None: any app.
    #[napi(constructor)]
    pub fn new(token: Buffer, window_secs: f64, sdkappid: Option<f64>) -> Result<Self> {
        guard(|| {
            callback_secret("token", &token, im::MAX_TOKEN_LEN)?;
            let mut inner = im::Verifier::new(&token[..])
                .map_err(invalid)?
                .window_secs(uint("windowSecs", window_secs)?);
            if let Some(app) = sdkappid {
                inner = inner.sdkappid(uint("sdkappid", app)?);
            }
            Ok(NativeImCallbackVerifier { inner })
        })
    }

    /// Verifies the query string or URL at `now` (None: the system clock).
    #[napi]
    pub fn verify(&self, query_or_url: String, now: Option<f64>) -> Result<ImCallbackObject> {
        guard(|| {
            let callback = match now {
                Some(t) => self.inner.verify_at(&query_or_url, uint("now", t)?),
                None => self.inner.verify(&query_or_url),
            }
            .map_err(refused)?;
            Ok(ImCallbackObject {
                request_time: exact("RequestTime", callback.request_time)?,
                sdkappid: callback
                    .sdkappid
                    .map(|app| exact("SdkAppid", app))
                    .transpose()?,
                command: callback.command,
                client_ip: callback.client_ip,
                platform: callback.platform,
            })
        })
    }
}

/// A verified TRTC event as JS sees it; `event_info` is the raw JSON text of `EventInfo`.
#[napi(object, use_nullable = true)]
pub struct TrtcEventObject {
    pub event_group_id: f64,
    pub event_type: f64,
    pub callback_ts: f64,
    pub event_info: String,
    pub sdkappid: Option<f64>,
}

/// A `usersig::callback::trtc::Verifier`.
#[napi]
pub struct NativeTrtcCallbackVerifier {
    inner: trtc::Verifier,
}

#[napi]
impl NativeTrtcCallbackVerifier {
    /// `sdkappid` None: any app.
    #[napi(constructor)]
    pub fn new(key: Buffer, sdkappid: Option<f64>) -> Result<Self> {
        guard(|| {
            callback_secret("key", &key, trtc::MAX_KEY_LEN)?;
            let mut inner = trtc::Verifier::new(&key[..]).map_err(invalid)?;
            if let Some(app) = sdkappid {
                inner = inner.sdkappid(uint("sdkappid", app)?);
            }
            Ok(NativeTrtcCallbackVerifier { inner })
        })
    }

    /// Verifies the raw `body` against the `Sign` and `SdkAppId` headers (None when absent).
    #[napi]
    pub fn verify(
        &self,
        sign: Option<String>,
        sdkappid_header: Option<String>,
        body: Buffer,
    ) -> Result<TrtcEventObject> {
        guard(|| {
            let event = self
                .inner
                .verify_request(sign.as_deref(), sdkappid_header.as_deref(), &body)
                .map_err(refused)?;
            Ok(TrtcEventObject {
                event_group_id: exact("EventGroupId", event.event_group_id)?,
                event_type: exact("EventType", event.event_type)?,
                callback_ts: exact("CallbackTs", event.callback_ts)?,
                event_info: event.event_info.to_owned(),
                sdkappid: event
                    .sdkappid
                    .map(|app| exact("SdkAppId", app))
                    .transpose()?,
            })
        })
    }
}

/// `im::sign`: the `Sign` Tencent sends for `token` at `request_time`.
#[napi]
pub fn im_callback_sign(token: Buffer, request_time: f64) -> Result<String> {
    guard(|| Ok(im::sign(&token[..], uint("requestTime", request_time)?)))
}

/// `im::signed_query`: a query string as Tencent sends it, signed.
#[napi]
pub fn im_callback_signed_query(
    token: Buffer,
    sdkappid: f64,
    command: String,
    request_time: f64,
) -> Result<String> {
    guard(|| {
        Ok(im::signed_query(
            &token[..],
            uint("sdkappid", sdkappid)?,
            &command,
            uint("requestTime", request_time)?,
        ))
    })
}

/// `trtc::sign`: the `Sign` header Tencent sends for `body` under `key`.
#[napi]
pub fn trtc_callback_sign(key: Buffer, body: Buffer) -> Result<String> {
    guard(|| Ok(trtc::sign(&key[..], &body)))
}

/// `im::reply_ok`.
#[napi]
pub fn im_reply_ok() -> String {
    im::reply_ok()
}

/// `im::reply_fail`; `code` an integer of magnitude at most 2^53 - 1 (checked by index.js).
#[napi]
pub fn im_reply_fail(code: f64, info: String) -> Result<String> {
    guard(|| {
        if code.fract() != 0.0 || code.abs() > MAX_SAFE_INTEGER {
            return Err(invalid(format!(
                "code must be an integer from -(2^53 - 1) to 2^53 - 1, not {code}"
            )));
        }
        // Integral and within 2^53: the conversion is exact.
        Ok(im::reply_fail(code as i64, &info))
    })
}

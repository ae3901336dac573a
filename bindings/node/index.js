// usersig for Node.js: mint, verify and inspect Tencent Cloud UserSig v2 tokens.
//
// A native addon (src/lib.rs, napi-rs) over the Rust library does the work; this file checks
// arguments, gives each error kind its class, and documents the API (index.d.ts has the types).
'use strict';

const native = require('./native.js');

// ---------------------------------------------------------------------------------------------
// Errors: one class per kind. The codes come from the library's one table (RESULT_CODES), read
// from the addon at load time; only the class names and their kinds are written here.
// ---------------------------------------------------------------------------------------------

/** Every row of the C ABI's result-code table: `{ code, name, kind, message }`, frozen. */
const RESULT_CODES = Object.freeze(native.resultCodes().map((row) => Object.freeze(row)));
const ROWS = new Map(RESULT_CODES.map((row) => [row.kind, row]));

/** Base of every error this package throws for a failed call (argument types: TypeError). */
class UserSigError extends Error {
  constructor(message) {
    const row = ROWS.get(new.target.kind);
    super(message === undefined ? (row ? row.message : 'usersig error') : message);
    /** The stable kind, e.g. `'expired'`: the Rust API's, the CLI's and every binding's. */
    this.kind = new.target.kind;
    /** The C result code of the kind (`USERSIG_ERR_*`). */
    this.code = row ? row.code : -1;
  }

  get name() {
    return this.constructor.name;
  }
}
UserSigError.kind = 'unknown';

/**
 * A token (FORMAT.md §5) or a callback request was rejected: the base of the eight token
 * verification kinds and of the two kinds only callbacks have (MissingSignatureError,
 * StaleError). A callback that is unreadable, wrongly signed or for another app is a
 * MalformedError, BadSignatureError or SdkAppIdMismatchError, as a token is.
 */
class VerifyError extends UserSigError {}

class MalformedError extends VerifyError {}
class UnsupportedVersionError extends VerifyError {}
class SdkAppIdMismatchError extends VerifyError {}
class IdentifierMismatchError extends VerifyError {}
class BadSignatureError extends VerifyError {}
class NotYetValidError extends VerifyError {}
class ExpiredError extends VerifyError {}
class UserbufMismatchError extends VerifyError {}
class MissingSignatureError extends VerifyError {}
class StaleError extends VerifyError {}
class EmptyKeyError extends UserSigError {}
class EmptyIdentifierError extends UserSigError {}
class IdentifierContainsNulError extends UserSigError {}
class TooLongError extends UserSigError {}
class ExpiryOutOfRangeError extends UserSigError {}
class SdkAppIdOutOfRangeError extends UserSigError {}
class ClockBeforeEpochError extends UserSigError {}
class InvalidUtf8Error extends UserSigError {}
class InvalidArgumentError extends UserSigError {}
class PanicError extends UserSigError {}

const ERROR_CLASSES = {};
for (const [cls, kind] of [
  [MalformedError, 'malformed'],
  [UnsupportedVersionError, 'unsupported_version'],
  [SdkAppIdMismatchError, 'sdkappid_mismatch'],
  [IdentifierMismatchError, 'identifier_mismatch'],
  [BadSignatureError, 'bad_signature'],
  [NotYetValidError, 'not_yet_valid'],
  [ExpiredError, 'expired'],
  [UserbufMismatchError, 'userbuf_mismatch'],
  [MissingSignatureError, 'missing_signature'],
  [StaleError, 'stale'],
  [EmptyKeyError, 'empty_key'],
  [EmptyIdentifierError, 'empty_identifier'],
  [IdentifierContainsNulError, 'identifier_contains_nul'],
  [TooLongError, 'too_long'],
  [ExpiryOutOfRangeError, 'expiry_out_of_range'],
  [SdkAppIdOutOfRangeError, 'sdkappid_out_of_range'],
  [ClockBeforeEpochError, 'clock_before_epoch'],
  [InvalidUtf8Error, 'invalid_utf8'],
  [InvalidArgumentError, 'invalid_argument'],
  [PanicError, 'panic'],
]) {
  const row = ROWS.get(kind);
  // A kind the table does not have is a bug of this file: fail at require, not at the error.
  if (!row) throw new Error(`usersig: the kind ${kind} of ${cls.name} is not in RESULT_CODES`);
  cls.kind = kind;
  cls.code = row.code;
  ERROR_CLASSES[kind] = cls;
}

/** The error the addon threw (its `code` is the kind) as the package's class for the kind. */
function translate(e) {
  const cls = e && typeof e.code === 'string' ? ERROR_CLASSES[e.code] : undefined;
  if (!cls) return e;
  const err = new cls(e.message);
  Error.captureStackTrace(err, translate); // the stack starts at the caller's call
  return err;
}

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

const U32_MAX = 0xffffffff;

function typeName(value) {
  if (value === null) return 'null';
  if (Buffer.isBuffer(value)) return 'Buffer';
  return typeof value === 'object' ? (value.constructor ? value.constructor.name : 'object') : typeof value;
}

/** Text: a string of valid Unicode (a lone surrogate has no UTF-8 form). */
function text(name, value) {
  if (typeof value !== 'string') {
    throw new TypeError(`${name} must be a string, not ${typeName(value)}`);
  }
  if (!value.isWellFormed()) {
    throw new InvalidUtf8Error(`${name} contains a lone surrogate: it has no UTF-8 form`);
  }
  return value;
}

/** Bytes: a Buffer, another Uint8Array or an ArrayBuffer (as is), or a string (as UTF-8). */
function bytes(name, value) {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (typeof value === 'string') return Buffer.from(text(name, value), 'utf8');
  throw new TypeError(`${name} must be a Buffer, Uint8Array or string, not ${typeName(value)}`);
}

/** A non-negative integer up to `max`, as a number or a bigint; returned as a number. */
function uint(name, value, max = Number.MAX_SAFE_INTEGER) {
  let n = value;
  if (typeof value === 'bigint') {
    if (value < 0n || value > BigInt(max)) n = -1;
    else n = Number(value);
  } else if (typeof value !== 'number') {
    throw new TypeError(`${name} must be a number or a bigint, not ${typeName(value)}`);
  }
  if (!Number.isInteger(n) || n < 0 || n > max) {
    const range = max === U32_MAX ? '2^32 - 1' : max === 255 ? '255' : '2^53 - 1';
    throw new InvalidArgumentError(`${name} must be an integer from 0 to ${range}, not ${String(value)}`);
  }
  return n;
}

/** Unix seconds: as uint, but a time before 1970 is a ClockBeforeEpochError. */
function unix(name, value) {
  if ((typeof value === 'number' || typeof value === 'bigint') && value < 0) {
    throw new ClockBeforeEpochError(`${name} is before 1970: ${String(value)}`);
  }
  return uint(name, value);
}

function optionalUnix(name, value) {
  return value === undefined || value === null ? undefined : unix(name, value);
}

/** The key: a string (used as its UTF-8 bytes, as the official SDKs do) or bytes. */
function key(value) {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return bytes('key', value);
  throw new TypeError(`key must be a string or a Buffer, not ${typeName(value)}`);
}

/** The options object of a call: undefined, or an object with only the keys allowed. */
function options(name, value, allowed) {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object, not ${typeName(value)}`);
  }
  for (const k of Object.keys(value)) {
    if (!allowed.includes(k)) {
      throw new TypeError(`unknown option ${JSON.stringify(k)} in ${name} (known: ${allowed.join(', ')})`);
    }
  }
  return value;
}

/**
 * The privilege bits of a TRTC PrivateMapKey (FORMAT.md §6); combine them with `|`.
 * `ALL` (255) grants everything.
 */
const Privileges = {};
for (const [name, bits] of native.privilegeNames()) Privileges[name.toUpperCase()] = bits;
Object.freeze(Privileges);

/** Privileges: a number 0-255 (bits of `Privileges`), or names as the CLI takes them. */
function privileges(value) {
  if (typeof value === 'string') {
    try {
      return native.parsePrivileges(value);
    } catch (e) {
      throw translate(e);
    }
  }
  return uint('privileges', value, 255);
}

/** A room: a number is a numeric room id, a string a string room id. */
function room(value) {
  if (typeof value === 'string') return [0, text('room', value)];
  if (typeof value === 'number' || typeof value === 'bigint') return [uint('room', value, U32_MAX), undefined];
  throw new TypeError(`room must be a number (numeric room) or a string (string room), not ${typeName(value)}`);
}

const COMPRESSIONS = { stored: 0, fast: 1, standard: 2 };

const DEFAULT_EXPIRE_SECS = native.defaultExpireSecs();
const DEFAULT_MAX_FUTURE_SKEW_SECS = native.defaultMaxFutureSkewSecs();

function expireArg(value) {
  return value === undefined ? DEFAULT_EXPIRE_SECS : uint('expireSecs', value);
}

// ---------------------------------------------------------------------------------------------
// Signer, Verifier, inspect
// ---------------------------------------------------------------------------------------------

/**
 * Mints tokens for one app: an SDKAppID and its key. Create one per app and share it; the key
 * is kept only inside the addon, and wiped when the signer is garbage-collected.
 */
class Signer {
  #native;

  constructor(sdkappid, secretKey, opts) {
    const o = options('options', opts, ['compression']);
    const compression = o.compression === undefined ? 'stored' : o.compression;
    if (!Object.hasOwn(COMPRESSIONS, compression)) {
      throw new InvalidArgumentError(
        `compression must be 'stored', 'fast' or 'standard', not ${JSON.stringify(compression)}`);
    }
    const app = uint('sdkappid', sdkappid);
    try {
      this.#native = new native.NativeSigner(app, key(secretKey), COMPRESSIONS[compression]);
    } catch (e) {
      throw translate(e);
    }
    /** The SDKAppID this signer mints for. */
    this.sdkappid = app;
    /** `'stored'`, `'fast'` or `'standard'`. */
    this.compression = compression;
    Object.freeze(this);
  }

  /** A plain UserSig for `identifier`, valid for `expireSecs` (default 180 days). */
  userSig(identifier, expireSecs, opts) {
    const id = text('identifier', identifier);
    const expire = expireArg(expireSecs);
    const time = optionalUnix('time', options('options', opts, ['time']).time);
    try {
      return this.#native.userSig(id, expire, time);
    } catch (e) {
      throw translate(e);
    }
  }

  /** A UserSig carrying `userbuf` (bytes; a string as UTF-8) as `TLS.userbuf`. */
  userSigWithUserbuf(identifier, expireSecs, userbuf, opts) {
    const id = text('identifier', identifier);
    const expire = expireArg(expireSecs);
    const buf = bytes('userbuf', userbuf);
    const time = optionalUnix('time', options('options', opts, ['time']).time);
    try {
      return this.#native.userSigWithUserbuf(id, expire, buf, time);
    } catch (e) {
      throw translate(e);
    }
  }

  /**
   * A TRTC PrivateMapKey for `room` (a number: numeric room; a string: string room, `''` being
   * numeric room 0) granting `privileges` (default `Privileges.ALL`).
   */
  privateMapKey(identifier, expireSecs, roomId, privilegeBits, opts) {
    const id = text('identifier', identifier);
    const expire = expireArg(expireSecs);
    const [roomNumber, stringRoom] = room(roomId);
    const bits = privilegeBits === undefined ? Privileges.ALL : privileges(privilegeBits);
    const time = optionalUnix('time', options('options', opts, ['time']).time);
    try {
      return this.#native.privateMapKey(id, expire, roomNumber, stringRoom, bits, time);
    } catch (e) {
      throw translate(e);
    }
  }
}

/** `expect` of verify: `{ noUserbuf: true }`, `{ userbuf }` or `{ room, privileges }`. */
function expectation(value) {
  if (value === undefined || value === null) return [0, undefined, 0, undefined, 0];
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`expect must be an object, not ${typeName(value)}`);
  }
  const keys = Object.keys(value).sort().join(',');
  if (keys === 'noUserbuf' && value.noUserbuf === true) return [1, undefined, 0, undefined, 0];
  if (keys === 'userbuf') return [2, bytes('expect.userbuf', value.userbuf), 0, undefined, 0];
  if (keys === 'privileges,room') {
    const [roomNumber, stringRoom] = room(value.room);
    return [3, undefined, roomNumber, stringRoom, privileges(value.privileges)];
  }
  throw new TypeError(
    'expect must be { noUserbuf: true }, { userbuf: <bytes> } or { room: <number|string>, privileges: <bits> }');
}

/** Verifies tokens for one app with fixed settings. Create one per app and share it. */
class Verifier {
  #native;

  constructor(sdkappid, secretKey, opts) {
    const o = options('options', opts, ['maxFutureSkewSecs', 'leewaySecs']);
    const app = uint('sdkappid', sdkappid);
    const skew = o.maxFutureSkewSecs === undefined ? DEFAULT_MAX_FUTURE_SKEW_SECS
      : uint('maxFutureSkewSecs', o.maxFutureSkewSecs);
    const leeway = o.leewaySecs === undefined ? 0 : uint('leewaySecs', o.leewaySecs);
    try {
      this.#native = new native.NativeVerifier(app, key(secretKey), skew, leeway);
    } catch (e) {
      throw translate(e);
    }
    /** The SDKAppID this verifier accepts. */
    this.sdkappid = app;
    this.maxFutureSkewSecs = skew;
    this.leewaySecs = leeway;
    Object.freeze(this);
  }

  /**
   * Verifies `token` for `identifier` (FORMAT.md §5) at `now` (Unix seconds; default: the
   * system clock) and, with `expect`, what its userbuf must be. Returns the claims; throws the
   * first failure as a VerifyError subclass.
   */
  verify(token, identifier, opts) {
    const tok = text('token', token);
    const id = text('identifier', identifier);
    const o = options('options', opts, ['now', 'expect']);
    const now = optionalUnix('now', o.now);
    const [kind, userbuf, roomNumber, stringRoom, bits] = expectation(o.expect);
    try {
      return this.#native.verify(tok, id, now, kind, userbuf, roomNumber, stringRoom, bits);
    } catch (e) {
      throw translate(e);
    }
  }
}

/**
 * Decodes `token` without the key and describes it: what it claims, who probably minted it,
 * what looks wrong. The object has the shape of `usersig inspect --json` (snake_case keys, as
 * every binding and the CLI give it). Throws a MalformedError when there is nothing to describe.
 */
function inspect(token, opts) {
  const tok = text('token', token);
  const now = optionalUnix('now', options('options', opts, ['now']).now);
  let json;
  try {
    json = native.inspect(tok, now);
  } catch (e) {
    throw translate(e);
  }
  return JSON.parse(json);
}

// ---------------------------------------------------------------------------------------------
// Callbacks: IM webhooks and TRTC event callbacks (docs/callbacks.md)
// ---------------------------------------------------------------------------------------------

const [IM_CALLBACK_DEFAULT_WINDOW_SECS, IM_CALLBACK_MAX_WINDOW_SECS] = native.imCallbackWindowSecs();

/** A callback token or key: a string (its UTF-8 bytes) or bytes. */
function secret(name, value) {
  if (typeof value === 'string') return Buffer.from(text(name, value), 'utf8');
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return bytes(name, value);
  throw new TypeError(`${name} must be a string or a Buffer, not ${typeName(value)}`);
}

/** A header's value as a framework hands it: a string, or undefined/null when absent. */
function header(name, value) {
  return value === undefined || value === null ? undefined : text(name, value);
}

const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

/**
 * Checks IM callback requests ("third-party callbacks") for the callback token set in the
 * console: `Sign = hex(SHA-256(token + RequestTime))` in the query string, and `RequestTime`
 * within `windowSecs` (default 60, at most 3600) of the clock. Create one at start-up and share
 * it; the token stays inside the addon and is never printed.
 */
class IMCallbackVerifier {
  #native;

  constructor(token, opts) {
    const o = options('options', opts, ['windowSecs', 'sdkappid']);
    const t = secret('token', token);
    const window = o.windowSecs === undefined ? IM_CALLBACK_DEFAULT_WINDOW_SECS : uint('windowSecs', o.windowSecs);
    const app = o.sdkappid === undefined || o.sdkappid === null ? undefined : uint('sdkappid', o.sdkappid);
    try {
      this.#native = new native.NativeImCallbackVerifier(t, window, app);
    } catch (e) {
      throw translate(e);
    }
    /** The accepted distance of RequestTime from the clock, seconds (capped at 3600). */
    this.windowSecs = Math.min(window, IM_CALLBACK_MAX_WINDOW_SECS);
    /** The SDKAppID a request must name when it names one, or null for any. */
    this.sdkappid = app === undefined ? null : app;
    Object.freeze(this);
  }

  /**
   * Verifies a request from its query string (with or without `?`), its request target
   * (`req.url`: `/path?SdkAppid=...`) or its whole URL, at `now` (Unix seconds; default: the
   * system clock). Returns `{ requestTime, sdkappid, command, clientIp, platform }` (null where
   * absent: only `requestTime` is signed); throws a VerifyError subclass.
   */
  verify(queryOrUrl, opts) {
    const q = text('queryOrUrl', queryOrUrl);
    const now = optionalUnix('now', options('options', opts, ['now']).now);
    try {
      return this.#native.verify(q, now);
    } catch (e) {
      throw translate(e);
    }
  }

  [inspectCustom]() {
    return `IMCallbackVerifier { token: <redacted>, windowSecs: ${this.windowSecs}, sdkappid: ${this.sdkappid} }`;
  }
}

/**
 * Checks TRTC event callbacks for the callback key set in the console: the `Sign` header is
 * `base64(HMAC-SHA256(key, body))` over the body bytes exactly as received. Create one at
 * start-up and share it; the key stays inside the addon and is never printed.
 */
class TRTCCallbackVerifier {
  #native;

  constructor(callbackKey, opts) {
    const o = options('options', opts, ['sdkappid']);
    const k = secret('key', callbackKey);
    const app = o.sdkappid === undefined || o.sdkappid === null ? undefined : uint('sdkappid', o.sdkappid);
    try {
      this.#native = new native.NativeTrtcCallbackVerifier(k, app);
    } catch (e) {
      throw translate(e);
    }
    /** The SDKAppID the `SdkAppId` header must name when it is sent, or null for any. */
    this.sdkappid = app === undefined ? null : app;
    Object.freeze(this);
  }

  /**
   * Verifies the raw `body` (a Buffer as received; a string is taken as its UTF-8 bytes)
   * against the `Sign` header's value (undefined or null when absent) and, with
   * `sdkappidHeader`, the `SdkAppId` header's. Returns `{ eventGroupId, eventType, callbackTs,
   * eventInfo, sdkappid }` with `eventInfo` the raw JSON text of `EventInfo`; throws a
   * VerifyError subclass.
   */
  verify(sign, body, opts) {
    const s = header('sign', sign);
    const b = bytes('body', body);
    const app = header('sdkappidHeader', options('options', opts, ['sdkappidHeader']).sdkappidHeader);
    try {
      return this.#native.verify(s, app, b);
    } catch (e) {
      throw translate(e);
    }
  }

  [inspectCustom]() {
    return `TRTCCallbackVerifier { key: <redacted>, sdkappid: ${this.sdkappid} }`;
  }
}

function callNative(f) {
  try {
    return f();
  } catch (e) {
    throw translate(e);
  }
}

/** The `Sign` Tencent sends for `token` at `requestTime`: lowercase hex of SHA-256(token + time). */
function signIM(token, requestTime) {
  const t = secret('token', token);
  const time = unix('requestTime', requestTime);
  return callNative(() => native.imCallbackSign(t, time));
}

/**
 * A query string as Tencent sends it for `command` (`SdkAppid=..&CallbackCommand=..&contenttype=json
 * &ClientIP=127.0.0.1&OptPlatform=RESTAPI&Sign=..&RequestTime=..`), for testing a handler.
 */
function signedIMQuery(token, sdkappid, command, requestTime) {
  const t = secret('token', token);
  const app = uint('sdkappid', sdkappid);
  const cmd = text('command', command);
  const time = unix('requestTime', requestTime);
  return callNative(() => native.imCallbackSignedQuery(t, app, cmd, time));
}

/** The `Sign` header Tencent sends for `body` under `key`: base64 of HMAC-SHA256(key, body). */
function signTRTC(callbackKey, body) {
  const k = secret('key', callbackKey);
  const b = bytes('body', body);
  return callNative(() => native.trtcCallbackSign(k, b));
}

/** The IM answer that lets the action go ahead: `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`. */
function imReplyOk() {
  return native.imReplyOk();
}

/** The IM answer that refuses it, with your own error code (an integer) and text, JSON-escaped. */
function imReplyFail(code, info) {
  if (typeof code !== 'number') throw new TypeError(`code must be a number, not ${typeName(code)}`);
  if (!Number.isSafeInteger(code)) {
    throw new InvalidArgumentError(`code must be an integer from -(2^53 - 1) to 2^53 - 1, not ${String(code)}`);
  }
  const i = info === undefined ? '' : text('info', info);
  return callNative(() => native.imReplyFail(code, i));
}

module.exports = {
  Signer,
  Verifier,
  inspect,
  IMCallbackVerifier,
  TRTCCallbackVerifier,
  signIM,
  signedIMQuery,
  signTRTC,
  imReplyOk,
  imReplyFail,
  IM_CALLBACK_DEFAULT_WINDOW_SECS,
  IM_CALLBACK_MAX_WINDOW_SECS,
  Privileges,
  DEFAULT_EXPIRE_SECS,
  DEFAULT_MAX_FUTURE_SKEW_SECS,
  RESULT_CODES,
  UserSigError,
  VerifyError,
  MalformedError,
  UnsupportedVersionError,
  SdkAppIdMismatchError,
  IdentifierMismatchError,
  BadSignatureError,
  NotYetValidError,
  ExpiredError,
  UserbufMismatchError,
  MissingSignatureError,
  StaleError,
  EmptyKeyError,
  EmptyIdentifierError,
  IdentifierContainsNulError,
  TooLongError,
  ExpiryOutOfRangeError,
  SdkAppIdOutOfRangeError,
  ClockBeforeEpochError,
  InvalidUtf8Error,
  InvalidArgumentError,
  PanicError,
};

// For compat.js only (not part of the API): the pieces it shares with this file.
Object.defineProperty(module.exports, '_internal', {
  value: Object.freeze({ native, translate, uint, bytes, text, InvalidArgumentError }),
  enumerable: false,
});

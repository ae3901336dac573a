// Types of the npm package `usersig` (index.js). See README.md for the API's documentation.

/** Every row of the C ABI's result-code table (`usersig::ffi::RESULT_CODES`), frozen. */
export interface ResultCode {
  /** The C result code, e.g. 7. */
  readonly code: number;
  /** The C name, e.g. `'USERSIG_ERR_EXPIRED'`. */
  readonly name: string;
  /** The stable kind, e.g. `'expired'`. */
  readonly kind: string;
  /** The table's one-line English message. */
  readonly message: string;
}
export const RESULT_CODES: readonly ResultCode[];

/** The default lifetime of a token: 180 days, in seconds. */
export const DEFAULT_EXPIRE_SECS: number;
/** The default allowed clock skew of a verifier for tokens issued in the future: 300 s. */
export const DEFAULT_MAX_FUTURE_SKEW_SECS: number;

/** The privilege bits of a TRTC PrivateMapKey (FORMAT.md §6); combine them with `|`. */
export const Privileges: Readonly<{
  CREATE_ROOM: 1;
  ENTER_ROOM: 2;
  SEND_AUDIO: 4;
  RECV_AUDIO: 8;
  SEND_VIDEO: 16;
  RECV_VIDEO: 32;
  SEND_SUB_STREAM: 64;
  RECV_SUB_STREAM: 128;
  ALL: 255;
}>;

/** An integer from 0 to 2^53 - 1 (2^32 - 1 for rooms), as a number or a bigint. */
export type UInt = number | bigint;
/** Bytes: a Buffer, another Uint8Array, an ArrayBuffer, or a string (as UTF-8). */
export type Bytes = Uint8Array | ArrayBuffer | string;
/** The app's key: a string (used as its UTF-8 bytes) or bytes. */
export type Key = string | Uint8Array | ArrayBuffer;
/** A room: a number is a numeric room id, a string a string room id (`''`: numeric room 0). */
export type RoomId = number | bigint | string;
/** Privilege bits (0-255, see `Privileges`), or names as the CLI takes them: `'enter_room,recv_audio'`, `'all'`. */
export type PrivilegeBits = number | bigint | string;
/** How a Signer compresses the JSON; every official verifier accepts all three. */
export type Compression = 'stored' | 'fast' | 'standard';

export interface MintOptions {
  /** The issue time, Unix seconds (default: now); the same arguments then give the same token. */
  time?: UInt;
}

/** Mints tokens for one app. Create one per app and share it. */
export class Signer {
  constructor(sdkappid: UInt, key: Key, options?: { compression?: Compression });
  readonly sdkappid: number;
  readonly compression: Compression;
  /** A plain UserSig for `identifier`, valid for `expireSecs` (default 180 days). */
  userSig(identifier: string, expireSecs?: UInt, options?: MintOptions): string;
  /** A UserSig carrying `userbuf` as `TLS.userbuf` (an empty one is carried too). */
  userSigWithUserbuf(identifier: string, expireSecs: UInt | undefined, userbuf: Bytes, options?: MintOptions): string;
  /** A TRTC PrivateMapKey for `room` granting `privileges` (default `Privileges.ALL`). */
  privateMapKey(identifier: string, expireSecs: UInt | undefined, room: RoomId, privileges?: PrivilegeBits,
    options?: MintOptions): string;
}

/** What verify requires of the token's userbuf (FORMAT.md §5.8). */
export type Expect =
  | { noUserbuf: true }
  | { userbuf: Bytes }
  | { room: RoomId; privileges: PrivilegeBits };

export interface VerifyOptions {
  /** The time to verify at, Unix seconds (default: the system clock). */
  now?: UInt;
  /** A requirement on the userbuf: none by default. */
  expect?: Expect;
}

/** A TRTC PrivateMapKey read from a token's userbuf (FORMAT.md §6). */
export interface PrivateMapKey {
  account: string;
  sdkappid: number;
  /** The numeric room; 0 for a string room. */
  roomId: number;
  /** The string room, or null for a numeric room. */
  stringRoom: string | null;
  /** The absolute expiry, Unix seconds. */
  expiresAt: number;
  privileges: number;
}

/** What a valid token says. Numbers are exact up to 2^53 (285 million years of seconds). */
export interface Claims {
  identifier: string;
  sdkappid: number;
  /** `TLS.time`: the issue time, Unix seconds. */
  time: number;
  /** `TLS.expire`: the lifetime, seconds. */
  expire: number;
  /** `time + expire`: the last second the token is valid. */
  expiresAt: number;
  /** The decoded userbuf, or null without one. */
  userbuf: Buffer | null;
  /** The userbuf read as a PrivateMapKey, or null; checked only with `expect: { room, privileges }`. */
  privateMapKey: PrivateMapKey | null;
}

/** Verifies tokens for one app with fixed settings. Create one per app and share it. */
export class Verifier {
  constructor(sdkappid: UInt, key: Key, options?: { maxFutureSkewSecs?: UInt; leewaySecs?: UInt });
  readonly sdkappid: number;
  readonly maxFutureSkewSecs: number;
  readonly leewaySecs: number;
  /** Verifies `token` for `identifier`; throws the first failure as a VerifyError subclass. */
  verify(token: string, identifier: string, options?: VerifyOptions): Claims;
}

/**
 * Decodes a token without the key and describes it, in the shape of `usersig inspect --json`
 * (snake_case keys). Throws a MalformedError when there is no document to describe.
 */
export function inspect(token: string, options?: { now?: UInt }): Inspection;

export interface Inspection {
  version: string | null;
  legacy_v1: boolean;
  identifier: string | null;
  sdkappid: number | null;
  time: number | null;
  time_utc: string | null;
  expire: number | null;
  expires_at: number | null;
  expires_at_utc: string | null;
  userbuf_b64: string | null;
  /** The userbuf as the library decoded it, lowercase hex; null without one or when it does not decode. */
  userbuf_hex: string | null;
  private_map_key: {
    version: number;
    account: string;
    sdkappid: number;
    room_id: number;
    room_str: string | null;
    expires_at: number;
    expires_at_utc: string;
    privileges: number;
    privilege_names: string[];
    account_type: number;
  } | null;
  sig: string | null;
  json: string;
  encoding: { url_safe_alphabet: boolean; plain_alphabet: boolean; padding_stripped: boolean; whitespace: boolean };
  compression: string;
  json_style: {
    key_order: string[];
    spaces: boolean;
    escaped_slash: boolean;
    html_escapes: boolean;
    unicode_escapes: boolean;
    raw_non_ascii: boolean;
    trailing_newline: boolean;
  };
  producer: string;
  producer_reasons: string[];
  warnings: { code: string; message: string }[];
}

/** The default window of an IMCallbackVerifier: `|now - RequestTime| <= 60` seconds. */
export const IM_CALLBACK_DEFAULT_WINDOW_SECS: number;
/** The widest window an IMCallbackVerifier takes (3600 s); a wider `windowSecs` is capped. */
export const IM_CALLBACK_MAX_WINDOW_SECS: number;

/** A verified IM callback: only `requestTime` is signed; the rest are claims from the query (null where absent). */
export interface IMCallback {
  /** `RequestTime`, Unix seconds (signed). */
  requestTime: number;
  /** `SdkAppid`. */
  sdkappid: number | null;
  /** `CallbackCommand`, e.g. `'C2C.CallbackBeforeSendMsg'`. */
  command: string | null;
  /** `ClientIP`. */
  clientIp: string | null;
  /** `OptPlatform`: `'RESTAPI'`, `'Web'`, `'Android'`, `'iOS'`, ... */
  platform: string | null;
}

/** Checks IM callback requests for the console's callback token (1 to 128 bytes). Create one and share it. */
export class IMCallbackVerifier {
  constructor(token: Key, options?: { windowSecs?: UInt; sdkappid?: UInt | null });
  /** The accepted distance of `RequestTime` from the clock, seconds (at most 3600). */
  readonly windowSecs: number;
  /** The SDKAppID a request must name when it names one, or null for any. */
  readonly sdkappid: number | null;
  /**
   * Verifies a query string (with or without `?`), a request target (`req.url`) or a whole URL
   * at `now` (Unix seconds; default: the system clock). Throws a VerifyError subclass.
   */
  verify(queryOrUrl: string, options?: { now?: UInt }): IMCallback;
}

/** A verified TRTC event callback. */
export interface TRTCEvent {
  /** `EventGroupId`: 1 room events, 2 media events, ... */
  eventGroupId: number;
  /** `EventType`: 101 create room, 103 enter room, 201 start video, ... */
  eventType: number;
  /** `CallbackTs`: when Tencent sent it, Unix **milliseconds**. */
  callbackTs: number;
  /** `EventInfo`: the raw JSON text of the object as received (`JSON.parse` it). */
  eventInfo: string;
  /** The `SdkAppId` header, or null when it was not given. */
  sdkappid: number | null;
}

/** Checks TRTC event callbacks for the console's callback key (1 to 128 bytes). Create one and share it. */
export class TRTCCallbackVerifier {
  constructor(key: Key, options?: { sdkappid?: UInt | null });
  /** The SDKAppID the `SdkAppId` header must name when sent, or null for any. */
  readonly sdkappid: number | null;
  /**
   * Verifies the raw body (bytes exactly as received; a string as its UTF-8 bytes) against the
   * `Sign` header (undefined or null when absent) and the `SdkAppId` header when given.
   * Throws a VerifyError subclass.
   */
  verify(sign: string | undefined | null, body: Bytes, options?: { sdkappidHeader?: string | null }): TRTCEvent;
}

/** The `Sign` Tencent sends for `token` at `requestTime`: lowercase hex of SHA-256(token + time). */
export function signIM(token: Key, requestTime: UInt): string;
/** A query string as Tencent sends it for `command`, signed at `requestTime`: for testing a handler. */
export function signedIMQuery(token: Key, sdkappid: UInt, command: string, requestTime: UInt): string;
/** The `Sign` header Tencent sends for `body` under `key`: base64 of HMAC-SHA256(key, body). */
export function signTRTC(key: Key, body: Bytes): string;
/** `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`: let the action go ahead. */
export function imReplyOk(): string;
/** `{"ActionStatus":"FAIL","ErrorCode":code,"ErrorInfo":info}`: refuse it (`code` a safe integer). */
export function imReplyFail(code: number, info?: string): string;

/** Base of every error this package throws for a failed call (wrong argument types: TypeError). */
export class UserSigError extends Error {
  constructor(message?: string);
  /** The stable kind, e.g. `'expired'`: the same in the Rust API, the CLI and every binding. */
  readonly kind: string;
  /** The C result code of the kind (`USERSIG_ERR_*`). */
  readonly code: number;
  static readonly kind: string;
  static readonly code: number;
}
/**
 * A token (FORMAT.md §5) or a callback request was rejected: the base of the eight token
 * verification kinds and of MissingSignatureError and StaleError (callbacks only).
 */
export class VerifyError extends UserSigError {}
/** `'malformed'`: the token could not be decoded (size, encoding, zlib, JSON or a field), or a callback request could not be read. */
export class MalformedError extends VerifyError { readonly kind: 'malformed'; }
/** `'unsupported_version'`: not a v2 token. */
export class UnsupportedVersionError extends VerifyError { readonly kind: 'unsupported_version'; }
/** `'sdkappid_mismatch'`: the token, or the callback request, is for another SDKAppID. */
export class SdkAppIdMismatchError extends VerifyError { readonly kind: 'sdkappid_mismatch'; }
/** `'identifier_mismatch'`: the token is for another identifier. */
export class IdentifierMismatchError extends VerifyError { readonly kind: 'identifier_mismatch'; }
/** `'bad_signature'`: minted (or signed, for a callback) with another key, or altered. */
export class BadSignatureError extends VerifyError { readonly kind: 'bad_signature'; }
/** `'not_yet_valid'`: issued further in the future than the allowed skew. */
export class NotYetValidError extends VerifyError { readonly kind: 'not_yet_valid'; }
/** `'expired'`: the token has expired. */
export class ExpiredError extends VerifyError { readonly kind: 'expired'; }
/** `'userbuf_mismatch'`: the userbuf is not what `expect` requires. */
export class UserbufMismatchError extends VerifyError { readonly kind: 'userbuf_mismatch'; }
/** `'missing_signature'`: a callback without `Sign` (or, IM, `RequestTime`): authentication is off in the console, or it is not from Tencent. */
export class MissingSignatureError extends VerifyError { readonly kind: 'missing_signature'; }
/** `'stale'`: an IM callback's `RequestTime` is outside the window from the clock (a replay, or a clock that needs NTP). */
export class StaleError extends VerifyError { readonly kind: 'stale'; }
/** `'empty_key'`: the key (or a callback token or key) is empty. */
export class EmptyKeyError extends UserSigError { readonly kind: 'empty_key'; }
/** `'empty_identifier'`: the identifier is empty. */
export class EmptyIdentifierError extends UserSigError { readonly kind: 'empty_identifier'; }
/** `'identifier_contains_nul'`: the identifier contains a NUL character. */
export class IdentifierContainsNulError extends UserSigError { readonly kind: 'identifier_contains_nul'; }
/** `'too_long'`: an identifier, userbuf or room is longer than the format allows. */
export class TooLongError extends UserSigError { readonly kind: 'too_long'; }
/** `'expiry_out_of_range'`: time + expire does not fit (32 bits for a PrivateMapKey). */
export class ExpiryOutOfRangeError extends UserSigError { readonly kind: 'expiry_out_of_range'; }
/** `'sdkappid_out_of_range'`: a PrivateMapKey needs an SDKAppID that fits in 32 bits. */
export class SdkAppIdOutOfRangeError extends UserSigError { readonly kind: 'sdkappid_out_of_range'; }
/** `'clock_before_epoch'`: the clock, or the time given, is before 1970. */
export class ClockBeforeEpochError extends UserSigError { readonly kind: 'clock_before_epoch'; }
/** `'invalid_utf8'`: a string holds a lone surrogate, which has no UTF-8 form. */
export class InvalidUtf8Error extends UserSigError { readonly kind: 'invalid_utf8'; }
/** `'invalid_argument'`: a number is out of range, or an option has an unknown value. */
export class InvalidArgumentError extends UserSigError { readonly kind: 'invalid_argument'; }
/** `'panic'`: the library panicked (a bug; please report it). The call had no effect. */
export class PanicError extends UserSigError { readonly kind: 'panic'; }

// A drop-in replacement for the official npm SDK `tls-sig-api-v2` (1.0.2):
//
//   const { Api } = require('usersig/compat');   // was: require('tls-sig-api-v2')
//
// Same class, methods, arguments and coercions; the tokens are accepted by every official
// verifier. Every difference from the SDK, and why, is listed in README.md ("Moving off
// tls-sig-api-v2"): in short, it refuses arguments that made the SDK mint a token no server
// accepts, and counts non-ASCII identifiers and rooms in UTF-8 bytes instead of mangling them.
'use strict';

const usersig = require('./index.js');

const { native, translate, uint, InvalidArgumentError } = usersig._internal;
const { InvalidUtf8Error } = usersig;

/** A required argument, as the SDK's string concatenation reads it: `'' + value`. */
function str(name, value) {
  if (value === undefined || value === null) {
    throw new TypeError(`${name} is required (the SDK would have used the text "${value}")`);
  }
  const s = '' + value;
  if (!s.isWellFormed()) {
    throw new InvalidUtf8Error(`${name} contains a lone surrogate: it has no UTF-8 form`);
  }
  return s;
}

/** A required integer, as the SDK's `Number(value)` or bitwise operators read it. */
function num(name, value, max) {
  if (value === undefined || value === null) {
    throw new TypeError(`${name} is required (the SDK would have minted a token no server accepts)`);
  }
  if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'string') {
    throw new TypeError(`${name} must be a number or a numeric string, not ${typeof value}`);
  }
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n === 'number' && (Number.isNaN(n) || (typeof value === 'string' && value.trim() === ''))) {
    throw new InvalidArgumentError(`${name} must be an integer, not ${JSON.stringify(String(value))}`);
  }
  return uint(name, n, max);
}

/** The issue time as the SDK reads it: Date.now() in whole seconds. */
function now() {
  return Math.floor(Date.now() / 1000);
}

class Api {
  #signer;

  /**
   * `sdkappid`: a number (or a numeric string, as the SDK accepts); `key`: the app's key, a
   * string (used as UTF-8, as the SDK's crypto.createHmac does) or a Buffer.
   */
  constructor(sdkappid, key) {
    const app = num('sdkappid', sdkappid, Number.MAX_SAFE_INTEGER);
    let keyBytes;
    if (typeof key === 'string') keyBytes = Buffer.from(key, 'utf8');
    else if (key instanceof Uint8Array) keyBytes = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
    else throw new TypeError(`key must be a string or a Buffer, not ${key === null ? 'null' : typeof key}`);
    try {
      this.#signer = new native.NativeSigner(app, keyBytes, 0);
    } catch (e) {
      throw translate(e);
    }
    /** The SDKAppID, as given (the SDK keeps it as `this.sdkappid`; the key is not kept). */
    Object.defineProperty(this, 'sdkappid', { value: sdkappid, enumerable: true });
  }

  /**
   * A UserSig for `userid`, valid for `expire` seconds, carrying `userBuf` when it is not null
   * or undefined (a Buffer, or anything Buffer.from takes: a string as UTF-8, an array of bytes).
   */
  genSig(userid, expire, userBuf) {
    const id = str('userid', userid);
    const exp = num('expire', expire, Number.MAX_SAFE_INTEGER);
    try {
      if (userBuf === null || userBuf === undefined) return this.#signer.userSig(id, exp, now());
      const buf = Buffer.isBuffer(userBuf) ? userBuf : Buffer.from(userBuf);
      return this.#signer.userSigWithUserbuf(id, exp, buf, now());
    } catch (e) {
      throw translate(e);
    }
  }

  /** A UserSig for `userid`, valid for `expire` seconds. */
  genUserSig(userid, expire) {
    const id = str('userid', userid);
    const exp = num('expire', expire, Number.MAX_SAFE_INTEGER);
    try {
      return this.#signer.userSig(id, exp, now());
    } catch (e) {
      throw translate(e);
    }
  }

  /** A TRTC PrivateMapKey for numeric room `roomid` (0 to 2^32 - 1) granting `privilegeMap` (0-255). */
  genPrivateMapKey(userid, expire, roomid, privilegeMap) {
    const id = str('userid', userid);
    const exp = num('expire', expire, Number.MAX_SAFE_INTEGER);
    const room = num('roomid', roomid, 0xffffffff);
    const bits = num('privilegeMap', privilegeMap, 255);
    try {
      return this.#signer.privateMapKey(id, exp, room, undefined, bits, now());
    } catch (e) {
      throw translate(e);
    }
  }

  /**
   * A TRTC PrivateMapKey for string room `roomstr` granting `privilegeMap` (0-255). A null or
   * undefined room is numeric room 0, as in the SDK; so is `''` (FORMAT.md §6).
   */
  genPrivateMapKeyWithStringRoomID(userid, expire, roomstr, privilegeMap) {
    const id = str('userid', userid);
    const exp = num('expire', expire, Number.MAX_SAFE_INTEGER);
    const room = roomstr === null || roomstr === undefined ? '' : str('roomstr', roomstr);
    const bits = num('privilegeMap', privilegeMap, 255);
    try {
      return this.#signer.privateMapKey(id, exp, 0, room, bits, now());
    } catch (e) {
      throw translate(e);
    }
  }
}

module.exports = { Api };

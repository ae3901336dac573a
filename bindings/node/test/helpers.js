// Shared by the tests: the package under test, the demo app, the official npm SDK, the
// project's independent checker and a decoder of tokens' JSON.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const usersig = require('..');
const compat = require('../compat');

const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const SDKAPPID = 1400000000;
// FORMAT.md §2's example: issued 2019-10-01T06:10:00Z for 180 days.
const SPEC_TIME = 1569910200;
const SPEC_EXPIRE = 15552000;

const SDK_DIR = path.join(ROOT, 'tests', 'interop', 'node_modules', 'tls-sig-api-v2');

/** The official npm SDK (tls-sig-api-v2@1.0.2, pinned in tests/interop/package-lock.json). */
function officialSdk() {
  try {
    return require(SDK_DIR);
  } catch (e) {
    throw new Error(`cannot load ${SDK_DIR} (${e.message}); run: npm ci --prefix tests/interop`);
  }
}

/** Runs `f` with Date.now() pinned to `seconds` (the SDK and compat read the clock there). */
function atTime(seconds, f) {
  const real = Date.now;
  Date.now = () => seconds * 1000;
  try {
    return f();
  } finally {
    Date.now = real;
  }
}

/** The JSON document inside a token (FORMAT.md §4), decoded here without the package. */
function decode(token) {
  const b64 = token.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return JSON.parse(zlib.inflateSync(Buffer.from(b64, 'base64')).toString('utf8'));
}

/** tests/interop/spec_checker.py's report on `token` (FORMAT.md alone, in Python). */
function specCheck(token, { identifier, sdkappid = SDKAPPID, key = KEY } = {}) {
  const args = [path.join(ROOT, 'tests', 'interop', 'spec_checker.py'), '--sdkappid', String(sdkappid)];
  if (identifier !== undefined) args.push('--identifier', identifier);
  args.push('-');
  const out = spawnSync(process.env.PYTHON || 'python3', args, {
    input: token,
    encoding: 'utf8',
    env: { ...process.env, USERSIG_KEY: key },
  });
  if (out.error) throw out.error;
  if (!out.stdout) throw new Error(`spec_checker.py printed nothing: ${out.stderr}`);
  return { status: out.status, report: JSON.parse(out.stdout) };
}

/** The official vectors: tests/data/official.json. */
function vectors() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'tests', 'data', 'official.json'), 'utf8')).vectors;
}

/** The `#define USERSIG_*` numbers of include/usersig.h, by name. */
function headerCodes() {
  const text = fs.readFileSync(path.join(ROOT, 'include', 'usersig.h'), 'utf8');
  const codes = new Map();
  for (const m of text.matchAll(/^#define (USERSIG_(?:OK|ERR_[A-Z0-9_]+)) (-?\d+)$/gm)) {
    codes.set(m[1], Number(m[2]));
  }
  return codes;
}

module.exports = {
  ROOT, usersig, compat, KEY, SDKAPPID, SPEC_TIME, SPEC_EXPIRE,
  officialSdk, atTime, decode, specCheck, vectors, headerCodes,
};

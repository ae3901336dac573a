// Every error kind: its class, `.kind` and `.code` (the C result code, from the one table,
// cross-checked against include/usersig.h), and the argument errors.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('zlib');
const { usersig, KEY, SDKAPPID, headerCodes } = require('./helpers');

const { Signer, Verifier } = usersig;
const signer = new Signer(SDKAPPID, KEY);
const verifier = new Verifier(SDKAPPID, KEY);
const T = 1700000000;
const token = signer.userSig('alice', 60, { time: T });
const pmk = signer.privateMapKey('alice', 60, 10000, 255, { time: T });

/** A token whose document is `doc`, as the official SDKs write it (zlib level 6). */
function tokenOf(doc) {
  return zlib.deflateSync(Buffer.from(JSON.stringify(doc))).toString('base64')
    .replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

// Each kind, its class, and a call that fails with it.
const CASES = [
  ['malformed', 'MalformedError', () => verifier.verify('%%%', 'alice')],
  ['unsupported_version', 'UnsupportedVersionError', () => verifier.verify(tokenOf({
    'TLS.ver': '3.0', 'TLS.identifier': 'alice', 'TLS.sdkappid': SDKAPPID, 'TLS.expire': 60,
    'TLS.time': T, 'TLS.sig': 'AAAA',
  }), 'alice', { now: T })],
  ['sdkappid_mismatch', 'SdkAppIdMismatchError', () => new Verifier(1, KEY).verify(token, 'alice', { now: T })],
  ['identifier_mismatch', 'IdentifierMismatchError', () => verifier.verify(token, 'bob', { now: T })],
  ['bad_signature', 'BadSignatureError', () => new Verifier(SDKAPPID, 'other').verify(token, 'alice', { now: T })],
  ['not_yet_valid', 'NotYetValidError', () => verifier.verify(token, 'alice', { now: T - 301 })],
  ['expired', 'ExpiredError', () => verifier.verify(token, 'alice', { now: T + 61 })],
  ['userbuf_mismatch', 'UserbufMismatchError', () => verifier.verify(pmk, 'alice', { now: T, expect: { noUserbuf: true } })],
  ['missing_signature', 'MissingSignatureError', () => new usersig.IMCallbackVerifier('t').verify('RequestTime=1')],
  ['stale', 'StaleError', () => new usersig.IMCallbackVerifier('t').verify(usersig.signedIMQuery('t', 1, 'x', T), { now: T + 61 })],
  ['empty_key', 'EmptyKeyError', () => new Signer(SDKAPPID, '')],
  ['empty_key', 'EmptyKeyError', () => new Verifier(SDKAPPID, Buffer.alloc(0))],
  ['empty_identifier', 'EmptyIdentifierError', () => signer.userSig('', 60)],
  ['identifier_contains_nul', 'IdentifierContainsNulError', () => signer.userSig('a\0b', 60)],
  ['too_long', 'TooLongError', () => signer.userSig('a'.repeat(65536), 60)],
  ['too_long', 'TooLongError', () => signer.privateMapKey('a', 60, 'r'.repeat(65536), 255)],
  ['expiry_out_of_range', 'ExpiryOutOfRangeError', () => signer.privateMapKey('a', 2 ** 32, 1, 255, { time: T })],
  ['sdkappid_out_of_range', 'SdkAppIdOutOfRangeError', () => new Signer(2 ** 32, KEY).privateMapKey('a', 60, 1, 255)],
  ['clock_before_epoch', 'ClockBeforeEpochError', () => signer.userSig('a', 60, { time: -1 })],
  ['clock_before_epoch', 'ClockBeforeEpochError', () => verifier.verify(token, 'alice', { now: -5n })],
  ['invalid_utf8', 'InvalidUtf8Error', () => signer.userSig('a\ud800', 60)],
  ['invalid_utf8', 'InvalidUtf8Error', () => verifier.verify(token, '\udc00')],
  ['invalid_argument', 'InvalidArgumentError', () => signer.privateMapKey('a', 60, 1, 256)],
  ['invalid_argument', 'InvalidArgumentError', () => signer.privateMapKey('a', 60, 2 ** 32, 1)],
  ['invalid_argument', 'InvalidArgumentError', () => signer.privateMapKey('a', 60, 1, 'enter_rooms')],
  ['invalid_argument', 'InvalidArgumentError', () => signer.userSig('a', 1.5)],
  ['invalid_argument', 'InvalidArgumentError', () => signer.userSig('a', -1)],
  ['invalid_argument', 'InvalidArgumentError', () => signer.userSig('a', 2 ** 53)],
  ['invalid_argument', 'InvalidArgumentError', () => new Signer(-1, KEY)],
  ['invalid_argument', 'InvalidArgumentError', () => new Signer(1, KEY, { compression: 'best' })],
  ['invalid_argument', 'InvalidArgumentError', () => new Verifier(1, KEY, { leewaySecs: NaN })],
];

const VERIFY_KINDS = ['malformed', 'unsupported_version', 'sdkappid_mismatch', 'identifier_mismatch',
  'bad_signature', 'not_yet_valid', 'expired', 'userbuf_mismatch', 'missing_signature', 'stale'];

for (const [kind, className, call] of CASES) {
  test(`${kind}: ${className} with .kind and .code (${call.toString().slice(6, 70)})`, () => {
    const cls = usersig[className];
    const row = usersig.RESULT_CODES.find((r) => r.kind === kind);
    assert.throws(call, (e) => {
      assert.ok(e instanceof cls, `${e}`);
      assert.ok(e instanceof usersig.UserSigError && e instanceof Error);
      assert.equal(e instanceof usersig.VerifyError, VERIFY_KINDS.includes(kind));
      assert.equal(e.kind, kind);
      assert.equal(e.code, row.code);
      assert.equal(e.name, className);
      assert.ok(e.message.length > 0);
      assert.match(e.stack, new RegExp(`^${className}: `));
      return true;
    });
  });
}

test('every error class has its kind and the code of its row in the one table', () => {
  const header = headerCodes();
  const classes = Object.entries(usersig).filter(([, v]) => typeof v === 'function' &&
    v.prototype instanceof usersig.UserSigError && v !== usersig.VerifyError);
  assert.equal(classes.length, 20);
  for (const [name, cls] of classes) {
    const row = usersig.RESULT_CODES.find((r) => r.kind === cls.kind);
    assert.ok(row, `${name}: kind ${cls.kind} has no row`);
    assert.equal(cls.code, row.code);
    assert.equal(row.name, `USERSIG_ERR_${cls.kind.toUpperCase()}`);
    assert.equal(header.get(row.name), row.code, `include/usersig.h: ${row.name}`);
    assert.equal(name, cls.name);
    const e = new cls();
    assert.equal(e.message, row.message);
    assert.deepEqual([e.kind, e.code], [cls.kind, row.code]);
  }
  // Every verification and minting kind of the table has a class.
  const kinds = new Set(classes.map(([, cls]) => cls.kind));
  for (const row of usersig.RESULT_CODES.filter((r) => r.code >= 1 && r.code <= 39)) {
    assert.ok(kinds.has(row.kind), `no class for ${row.kind}`);
  }
  assert.equal(usersig.RESULT_CODES.length, header.size);
  assert.ok(Object.isFrozen(usersig.RESULT_CODES) && Object.isFrozen(usersig.RESULT_CODES[0]));
});

test('the error messages say what went wrong', () => {
  assert.throws(() => verifier.verify(token, 'bob', { now: T }), /identifier "alice", not "bob"/);
  assert.throws(() => signer.privateMapKey('a', 60, 1, 256), /privileges must be an integer from 0 to 255, not 256/);
  assert.throws(() => signer.privateMapKey('a', 60, 1, 'x'), /unknown privilege "x"/);
});

test('wrong argument types are TypeErrors', () => {
  const calls = [
    () => new Signer('1400000000', KEY),
    () => new Signer(SDKAPPID, 12345),
    () => new Signer(SDKAPPID, KEY, 'stored'),
    () => new Signer(SDKAPPID, KEY, { compresion: 'fast' }),
    () => signer.userSig(42, 60),
    () => signer.userSig('a', '60'),
    () => signer.userSig('a', 60, { time: '1' }),
    () => signer.userSig('a', 60, { now: 1 }),
    () => signer.userSigWithUserbuf('a', 60, 42),
    () => signer.userSigWithUserbuf('a', 60, undefined),
    () => signer.privateMapKey('a', 60, null, 255),
    () => signer.privateMapKey('a', 60, 1, null),
    () => verifier.verify(undefined, 'a'),
    () => verifier.verify(token, 'alice', { expect: 'no_userbuf' }),
    () => verifier.verify(token, 'alice', { expect: { noUserbuf: false } }),
    () => verifier.verify(token, 'alice', { expect: { room: 1 } }),
    () => verifier.verify(token, 'alice', { time: T }),
    () => new Verifier(SDKAPPID, KEY, { leeway: 5 }),
    () => usersig.inspect(null),
  ];
  for (const call of calls) assert.throws(call, TypeError, call.toString());
});

// Against the official npm SDK, tls-sig-api-v2@1.0.2 (tests/interop/node_modules, pinned by
// tests/interop/package-lock.json): its tokens verify here with exact claims, and
// require('usersig/compat') gives the same claims as it for the same calls.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { usersig, compat, KEY, SDKAPPID, officialSdk, atTime, decode } = require('./helpers');

const sdk = new (officialSdk().Api)(SDKAPPID, KEY);
const ours = new compat.Api(SDKAPPID, KEY);
const verifier = new usersig.Verifier(SDKAPPID, KEY);
const T = 1700000000;

// [name, method, arguments, the claims' userbuf and PrivateMapKey]
const CALLS = [
  ['genUserSig', 'genUserSig', ['xiaojun', 86400], null, null],
  ['genUserSig, 180 days', 'genUserSig', ['user_1-x', 86400 * 180], null, null],
  ['genSig with a Buffer', 'genSig', ['xiaojun', 300, Buffer.from([0, 1, 2, 255])], Buffer.from([0, 1, 2, 255]), null],
  ['genSig with a string', 'genSig', ['xiaojun', 300, 'abc'], Buffer.from('abc'), null],
  ['genSig with an empty Buffer', 'genSig', ['xiaojun', 300, Buffer.alloc(0)], Buffer.alloc(0), null],
  ['genSig with null', 'genSig', ['xiaojun', 300, null], null, null],
  ['genPrivateMapKey', 'genPrivateMapKey', ['xiaojun', 86400, 10000, 255], undefined,
    { roomId: 10000, stringRoom: null, privileges: 255 }],
  ['genPrivateMapKey, u32 room, 42', 'genPrivateMapKey', ['xiaojun', 300, 4294967295, 42], undefined,
    { roomId: 4294967295, stringRoom: null, privileges: 42 }],
  ['genPrivateMapKeyWithStringRoomID', 'genPrivateMapKeyWithStringRoomID', ['xiaojun', 86400, '1000000040', 255],
    undefined, { roomId: 0, stringRoom: '1000000040', privileges: 255 }],
  ['genPrivateMapKeyWithStringRoomID, null room', 'genPrivateMapKeyWithStringRoomID', ['xiaojun', 60, null, 2],
    undefined, { roomId: 0, stringRoom: null, privileges: 2 }],
  // The SDK's coercions: a numeric userid, a numeric string expire or room.
  ['genUserSig, numeric userid', 'genUserSig', [12345, 600], null, null],
  ['genUserSig, string expire', 'genUserSig', ['xiaojun', '600'], null, null],
  ['genPrivateMapKey, string room', 'genPrivateMapKey', ['xiaojun', 600, '10000', 255], undefined,
    { roomId: 10000, stringRoom: null, privileges: 255 }],
];

function expectedClaims([, , args, userbuf, room]) {
  const expire = Number(args[1]);
  const identifier = String(args[0]);
  const privateMapKey = room && { account: identifier, sdkappid: SDKAPPID, expiresAt: T + expire, ...room };
  return { identifier, sdkappid: SDKAPPID, time: T, expire, expiresAt: T + expire, userbuf, privateMapKey };
}

function check(claims, want) {
  if (want.userbuf === undefined) {
    assert.ok(Buffer.isBuffer(claims.userbuf));
    want = { ...want, userbuf: claims.userbuf };
  }
  assert.deepEqual(claims, want);
}

for (const call of CALLS) {
  const [name, method, args] = call;
  test(`npm SDK ${name}: verifies here with exact claims, as compat's token does`, () => {
    const theirs = atTime(T, () => sdk[method](...args));
    const mine = atTime(T, () => ours[method](...args));
    const want = expectedClaims(call);
    check(verifier.verify(theirs, want.identifier, { now: T }), want);
    check(verifier.verify(mine, want.identifier, { now: T }), want);
    // Same claims, same signature; only the compression differs (stored here, level 6 there).
    assert.deepEqual(decode(mine), decode(theirs));
    assert.equal(decode(mine)['TLS.sig'], decode(theirs)['TLS.sig']);
    assert.notEqual(mine, theirs);
    assert.match(usersig.inspect(theirs).producer, /Node|node|PHP|Python|Java|level 6/);
  });
}

test('compat mints with stored zlib, the default compression (FORMAT.md §4.1)', () => {
  const token = atTime(T, () => ours.genUserSig('xiaojun', 86400));
  assert.equal(token, new usersig.Signer(SDKAPPID, KEY).userSig('xiaojun', 86400, { time: T }));
  assert.ok(token.startsWith('eAEB'), token);
});

test('compat reads the clock as the SDK does: Date.now()', () => {
  const token = atTime(T + 0.999, () => ours.genUserSig('a', 60));
  assert.equal(verifier.verify(token, 'a', { now: T }).time, T);
  assert.equal(verifier.verify(ours.genUserSig('a', 60), 'a').expire, 60);
});

test('a non-ASCII identifier or room: the SDK mangles the PrivateMapKey, compat does not', () => {
  const id = '小军';
  const theirs = atTime(T, () => sdk.genPrivateMapKeyWithStringRoomID(id, 300, '房间', 255));
  const mine = atTime(T, () => ours.genPrivateMapKeyWithStringRoomID(id, 300, '房间', 255));
  // The SDK writes charCodeAt(i) & 0xFF and counts UTF-16 units: the key names someone else.
  const bad = verifier.verify(theirs, id, { now: T });
  // version 1, length 2 (UTF-16 units), then 0x0F 0x9B: the low bytes of U+5C0F U+519B.
  assert.deepEqual([...bad.userbuf.subarray(0, 5)], [1, 0, 2, 0x0f, 0x9b]);
  assert.equal(bad.privateMapKey, null); // not UTF-8: not a PrivateMapKey at all
  assert.throws(() => verifier.verify(theirs, id, { now: T, expect: { room: '房间', privileges: 255 } }),
    usersig.UserbufMismatchError);
  const good = verifier.verify(mine, id, { now: T, expect: { room: '房间', privileges: 255 } }).privateMapKey;
  assert.deepEqual([good.account, good.stringRoom], [id, '房间']);
  // A plain UserSig with a non-ASCII identifier was never affected: same claims.
  const plain = atTime(T, () => [sdk.genUserSig(id, 60), ours.genUserSig(id, 60)]);
  assert.deepEqual(decode(plain[0]), decode(plain[1]));
});

test('compat takes what the SDK takes: sdkappid as a string, the key as a Buffer', () => {
  const a = new compat.Api(String(SDKAPPID), Buffer.from(KEY));
  assert.equal(a.sdkappid, String(SDKAPPID));
  assert.equal(atTime(T, () => a.genUserSig('x', 60)), atTime(T, () => ours.genUserSig('x', 60)));
  assert.equal(Object.keys(a).join(), 'sdkappid');
});

test('compat refuses what made the SDK mint a token no server accepts', () => {
  // The SDK's token for each of these does not verify anywhere; compat throws instead.
  const expired = atTime(T, () => sdk.genUserSig('xiaojun'));
  assert.throws(() => verifier.verify(expired, 'xiaojun', { now: T }), usersig.MalformedError);
  assert.throws(() => ours.genUserSig('xiaojun'), TypeError);
  assert.throws(() => ours.genUserSig(undefined, 60), TypeError);
  assert.throws(() => ours.genUserSig('xiaojun', 'soon'), usersig.InvalidArgumentError);
  assert.throws(() => ours.genUserSig('xiaojun', -1), usersig.InvalidArgumentError);
  assert.throws(() => ours.genUserSig('xiaojun', ''), usersig.InvalidArgumentError);
  assert.throws(() => ours.genUserSig('xiaojun', true), TypeError);
  assert.throws(() => ours.genUserSig('', 60), usersig.EmptyIdentifierError);
  assert.throws(() => ours.genPrivateMapKey('x', 60, 10000), TypeError);
  assert.throws(() => ours.genPrivateMapKey('x', 60, 10000, 256), usersig.InvalidArgumentError);
  assert.throws(() => ours.genPrivateMapKey('x', 60, -1, 255), usersig.InvalidArgumentError);
  assert.throws(() => ours.genPrivateMapKey('x', 60, 2 ** 32, 255), usersig.InvalidArgumentError);
  assert.throws(() => new compat.Api(SDKAPPID, ''), usersig.EmptyKeyError);
  assert.throws(() => new compat.Api(SDKAPPID), TypeError);
  assert.throws(() => new compat.Api('app', KEY), usersig.InvalidArgumentError);
  assert.throws(() => ours.genSig('x', 60, 42), TypeError); // as the SDK: Buffer.from(42)
  assert.throws(() => sdk.genSig('x', 60, 42), TypeError);
});

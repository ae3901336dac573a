// Round trips of every token kind through Signer and Verifier, the options, and inspect.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { usersig, KEY, SDKAPPID, SPEC_TIME, SPEC_EXPIRE, decode } = require('./helpers');

const { Signer, Verifier, Privileges } = usersig;
const signer = new Signer(SDKAPPID, KEY);
const verifier = new Verifier(SDKAPPID, KEY);
const T = 1700000000;

test('the module exports the API', () => {
  for (const name of ['Signer', 'Verifier', 'inspect', 'UserSigError', 'VerifyError', 'ExpiredError']) {
    assert.equal(typeof usersig[name], 'function', name);
  }
  assert.equal(usersig.DEFAULT_EXPIRE_SECS, 180 * 86400);
  assert.equal(usersig.DEFAULT_MAX_FUTURE_SKEW_SECS, 300);
  assert.deepEqual(Privileges, {
    CREATE_ROOM: 1, ENTER_ROOM: 2, SEND_AUDIO: 4, RECV_AUDIO: 8, SEND_VIDEO: 16, RECV_VIDEO: 32,
    SEND_SUB_STREAM: 64, RECV_SUB_STREAM: 128, ALL: 255,
  });
  assert.ok(Object.isFrozen(Privileges));
});

test('a plain UserSig round-trips with exact claims', () => {
  const token = signer.userSig('alice', 3600, { time: T });
  assert.match(token, /^[A-Za-z0-9*_-]+$/);
  assert.deepEqual(verifier.verify(token, 'alice', { now: T }), {
    identifier: 'alice', sdkappid: SDKAPPID, time: T, expire: 3600, expiresAt: T + 3600,
    userbuf: null, privateMapKey: null,
  });
});

test('the default lifetime is 180 days, and FORMAT.md §2 gives its signature', () => {
  const token = signer.userSig('xiaojun', undefined, { time: SPEC_TIME });
  assert.equal(decode(token)['TLS.expire'], SPEC_EXPIRE);
  assert.equal(decode(token)['TLS.sig'], 'gOoeW13s19Fgyn8RwlEt/rLkw3wzLq9M+SqBbXTIfnQ=');
  assert.equal(verifier.verify(signer.userSig('xiaojun'), 'xiaojun').expire, SPEC_EXPIRE);
});

test('a token issued now verifies against the system clock', () => {
  const before = Math.floor(Date.now() / 1000);
  const claims = verifier.verify(signer.userSig('alice', 60), 'alice');
  assert.ok(claims.time >= before && claims.time <= before + 2, `${claims.time} vs ${before}`);
});

test('pinned times give identical tokens; numbers may also be bigints', () => {
  assert.equal(signer.userSig('a', 60, { time: T }), signer.userSig('a', 60n, { time: BigInt(T) }));
  const big = new Signer(BigInt(SDKAPPID), KEY);
  assert.equal(big.userSig('a', 60, { time: T }), signer.userSig('a', 60, { time: T }));
  assert.equal(big.sdkappid, SDKAPPID);
});

test('a userbuf round-trips as bytes: all 256 values, empty, and a string as UTF-8', () => {
  const all = Buffer.from([...Array(256).keys()]);
  for (const [given, want] of [
    [all, all],
    [new Uint8Array(all), all],
    [Buffer.alloc(0), Buffer.alloc(0)],
    ['héllo', Buffer.from('héllo', 'utf8')],
  ]) {
    const token = signer.userSigWithUserbuf('bob', 600, given, { time: T });
    const claims = verifier.verify(token, 'bob', { now: T, expect: { userbuf: want } });
    assert.ok(Buffer.isBuffer(claims.userbuf));
    assert.deepEqual(claims.userbuf, want);
    assert.equal(claims.privateMapKey, null);
  }
});

test('a PrivateMapKey for a numeric room round-trips', () => {
  const bits = Privileges.ENTER_ROOM | Privileges.RECV_AUDIO;
  const token = signer.privateMapKey('alice', 300, 4294967295, bits, { time: T });
  const claims = verifier.verify(token, 'alice', {
    now: T, expect: { room: 4294967295, privileges: Privileges.ENTER_ROOM },
  });
  assert.deepEqual(claims.privateMapKey, {
    account: 'alice', sdkappid: SDKAPPID, roomId: 4294967295, stringRoom: null,
    expiresAt: T + 300, privileges: 10,
  });
  assert.equal(claims.userbuf.length, 1 + 2 + 5 + 20);
});

test('a PrivateMapKey for a string room round-trips, non-ASCII counted in UTF-8 bytes', () => {
  const token = signer.privateMapKey('小军', 300, '房间-🎉', 'enter_room, recv_audio', { time: T });
  const claims = verifier.verify(token, '小军', { now: T, expect: { room: '房间-🎉', privileges: 2 } });
  assert.deepEqual(claims.privateMapKey, {
    account: '小军', sdkappid: SDKAPPID, roomId: 0, stringRoom: '房间-🎉',
    expiresAt: T + 300, privileges: 10,
  });
  // version 1, the account's 6 bytes, 20 bytes of numbers, the room's 11 bytes.
  assert.equal(claims.userbuf.length, 1 + 2 + 6 + 20 + 2 + 11);
});

test('privileges default to ALL; the empty string room is numeric room 0 (FORMAT.md §6)', () => {
  const token = signer.privateMapKey('alice', 300, '', undefined, { time: T });
  const pmk = verifier.verify(token, 'alice', { now: T, expect: { room: 0, privileges: 255 } }).privateMapKey;
  assert.equal(pmk.roomId, 0);
  assert.equal(pmk.stringRoom, null);
  assert.equal(pmk.privileges, Privileges.ALL);
  assert.equal(signer.privateMapKey('alice', 300, 7, 'all', { time: T }),
    signer.privateMapKey('alice', 300, 7, 255, { time: T }));
});

test('every compression verifies; stored is the default and the longest', () => {
  const lengths = {};
  for (const compression of ['stored', 'fast', 'standard']) {
    const s = new Signer(SDKAPPID, KEY, { compression });
    assert.equal(s.compression, compression);
    const token = s.privateMapKey('xiaojun', 86400, 10000, 255, { time: T });
    assert.equal(verifier.verify(token, 'xiaojun', { now: T }).privateMapKey.roomId, 10000);
    lengths[compression] = token.length;
  }
  assert.equal(signer.compression, 'stored');
  assert.ok(lengths.stored > lengths.fast && lengths.fast >= lengths.standard, JSON.stringify(lengths));
});

test('a key given as a Buffer is the same key as its UTF-8 string', () => {
  const s = new Signer(SDKAPPID, Buffer.from(KEY));
  assert.equal(s.userSig('a', 60, { time: T }), signer.userSig('a', 60, { time: T }));
  const raw = Buffer.from([0, 1, 2, 255]);
  const token = new Signer(1, raw).userSig('a', 60, { time: T });
  assert.equal(new Verifier(1, new Uint8Array(raw)).verify(token, 'a', { now: T }).identifier, 'a');
});

test('the verifier settings: future skew and leeway', () => {
  const token = signer.userSig('a', 10, { time: T });
  const strict = new Verifier(SDKAPPID, KEY, { maxFutureSkewSecs: 0 });
  assert.throws(() => strict.verify(token, 'a', { now: T - 1 }), usersig.NotYetValidError);
  assert.equal(verifier.verify(token, 'a', { now: T - 300 }).time, T);
  const lenient = new Verifier(SDKAPPID, KEY, { leewaySecs: 5 });
  assert.equal(lenient.verify(token, 'a', { now: T + 15 }).expiresAt, T + 10);
  assert.throws(() => lenient.verify(token, 'a', { now: T + 16 }), usersig.ExpiredError);
  assert.deepEqual([lenient.sdkappid, lenient.maxFutureSkewSecs, lenient.leewaySecs], [SDKAPPID, 300, 5]);
});

test('expectations: no userbuf, exact userbuf, room and privileges', () => {
  const plain = signer.userSig('a', 60, { time: T });
  const pmk = signer.privateMapKey('a', 60, 'lobby', Privileges.ENTER_ROOM, { time: T });
  assert.equal(verifier.verify(plain, 'a', { now: T, expect: { noUserbuf: true } }).userbuf, null);
  assert.throws(() => verifier.verify(pmk, 'a', { now: T, expect: { noUserbuf: true } }),
    usersig.UserbufMismatchError);
  assert.throws(() => verifier.verify(pmk, 'a', { now: T, expect: { room: 'lobby2', privileges: 2 } }),
    usersig.UserbufMismatchError);
  assert.throws(() => verifier.verify(pmk, 'a', { now: T, expect: { room: 'lobby', privileges: 4 } }),
    usersig.UserbufMismatchError);
  assert.throws(() => verifier.verify(plain, 'a', { now: T, expect: { userbuf: Buffer.alloc(0) } }),
    usersig.UserbufMismatchError);
});

test('inspect describes a token without the key, in the CLI JSON shape', () => {
  const token = signer.privateMapKey('alice', 86400 * 30, 1234, 255, { time: T });
  const info = usersig.inspect(token, { now: T });
  assert.equal(info.identifier, 'alice');
  assert.equal(info.sdkappid, SDKAPPID);
  assert.equal(info.expires_at, T + 86400 * 30);
  assert.equal(info.private_map_key.room_id, 1234);
  assert.match(info.producer, /usersig/);
  assert.deepEqual(info.warnings, []);
  assert.equal(usersig.inspect(token).time, T);
  assert.throws(() => usersig.inspect('%%%'), usersig.MalformedError);
});

test('signers and verifiers are frozen and keep no key in JS', () => {
  assert.ok(Object.isFrozen(signer) && Object.isFrozen(verifier));
  assert.deepEqual(Object.keys(signer).sort(), ['compression', 'sdkappid']);
  assert.doesNotMatch(JSON.stringify(signer) + JSON.stringify(verifier), new RegExp(KEY));
});

test('verifier settings over their ceiling of a year are invalid arguments', () => {
  const year = 365 * 86400;
  assert.equal(new Verifier(SDKAPPID, KEY, { leewaySecs: year }).leewaySecs, year);
  for (const opts of [{ leewaySecs: year + 1 }, { maxFutureSkewSecs: year + 1 }]) {
    assert.throws(() => new Verifier(SDKAPPID, KEY, opts), usersig.InvalidArgumentError);
  }
});

// Our tokens under the project's independent checker, tests/interop/spec_checker.py (written
// from docs/FORMAT.md alone, in Python, sharing no code with the library): each decodes, is in
// the emitted form, its signature matches, and its document and PrivateMapKey are the ones asked for.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { usersig, compat, KEY, SDKAPPID, SPEC_TIME, SPEC_EXPIRE, specCheck, atTime } = require('./helpers');

const T = 1700000000;
const COMPRESSIONS = {
  // name: [RFC 1950 FLEVEL, every deflate block stored?]
  stored: [0, true],
  fast: [0, false],
  standard: [2, false],
};

// [name, mint(signer), identifier, time, expire, userbuf or null, private map key or null]
const CASES = [
  ['plain, FORMAT.md §2', (s) => s.userSig('xiaojun', SPEC_EXPIRE, { time: SPEC_TIME }), 'xiaojun', SPEC_TIME, SPEC_EXPIRE, null],
  ['plain, non-ASCII', (s) => s.userSig('小军/é😀', 0, { time: T }), '小军/é😀', T, 0, null],
  ['userbuf, all bytes', (s) => s.userSigWithUserbuf('x', 300, Buffer.from([...Array(256).keys()]), { time: T }),
    'x', T, 300, Buffer.from([...Array(256).keys()])],
  ['userbuf, empty', (s) => s.userSigWithUserbuf('x', 300, Buffer.alloc(0), { time: T }), 'x', T, 300, Buffer.alloc(0)],
  ['PrivateMapKey, numeric room', (s) => s.privateMapKey('xiaojun', SPEC_EXPIRE, 10000, 255, { time: SPEC_TIME }),
    'xiaojun', SPEC_TIME, SPEC_EXPIRE, undefined, { room_id: 10000, room_str: null, privileges: 255 }],
  ['PrivateMapKey, non-ASCII string room', (s) => s.privateMapKey('小军', 300, '房间-🎉', 42, { time: T }),
    '小军', T, 300, undefined, { room_id: 0, room_str: '房间-🎉', privileges: 42 }],
];

for (const [compression, [flevel, allStored]] of Object.entries(COMPRESSIONS)) {
  const signer = new usersig.Signer(SDKAPPID, KEY, { compression });
  for (const [name, mint, identifier, time, expire, userbuf, pmk] of CASES) {
    test(`spec_checker.py accepts ${name} (${compression})`, () => {
      const token = mint(signer);
      const { status, report } = specCheck(token, { identifier });
      assert.equal(status, 0, JSON.stringify(report));
      assert.equal(report.ok, true);
      assert.equal(report.signature_ok, true);
      assert.equal(report.emitted_form, true);
      assert.deepEqual([report.zlib.flevel, report.zlib.all_stored], [flevel, allStored]);
      const doc = report.document;
      assert.deepEqual([doc['TLS.ver'], doc['TLS.identifier'], doc['TLS.sdkappid'], doc['TLS.time'], doc['TLS.expire']],
        ['2.0', identifier, SDKAPPID, time, expire]);
      assert.equal(report.expires_at, time + expire);
      if (userbuf) assert.equal(doc['TLS.userbuf'], userbuf.toString('base64'));
      if (userbuf === undefined) {
        assert.deepEqual(report.private_map_key, {
          version: pmk.room_str ? 1 : 0, account: identifier, sdkappid: SDKAPPID,
          expires_at: time + expire, account_type: 0, ...pmk,
        });
      } else {
        assert.equal(report.private_map_key, null);
      }
    });
  }
}

test('spec_checker.py accepts compat tokens and rejects one under another key', () => {
  const api = new compat.Api(SDKAPPID, KEY);
  for (const token of atTime(T, () => [
    api.genUserSig('xiaojun', 86400),
    api.genPrivateMapKey('xiaojun', 86400, 10000, 255),
    api.genPrivateMapKeyWithStringRoomID('小军', 86400, '1000000040', 255),
  ])) {
    const { status, report } = specCheck(token);
    assert.equal(status, 0, JSON.stringify(report));
    assert.equal(report.signature_ok, true);
    assert.equal(report.document['TLS.time'], T);
  }
  const token = new usersig.Signer(SDKAPPID, 'another key').userSig('xiaojun', 60);
  const { status, report } = specCheck(token, { identifier: 'xiaojun' });
  assert.equal(status, 1);
  assert.equal(report.error, 'bad_signature');
});

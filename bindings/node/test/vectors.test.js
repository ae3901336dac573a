// The official vectors (tests/data/official.json): tokens the official SDKs minted with the
// clock pinned. A valid one verifies at its issue time with exact claims and its userbuf or
// room expectation, and is expired one second after its last; the others fail with their kind.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { usersig, vectors, decode } = require('./helpers');

const CLASSES = {
  malformed: usersig.MalformedError,
  bad_signature: usersig.BadSignatureError,
};

function expectation(v) {
  if ('room_id' in v) return { room: v.room_id, privileges: v.privileges };
  if ('room_str' in v) return { room: v.room_str, privileges: v.privileges };
  if ('userbuf_b64' in v) return { userbuf: Buffer.from(v.userbuf_b64, 'base64') };
  return { noUserbuf: true };
}

for (const v of vectors()) {
  test(`vector ${v.name}: ${v.expect}`, () => {
    const verifier = new usersig.Verifier(v.sdkappid, v.key);
    const expect = expectation(v);
    if (v.expect !== 'valid') {
      assert.throws(() => verifier.verify(v.token, v.identifier, { now: v.time, expect }), (e) => {
        assert.ok(e instanceof CLASSES[v.expect], `${e}`);
        assert.equal(e.kind, v.expect);
        return true;
      });
      return;
    }
    const claims = verifier.verify(v.token, v.identifier, { now: v.time, expect });
    const userbuf = 'userbuf_b64' in v ? Buffer.from(v.userbuf_b64, 'base64') : null;
    const pmk = 'room_id' in v || 'room_str' in v ? {
      account: v.identifier, sdkappid: v.sdkappid, roomId: v.room_id ?? 0,
      stringRoom: v.room_str ?? null, expiresAt: v.time + v.expire, privileges: v.privileges,
    } : null;
    assert.deepEqual(claims, {
      identifier: v.identifier, sdkappid: v.sdkappid, time: v.time, expire: v.expire,
      expiresAt: v.time + v.expire, userbuf, privateMapKey: pmk,
    });
    verifier.verify(v.token, v.identifier, { now: v.time + v.expire, expect });
    assert.throws(() => verifier.verify(v.token, v.identifier, { now: v.time + v.expire + 1 }),
      usersig.ExpiredError);

    // Minting the vector's inputs gives its signature.
    if (!v.sig) return;
    const signer = new usersig.Signer(v.sdkappid, v.key);
    const at = { time: v.time };
    let token;
    if ('room_id' in v) token = signer.privateMapKey(v.identifier, v.expire, v.room_id, v.privileges, at);
    else if ('room_str' in v) token = signer.privateMapKey(v.identifier, v.expire, v.room_str, v.privileges, at);
    else if (userbuf) token = signer.userSigWithUserbuf(v.identifier, v.expire, userbuf, at);
    else token = signer.userSig(v.identifier, v.expire, at);
    assert.equal(decode(token)['TLS.sig'], v.sig);
  });
}

// Callback verification: IM webhooks (Sign = hex(SHA-256(token + RequestTime))) and TRTC event
// callbacks (Sign = base64(HMAC-SHA256(key, body))), with the signatures cross-checked against
// Node's own crypto, Tencent's documented example, every refusal's class, .kind and .code, and
// an HTTP server on 127.0.0.1 receiving signed and tampered callbacks.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const http = require('http');
const util = require('util');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { usersig, ROOT } = require('./helpers');

const {
  IMCallbackVerifier, TRTCCallbackVerifier, signIM, signedIMQuery, signTRTC, imReplyOk, imReplyFail,
} = usersig;

const T = 1669872112;
const TOKEN = 'xxxxyyyy';
const KEY = 'callback-key-0123456789abcdef';
const APP = 1400000000;
// The body of Tencent's TRTC signature example: tabs, newlines and all.
const BODY = Buffer.from('{\n\t"EventGroupId":\t1,\n\t"EventType":\t103,\n\t"CallbackTs":\t1615554923704,\n' +
  '\t"EventInfo":\t{\n\t\t"RoomId":\t12345,\n\t\t"EventTs":\t1608441737,\n\t\t"UserId":\t"test",\n' +
  '\t\t"UniqueId":\t1615554922656,\n\t\t"Role":\t20,\n\t\t"Reason":\t1\n\t}\n}');

const sha256Hex = (token, time) => crypto.createHash('sha256').update(token).update(String(time)).digest('hex');
const hmacB64 = (key, body) => crypto.createHmac('sha256', key).update(body).digest('base64');

/** Asserts that `call` throws the class of `kind` with its .kind and the table's .code. */
function refuses(call, kind, message) {
  const row = usersig.RESULT_CODES.find((r) => r.kind === kind);
  assert.ok(row, kind);
  assert.throws(call, (e) => {
    assert.ok(e instanceof usersig.VerifyError, `${e}`);
    assert.equal(e.kind, kind, `${message || ''}: ${e.message}`);
    assert.equal(e.code, row.code);
    return true;
  }, message);
}

// ---------------------------------------------------------------------------------------------
// IM
// ---------------------------------------------------------------------------------------------

test("IM: Tencent's documented example verifies", () => {
  const sign = '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061';
  assert.equal(signIM(TOKEN, T), sign);
  assert.equal(sha256Hex(TOKEN, T), sign);
  const v = new IMCallbackVerifier(TOKEN);
  assert.deepEqual(v.verify(`Sign=${sign}&RequestTime=${T}`, { now: T }), {
    requestTime: T, sdkappid: null, command: null, clientIp: null, platform: null,
  });
});

test('IM: signIM is SHA-256 of the token and the decimal time, as node:crypto computes it', () => {
  const tokens = [TOKEN, 'a', 'x'.repeat(128), 'tökén ✓', Buffer.from([0, 1, 2, 255])];
  const times = [0, 1, T, 2 ** 32, Number.MAX_SAFE_INTEGER];
  for (const token of tokens) {
    for (const time of times) {
      assert.equal(signIM(token, time), sha256Hex(token, time), `${token} ${time}`);
    }
  }
  assert.equal(signIM(TOKEN, BigInt(T)), sha256Hex(TOKEN, T));
  // A verifier built from crypto's signature accepts it, and from the token as bytes too.
  const v = new IMCallbackVerifier(Buffer.from('tökén ✓'));
  assert.equal(v.verify(`Sign=${sha256Hex('tökén ✓', T)}&RequestTime=${T}`, { now: T }).requestTime, T);
});

test('IM: signedIMQuery is what Tencent sends, and its fields are handed back', () => {
  const q = signedIMQuery(TOKEN, APP, 'C2C.CallbackBeforeSendMsg', T);
  assert.equal(q, `SdkAppid=${APP}&CallbackCommand=C2C.CallbackBeforeSendMsg&contenttype=json` +
    `&ClientIP=127.0.0.1&OptPlatform=RESTAPI&Sign=${sha256Hex(TOKEN, T)}&RequestTime=${T}`);
  const v = new IMCallbackVerifier(TOKEN, { sdkappid: APP });
  const want = {
    requestTime: T, sdkappid: APP, command: 'C2C.CallbackBeforeSendMsg', clientIp: '127.0.0.1', platform: 'RESTAPI',
  };
  for (const input of [q, `?${q}`, `/im/callback?${q}`, `https://example.com/im?${q}#frag`]) {
    assert.deepEqual(v.verify(input, { now: T }), want, input);
  }
});

test('IM: the window is inclusive: ±60 s verify, ±61 s are stale', () => {
  const v = new IMCallbackVerifier(TOKEN);
  assert.equal(v.windowSecs, 60);
  assert.equal(usersig.IM_CALLBACK_DEFAULT_WINDOW_SECS, 60);
  const q = signedIMQuery(TOKEN, APP, 'State.StateChange', T);
  for (const now of [T - 60, T, T + 60]) assert.equal(v.verify(q, { now }).requestTime, T, `${now}`);
  for (const now of [T - 61, T + 61, 0, Number.MAX_SAFE_INTEGER]) {
    refuses(() => v.verify(q, { now }), 'stale', `${now}`);
  }
  assert.throws(() => v.verify(q, { now: T + 61 }), usersig.StaleError);
  assert.throws(() => v.verify(q, { now: T + 61 }), /61 s from this server's clock/);
  // The system clock: a request signed now verifies, one signed 2 minutes ago does not.
  const now = Math.floor(Date.now() / 1000);
  assert.equal(v.verify(signedIMQuery(TOKEN, APP, 'x', now)).requestTime, now);
  refuses(() => v.verify(signedIMQuery(TOKEN, APP, 'x', now - 120)), 'stale');
});

test('IM: windowSecs narrows or widens the window, capped at 3600', () => {
  const q = signedIMQuery(TOKEN, APP, 'x', T);
  const narrow = new IMCallbackVerifier(TOKEN, { windowSecs: 30 });
  assert.ok(narrow.verify(q, { now: T + 30 }));
  refuses(() => narrow.verify(q, { now: T + 31 }), 'stale');
  const zero = new IMCallbackVerifier(TOKEN, { windowSecs: 0 });
  assert.ok(zero.verify(q, { now: T }));
  refuses(() => zero.verify(q, { now: T + 1 }), 'stale');
  const wide = new IMCallbackVerifier(TOKEN, { windowSecs: 10 ** 9 });
  assert.equal(wide.windowSecs, usersig.IM_CALLBACK_MAX_WINDOW_SECS);
  assert.equal(wide.windowSecs, 3600);
  assert.ok(wide.verify(q, { now: T + 3600 }));
  refuses(() => wide.verify(q, { now: T + 3601 }), 'stale');
});

test('IM: a tampered time, another token or a broken Sign is a bad signature', () => {
  const v = new IMCallbackVerifier(TOKEN);
  const sign = signIM(TOKEN, T);
  assert.ok(v.verify(`Sign=${sign.toUpperCase()}&RequestTime=${T}`, { now: T }), 'either case of hex');
  refuses(() => v.verify(`Sign=${sign}&RequestTime=${T + 1}`, { now: T }), 'bad_signature', 'time + 1');
  refuses(() => v.verify(`Sign=${sign}&RequestTime=0${T}`, { now: T }), 'bad_signature', 'a leading 0');
  refuses(() => v.verify(`Sign=${signIM('other', T)}&RequestTime=${T}`, { now: T }), 'bad_signature');
  refuses(() => v.verify(`Sign=${sign.slice(1)}&RequestTime=${T}`, { now: T }), 'bad_signature');
  refuses(() => v.verify(`Sign=${sign}00&RequestTime=${T}`, { now: T }), 'bad_signature');
  refuses(() => v.verify(`Sign=zz&RequestTime=${T}`, { now: T }), 'bad_signature');
  assert.throws(() => v.verify(`Sign=zz&RequestTime=${T}`, { now: T }), usersig.BadSignatureError);
});

test('IM: a repeated parameter is malformed, whatever its case', () => {
  const v = new IMCallbackVerifier(TOKEN);
  const sign = signIM(TOKEN, T);
  for (const q of [
    `Sign=${sign}&Sign=${sign}&RequestTime=${T}`,
    `Sign=${sign}&RequestTime=${T}&RequestTime=${T}`,
    `Sign=${sign}&RequestTime=${T}&requesttime=${T}`,
    `Sign=${sign}&RequestTime=${T}&SdkAppid=1&SdkAppId=1`,
    `Sign=${sign}&RequestTime=${T}&CallbackCommand=a&CallbackCommand=b`,
  ]) {
    refuses(() => v.verify(q, { now: T }), 'malformed', q);
  }
  assert.throws(() => v.verify(`Sign=${sign}&Sign=x&RequestTime=${T}`, { now: T }), usersig.MalformedError);
});

test('IM: percent-encoded values are decoded, broken escapes are malformed', () => {
  const v = new IMCallbackVerifier(TOKEN);
  const sign = signIM(TOKEN, T);
  const encodedSign = [...sign].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
  const got = v.verify(`SdkAppid=14%30&CallbackCommand=Group%2ECallbackAfterNewMemberJoin` +
    `&ClientIP=%3A%3a1&OptPlatform=Web+App&Sign=${encodedSign}&RequestTime=%31${String(T).slice(1)}`, { now: T });
  assert.deepEqual(got, {
    requestTime: T, sdkappid: 140, command: 'Group.CallbackAfterNewMemberJoin', clientIp: '::1', platform: 'Web App',
  });
  // A command that needs escapes survives signedIMQuery and verify.
  const odd = 'a b&c=d/é';
  assert.equal(v.verify(signedIMQuery(TOKEN, 1, odd, T), { now: T }).command, odd);
  for (const bad of ['%', '%4', '%zz', '%ff']) {
    refuses(() => v.verify(`Sign=${sign}&RequestTime=${T}&ClientIP=${bad}`, { now: T }), 'malformed', bad);
  }
  for (const time of ['12a', '-1', '+1', ' 1', '1.0', '1'.repeat(21)]) {
    refuses(() => v.verify(`Sign=${sign}&RequestTime=${encodeURIComponent(time)}`, { now: T }), 'malformed', time);
  }
  refuses(() => v.verify(`Sign=${sign}&RequestTime=${T}&SdkAppid=x`, { now: T }), 'malformed');
  refuses(() => v.verify(`x=${'a'.repeat(9000)}`, { now: T }), 'malformed', 'oversized');
});

test("IM: the console's check request (only Sign and RequestTime) verifies, with null fields", () => {
  const v = new IMCallbackVerifier(TOKEN, { sdkappid: APP });
  const got = v.verify(`https://example.com/im?Sign=${signIM(TOKEN, T)}&RequestTime=${T}`, { now: T });
  assert.deepEqual(got, { requestTime: T, sdkappid: null, command: null, clientIp: null, platform: null });
});

test('IM: no Sign or no RequestTime is a missing signature; another app a mismatch', () => {
  const v = new IMCallbackVerifier(TOKEN, { sdkappid: APP });
  assert.equal(v.sdkappid, APP);
  const sign = signIM(TOKEN, T);
  for (const q of ['', 'SdkAppid=1400000000&CallbackCommand=State.StateChange', `RequestTime=${T}`,
    `Sign=&RequestTime=${T}`, `Sign=${sign}`, `Sign=${sign}&RequestTime=`, 'https://example.com/im']) {
    refuses(() => v.verify(q, { now: T }), 'missing_signature', q);
  }
  assert.throws(() => v.verify(`RequestTime=${T}`, { now: T }), usersig.MissingSignatureError);
  refuses(() => v.verify(signedIMQuery(TOKEN, APP + 1, 'x', T), { now: T }), 'sdkappid_mismatch');
  assert.throws(() => v.verify(signedIMQuery(TOKEN, APP + 1, 'x', T), { now: T }), usersig.SdkAppIdMismatchError);
  // Without an SDKAppID the verifier takes any app.
  assert.equal(new IMCallbackVerifier(TOKEN).verify(signedIMQuery(TOKEN, 7, 'x', T), { now: T }).sdkappid, 7);
});

// ---------------------------------------------------------------------------------------------
// TRTC
// ---------------------------------------------------------------------------------------------

test('TRTC: signTRTC is base64 HMAC-SHA256 of the body, as node:crypto computes it', () => {
  for (const key of [KEY, 'k', 'ключ', Buffer.from([0, 255, 7])]) {
    for (const body of [BODY, Buffer.alloc(0), Buffer.from('{}'), crypto.randomBytes(1000)]) {
      assert.equal(signTRTC(key, body), hmacB64(key, body));
    }
  }
  assert.equal(signTRTC(KEY, BODY.toString()), hmacB64(KEY, BODY));
  assert.equal(signTRTC(KEY, new Uint8Array(BODY)), hmacB64(KEY, BODY));
});

test("TRTC: the body as sent verifies, with EventInfo's raw JSON", () => {
  const v = new TRTCCallbackVerifier(KEY);
  const sign = hmacB64(KEY, BODY);
  const want = {
    eventGroupId: 1,
    eventType: 103,
    callbackTs: 1615554923704,
    eventInfo: '{\n\t\t"RoomId":\t12345,\n\t\t"EventTs":\t1608441737,\n\t\t"UserId":\t"test",\n' +
      '\t\t"UniqueId":\t1615554922656,\n\t\t"Role":\t20,\n\t\t"Reason":\t1\n\t}',
    sdkappid: null,
  };
  assert.deepEqual(v.verify(sign, BODY), want);
  assert.deepEqual(v.verify(sign, BODY.toString('utf8')), want, 'a string body, as UTF-8');
  assert.deepEqual(v.verify(` ${sign} `, BODY), want, 'the header trimmed');
  assert.equal(JSON.parse(v.verify(sign, BODY).eventInfo).UserId, 'test');
  assert.deepEqual(v.verify(sign, BODY, { sdkappidHeader: String(APP) }), { ...want, sdkappid: APP });
});

test('TRTC: a body changed by one byte, or with a trailing newline, is a bad signature', () => {
  const v = new TRTCCallbackVerifier(KEY);
  const sign = signTRTC(KEY, BODY);
  refuses(() => v.verify(sign, Buffer.concat([BODY, Buffer.from('\n')])), 'bad_signature', 'trailing newline');
  refuses(() => v.verify(sign, BODY.toString() + '\n'), 'bad_signature', 'trailing newline, string');
  refuses(() => v.verify(sign, JSON.stringify(JSON.parse(BODY))), 'bad_signature', 're-serialized');
  for (let i = 0; i < BODY.length; i++) {
    const changed = Buffer.from(BODY);
    changed[i] ^= 1;
    refuses(() => v.verify(sign, changed), 'bad_signature', `byte ${i}`);
  }
  refuses(() => v.verify(signTRTC('other', BODY), BODY), 'bad_signature', 'another key');
  for (const s of ['x', '====', 'A'.repeat(1000), sign.slice(0, -2)]) refuses(() => v.verify(s, BODY), 'bad_signature', s);
});

test('TRTC: no Sign is a missing signature; a bad or other SdkAppId header is refused', () => {
  const v = new TRTCCallbackVerifier(KEY, { sdkappid: APP });
  const sign = signTRTC(KEY, BODY);
  for (const s of [undefined, null, '', '  ']) refuses(() => v.verify(s, BODY), 'missing_signature', String(s));
  assert.throws(() => v.verify(undefined, BODY), usersig.MissingSignatureError);
  refuses(() => v.verify(sign, BODY, { sdkappidHeader: String(APP + 1) }), 'sdkappid_mismatch');
  refuses(() => v.verify(sign, BODY, { sdkappidHeader: 'abc' }), 'malformed');
  // Without the header (or with an empty one) the app is not checked.
  assert.equal(v.verify(sign, BODY).sdkappid, null);
  assert.equal(v.verify(sign, BODY, { sdkappidHeader: '' }).sdkappid, null);
  assert.equal(v.verify(sign, BODY, { sdkappidHeader: null }).sdkappid, null);
});

test('TRTC: an authentic body that is not an event is malformed', () => {
  const v = new TRTCCallbackVerifier(KEY);
  for (const body of ['not json', '{"EventGroupId":1}', '[]',
    '{"EventGroupId":-1,"EventType":1,"CallbackTs":1,"EventInfo":{}}',
    '{"EventGroupId":1,"EventType":1,"CallbackTs":1,"EventInfo":[]}',
    '{"EventGroupId":1,"EventType":1,"CallbackTs":9007199254740992,"EventInfo":{}}']) {
    refuses(() => v.verify(signTRTC(KEY, body), body), 'malformed', body);
  }
});

// ---------------------------------------------------------------------------------------------
// Secrets, arguments, replies
// ---------------------------------------------------------------------------------------------

test('the token and the key are never printed', () => {
  const im = new IMCallbackVerifier('s3cr3t-token', { sdkappid: APP });
  const trtc = new TRTCCallbackVerifier('s3cr3t-key');
  for (const [v, shown] of [[im, 'IMCallbackVerifier { token: <redacted>, windowSecs: 60, sdkappid: 1400000000 }'],
    [trtc, 'TRTCCallbackVerifier { key: <redacted>, sdkappid: null }']]) {
    for (const text of [util.inspect(v), util.inspect(v, { showHidden: true, depth: 9 }), util.format('%o', v),
      JSON.stringify(v), String(Object.values(v))]) {
      assert.ok(!text.includes('s3cr3t'), text);
    }
    assert.equal(util.inspect(v), shown);
    assert.ok(Object.isFrozen(v));
  }
});

test('bad secrets and arguments are refused', () => {
  assert.throws(() => new IMCallbackVerifier(''), usersig.EmptyKeyError);
  assert.throws(() => new TRTCCallbackVerifier(Buffer.alloc(0)), usersig.EmptyKeyError);
  assert.throws(() => new IMCallbackVerifier('a'.repeat(129)), usersig.InvalidArgumentError);
  assert.ok(new IMCallbackVerifier('a'.repeat(128)));
  assert.throws(() => new TRTCCallbackVerifier('a'.repeat(129)), usersig.InvalidArgumentError);
  assert.throws(() => new IMCallbackVerifier(TOKEN, { windowSecs: -1 }), usersig.InvalidArgumentError);
  assert.throws(() => new IMCallbackVerifier(TOKEN, { sdkappid: 1.5 }), usersig.InvalidArgumentError);
  assert.throws(() => new IMCallbackVerifier('a\ud800'), usersig.InvalidUtf8Error);
  assert.throws(() => new IMCallbackVerifier(TOKEN).verify('x', { now: -1 }), usersig.ClockBeforeEpochError);
  assert.throws(() => signIM(TOKEN, -1), usersig.ClockBeforeEpochError);
  for (const call of [
    () => new IMCallbackVerifier(),
    () => new IMCallbackVerifier(42),
    () => new IMCallbackVerifier(TOKEN, { window: 60 }),
    () => new IMCallbackVerifier(TOKEN, { windowSecs: '60' }),
    () => new TRTCCallbackVerifier(KEY, { sdkappid: '1' }),
    () => new TRTCCallbackVerifier(KEY, 1400000000),
    () => new IMCallbackVerifier(TOKEN).verify(undefined),
    () => new IMCallbackVerifier(TOKEN).verify('x', { now: '1' }),
    () => new TRTCCallbackVerifier(KEY).verify(42, BODY),
    () => new TRTCCallbackVerifier(KEY).verify(['a'], BODY),
    () => new TRTCCallbackVerifier(KEY).verify('a', undefined),
    () => new TRTCCallbackVerifier(KEY).verify('a', BODY, { sdkappid: '1' }),
    () => new TRTCCallbackVerifier(KEY).verify('a', BODY, { sdkappidHeader: 1 }),
    () => signIM(TOKEN, '1'),
    () => signedIMQuery(TOKEN, APP, 42, T),
    () => signTRTC(KEY, 42),
    () => imReplyFail('1', 'x'),
    () => imReplyFail(1, 2),
  ]) {
    assert.throws(call, TypeError, call.toString());
  }
});

test('imReplyOk and imReplyFail are the JSON Tencent expects', () => {
  assert.equal(imReplyOk(), '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}');
  assert.equal(imReplyFail(1, 'blocked "word"'), '{"ActionStatus":"FAIL","ErrorCode":1,"ErrorInfo":"blocked \\"word\\""}');
  for (const [code, info] of [[0, ''], [-5, 'línea\nnueva'], [Number.MAX_SAFE_INTEGER, '\u0000<>']]) {
    assert.deepEqual(JSON.parse(imReplyFail(code, info)), { ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: info });
  }
  assert.equal(imReplyFail(2), '{"ActionStatus":"FAIL","ErrorCode":2,"ErrorInfo":""}');
  for (const code of [1.5, NaN, Infinity, 2 ** 53]) assert.throws(() => imReplyFail(code, ''), usersig.InvalidArgumentError);
});

// ---------------------------------------------------------------------------------------------
// End to end: an HTTP server on 127.0.0.1 with a handler that uses the verifiers
// ---------------------------------------------------------------------------------------------

test('an http server verifies signed IM and TRTC callbacks and refuses tampered ones', async () => {
  const im = new IMCallbackVerifier(TOKEN, { sdkappid: APP });
  const trtc = new TRTCCallbackVerifier(KEY, { sdkappid: APP });
  const seen = [];

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks); // the raw bytes: TRTC signs them exactly as sent
      const reply = (status, text) => {
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(text);
      };
      try {
        if (req.url.startsWith('/im')) {
          const cb = im.verify(req.url); // the request target: /im?SdkAppid=...&Sign=...
          seen.push(['im', cb.command, JSON.parse(body).From_Account]);
          reply(200, imReplyOk());
        } else if (req.url === '/trtc') {
          // Node lowercases header names.
          const ev = trtc.verify(req.headers.sign, body, { sdkappidHeader: req.headers.sdkappid });
          seen.push(['trtc', ev.eventType, JSON.parse(ev.eventInfo).UserId]);
          reply(200, '{"code":0}');
        } else {
          reply(404, '{}');
        }
      } catch (e) {
        if (!(e instanceof usersig.VerifyError)) throw e;
        seen.push(['refused', e.kind]);
        reply(403, req.url.startsWith('/im') ? imReplyFail(e.code, e.kind) : JSON.stringify({ code: e.code, error: e.kind }));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const post = async (path, body, headers = {}) => {
    const res = await fetch(base + path, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
    return [res.status, await res.json()];
  };

  try {
    const now = Math.floor(Date.now() / 1000);
    const msg = JSON.stringify({ CallbackCommand: 'C2C.CallbackBeforeSendMsg', From_Account: 'alice', To_Account: 'bob' });
    const q = signedIMQuery(TOKEN, APP, 'C2C.CallbackBeforeSendMsg', now);
    assert.deepEqual(await post(`/im?${q}`, msg), [200, { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' }]);
    // A tampered time, a replayed old request, another app, no signature.
    const tampered = q.replace(`RequestTime=${now}`, `RequestTime=${now + 1}`);
    assert.deepEqual(await post(`/im?${tampered}`, msg), [403, { ActionStatus: 'FAIL', ErrorCode: 5, ErrorInfo: 'bad_signature' }]);
    const old = signedIMQuery(TOKEN, APP, 'C2C.CallbackBeforeSendMsg', now - 600);
    assert.deepEqual(await post(`/im?${old}`, msg), [403, { ActionStatus: 'FAIL', ErrorCode: 10, ErrorInfo: 'stale' }]);
    const other = signedIMQuery(TOKEN, APP + 1, 'C2C.CallbackBeforeSendMsg', now);
    assert.deepEqual((await post(`/im?${other}`, msg))[1].ErrorInfo, 'sdkappid_mismatch');
    assert.deepEqual((await post('/im?SdkAppid=1400000000', msg))[1].ErrorInfo, 'missing_signature');

    const sign = signTRTC(KEY, BODY);
    assert.deepEqual(await post('/trtc', BODY, { Sign: sign, SdkAppId: String(APP) }), [200, { code: 0 }]);
    const changed = Buffer.from(BODY);
    changed[changed.indexOf('12345')] = '9'.charCodeAt(0); // another room
    assert.deepEqual(await post('/trtc', changed, { Sign: sign, SdkAppId: String(APP) }),
      [403, { code: 5, error: 'bad_signature' }]);
    assert.deepEqual(await post('/trtc', Buffer.concat([BODY, Buffer.from('\n')]), { Sign: sign }),
      [403, { code: 5, error: 'bad_signature' }]);
    assert.deepEqual(await post('/trtc', BODY, { Sign: sign, SdkAppId: String(APP + 1) }),
      [403, { code: 3, error: 'sdkappid_mismatch' }]);
    assert.deepEqual(await post('/trtc', BODY), [403, { code: 9, error: 'missing_signature' }]);

    assert.deepEqual(seen, [
      ['im', 'C2C.CallbackBeforeSendMsg', 'alice'],
      ['refused', 'bad_signature'], ['refused', 'stale'], ['refused', 'sdkappid_mismatch'],
      ['refused', 'missing_signature'],
      ['trtc', 103, 'test'],
      ['refused', 'bad_signature'], ['refused', 'bad_signature'], ['refused', 'sdkappid_mismatch'],
      ['refused', 'missing_signature'],
    ]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("docs/callbacks.md's Node.js example, as written, answers signed and tampered callbacks", async (t) => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'callbacks.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n### Node.js\n'));
  const block = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(section.length > 20 && block, 'no ```js block under ### Node.js');
  assert.match(block[1], /require\('usersig'\)/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usersig-cb-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'server.js');
  fs.writeFileSync(file, block[1].replace("require('usersig')", `require(${JSON.stringify(path.join(__dirname, '..'))})`));

  // A free port, then the example on it.
  const probe = http.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, IM_CALLBACK_TOKEN: TOKEN, TRTC_CALLBACK_KEY: KEY, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => { stderr += c; });
  t.after(() => child.kill());

  const base = `http://127.0.0.1:${port}`;
  const post = async (p, body, headers = {}) => {
    const res = await fetch(base + p, { method: 'POST', body, headers });
    return [res.status, await res.json()];
  };
  for (let i = 0; ; i++) {  // until it listens
    try {
      await post('/none', '{}');
      break;
    } catch (e) {
      if (i > 100 || child.exitCode !== null) throw new Error(`the example did not start: ${stderr}`, { cause: e });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const now = Math.floor(Date.now() / 1000);
  const q = signedIMQuery(TOKEN, APP, 'C2C.CallbackBeforeSendMsg', now);
  assert.deepEqual(await post(`/im?${q}`, '{"From_Account":"alice"}'), [200, JSON.parse(imReplyOk())]);
  assert.deepEqual(await post(`/im?${q.replace(/RequestTime=\d+/, `RequestTime=${now - 1}`)}`, '{}'),
    [403, { ActionStatus: 'FAIL', ErrorCode: 5, ErrorInfo: 'bad_signature' }]);
  assert.deepEqual(await post(`/im?${signedIMQuery(TOKEN, APP, 'x', now - 61)}`, '{}'),
    [403, { ActionStatus: 'FAIL', ErrorCode: 10, ErrorInfo: 'stale' }]);
  const sign = signTRTC(KEY, BODY);
  assert.deepEqual(await post('/trtc', BODY, { Sign: sign, SdkAppId: String(APP) }), [200, { code: 0 }]);
  assert.deepEqual(await post('/trtc', Buffer.concat([BODY, Buffer.from(' ')]), { Sign: sign }),
    [403, { code: 5, error: 'bad_signature' }]);
  assert.deepEqual(await post('/trtc', BODY), [403, { code: 9, error: 'missing_signature' }]);
  assert.deepEqual(await post('/trtc', BODY, { Sign: sign, SdkAppId: '1' }), [403, { code: 3, error: 'sdkappid_mismatch' }]);
  assert.ok(!stderr.includes(TOKEN) && !stderr.includes(KEY) && !stderr.includes(sign), stderr);
  assert.match(stderr, /refused callback: bad_signature/);
});

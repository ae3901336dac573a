#!/usr/bin/env node
// Mints tokens with the official npm SDK (tls-sig-api-v2@1.0.2, pinned in package-lock.json)
// for test_interop.py, with the SDK's clock pinned.
//
// stdin:  a JSON list of requests, each
//           {"kind": "plain" | "userbuf" | "pmk_room" | "pmk_str",
//            "sdkappid": int, "key": str, "identifier": str, "expire": int,
//            "time": int,              // Unix seconds the SDK will see as "now"
//            "millis": int,            // optional, 0..999 added to Date.now() (default 0)
//            "userbuf_b64": str,       // kind "userbuf": the raw userbuf bytes, b64
//            "room_id": int,           // kind "pmk_room"
//            "room_str": str,          // kind "pmk_str"
//            "privileges": int}        // kinds "pmk_*"
// stdout: a JSON list of tokens, in request order.
// The key travels on stdin, never on the command line.
//
// Quirks of 1.0.2 seen here (see also the notes in test_interop.py):
// - genSig reads Date.now() itself, and _genUserbuf reads it again for the PrivateMapKey's
//   absolute expiry (FORMAT.md §6): unpinned, the two can straddle a second. Pinning makes them agree.
// - The PrivateMapKey expiry is Date.now()/1000 + expire, not floored; the byte packing's
//   bitwise operators truncate it, which equals floor() for positive values.
// - _genUserbuf counts the account and room string in UTF-16 units and stores charCodeAt() & 0xFF:
//   non-ASCII identifiers or room strings produce a PrivateMapKey that disagrees with FORMAT.md §6.
'use strict';

const path = require('path');

const sdkDir = path.join(__dirname, 'node_modules', 'tls-sig-api-v2');
let TLSSigAPIv2;
try {
  TLSSigAPIv2 = require(sdkDir);
} catch (e) {
  process.stderr.write(
    `mint_node.js: cannot load ${sdkDir} (${e.message}); run: npm ci --prefix tests/interop\n`);
  process.exit(2);
}

function fail(msg) {
  process.stderr.write(`mint_node.js: ${msg}\n`);
  process.exit(2);
}

function mintOne(req, index) {
  const where = `request ${index}`;
  for (const field of ['kind', 'sdkappid', 'key', 'identifier', 'expire', 'time']) {
    if (req[field] === undefined || req[field] === null) fail(`${where}: missing ${field}`);
  }
  const api = new TLSSigAPIv2.Api(req.sdkappid, req.key);
  const realNow = Date.now;
  Date.now = () => req.time * 1000 + (req.millis || 0);
  try {
    switch (req.kind) {
      case 'plain':
        return api.genUserSig(req.identifier, req.expire);
      case 'userbuf':
        if (typeof req.userbuf_b64 !== 'string') fail(`${where}: kind userbuf needs userbuf_b64`);
        return api.genSig(req.identifier, req.expire, Buffer.from(req.userbuf_b64, 'base64'));
      case 'pmk_room':
        if (req.room_id === undefined || req.privileges === undefined) {
          fail(`${where}: kind pmk_room needs room_id and privileges`);
        }
        return api.genPrivateMapKey(req.identifier, req.expire, req.room_id, req.privileges);
      case 'pmk_str':
        if (typeof req.room_str !== 'string' || req.privileges === undefined) {
          fail(`${where}: kind pmk_str needs room_str and privileges`);
        }
        return api.genPrivateMapKeyWithStringRoomID(
          req.identifier, req.expire, req.room_str, req.privileges);
      default:
        return fail(`${where}: unknown kind ${JSON.stringify(req.kind)}`);
    }
  } finally {
    Date.now = realNow;
  }
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  let requests;
  try {
    requests = JSON.parse(input);
  } catch (e) {
    fail(`stdin is not JSON: ${e.message}`);
  }
  if (!Array.isArray(requests)) fail('stdin must be a JSON list of requests');
  process.stdout.write(JSON.stringify(requests.map(mintOne)) + '\n');
});

#!/usr/bin/env node
// Nanoseconds per genUserSig: ours (require('usersig/compat'), and Signer.userSig) and the
// official npm SDK's (tls-sig-api-v2@1.0.2 from tests/interop/node_modules), in the same run
// on the same inputs, and the ratio. Prints; asserts nothing (a shared machine is noisy).
//   node bench.js [iterations]       (default 20000; run npm ci --prefix tests/interop first)
'use strict';

const path = require('path');
const usersig = require('./index.js');
const { Api } = require('./compat.js');

const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const SDKAPPID = 1400000000;
const SDK_DIR = path.resolve(__dirname, '..', '..', 'tests', 'interop', 'node_modules', 'tls-sig-api-v2');

/** ns per call of f over n calls, the best of `rounds` rounds (after a warm-up round). */
function nsPerCall(f, n, rounds = 5) {
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r <= rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += f(i).length;
    const ns = Number(process.hrtime.bigint() - start) / n;
    if (r > 0) best = Math.min(best, ns);
  }
  if (sink === 0) throw new Error('nothing minted');
  return best;
}

/** Measures ours and the SDK's; returns { ours, signer, npm, ratio } in ns per call. */
function measure(n = 20000) {
  const Official = require(SDK_DIR).Api;
  const theirs = new Official(SDKAPPID, KEY);
  const ours = new Api(SDKAPPID, KEY);
  const signer = new usersig.Signer(SDKAPPID, KEY);
  const ids = Array.from({ length: 64 }, (_, i) => `user_${i}`);
  const result = {
    ours: nsPerCall((i) => ours.genUserSig(ids[i & 63], 86400), n),
    signer: nsPerCall((i) => signer.userSig(ids[i & 63], 86400), n),
    npm: nsPerCall((i) => theirs.genUserSig(ids[i & 63], 86400), Math.max(1, n >> 2)),
  };
  result.ratio = result.npm / result.ours;
  return result;
}

function report(r) {
  return [
    `genUserSig, usersig/compat:   ${r.ours.toFixed(0)} ns per call`,
    `Signer.userSig, usersig:      ${r.signer.toFixed(0)} ns per call`,
    `genUserSig, tls-sig-api-v2:   ${r.npm.toFixed(0)} ns per call`,
    `ratio (npm / ours):           ${r.ratio.toFixed(1)}x (target >= 10x)`,
  ].join('\n');
}

if (require.main === module) {
  const n = Number(process.argv[2] || 20000);
  console.log(report(measure(n)));
}

module.exports = { measure, report };

// A short run of bench.js: prints ns per genUserSig for ours and the npm SDK's, and the ratio,
// as test diagnostics. Asserts only that both minted; speed is reported, not enforced.
'use strict';

const test = require('node:test');
const { measure, report } = require('../bench.js');

test('speed: ns per genUserSig, ours and npm tls-sig-api-v2 (printed, not asserted)', (t) => {
  const r = measure(4000);
  for (const line of report(r).split('\n')) t.diagnostic(line);
});

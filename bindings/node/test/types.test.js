// The TypeScript declarations name what the modules export (no TypeScript compiler needed).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { usersig, compat } = require('./helpers');

const declared = (file) => new Set([...fs.readFileSync(path.join(__dirname, '..', file), 'utf8')
  .matchAll(/^export (?:const|class|function) (\w+)/gm)].map((m) => m[1]));

test('index.d.ts declares every export of index.js, and nothing else', () => {
  assert.deepEqual([...declared('index.d.ts')].sort(), Object.keys(usersig).sort());
});

test('compat.d.ts declares Api with the methods of compat.js', () => {
  assert.deepEqual([...declared('compat.d.ts')], Object.keys(compat));
  const text = fs.readFileSync(path.join(__dirname, '..', 'compat.d.ts'), 'utf8');
  for (const m of Object.getOwnPropertyNames(compat.Api.prototype).filter((n) => n !== 'constructor')) {
    assert.match(text, new RegExp(`^  ${m}\\(`, 'm'), m);
  }
});

test('package.json points at both declarations', () => {
  const pkg = require('../package.json');
  assert.equal(pkg.types, 'index.d.ts');
  assert.equal(pkg.exports['.'].types, './index.d.ts');
  assert.equal(pkg.exports['./compat'].types, './compat.d.ts');
  for (const f of pkg.files) assert.ok(fs.existsSync(path.join(__dirname, '..', f)), f);
});

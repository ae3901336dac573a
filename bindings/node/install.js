#!/usr/bin/env node
// The package's `install` script: builds the addon from this checkout and puts it beside
// this file as usersig.node. Runs `cargo build --release -p usersig-node` at the repository
// root (two folders up: this package is bindings/node of the usersig repository), asks cargo
// where its target directory is, and copies the library from there. Needs only cargo and
// crates.io; nothing prebuilt is downloaded.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const here = __dirname;
const root = path.resolve(here, '..', '..');

function fail(message) {
  process.stderr.write(`usersig: ${message}\n`);
  process.exit(1);
}

if (!fs.existsSync(path.join(root, 'Cargo.toml')) || !fs.existsSync(path.join(here, 'Cargo.toml'))) {
  fail(`${here} is not bindings/node of a usersig checkout: install the package from its ` +
    'checkout (npm install <checkout>/bindings/node), where the Rust sources are');
}

const cargo = process.env.CARGO || 'cargo';
const run = (args, options) => spawnSync(cargo, args, { cwd: root, encoding: 'utf8', ...options });

const meta = run(['metadata', '--format-version', '1', '--no-deps']);
if (meta.error) fail(`cannot run ${cargo} (${meta.error.message}): install Rust (https://rustup.rs)`);
if (meta.status !== 0) fail(`cargo metadata failed:\n${meta.stderr}`);
const targetDir = JSON.parse(meta.stdout).target_directory;

const build = run(['build', '--release', '-p', 'usersig-node'], { stdio: 'inherit' });
if (build.status !== 0) fail(`cargo build --release -p usersig-node failed (exit status ${build.status})`);

const file = { darwin: 'libusersig_node.dylib', win32: 'usersig_node.dll' }[process.platform] ||
  'libusersig_node.so';
const built = path.join(targetDir, 'release', file);
if (!fs.existsSync(built)) fail(`the build made no ${built}`);
// Copy, then rename: a process that has the old addon loaded keeps a consistent file.
const dest = path.join(here, 'usersig.node');
const tmp = `${dest}.${process.pid}.tmp`;
fs.copyFileSync(built, tmp);
fs.renameSync(tmp, dest);
process.stdout.write(`usersig: built ${dest}\n`);

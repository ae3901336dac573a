// Loads the addon that install.js built (usersig.node beside this file).
'use strict';

const path = require('path');

const file = path.join(__dirname, 'usersig.node');
let native;
try {
  native = require(file);
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') throw e;
  throw new Error(`usersig: the native addon ${file} is not built; run npm install in ` +
    `${__dirname} (it runs cargo build --release -p usersig-node)`, { cause: e });
}
module.exports = native;

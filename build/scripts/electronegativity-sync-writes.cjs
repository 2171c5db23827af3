// Loaded into electronegativity (node --require) by electronegativity-check.mjs.
//
// Its CSV writer (dist/util/file.js) writes the header with one fs.writeFile (flag 'w') and the
// findings with another (flag 'a'), neither waiting for the other. When the disk is busy (in CI,
// right after package:check wrote the packaged app) the header lands last: it truncates the
// findings away or overwrites the start of the first one, and the scan looks empty. Done in call
// order, as here, the header comes first.
'use strict';
const fs = require('node:fs');

fs.writeFile = function writeFileInOrder(file, data, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' ? undefined : options;
  let error = null;
  try {
    fs.writeFileSync(file, data, opts);
  } catch (err) {
    error = err;
  }
  if (done) process.nextTick(done, error);
  else if (error) throw error;
};

#!/usr/bin/env node
// `broadsheet` on the PATH. The command line is TypeScript, built to out/cli by `npm install`.
import('../../out/cli/broadsheet.mjs')
  .then((cli) => cli.main(process.argv.slice(2)))
  .then((code) => { process.exitCode = code; })
  .catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('out/cli')) {
      console.error('broadsheet: the command line is not built yet; run `npm run build:cli` (npm install does it).');
    } else {
      console.error(`broadsheet: ${err && err.stack ? err.stack : err}`);
    }
    process.exitCode = 1;
  });

// Builds the command line (plain Node, no Electron) to out/cli/broadsheet.mjs.
// Runs on `npm install` (prepare) and before the tests, so `npx broadsheet` always works.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: { broadsheet: 'main/cli/index.ts', 'parse-worker': 'main/ingest/parse-worker.ts' },
  outdir: 'out/cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});

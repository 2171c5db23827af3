// Runs a TypeScript entry point (benchmarks, scripts) in plain Node: bundles it with esbuild to
// out/run/ (dependencies stay external) and imports the result. Usage: node build/scripts/run-ts.mjs FILE.ts [ARGS…]
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node build/scripts/run-ts.mjs FILE.ts [ARGS…]');
  process.exit(2);
}
const outfile = path.join(root, 'out/run', `${path.basename(entry, path.extname(entry))}.mjs`);
await build({
  absWorkingDir: root,
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
process.argv.splice(1, 2, outfile);
await import(pathToFileURL(outfile).href);

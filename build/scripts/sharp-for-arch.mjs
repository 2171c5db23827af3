// Swaps sharp's prebuilt binaries in node_modules for those of another platform and arch:
//   node build/scripts/sharp-for-arch.mjs <platform> <arch>      e.g.  darwin x64
//
// sharp ships its native code as per-platform packages (@img/sharp-<os>-<arch> and
// @img/sharp-libvips-<os>-<arch>), and npm installs only the host's. electron-builder packs
// whatever node_modules holds, so an x64 Mac app built on an arm64 runner (release.yml) would
// carry arm64 binaries that cannot load. This removes every platform package of sharp and unpacks
// the two wanted ones, at the versions sharp's package.json pins, from the npm registry
// (`npm pack`, which skips npm's platform check). Run `npm ci` afterwards to get the host's back.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const [platform, arch] = process.argv.slice(2);

function fail(message) {
  console.error(`sharp-for-arch: ${message}`);
  process.exit(1);
}

if (!platform || !arch) fail('usage: node build/scripts/sharp-for-arch.mjs <platform> <arch>   (e.g. darwin x64)');
const sharpJson = path.join(root, 'node_modules', 'sharp', 'package.json');
if (!fs.existsSync(sharpJson)) fail('sharp is not installed; run "npm ci" first.');
const optional = JSON.parse(fs.readFileSync(sharpJson, 'utf8')).optionalDependencies ?? {};
const wanted = [`@img/sharp-${platform}-${arch}`, `@img/sharp-libvips-${platform}-${arch}`];
for (const name of wanted) if (!optional[name]) fail(`sharp has no prebuilt package ${name}.`);

for (const name of Object.keys(optional)) {
  fs.rmSync(path.join(root, 'node_modules', name), { recursive: true, force: true });
}

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-sharp-'));
try {
  for (const name of wanted) {
    const spec = `${name}@${optional[name]}`;
    const out = path.join(scratch, name.replace('/', '-'));
    fs.mkdirSync(out);
    execFileSync(npm[0], [...npm.slice(1), 'pack', spec, '--pack-destination', out, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      shell: npm.length === 1 && process.platform === 'win32',
    });
    const tarball = fs.readdirSync(out).find((f) => f.endsWith('.tgz'));
    if (!tarball) fail(`npm pack ${spec} left no tarball.`);
    const dest = path.join(root, 'node_modules', name);
    fs.mkdirSync(dest, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(out, tarball), '-C', dest, '--strip-components=1']);
    console.log(`sharp-for-arch: ${spec} -> node_modules/${name}`);
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}

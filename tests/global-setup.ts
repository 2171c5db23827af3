import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * The command-line tests run the real `broadsheet` binary and the end-to-end tests load the real
 * page, so build both once before the suite (esbuild and vite: a couple of seconds).
 */
export default function setup(): void {
  execFileSync(process.execPath, [path.join(root, 'build/scripts/build-cli.mjs')], { stdio: 'inherit', cwd: root });
  execFileSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--config', 'build/electron.vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd: root,
  });
}

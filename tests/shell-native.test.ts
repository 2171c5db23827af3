import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronNativeBinding } from '../main/shell/locations.js';
import { REPO, tempDir } from './helpers.js';

const SCRIPT = path.join(REPO, 'build', 'scripts', 'electron-native.mjs');
const NODE_BUILD = path.join(REPO, 'node_modules', 'better-sqlite3', 'build');

function run(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [SCRIPT], {
    cwd: REPO,
    env: { ...process.env, BROADSHEET_NATIVE_VERBOSE: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** Every file under node_modules/better-sqlite3/build with its size, mtime and content hash. */
function snapshot(dir: string): string[] {
  if (!fs.existsSync(dir)) return ['(no build folder)'];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .sort()
    .map((rel) => {
      const full = path.join(dir, rel);
      const st = fs.statSync(full);
      if (!st.isFile()) return `${rel}/`;
      return `${rel} ${st.size} ${st.mtimeMs} ${createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`;
    });
}

describe('build/scripts/electron-native.mjs', () => {
  it('does nothing when the Electron build already exists, at the path the shell looks for', () => {
    const out = tempDir('broadsheet-native-');
    const env = { BROADSHEET_NATIVE_DIR: out, BROADSHEET_ELECTRON_VERSION: '45.5.0' };
    const target = electronNativeBinding(REPO, '45.5.0', process.platform, process.arch, env);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, 'built earlier');

    const res = run(env);
    expect(res.status, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^electron-native: better-sqlite3 for Electron 45\.5\.0 \(.+\) is already built: /);
    expect(lines[0]).toContain(path.basename(path.dirname(target)));
    expect(fs.readFileSync(target, 'utf8')).toBe('built earlier');
    expect(fs.readdirSync(out)).toEqual([path.basename(path.dirname(target))]);
  });

  it('fails fast with one clear line saying what to install, and leaves node_modules/better-sqlite3 alone', () => {
    const before = snapshot(NODE_BUILD);
    const out = tempDir('broadsheet-native-');
    const version = '0.0.1-broadsheet-test';
    const started = Date.now();
    const res = run({ BROADSHEET_NATIVE_DIR: out, BROADSHEET_ELECTRON_VERSION: version, BROADSHEET_NATIVE_TIMEOUT_MS: '20000' });
    const seconds = (Date.now() - started) / 1000;

    expect(res.status).toBe(1);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^electron-native: could not get better-sqlite3 for Electron 0\.0\.1-broadsheet-test \(/);
    expect(lines[0]).toMatch(/downloading a prebuilt binary (failed|gave up)/);
    expect(lines[0]).toMatch(/building from source (failed|gave up)|node-gyp was not found/);
    expect(lines[0]).toMatch(/Connect to the internet.*or install .*(C\+\+|Xcode|Visual Studio).*then run "npm start" again/);
    expect(seconds).toBeLessThan(45);

    // Nothing half-made is left behind, and the Node build the tests use is untouched.
    expect(fs.readdirSync(out)).toEqual([]);
    expect(snapshot(NODE_BUILD)).toEqual(before);
  });
});

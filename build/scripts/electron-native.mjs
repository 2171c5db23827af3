// Makes better-sqlite3 for Electron, next to (never instead of) the Node build in node_modules.
//
// node_modules/better-sqlite3/build is compiled for Node: the tests and the command line use it.
// The Electron app needs the same module compiled for Electron's ABI. This script produces
//   .native/electron-<version>-<platform>-<arch>/better_sqlite3.node
// once, from a copy of the package in a staging folder: first a prebuilt binary
// (prebuild-install, better-sqlite3's own dependency), else a build from source (node-gyp).
// main/shell/locations.ts `electronNativeBinding()` computes the same path; keep them in step.
//
// Environment (for tests and unusual setups):
//   BROADSHEET_NATIVE_DIR         output folder instead of <root>/.native
//   BROADSHEET_ELECTRON_VERSION   Electron version instead of node_modules/electron's
//   BROADSHEET_NATIVE_TIMEOUT_MS  time limit for each of download and build
//   BROADSHEET_NATIVE_VERBOSE=1   show the tools' full output
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const env = process.env;
const verbose = env.BROADSHEET_NATIVE_VERBOSE === '1';
const requireFromRoot = createRequire(path.join(root, 'package.json'));

function fail(message) {
  console.error(`electron-native: ${message}`);
  process.exit(1);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

let electronDir;
try {
  electronDir = path.dirname(requireFromRoot.resolve('electron/package.json'));
} catch {
  fail('the electron package is not installed. Run "npm install" first.');
}
const version = env.BROADSHEET_ELECTRON_VERSION || readJson(path.join(electronDir, 'package.json')).version;
let abi = '?';
try {
  abi = fs.readFileSync(path.join(electronDir, 'abi_version'), 'utf8').trim();
} catch {
  // Only used in messages.
}
const platform = process.platform;
const arch = process.arch;
const label = `Electron ${version} (${platform}-${arch}${env.BROADSHEET_ELECTRON_VERSION ? '' : `, ABI ${abi}`})`;

const outRoot = env.BROADSHEET_NATIVE_DIR ? path.resolve(env.BROADSHEET_NATIVE_DIR) : path.join(root, '.native');
const targetDir = path.join(outRoot, `electron-${version}-${platform}-${arch}`);
const target = path.join(targetDir, 'better_sqlite3.node');

if (fs.existsSync(target) && fs.statSync(target).size > 0) {
  console.log(`electron-native: better-sqlite3 for ${label} is already built: ${path.relative(root, target) || target}`);
  process.exit(0);
}

let sourceDir;
try {
  sourceDir = path.dirname(requireFromRoot.resolve('better-sqlite3/package.json'));
} catch {
  fail('the better-sqlite3 package is not installed. Run "npm install" first.');
}

// A private copy of the package, so that nothing under node_modules/better-sqlite3 is touched.
const staging = path.join(outRoot, `staging-${version}-${platform}-${arch}-${process.pid}`);
fs.rmSync(staging, { recursive: true, force: true });
fs.mkdirSync(staging, { recursive: true });
fs.cpSync(sourceDir, staging, {
  recursive: true,
  filter: (src) => {
    const rel = path.relative(sourceDir, src);
    return rel !== 'build' && !rel.startsWith(`build${path.sep}`) && rel !== 'node_modules' && !rel.startsWith(`node_modules${path.sep}`);
  },
});

const timeout = Number(env.BROADSHEET_NATIVE_TIMEOUT_MS) || undefined;
const built = path.join(staging, 'build', 'Release', 'better_sqlite3.node');

// npm passes its configuration to scripts as npm_config_* variables, and both tools read them:
// npm_config_nodedir (set by some Node installs) would make node-gyp compile against Node's
// headers instead of Electron's, target/runtime/arch would override ours. Keep only how to reach
// the network.
const KEEP_NPM_CONFIG = /^npm_config_(https?_proxy|proxy|noproxy|no_proxy|cafile|ca|strict_ssl|local_address|cache)$/i;
const childEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_config_/i.test(k) || KEEP_NPM_CONFIG.test(k)));

let running = null;
function stopRunning() {
  if (!running?.pid) return;
  // The tools start make and compilers of their own: stop the whole group, not just the tool.
  if (process.platform === 'win32') spawnSync('taskkill', ['/pid', String(running.pid), '/T', '/F'], { stdio: 'ignore' });
  else {
    try {
      process.kill(-running.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopRunning();
    fs.rmSync(staging, { recursive: true, force: true });
    process.exit(1);
  });
}

/** Runs one tool in the staging folder. Resolves to null on success, else the reason in a few words. */
function run(what, script, args, limit) {
  const ms = timeout ?? limit;
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(process.execPath, [script, ...args], {
      cwd: staging,
      env: childEnv,
      stdio: verbose ? 'inherit' : 'pipe',
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    running = child;
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stopRunning();
    }, ms);
    const done = (why) => {
      clearTimeout(timer);
      running = null;
      resolve(why);
    };
    child.on('error', (err) => done(`${what} failed (${err.message})`));
    child.on('close', (code) => {
      if (timedOut) return done(`${what} gave up after ${Math.round(ms / 1000)} s`);
      if (code === 0 && fs.existsSync(built)) return done(null);
      const why = verbose ? null : reasonFrom(output);
      done(`${what} failed${why ? ` (${why})` : ` (exit code ${code})`}`);
    });
  });
}

/** The one line of a tool's output that says what went wrong. */
function reasonFrom(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  // node-gyp spreads the message of the error it threw over "gyp ERR! stack" lines.
  const stack = [];
  for (const line of lines) {
    const m = /^gyp ERR! stack (.*)$/.exec(line);
    if (!m) {
      if (stack.length) break;
      continue;
    }
    if (/^at /.test(m[1])) break;
    stack.push(m[1]);
  }
  let why = stack.length ? stack.join(' ').replace(/^Error: /, '') : null;
  // An uncaught error, as Node prints it.
  why ??= lines.find((l) => /^[A-Za-z]*Error: /.test(l))?.replace(/^[A-Za-z]*Error: /, '') ?? null;
  why ??= lines
    .filter((l) => /err|warn|fail|not found|unable|could not/i.test(l))
    .filter((l) => !/^gyp (info|ERR! (System|command|cwd|node -v|node-gyp -v|not ok|configure error))/.test(l))
    .map((l) => l.replace(/^(prebuild-install|gyp) (warn|WARN|ERR!) /, ''))[0] ?? null;
  return why && why.length > 300 ? `${why.slice(0, 297)}...` : why;
}

function findNodeGyp() {
  const candidates = [];
  try {
    candidates.push(requireFromRoot.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // Not a dependency here; try npm's own copy.
  }
  if (env.npm_execpath) candidates.push(path.join(path.dirname(env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const nodeDir = path.dirname(process.execPath);
  candidates.push(
    path.join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(nodeDir, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

function finish(how) {
  fs.mkdirSync(targetDir, { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  fs.copyFileSync(built, tmp);
  fs.renameSync(tmp, target);
  fs.rmSync(staging, { recursive: true, force: true });
  console.log(`electron-native: better-sqlite3 for ${label} ${how}: ${path.relative(root, target) || target}`);
  process.exit(0);
}

const reasons = [];

let prebuildInstall = null;
try {
  prebuildInstall = createRequire(path.join(sourceDir, 'package.json')).resolve('prebuild-install/bin.js');
} catch {
  reasons.push('prebuild-install is not installed');
}
if (prebuildInstall) {
  const why = await run('downloading a prebuilt binary', prebuildInstall, ['--runtime', 'electron', '--target', version, '--arch', arch, '--platform', platform], 120_000);
  if (!why) finish('downloaded (prebuilt)');
  reasons.push(why);
}

const nodeGyp = findNodeGyp();
if (!nodeGyp) {
  reasons.push('node-gyp was not found');
} else {
  const why = await run(
    'building from source',
    nodeGyp,
    ['rebuild', '--release', '--runtime=electron', `--target=${version}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers'],
    20 * 60_000,
  );
  if (!why) finish('built from source');
  reasons.push(why);
}

fs.rmSync(staging, { recursive: true, force: true });
const toolchain =
  platform === 'win32'
    ? 'Visual Studio Build Tools with "Desktop development with C++" and Python 3'
    : platform === 'darwin'
      ? 'the Xcode command line tools (xcode-select --install) and Python 3'
      : 'a C++ compiler, make and Python 3 (e.g. apt install build-essential python3)';
fail(
  `could not get better-sqlite3 for ${label}: ${reasons.join('; ')}. ` +
    `Connect to the internet (a prebuilt binary is downloaded from GitHub), or install ${toolchain} ` +
    `so it can be built from source, then run "npm start" again. (npm test and the command line do not need this.)`,
);

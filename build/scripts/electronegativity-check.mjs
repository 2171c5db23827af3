#!/usr/bin/env node
/**
 * `npm run security:scan`: runs @doyensec/electronegativity over the built app (out/main,
 * out/preload, out/renderer with package.json, as electron-builder packs them) and over the sources
 * (main/, preload/, renderer/), and fails on any finding above INFORMATIONAL that is not in the
 * explained allow-list below. Each allowed finding says why it does not apply and which test
 * covers it; the README's "Security" section carries the same explanations.
 *
 * Offline: the one check that downloads Electron's release list (AvailableSecurityFixesGlobalCheck)
 * is skipped, and the Electron version is passed in (-e) from node_modules/electron. The tool still
 * tries to fetch a translation file at start (1 s timeout) and falls back to English without it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'node_modules/@doyensec/electronegativity/dist/index.js');
const SYNC_WRITES = path.join(root, 'build/scripts/electronegativity-sync-writes.cjs');
const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/**
 * Findings we have looked at. `file` matches the finding's file (relative to the scanned folder);
 * `sample` (optional) matches the flagged code, so a NEW call of the same kind still fails the scan.
 */
const ALLOWED = [
  {
    issue: 'OPEN_EXTERNAL_JS_CHECK',
    file: /^(?:main\/index\.js|main\/shell\/ipc\.ts)$/,
    sample: /targets\.openExternal\(url\)/,
    why: 'The IPC handler passes the URL to main/shell/open-external.ts, which opens only http(s) URLs (no javascript:, file:, custom schemes, credentials, leading white space or look-alike hosts). Tested by tests/shell-open-external.test.ts and tests/shell-ipc.test.ts.',
  },
  {
    issue: 'OPEN_EXTERNAL_JS_CHECK',
    file: /^(?:main\/index\.js|main\/shell\/open-external\.ts)$/,
    sample: /shell\.openExternal\(url, \{ activate: true \}\)/,
    why: 'The one call of shell.openExternal, after the http(s)-only check in the same function (main/shell/open-external.ts). Tested by tests/shell-open-external.test.ts.',
  },
  {
    issue: 'OPEN_EXTERNAL_JS_CHECK',
    file: /^renderer\/bs-reader\.ts$/,
    sample: /this\.openExternal\(/,
    why: "The reader's own method, which asks main through the bridge (invoke('openExternal')); main checks the URL (main/shell/open-external.ts). Renderer code cannot call shell.openExternal. Tested by tests/shell-open-external.test.ts and tests/e2e-reader.test.ts.",
  },
  {
    issue: 'AUXCLICK_JS_CHECK',
    file: /^(?:main\/index\.js|main\/shell\/window\.ts)$/,
    why: "Middle-click cannot open a window or navigate: setWindowOpenHandler denies every new window (an http(s) link goes to openExternal) and will-navigate / will-frame-navigate keep the page in place (main/shell/guards.ts, tests/shell-guards.test.ts). The reader handles auxclick itself to open links in the browser, so the Blink feature stays on.",
  },
  {
    issue: 'PRELOAD_JS_CHECK',
    file: /^(?:main\/index\.js|main\/shell\/window\.ts)$/,
    why: 'The preload exposes one contextBridge object with an allow-list of channels and no Node or ipcRenderer objects; contextIsolation and sandbox are on, nodeIntegration off (tests/shell-preload.test.ts, tests/shell-native.test.ts).',
  },
  {
    issue: 'CSP_GLOBAL_CHECK',
    severity: 'LOW',
    file: /^renderer\/index\.html$/,
    why: "csp-evaluator's note on script-src 'self': the page's origin serves only the bundled renderer, never user content as script (stored pictures come from bs-image: or, on the web host, /images/ as image/* with nosniff), and there is no JSONP. The policy is default-src 'none', no unsafe-inline or unsafe-eval for scripts, object-src/frame-src/base-uri/form-action 'none'.",
  },
];

function electronVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  } catch {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    return String(pkg.devDependencies?.electron ?? '').replace(/^[^\d]*/, '');
  }
}

function copy(from, to) {
  fs.cpSync(path.join(root, from), to, { recursive: true });
}

/** Folders laid out as the tool expects an app: the code and its package.json. */
function stage(tmp) {
  const built = path.join(tmp, 'built');
  for (const d of ['main', 'preload', 'renderer']) {
    if (!fs.existsSync(path.join(root, 'out', d))) {
      console.error(`security:scan: out/${d} is missing; run \`npm run build\` first.`);
      process.exit(2);
    }
    copy(`out/${d}`, path.join(built, d));
  }
  copy('package.json', path.join(built, 'package.json'));
  const sources = path.join(tmp, 'sources');
  for (const d of ['main', 'preload', 'renderer']) copy(d, path.join(sources, d));
  copy('package.json', path.join(sources, 'package.json'));
  return { built, sources };
}

/** RFC 4180-ish: quoted fields with "" escapes, commas and newlines inside quotes. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  const [header, ...body] = rows.filter((r) => r.some((f) => f.trim()));
  const keys = header.map((h) => h.trim());
  return body.map((r) => Object.fromEntries(keys.map((k, i) => [k, (r[i] ?? '').trim()])));
}

function scan(label, input, version, tmp) {
  const csv = path.join(tmp, `${label}.csv`);
  // --require: electronegativity's CSV header and findings are written by two racing writes
  // (see electronegativity-sync-writes.cjs); this makes them happen in order.
  const r = spawnSync(process.execPath, ['--require', SYNC_WRITES, bin, '-i', input, '-r', '-e', version, '-x', 'AvailableSecurityFixesGlobalCheck', '-o', csv], {
    encoding: 'utf8',
    cwd: tmp,
    timeout: 300_000,
  });
  if (r.status !== 0 || !fs.existsSync(csv)) {
    console.error(`security:scan: electronegativity failed on the ${label} app (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    process.exit(2);
  }
  // A file the tool cannot parse is skipped silently, and its findings with it: that fails the scan.
  const output = `${r.stdout}\n${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  const unparsed = output.split('\n').filter((l) => /^Error parsing /.test(l.trim()));
  for (const l of output.split('\n').filter((x) => /^Tolerable error parsing /.test(x.trim()))) console.log(`  (${label}) ${l.trim()}`);
  if (unparsed.length) {
    console.error(`security:scan: electronegativity could not parse some of the ${label} files:\n${unparsed.join('\n')}`);
    process.exit(2);
  }
  const text = fs.readFileSync(csv, 'utf8');
  const rows = parseCsv(text);
  // A finding that is not a row of its own (a check's name first) means the file is damaged: a
  // scan that only looks clean must not pass.
  if (!text.startsWith('issue, severity') || rows.some((f) => !/^[A-Z][A-Z0-9_]*$/.test(f.issue ?? ''))) {
    console.error(`security:scan: electronegativity wrote a damaged ${label} report:\n${text.slice(0, 500)}`);
    process.exit(2);
  }
  return rows.map((f) => ({ ...f, scan: label }));
}

if (!fs.existsSync(bin)) {
  console.error('security:scan: @doyensec/electronegativity is not installed (npm ci).');
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'broadsheet-electronegativity-'));
try {
  const version = electronVersion();
  const { built, sources } = stage(tmp);
  // A scan that saw no main-process code proves nothing. The tool now and then returns an empty
  // report for a tree it scanned fully a moment before (seen in CI right after package:check),
  // so each scan gets three tries before that fails the check.
  const scanned = (label, input) => {
    for (let attempt = 1; ; attempt++) {
      const found = scan(label, input, version, tmp);
      if (found.some((f) => /^main\//.test(f.filename))) return found;
      if (attempt === 3) {
        console.error(`security:scan: the ${label} scan reported nothing in main/ three times; something is wrong with the scan.`);
        process.exit(2);
      }
      console.log(`security:scan: the ${label} scan reported nothing in main/; scanning again`);
    }
  };
  const findings = [...scanned('built', built), ...scanned('sources', sources)];
  const above = findings.filter((f) => SEVERITIES.indexOf(f.severity) > 0);
  const explained = [];
  const unexplained = [];
  for (const f of above) {
    const allow = ALLOWED.find(
      (a) => a.issue === f.issue && a.file.test(f.filename) && (!a.sample || a.sample.test(f.sample)) && (!a.severity || a.severity === f.severity),
    );
    (allow ? explained : unexplained).push({ f, allow });
  }
  const where = (f) => `${f.scan}: ${f.issue} ${f.severity}/${f.confidence} ${f.filename}:${f.location}`;
  console.log(`electronegativity ${version ? `(Electron ${version}) ` : ''}: ${findings.length} findings, ${above.length} above informational, ${explained.length} explained, ${unexplained.length} not.`);
  for (const { f, allow } of explained) console.log(`  explained  ${where(f)}\n             ${allow.why}`);
  for (const { f } of unexplained) console.log(`  NEW        ${where(f)}\n             ${f.description}: ${f.sample}\n             ${f.url}`);
  if (unexplained.length) {
    console.error(`security:scan: ${unexplained.length} finding(s) above informational without an explanation: fix them, or explain them in build/scripts/electronegativity-check.mjs and the README.`);
    process.exitCode = 1;
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

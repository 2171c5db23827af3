// What electron-builder.yml must say, in one place: build/scripts/package-check.mjs enforces it
// before it packages, and tests/packaging-config.test.ts pins the same rules item by item.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Loads a package that electron-builder brings with it (js-yaml, @electron/asar), resolved from
 * app-builder-lib so that it is the copy electron-builder itself uses.
 */
export function requireFromBuilder(id) {
  const rootRequire = createRequire(path.join(root, 'package.json'));
  const builderRequire = createRequire(rootRequire.resolve('app-builder-lib/package.json'));
  return builderRequire(id);
}

export function loadBuilderConfig(file = path.join(root, 'electron-builder.yml')) {
  const yaml = requireFromBuilder('js-yaml');
  return yaml.load(fs.readFileSync(file, 'utf8'));
}

/** The fuses issue 6 asks for, by electron-builder's names. */
export const REQUIRED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
};

/** Sizes electron-builder installs into hicolor on Linux, as build/icons/NxN.png. */
export const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

export const REQUIRED_ASAR_UNPACK = ['**/*.node', 'node_modules/sharp/**', 'node_modules/@img/**'];

/** Exclusions `files` must carry: source maps, the command-line build. */
export const REQUIRED_FILE_EXCLUSIONS = ['!**/*.map', '!out/cli/**'];

/** A target list as { name: [archs] }; a target without arch gets "default". */
export function targetsOf(platformConfig) {
  const list = platformConfig?.target == null ? [] : Array.isArray(platformConfig.target) ? platformConfig.target : [platformConfig.target];
  const result = {};
  for (const t of list) {
    const name = typeof t === 'string' ? t : t.target;
    const arch = typeof t === 'string' || t.arch == null ? ['default'] : Array.isArray(t.arch) ? t.arch : [t.arch];
    result[name] = [...(result[name] ?? []), ...arch];
  }
  return result;
}

/** Everything wrong with the configuration, one line each; empty when it is right. */
export function configProblems(config) {
  const problems = [];
  const expect = (ok, message) => {
    if (!ok) problems.push(message);
  };

  expect(config.appId === 'app.broadsheet.reader', `appId is ${JSON.stringify(config.appId)}, expected "app.broadsheet.reader"`);
  expect(config.productName === 'Broadsheet', `productName is ${JSON.stringify(config.productName)}, expected "Broadsheet"`);
  expect(typeof config.copyright === 'string' && config.copyright.length > 0, 'copyright is missing');

  const mac = targetsOf(config.mac);
  for (const name of ['dmg', 'zip']) {
    for (const arch of ['x64', 'arm64']) expect(mac[name]?.includes(arch), `mac: no ${name} target for ${arch}`);
  }
  expect(targetsOf(config.win).nsis != null, 'win: no nsis target');
  const linux = targetsOf(config.linux);
  for (const name of ['AppImage', 'deb']) expect(linux[name] != null, `linux: no ${name} target`);

  const fuses = config.electronFuses ?? {};
  for (const [fuse, value] of Object.entries(REQUIRED_FUSES)) {
    expect(fuses[fuse] === value, `electronFuses.${fuse} is ${JSON.stringify(fuses[fuse])}, expected ${value}`);
  }

  expect(config.asar !== false, 'asar is off');
  const unpack = Array.isArray(config.asarUnpack) ? config.asarUnpack : [config.asarUnpack].filter(Boolean);
  for (const pattern of REQUIRED_ASAR_UNPACK) expect(unpack.includes(pattern), `asarUnpack lacks "${pattern}"`);
  expect(config.npmRebuild === true, 'npmRebuild is not true: better-sqlite3 would ship built for Node, not Electron');

  const files = config.files ?? [];
  for (const pattern of REQUIRED_FILE_EXCLUSIONS) expect(files.includes(pattern), `files lacks "${pattern}"`);
  const included = files.filter((f) => typeof f === 'string' && !f.startsWith('!'));
  for (const f of included) {
    expect(/^(out\/(main|preload|renderer)\/\*\*|package\.json)$/.test(f), `files includes "${f}": only out/main, out/preload, out/renderer and package.json belong in the app`);
  }

  expect(config.nsis?.deleteAppDataOnUninstall === false, 'nsis.deleteAppDataOnUninstall must be false: uninstalling must never delete the library');
  expect(config.nsis?.oneClick === false && config.nsis?.perMachine === false, 'nsis: not per-user with a choice (oneClick false, perMachine false)');
  expect(config.nsis?.allowToChangeInstallationDirectory === true, 'nsis: the installation folder cannot be changed');

  expect(config.mac?.category === 'public.app-category.news', 'mac.category is not public.app-category.news');
  expect(config.mac?.hardenedRuntime === true, 'mac.hardenedRuntime is not true');
  for (const key of ['entitlements', 'entitlementsInherit']) {
    const file = config.mac?.[key];
    expect(typeof file === 'string' && fs.existsSync(path.join(root, file)), `mac.${key} names no existing file`);
  }
  expect(config.mac?.notarize !== false, 'mac.notarize is false: notarization could never run');

  // electron-builder writes Categories= from linux.category and ignores desktop.entry.Categories.
  expect(config.linux?.category === 'Network;News;', `linux.category is ${JSON.stringify(config.linux?.category)}, expected "Network;News;"`);
  return problems;
}

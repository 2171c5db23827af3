import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  configProblems,
  LINUX_ICON_SIZES,
  loadBuilderConfig,
  REQUIRED_FUSES,
  root,
  targetsOf,
} from '../build/scripts/package-config.mjs';

/**
 * electron-builder.yml, read as electron-builder reads it (js-yaml), and the icon files it points
 * at. Packaging itself is slow and runs as its own CI step: `npm run package:check`.
 */

const config = loadBuilderConfig();
const at = (p: string) => path.join(root, p);

describe('electron-builder.yml', () => {
  it('names the app', () => {
    expect(config.appId).toBe('app.broadsheet.reader');
    expect(config.productName).toBe('Broadsheet');
    expect(config.copyright).toMatch(/Broadsheet/);
  });

  it('builds a dmg and a zip for both Mac archs, an NSIS installer, an AppImage and a deb', () => {
    expect(targetsOf(config.mac)).toEqual({ dmg: ['x64', 'arm64'], zip: ['x64', 'arm64'] });
    expect(Object.keys(targetsOf(config.win))).toEqual(['nsis']);
    expect(Object.keys(targetsOf(config.linux)).sort()).toEqual(['AppImage', 'deb']);
  });

  it('sets every fuse the security issue asks for', () => {
    const { resetAdHocDarwinSignature, ...fuses } = config.electronFuses ?? {};
    expect(fuses).toEqual(REQUIRED_FUSES);
    expect(fuses).toMatchObject({ runAsNode: false, onlyLoadAppFromAsar: true, enableEmbeddedAsarIntegrityValidation: true, enableCookieEncryption: true });
    // Re-signs ad hoc after the flip so an unsigned arm64 Mac build still starts.
    expect(resetAdHocDarwinSignature).toBe(true);
  });

  it('keeps native code out of the asar and rebuilds it for Electron', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/sharp/**', 'node_modules/@img/**']));
    expect(config.npmRebuild).toBe(true);
  });

  it('ships the built app and nothing else of the project', () => {
    const files = config.files ?? [];
    const included = files.filter((f): f is string => typeof f === 'string' && !f.startsWith('!'));
    expect(included.sort()).toEqual(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']);
    expect(files).toEqual(expect.arrayContaining(['!**/*.map', '!out/cli/**']));
    // The one extra file set puts back a folder feedsmith needs (see the comment in the file).
    const sets = files.filter((f) => typeof f !== 'string');
    expect(sets).toEqual([{ from: 'node_modules/feedsmith/dist/node_modules', to: 'node_modules/feedsmith/dist/node_modules' }]);
    // Tests, fixtures and benchmarks are outside out/ and so never included; packages' own are cut.
    expect(files).toContain('!node_modules/**/{test,tests,__tests__,fixtures,bench,benchmark,benchmarks,docs}/**');
  });

  it('never deletes the library on uninstall, installs per user, lets the user pick the folder', () => {
    expect(config.nsis).toMatchObject({ deleteAppDataOnUninstall: false, oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true });
  });

  it('macOS: news category, hardened runtime, JIT as the only entitlement, notarization left to the environment', () => {
    expect(config.mac).toMatchObject({ category: 'public.app-category.news', hardenedRuntime: true, notarize: true });
    for (const key of ['entitlements', 'entitlementsInherit'] as const) {
      const plist = fs.readFileSync(at(String(config.mac?.[key])), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
      const keys = [...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1]);
      expect(keys, key).toEqual(['com.apple.security.cs.allow-jit']);
    }
  });

  it('Linux: categories Network;News; (electron-builder takes them from linux.category), icons at every size', () => {
    expect(config.linux).toMatchObject({ category: 'Network;News;', icon: 'build/icons', executableName: 'broadsheet' });
    expect(config.extraMetadata).toMatchObject({ desktopName: 'broadsheet.desktop' });
  });

  it('has no file association until the shell opens files', () => {
    // main/shell handles neither `open-file` nor a path in argv: an .opml association would open
    // the app and ignore the file.
    expect(config.fileAssociations).toBeUndefined();
  });

  it('passes every rule package:check enforces', () => {
    expect(configProblems(config)).toEqual([]);
  });
});

/** Width, height and colour type of a PNG, from its IHDR chunk. */
function pngHeader(data: Buffer): { width: number; height: number; colorType: number } {
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(data.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), colorType: data[25]! };
}

/** Apple's icns run-length coding, undone: the byte count it expands to. */
function unpackedLength(data: Buffer): number {
  let n = 0;
  for (let i = 0; i < data.length; ) {
    const c = data[i]!;
    if (c < 0x80) {
      n += c + 1;
      i += c + 2;
    } else {
      n += c - 0x80 + 3;
      i += 2;
    }
  }
  return n;
}

describe('icons', () => {
  it('has a PNG with transparency at every Linux size, of that size', () => {
    for (const size of LINUX_ICON_SIZES) {
      const header = pngHeader(fs.readFileSync(at(`build/icons/${size}x${size}.png`)));
      expect(header, `${size}x${size}.png`).toEqual({ width: size, height: size, colorType: 6 });
    }
    expect(fs.readdirSync(at('build/icons')).sort()).toEqual(LINUX_ICON_SIZES.map((s) => `${s}x${s}.png`).sort());
  });

  it('has the 1024 px source render, build/icon.png', () => {
    expect(pngHeader(fs.readFileSync(at('build/icon.png')))).toEqual({ width: 1024, height: 1024, colorType: 6 });
  });

  it('has a Windows .ico with 16 to 256 px images', () => {
    const ico = fs.readFileSync(at('build/icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico[6 + i * 16] || 256);
    expect(sizes.sort((a, b) => a - b)).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('has a macOS .icns whose every entry holds an image of the size its type stands for', () => {
    const icns = fs.readFileSync(at('build/icon.icns'));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const pngSizes: Record<string, number> = { ic07: 128, ic08: 256, ic09: 512, ic10: 1024, ic11: 32, ic12: 64, ic13: 256, ic14: 512 };
    const rle: Record<string, number> = { is32: 16, il32: 32 };
    const masks: Record<string, number> = { s8mk: 16, l8mk: 32 };
    const seen: string[] = [];
    for (let at = 8; at < icns.length; ) {
      const type = icns.toString('ascii', at, at + 4);
      const length = icns.readUInt32BE(at + 4);
      const data = icns.subarray(at + 8, at + length);
      seen.push(type);
      if (type in pngSizes) {
        const { width, height } = pngHeader(data);
        expect([type, width, height]).toEqual([type, pngSizes[type], pngSizes[type]]);
      } else if (type in rle) {
        expect([type, unpackedLength(data)]).toEqual([type, rle[type]! ** 2 * 3]);
      } else if (type in masks) {
        expect([type, data.length]).toEqual([type, masks[type]! ** 2]);
      } else {
        throw new Error(`unexpected icns entry ${type}`);
      }
      at += length;
    }
    expect(seen.sort()).toEqual([...Object.keys(pngSizes), ...Object.keys(rle), ...Object.keys(masks)].sort());
  });

  it('comes from build/icon.svg, which keeps the groups build/scripts/icons.mjs switches', () => {
    const svg = fs.readFileSync(at('build/icon.svg'), 'utf8');
    expect(svg).toContain('viewBox="0 0 1024 1024"');
    expect(svg).toContain('<g id="detail">');
    expect(svg).toContain('<g id="small" display="none">');
  });
});

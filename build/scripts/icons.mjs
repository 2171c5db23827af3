// Renders every icon file the installers need from the one source, build/icon.svg:
//   build/icon.png              1024 px on Apple's grid (the Dock icon, and electron-builder's fallback)
//   build/icon.icns             macOS: PNG entries 32-1024 px, plus the 16 and 32 px RLE pairs
//   build/icons/NxN.png         Linux: every hicolor size, 16 to 1024 (electron-builder reads this folder)
//   build/icon.ico              Windows: 16-256 px, written by ImageMagick's convert when it is installed
// The outputs are committed, so packaging needs neither this script nor ImageMagick. Run it again
// after editing the SVG:  node build/scripts/icons.mjs
//
// sharp (a dependency of the app, with librsvg inside) draws the SVG. Two framings: macOS keeps
// the 100 px margin of Apple's 1024 grid; Windows and Linux icons are cropped to the tile, since
// their desktops add no margin of their own. At 32 px and below the SVG's "detail" group (thin
// text lines that would turn to grey mush) gives way to its "small" group.
//
// icon.icns is written here rather than by a package: the container is a header and a list of
// (type, length, data) entries. The types are the ones iconutil writes; icp4/icp5 (PNG at 16 and
// 32 px) are left out because Finder then refuses the icon for folders.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { LINUX_ICON_SIZES } from './package-config.mjs';

const buildDir = fileURLToPath(new URL('..', import.meta.url));
const source = fs.readFileSync(path.join(buildDir, 'icon.svg'), 'utf8');

const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
const SMALL_MAX = 32;

/** The SVG for one size and framing, as text. */
function variant(size, framing) {
  let svg = source.replace(/<svg\b[^>]*>/, (tag) =>
    tag
      .replace(/\bwidth="[^"]*"/, `width="${size}"`)
      .replace(/\bheight="[^"]*"/, `height="${size}"`)
      // The tile is 100..924; keep a hair of margin so its anti-aliased edge is not clipped.
      .replace(/\bviewBox="[^"]*"/, framing === 'tight' ? 'viewBox="92 92 840 840"' : 'viewBox="0 0 1024 1024"'),
  );
  if (size <= SMALL_MAX) {
    svg = svg.replace('<g id="detail">', '<g id="detail" display="none">').replace('<g id="small" display="none">', '<g id="small">');
  }
  return svg;
}

async function png(size, framing) {
  return sharp(Buffer.from(variant(size, framing))).png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
}

async function rgba(size, framing) {
  return sharp(Buffer.from(variant(size, framing))).ensureAlpha().raw().toBuffer();
}

/** Apple's icns run-length coding of one 8-bit channel (used by is32/il32). */
function packChannel(bytes) {
  const out = [];
  let i = 0;
  while (i < bytes.length) {
    let run = 1;
    while (i + run < bytes.length && bytes[i + run] === bytes[i] && run < 130) run++;
    if (run >= 3) {
      out.push(0x80 + run - 3, bytes[i]);
      i += run;
      continue;
    }
    // Literal bytes up to the next run of three or more (at most 128).
    const start = i;
    while (i < bytes.length && i - start < 128) {
      if (i + 2 < bytes.length && bytes[i] === bytes[i + 1] && bytes[i] === bytes[i + 2]) break;
      i++;
    }
    out.push(i - start - 1, ...bytes.subarray(start, i));
  }
  return Buffer.from(out);
}

function entry(type, data) {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'ascii');
  head.writeUInt32BE(data.length + 8, 4);
  return Buffer.concat([head, data]);
}

/** The legacy 16/32 px pair: RLE-coded R, G and B planes, and an 8-bit alpha mask. */
async function legacyPair(size, colorType, maskType) {
  const pixels = await rgba(size, 'mac');
  const n = size * size;
  const planes = [0, 1, 2].map((c) => {
    const plane = Buffer.alloc(n);
    for (let p = 0; p < n; p++) plane[p] = pixels[p * 4 + c];
    return packChannel(plane);
  });
  const mask = Buffer.alloc(n);
  for (let p = 0; p < n; p++) mask[p] = pixels[p * 4 + 3];
  return [entry(colorType, Buffer.concat(planes)), entry(maskType, mask)];
}

/** Types as iconutil writes them: the PNG ones by pixel size, @2x variants included. */
const ICNS_PNG_TYPES = [
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];

async function icns() {
  const entries = [...(await legacyPair(16, 'is32', 's8mk')), ...(await legacyPair(32, 'il32', 'l8mk'))];
  for (const [type, size] of ICNS_PNG_TYPES) entries.push(entry(type, await png(size, 'mac')));
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

function hasConvert() {
  try {
    execFileSync('convert', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function main() {
  const iconsDir = path.join(buildDir, 'icons');
  fs.mkdirSync(iconsDir, { recursive: true });
  const written = [];
  const write = (file, data) => {
    fs.writeFileSync(file, data);
    written.push(`${path.relative(path.dirname(buildDir), file)} (${(data.length / 1024).toFixed(1)} KB)`);
  };

  write(path.join(buildDir, 'icon.png'), await png(1024, 'mac'));
  for (const size of LINUX_ICON_SIZES) write(path.join(iconsDir, `${size}x${size}.png`), await png(size, 'tight'));
  write(path.join(buildDir, 'icon.icns'), await icns());

  if (hasConvert()) {
    // One PNG per size in, one .ico out; ImageMagick stores 256 px as PNG and the rest as bitmaps,
    // which every Windows tool (NSIS, rcedit, Explorer) reads.
    const inputs = ICO_SIZES.map((size) => path.join(iconsDir, `${size}x${size}.png`));
    const ico = path.join(buildDir, 'icon.ico');
    execFileSync('convert', [...inputs, ico]);
    written.push(`build/icon.ico (${(fs.statSync(ico).size / 1024).toFixed(1)} KB)`);
  } else {
    console.warn('icons: ImageMagick "convert" is not installed; build/icon.ico was left as it was.');
  }
  console.log(`icons: wrote\n  ${written.join('\n  ')}`);
}

await main();

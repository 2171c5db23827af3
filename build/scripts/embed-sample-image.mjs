// Re-embeds build/sample.jpg into main/sample/sample-image.ts, so the sample article's picture
// ships inside the app bundle (and the CLI bundle) with no file lookup at run time.
import fs from 'node:fs';

const root = new URL('../../', import.meta.url);
const b64 = fs.readFileSync(new URL('build/sample.jpg', root)).toString('base64');
fs.writeFileSync(
  new URL('main/sample/sample-image.ts', root),
  `// Generated from build/sample.jpg (an original illustration for Broadsheet's sample article).\n` +
    `// 960×540 JPEG, drawn with ImageMagick; regenerate with build/scripts/embed-sample-image.mjs.\n` +
    `export const SAMPLE_IMAGE_BASE64 =\n  '${b64}';\n`,
);

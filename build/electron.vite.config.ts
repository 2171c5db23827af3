import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (p: string) => resolve(root, p);

// One build for the three parts of the app. Output goes to out/{main,preload,renderer}.
export default defineConfig({
  main: {
    root,
    build: {
      outDir: at('out/main'),
      sourcemap: true,
      rollupOptions: {
        input: {
          index: at('main/shell/index.ts'),
          'library-worker': at('main/shell/library-worker.ts'),
          'parse-worker': at('main/ingest/parse-worker.ts'),
        },
      },
    },
  },
  preload: {
    root,
    build: {
      outDir: at('out/preload'),
      // A sandboxed preload can only require('electron'): one self-contained CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: at('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: at('renderer'),
    build: {
      outDir: at('out/renderer'),
      sourcemap: true,
      rollupOptions: { input: { index: at('renderer/index.html') } },
    },
  },
});

// Builds the Electron main process: main/desktop/entry.ts and the core it imports, bundled into one ES module
// at dist/main/main.js (package.json "main"). Electron provides `electron`; better-sqlite3 is a native module
// rebuilt for Electron at packaging time, so both stay external; electron-updater is loaded from node_modules only by a
// packaged build (main/desktop/updater.ts). Everything else (zod, undici) is bundled.
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

const external = [
  'electron',
  'better-sqlite3',
  'electron-updater',
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
];

export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: 'dist/main',
    emptyOutDir: true,
    // Electron 38 runs Node 22.
    target: 'node22',
    sourcemap: true,
    minify: false,
    reportCompressedSize: false,
    rollupOptions: {
      external,
      // The request log's writer thread is started from a file beside the bundle (main/core/store/log-writer.ts).
      input: { main: 'main/desktop/entry.ts', 'log-writer-worker': 'main/core/store/log-writer-worker.js' },
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
  ssr: { noExternal: true, external: ['electron', 'better-sqlite3', 'electron-updater'] },
});

// Builds the headless CLI (`codex-pool`, main/cli.ts) and the core it runs into plain JavaScript at dist/cli/, so
// start-up loads one bundled module instead of compiling TypeScript at run time (issue 14: ~1.45 s of module
// loading through tsx). better-sqlite3 is a native module and stays external; zod and undici are bundled, which
// saves resolving and loading their many files. The demo's simulator (test/simulator) is a dynamic import, so it
// lands in its own chunk and `serve` never loads it.
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

const external = ['better-sqlite3', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default defineConfig({
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: 'dist/cli',
    emptyOutDir: true,
    // package.json "engines": Node >= 20.19.
    target: 'node20',
    sourcemap: true,
    minify: false,
    reportCompressedSize: false,
    rollupOptions: {
      external,
      // The request log's writer thread is started from a file beside the bundle (main/core/store/log-writer.ts).
      input: { cli: 'main/cli.ts', 'log-writer-worker': 'main/core/store/log-writer-worker.js' },
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    },
  },
  ssr: { noExternal: true, external: ['better-sqlite3'] },
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The dashboard (renderer/) builds to dist/renderer, which the core serves at `/` and the desktop window loads.
// A relative base keeps asset URLs working whether the page is served over HTTP or loaded from a file.
export default defineConfig({
  // Resolved from this file, so programmatic builds (the e2e global setup) work from any working directory.
  root: fileURLToPath(new URL('renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // The CSP forbids inline scripts and styles: keep every asset a separate file.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});

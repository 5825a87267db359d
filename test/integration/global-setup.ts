import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/**
 * Builds the compiled CLI (dist/cli) once per run, so the tests that spawn `bin/codex-pool.js` run what
 * `npm run build` ships from the current sources, never a stale build left by an earlier checkout.
 */
export default async function setup(): Promise<void> {
  await build({
    configFile: fileURLToPath(new URL('../../vite.cli.config.ts', import.meta.url)),
    mode: 'production',
    logLevel: 'warn',
  });
}

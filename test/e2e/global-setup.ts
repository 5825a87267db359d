import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Builds the dashboard once, so the end-to-end tests drive the real bundle the core serves. */
export default async function setup(): Promise<void> {
  // Vitest runs with NODE_ENV=test, which Vite would bake into the bundle (React's development build): build what
  // `npm run build` ships instead.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: fileURLToPath(new URL('../../vite.config.ts', import.meta.url)),
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

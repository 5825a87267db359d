import { defineConfig } from 'vitest/config';

// Two suites: fast pure unit tests, and integration tests that start real servers (simulator, proxy,
// SQLite on temp files, Chromium, the Codex CLI). CI runs both with `npm test`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file starts its own servers on port 0; two cores, so keep the pool small.
          maxWorkers: 2,
        },
      },
    ],
  },
});

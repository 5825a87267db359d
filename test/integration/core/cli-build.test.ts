import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process';

const DIST_CLI = fileURLToPath(new URL('../../../dist/cli/', import.meta.url));

// The integration global setup built dist/cli from these sources; `bin/codex-pool.js` must run that build.
describe('the compiled CLI (dist/cli)', () => {
  it('imports nothing at run time but better-sqlite3 and Node built-ins, so it starts without tsx', () => {
    for (const file of readdirSync(DIST_CLI).filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(DIST_CLI + file, 'utf8');
      const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      for (const name of imports) expect(name).toMatch(/^(better-sqlite3|node:[a-z_/]+|\.\/[\w.-]+\.js)$/);
      expect(code).not.toMatch(/from "tsx|import\("tsx/);
    }
  });

  it('is what bin/codex-pool.js loads, never the TypeScript sources through tsx', async () => {
    // Node's ESM loader names every module it loads on stderr under NODE_DEBUG=esm.
    const cli = startCli(['help'], { NODE_DEBUG: 'esm' });
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).toContain('Usage: codex-pool');
    expect(cli.stderr()).toContain('/dist/cli/cli.js');
    expect(cli.stderr()).not.toMatch(/main\/cli\.ts|node_modules\/tsx/);
  });
});

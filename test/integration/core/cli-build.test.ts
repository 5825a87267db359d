import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../simulator';
import { startCli } from '../../helpers/cli-process';
import { startForwardProxy } from '../../helpers/forward-proxy';

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

  // The build takes undici file by file (main/core/upstream/undici-parts.ts) and gives dispatchers their request API
  // itself; in this test process undici's whole index is loaded too, so only the built server can show it works.
  it('reaches upstream through HTTP(S)_PROXY with the parts of undici it bundles', async () => {
    const sim = await createSimulator();
    const proxy = await startForwardProxy();
    const dataDir = await mkdtemp(join(tmpdir(), 'cli-build-'));
    const token = 'cli-build-admin-token-0123456789';
    const account = sim.addAccount({ email: 'build@example.com', planType: 'plus' });
    const cli = startCli(['serve', '--port', '0', '--data-dir', dataDir], {
      CODEX_POOL_ADMIN_TOKEN: token,
      CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
      CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
      HTTPS_PROXY: proxy.url,
      HTTP_PROXY: proxy.url,
    });
    try {
      const [, url] = await cli.waitForStdout(/OpenAI base URL:\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/);
      const imported = await fetch(`${url}/api/accounts/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(account.authJson()),
      });
      expect(imported.status, await imported.text()).toBe(201);
      const res = await fetch(`${url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5.5', input: 'hi' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ object: 'response', status: 'completed' });
      expect(proxy.seen).toContain(new URL(sim.url).host);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
      await proxy.close();
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

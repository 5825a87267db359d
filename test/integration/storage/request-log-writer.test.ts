import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process';
import { createSimulator, type Simulator } from '../../simulator';

// Issue 14: the request log and response owners are written by a thread of the compiled CLI. What a client was
// answered is logged even when SIGTERM follows the answer at once.
let sim: Simulator;
let dataDir: string;
beforeAll(async () => {
  sim = await createSimulator();
  dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-log-writer-'));
});
afterAll(async () => {
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the request log writer of codex-pool serve', () => {
  it('logs the answers given right before SIGTERM, from its own thread', async () => {
    const token = 'log-writer-admin-token-0123';
    const cli = startCli(['serve', '--port', '0', '--data-dir', dataDir], {
      CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
      CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
      CODEX_POOL_ADMIN_TOKEN: token,
    });
    const [, url] = await cli.waitForStdout(/OpenAI base URL:\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/);
    const imported = await fetch(`${url}/api/accounts/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(sim.addAccount({ email: 'writer@example.com' }).authJson()),
    });
    expect(imported.status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await fetch(`${url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-5.5', input: `hi ${i}` }),
      });
      expect(res.status).toBe(200);
      ids.push(((await res.json()) as { id: string }).id);
    }

    cli.child.kill('SIGTERM');
    expect(await cli.exited, cli.stderr()).toBe(0);
    // The bundled writer started (no fallback to the main thread) and stopped without losing a row.
    expect(cli.stderr()).not.toMatch(/on the main thread instead|queued database write failed/);
    const db = new Database(join(dataDir, 'codex-pool.sqlite'), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM request_log WHERE route = '/v1/responses'").get()).toEqual(
        {
          n: 3,
        },
      );
      const owners = db.prepare('SELECT response_id AS id FROM response_owners ORDER BY id').all();
      expect(owners.map((o) => (o as { id: string }).id)).toEqual([...ids].sort());
    } finally {
      db.close();
    }
  });
});

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process';

async function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const cli = startCli(args, {});
  const code = await cli.exited;
  return { code, out: cli.stdout(), err: cli.stderr() };
}

describe('codex-pool strategy', () => {
  it('changes the routing of a running server at once, and refuses unknown names', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-strategy-'));
    const server = startCli(['serve', '--port', '0', '--data-dir', dataDir], {});
    const [, port] = await server.waitForStdout(/http:\/\/127\.0\.0\.1:(\d+)\/v1/);
    try {
      const set = await run(['strategy', 'fill_first', '--port', port!, '--data-dir', dataDir]);
      expect(set.code, set.err).toBe(0);
      expect(set.out).toBe('Routing strategy set to fill_first.\n');
      const shown = await run(['strategy', '--port', port!, '--data-dir', dataDir]);
      expect(shown.out).toContain('Routing strategy: fill_first');

      const bad = await run(['strategy', 'fastest', '--port', port!, '--data-dir', dataDir]);
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('Unknown strategy "fastest". Choose one of: capacity_weighted, fill_first');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    // With no server running the choice is stored for the next start.
    const offline = await run(['strategy', 'round_robin', '--port', '1', '--data-dir', dataDir]);
    expect(offline.out).toContain('takes effect when Codex Pool starts');
    const next = startCli(['serve', '--port', '0', '--data-dir', dataDir], {});
    const [, nextPort] = await next.waitForStdout(/http:\/\/127\.0\.0\.1:(\d+)\/v1/);
    const shown = await run(['strategy', '--port', nextPort!, '--data-dir', dataDir]);
    expect(shown.out).toContain('Routing strategy: round_robin');
    next.child.kill('SIGTERM');
    await next.exited;
  });
});

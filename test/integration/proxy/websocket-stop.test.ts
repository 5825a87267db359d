import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openResponsesSocket, userItem } from '../../helpers/responses-socket';
import { startCoreOn } from '../../helpers/pool-harness';
import { createSimulator } from '../../simulator';

describe('stopping with a WebSocket response in flight', () => {
  it('delivers the whole response, then closes with 1001, and its log row survives the restart', async () => {
    const sim = await createSimulator();
    const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-ws-stop-'));
    try {
      const core = await startCoreOn(dataDir, sim);
      const account = sim.addAccount({ email: 'ws-stop@example.com', planType: 'pro' });
      const { account: record } = core.services.accounts.importAuthJson(account.authJson());
      const s = await openResponsesSocket(
        `${core.url.replace(/^http/, 'ws')}/backend-api/codex/responses`,
        {},
      );
      sim.injectFault({ kind: 'slow_first_byte', ms: 300 });
      const turn = s.turn({ input: [userItem('hi')] });
      await sim.waitForRequest((r) => r.frameType === 'response.create');
      const stopped = core.stop();

      const ended = await turn;
      expect(ended.closed).toBeUndefined();
      expect(ended.events.at(-1)).toMatchObject({ type: 'response.completed' });
      await stopped;
      expect(await s.closed).toBe(1001);

      const again = await startCoreOn(dataDir, sim);
      const { requests } = (await (await again.admin('/api/requests?limit=10')).json()) as {
        requests: { accountId: string; status: number; transport: string; outputTokens: number }[];
      };
      await again.stop();
      expect(requests).toEqual([
        expect.objectContaining({ accountId: record.id, status: 200, transport: 'websocket' }),
      ]);
      expect(requests[0]!.outputTokens).toBeGreaterThan(0);
    } finally {
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a response still open when the 10 s grace runs out is logged as cut by the stop, not by the client', async () => {
    const sim = await createSimulator();
    const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-ws-stop-'));
    try {
      const core = await startCoreOn(dataDir, sim);
      const account = sim.addAccount({ email: 'ws-stall@example.com', planType: 'pro' });
      core.services.accounts.importAuthJson(account.authJson());
      const s = await openResponsesSocket(
        `${core.url.replace(/^http/, 'ws')}/backend-api/codex/responses`,
        {},
      );
      sim.injectFault({ kind: 'stall', afterEvents: 6 });
      void s.turn({ input: [userItem('hi')] }).catch(() => undefined);
      await sim.waitForRequest((r) => r.frameType === 'response.create');
      await core.stop();
      expect(await s.closed).not.toBe(1000);

      const again = await startCoreOn(dataDir, sim);
      const { requests } = (await (await again.admin('/api/requests?limit=10')).json()) as {
        requests: { errorCode: string | null; transport: string }[];
      };
      await again.stop();
      expect(requests).toEqual([
        expect.objectContaining({ errorCode: 'server_shutting_down', transport: 'websocket' }),
      ]);
    } finally {
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

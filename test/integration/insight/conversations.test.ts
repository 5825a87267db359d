import { afterEach, describe, expect, it } from 'vitest';
import {
  conversationDetailSchema,
  conversationsInsightSchema,
  requestListSchema,
  usageInsightSchema,
  type AdminEvent,
} from '../../../shared/api';
import { hashStickyKey } from '../../../main/core/proxy/affinity';
import type { PoolHarness } from '../../helpers/pool-harness';
import { twoAccounts } from '../proxy/two-accounts';
import { collectSse } from '../../helpers/sse';

let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** One Codex-style turn of a conversation: the same prompt_cache_key, a growing input. */
async function turn(p: PoolHarness, key: string, n: number): Promise<number> {
  const res = await p.fetch('/backend-api/codex/responses', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'gpt-5.5',
      input: `turn ${n} `.repeat(50 * n),
      stream: true,
      store: false,
      prompt_cache_key: key,
    }),
  });
  if (res.status === 200) await collectSse(res.body!);
  else await res.text();
  return res.status;
}

const short = (key: string) => hashStickyKey(key).slice(0, 16);

describe('conversations through the proxy', () => {
  it('logs each hop with its cause, the cache it lost, and emits conversation_moved', async () => {
    pool = await twoAccounts(); // fill_first: new conversations go to the first account
    const [first, second] = pool.ids as [string, string];
    const moved: AdminEvent[] = [];
    pool.core.services.events.subscribe((e) => {
      if (e.type === 'conversation_moved') moved.push(e);
    });

    expect(await turn(pool, 'conv-a', 1)).toBe(200);
    expect(await turn(pool, 'conv-c', 1)).toBe(200);
    expect(await turn(pool, 'conv-a', 2)).toBe(200);
    // The first account hits its limit during conv-a's third turn: the request fails over to the second.
    pool.sim.injectFault({ kind: 'usage_limit_reached', account: pool.accounts[0]!.id, times: 1 });
    expect(await turn(pool, 'conv-a', 3)).toBe(200);
    expect(await turn(pool, 'conv-a', 4)).toBe(200);
    // conv-c is still mapped to the first account, now rate limited for an hour: it moves for the limit.
    expect(await turn(pool, 'conv-c', 2)).toBe(200);

    const a = conversationDetailSchema.parse(
      await (await pool.admin(`/api/insight/conversations/${short('conv-a')}`)).json(),
    );
    expect(a.turns.map((t) => [t.accountId, t.affinity])).toEqual([
      [first, 'new'],
      [first, 'hit'],
      [second, 'failover'],
      [second, 'hit'],
    ]);
    expect(a.hops).toHaveLength(1);
    const hop = a.hops[0]!;
    expect([hop.fromAccountId, hop.toAccountId, hop.cause]).toEqual([first, second, 'failover']);
    expect(hop.cachedShareBefore).toBeGreaterThan(0.3); // turn 2 read turn 1's prefix from the cache
    expect(hop.cachedShareAfter).toBe(0); // the new account's cache was cold

    const c = conversationDetailSchema.parse(
      await (await pool.admin(`/api/insight/conversations/${short('conv-c')}`)).json(),
    );
    expect(c.hops.map((h) => [h.fromAccountId, h.toAccountId, h.cause])).toEqual([[first, second, 'limit']]);

    expect(moved).toEqual([
      expect.objectContaining({
        conversation: short('conv-a'),
        fromAccountId: first,
        toAccountId: second,
        cause: 'failover',
      }),
      expect.objectContaining({
        conversation: short('conv-c'),
        fromAccountId: first,
        toAccountId: second,
        cause: 'limit',
      }),
    ]);

    const all = conversationsInsightSchema.parse(
      await (await pool.admin('/api/insight/conversations?range=24h')).json(),
    );
    expect(all.turns).toBe(6);
    expect(all.hops).toBe(2);
    expect(all.hopsPer100Turns).toBeCloseTo(100 / 3);
    expect(all.causes).toEqual(
      expect.arrayContaining([
        { cause: 'failover', hops: 1 },
        { cause: 'limit', hops: 1 },
      ]),
    );

    // The log filters by conversation, finds a turn by its response id, and never stores the raw key.
    const log = requestListSchema.parse(
      await (await pool.admin(`/api/requests?conversation=${short('conv-a')}`)).json(),
    );
    expect(log.total).toBe(4);
    const responseId = log.requests[0]!.responseId!;
    expect(responseId).toMatch(/^resp_/);
    const found = requestListSchema.parse(
      await (await pool.admin(`/api/requests?responseId=${encodeURIComponent(responseId)}`)).json(),
    );
    expect(found.requests.map((r) => r.id)).toEqual([log.requests[0]!.id]);
    const exported = await pool.admin(`/api/requests/export.csv?conversation=${short('conv-a')}`);
    expect(exported.headers.get('content-type')).toContain('text/csv');
    const lines = (await exported.text()).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,time,account_id,/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(log.requests.map((r) => String(r.id)));
    const everything = await (await pool.admin('/api/requests/export.csv')).text();
    expect(everything).not.toContain('conv-a'); // only the hash is stored

    const usage = usageInsightSchema.parse(
      await (await pool.admin('/api/insight/usage?range=24h&groupBy=account')).json(),
    );
    expect(usage.byAccount.find((r) => r.accountId === second)?.cached).toBeGreaterThan(0);
  });
});

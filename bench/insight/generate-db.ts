/**
 * A database the size issue 9 measures the insight views on: 200,000 logged requests over 30 days (about 20,000
 * conversations of ~10 turns, some of which hop between accounts) and 5 accounts × 30 days of minute quota
 * samples (216,000). Written through the store's own repositories, so the insight triggers fill the summary
 * tables exactly as the running app would. Deterministic (seeded).
 */
import { createHash } from 'node:crypto';
import { createKeyFileSecretBox } from '../../main/core/secrets';
import { openStore, type RequestLogInput } from '../../main/core/store';
import type { AffinityCause } from '../../shared/domain';
import { seededRandom } from '../../test/helpers/random';

/** What was generated. */
export interface GeneratedDb {
  path: string;
  accountIds: string[];
  requests: number;
  samples: number;
  /** A conversation with several turns, for the detail view. */
  sampleConversation: string;
  /** The clock the rows end at (epoch s). */
  now: number;
}

const DAYS = 30;
const MODELS = ['gpt-5.5', 'gpt-5.4', 'gpt-5.3-codex', 'gpt-5'];
const HOP_CAUSES: AffinityCause[] = ['limit', 'rebind', 'failover', 'new'];

/** Creates the database at `<dataDir>/codex-pool.sqlite`. */
export function generateInsightDb(
  dataDir: string,
  now: number,
  requests = 200_000,
  accounts = 5,
): GeneratedDb {
  const path = `${dataDir}/codex-pool.sqlite`;
  const box = createKeyFileSecretBox(dataDir);
  const store = openStore({ path, now: () => now });
  const random = seededRandom(9);
  const accountIds: string[] = [];
  for (let i = 0; i < accounts; i += 1) {
    const { account } = store.accounts.upsertFromLogin({
      chatgptAccountId: `ws-bench-${i}`,
      userId: `user-${i}`,
      email: `bench${i}@example.com`,
      planType: i === 0 ? 'pro' : 'plus',
      sealedTokens: box.seal(JSON.stringify({ idToken: 'x', accessToken: 'y', refreshToken: 'z' })),
      accessExpiresAt: now + 3600,
      lastRefreshAt: now,
    });
    accountIds.push(account.id);
  }

  // Requests, oldest first, in turns of conversations spread evenly over the 30 days.
  const start = now - DAYS * 86_400;
  const step = (DAYS * 86_400) / requests;
  const live: { key: string; account: number; turns: number }[] = [];
  let sampleConversation = '';
  let batch: RequestLogInput[] = [];
  for (let i = 0; i < requests; i += 1) {
    if (live.length < 40 || random() < 0.1) {
      const key = createHash('sha256').update(`bench-conversation-${i}`).digest('hex').slice(0, 16);
      live.push({ key, account: Math.floor(random() * accounts), turns: 0 });
    }
    const slot = Math.floor(random() * live.length);
    const conv = live[slot]!;
    let affinity: AffinityCause = conv.turns === 0 ? 'new' : 'hit';
    if (conv.turns > 0 && random() < 0.06) {
      conv.account = (conv.account + 1 + Math.floor(random() * (accounts - 1))) % accounts;
      affinity = HOP_CAUSES[Math.floor(random() * HOP_CAUSES.length)]!;
    }
    conv.turns += 1;
    if (conv.turns === 8 && sampleConversation === '') sampleConversation = conv.key;
    if (conv.turns >= 12) live.splice(slot, 1);
    const failed = random() < 0.03;
    const input = 2000 + Math.floor(random() * 60_000);
    batch.push({
      startedAt: Math.round((start + i * step) * 1000),
      accountId: accountIds[conv.account]!,
      route: '/backend-api/codex/responses',
      model: MODELS[Math.floor(random() * MODELS.length)]!,
      status: failed ? 429 : 200,
      latencyMs: 800 + Math.floor(random() * 20_000),
      ttfbMs: 200 + Math.floor(random() * 3000),
      inputTokens: failed ? null : input,
      outputTokens: failed ? null : Math.floor(random() * 4000),
      cachedTokens: failed ? null : affinity === 'hit' ? Math.floor(input * 0.8) : 0,
      reasoningTokens: failed ? null : Math.floor(random() * 1000),
      errorCode: failed ? 'usage_limit_reached' : null,
      reason: 'capacity_weighted → bench (sticky hit (rule 5), healthy, normal)',
      attempts: 1,
      stream: true,
      responseId: failed ? null : `resp_bench_${i}`,
      conversation: conv.key,
      affinity,
    });
    if (batch.length === 5000) {
      store.requests.insertMany(batch);
      batch = [];
    }
  }
  store.requests.insertMany(batch);

  // Minute quota samples for every account.
  let samples = 0;
  store.transaction(() => {
    for (const id of accountIds) {
      for (let t = start; t < now; t += 60) {
        store.quota.insert(id, {
          family: 'codex',
          primary: { usedPercent: ((t / 60) % 300) / 3, windowMinutes: 300, resetAt: t + 3600 },
          secondary: { usedPercent: ((t / 3600) % 168) / 1.68, windowMinutes: 10_080, resetAt: t + 86_400 },
          credits: null,
          limitName: null,
          recordedAt: t,
        });
        samples += 1;
      }
    }
  });
  store.close();
  return { path, accountIds, requests, samples, sampleConversation, now };
}

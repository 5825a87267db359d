import { describe, expect, it } from 'vitest';
import { toAccountDto } from '../../../main/core/accounts/account-view';
import { accountSchema } from '../../../shared/api';
import { SEED_REGISTRY, createAccountState } from '../../../main/core/balancer';
import type { AccountRecord } from '../../../main/core/store';
import type { SealedSecret } from '../../../main/core/secrets';
import { accountsTable, formatAge } from '../../../main/cli-commands/accounts';

const T = 1_800_000_000;
const record: AccountRecord = {
  id: 'acc_aaaaaaaaaaaa',
  chatgptAccountId: 'ws_1',
  userKey: 'user_1',
  email: 'a@example.com',
  planType: 'pro',
  label: null,
  status: 'quota_exceeded',
  statusReason: null,
  rateLimitKind: null,
  resetAt: T + 600,
  blockedAt: T - 60,
  routingPolicy: 'normal',
  capShortPercent: null,
  capLongPercent: null,
  priority: null,
  sealedTokens: 'v1.sealed' as SealedSecret,
  accessExpiresAt: T + 3600,
  lastRefreshAt: T - 100,
  createdAt: T - 1000,
  updatedAt: T - 100,
};

describe('toAccountDto', () => {
  it('shows quota with its recording time, a passed reset as 0 %, additional families by registry label, no tokens', () => {
    const state = createAccountState({
      id: record.id,
      idHash: 'h',
      planType: 'pro',
      status: 'quota_exceeded',
      resetAt: T + 600,
      blockedAt: T - 60,
      usage: {
        codex: {
          family: 'codex',
          primary: { usedPercent: 100, windowMinutes: 300, resetAt: T - 5 },
          secondary: { usedPercent: 100, windowMinutes: 10080, resetAt: T + 600 },
          recordedAt: T - 30,
        },
        codex_spark: {
          family: 'codex_spark',
          primary: { usedPercent: 20, windowMinutes: 300, resetAt: T + 100 },
          secondary: null,
          recordedAt: T - 10,
        },
      },
    });
    const dto = accountSchema.parse(toAccountDto(record, state, SEED_REGISTRY, T));
    expect(dto.quota.primary).toEqual({ usedPercent: 0, windowMinutes: 300, resetAt: null });
    expect(dto.quota.secondary?.usedPercent).toBe(100);
    expect(dto.quota.recordedAt).toBe(T - 30);
    expect(dto.resetAt).toBe(T + 600);
    expect(dto.quota.additional).toEqual([
      expect.objectContaining({ family: 'codex_spark', label: 'GPT-5.3-Codex-Spark', recordedAt: T - 10 }),
    ]);
    expect(JSON.stringify(dto)).not.toContain('sealed');

    const table = accountsTable([dto], T);
    expect(table[1]).toMatch(/^a@example\.com\s+pro\s+quota_exceeded\s+0%\s+100%\s+30s\s+acc_/);
  });

  it.each([
    [null, 'never'],
    [T - 5, '5s'],
    [T - 600, '10m'],
    [T - 7200, '2h'],
    [T - 3 * 86400, '3d'],
  ])('formatAge(%s) = %s', (at, text) => {
    expect(formatAge(at, T)).toBe(text);
  });
});

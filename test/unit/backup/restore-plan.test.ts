import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/api';
import {
  backupContentsSchema,
  type BackupAccount,
  type BackupContents,
} from '../../../main/core/backup/backup-contents';
import { planRestore, type RestoreTarget } from '../../../main/core/backup/restore-plan';

const account = (id: string, over: Partial<BackupAccount> = {}): BackupAccount => ({
  id,
  chatgptAccountId: `ws-${id}`,
  userKey: `user-${id}`,
  email: `${id}@example.com`,
  planType: 'plus',
  label: null,
  status: 'active',
  statusReason: null,
  rateLimitKind: null,
  resetAt: null,
  blockedAt: null,
  routingPolicy: 'normal',
  capShortPercent: null,
  capLongPercent: null,
  priority: null,
  tokens: { idToken: null, accessToken: 'at', refreshToken: 'rt' },
  accessExpiresAt: null,
  lastRefreshAt: 1000,
  createdAt: 1,
  updatedAt: 1,
  ...over,
});

const contents = (over: Partial<BackupContents> = {}): BackupContents => ({
  schemaVersion: 1,
  accounts: [],
  settings: DEFAULT_SETTINGS,
  apiKeys: [],
  registry: [],
  ...over,
});
const empty: RestoreTarget = {
  accounts: [],
  settings: DEFAULT_SETTINGS,
  apiKeyHashes: new Set(),
  registry: [],
};
const META = { createdAt: '2026-12-01T00:00:00.000Z', app: 'codex-pool 0.1.0', warning: 'w' };

describe('planRestore', () => {
  it('matches accounts here by workspace and member, whatever their ids', () => {
    const here = { id: 'acc_here', chatgptAccountId: 'ws-a', userKey: 'user-a', lastRefreshAt: 500 };
    const { plan, idMap } = planRestore(
      contents({ accounts: [account('a'), account('b')] }),
      { ...empty, accounts: [here] },
      META,
    );
    expect(plan.accounts.map((a) => [a.backupId, a.action, a.targetId])).toEqual([
      ['a', 'update', 'acc_here'],
      ['b', 'create', 'b'],
    ]);
    expect(plan).toMatchObject({ created: 1, updated: 1 });
    expect([...idMap]).toEqual([
      ['a', 'acc_here'],
      ['b', 'b'],
    ]);
  });

  it('a member of the same workspace with another user key is a different account', () => {
    const here = { id: 'acc_x', chatgptAccountId: 'ws-a', userKey: 'someone-else', lastRefreshAt: 1 };
    const { plan } = planRestore(
      contents({ accounts: [account('a')] }),
      { ...empty, accounts: [here] },
      META,
    );
    expect(plan.accounts[0]!.action).toBe('create');
  });

  it('gives a new account a fresh id when its backup id is taken here by another account', () => {
    const here = { id: 'a', chatgptAccountId: 'ws-other', userKey: 'u', lastRefreshAt: 1 };
    const { plan } = planRestore(
      contents({ accounts: [account('a')] }),
      { ...empty, accounts: [here] },
      META,
    );
    expect(plan.accounts[0]).toMatchObject({
      action: 'create',
      targetId: expect.stringMatching(/^acc_[a-z2-7]{12}$/),
    });
    // The same file against the same pool gives the same plan, so a preview can be checked at apply time.
    const again = planRestore(contents({ accounts: [account('a')] }), { ...empty, accounts: [here] }, META);
    expect(again.plan).toEqual(plan);
  });

  it.each([
    [1000, 500, 'backup'],
    [1000, 1000, 'backup'],
    [500, 1000, 'kept'],
    [null, 1000, 'kept'],
    [1000, null, 'backup'],
  ] as const)('backup refreshed at %s, here at %s: tokens from %s', (backupAt, hereAt, winner) => {
    const here = { id: 'acc_here', chatgptAccountId: 'ws-a', userKey: 'user-a', lastRefreshAt: hereAt };
    const { plan } = planRestore(
      contents({ accounts: [account('a', { lastRefreshAt: backupAt })] }),
      { ...empty, accounts: [here] },
      META,
    );
    expect(plan.accounts[0]!.tokens).toBe(winner);
  });

  it('lists the settings that differ, with the pin translated to the id here', () => {
    const here = { id: 'acc_here', chatgptAccountId: 'ws-a', userKey: 'user-a', lastRefreshAt: 1 };
    const { plan, settings } = planRestore(
      contents({
        accounts: [account('a')],
        settings: { ...DEFAULT_SETTINGS, routingStrategy: 'fill_first', pinnedAccountId: 'a' },
      }),
      { ...empty, accounts: [here] },
      META,
    );
    expect(settings.pinnedAccountId).toBe('acc_here');
    expect(plan.settings).toEqual([
      { key: 'routingStrategy', current: 'capacity_weighted', backup: 'fill_first' },
      { key: 'pinnedAccountId', current: null, backup: 'acc_here' },
    ]);
  });

  it('keeps the current pin when the backup pins an account it does not hold', () => {
    const { settings, plan } = planRestore(
      contents({ settings: { ...DEFAULT_SETTINGS, pinnedAccountId: 'gone' } }),
      { ...empty, settings: { ...DEFAULT_SETTINGS, pinnedAccountId: 'acc_mine' } },
      META,
    );
    expect(settings.pinnedAccountId).toBe('acc_mine');
    expect(plan.settings).toEqual([]);
  });

  it('counts API keys by hash and registry entries by content', () => {
    const key = (hash: string) => ({
      id: `key_${hash[0]}`,
      name: 'k',
      prefix: 'cp-x',
      keyHash: hash,
      createdAt: 1,
      lastUsedAt: null,
      revokedAt: null,
    });
    const entry = (quotaKey: string, label = 'L') => ({
      quotaKey,
      label,
      modelIds: [],
      limitNames: [],
      meteredFeatures: [],
      appliesToPlans: [],
      routingPolicy: 'inherit' as const,
    });
    const { plan } = planRestore(
      contents({
        apiKeys: [key('a'.repeat(64)), key('b'.repeat(64))],
        registry: [entry('same'), entry('changed', 'new label'), entry('new')],
        requests: [],
      }),
      { ...empty, apiKeyHashes: new Set(['a'.repeat(64)]), registry: [entry('same'), entry('changed')] },
      META,
    );
    expect(plan.apiKeys).toEqual({ added: 1, present: 1 });
    expect(plan.registry).toEqual({ added: 1, changed: 1, unchanged: 1 });
    expect(plan.requests).toBe(0);
  });
});

describe('backups from before issue 12', () => {
  it('restore without caps, priority or notification settings: those take their defaults', () => {
    const { notifyPoolLowPercent: _n, notifyConversationMoved: _m, ...oldSettings } = DEFAULT_SETTINGS;
    const { capShortPercent: _s, capLongPercent: _l, priority: _p, ...oldAccount } = account('a');
    const parsed = backupContentsSchema.parse({
      ...contents(),
      accounts: [oldAccount],
      settings: oldSettings,
    });
    expect(parsed.settings.notifyPoolLowPercent).toBe(90);
    expect(parsed.settings.notifyConversationMoved).toBe(false);
    expect(parsed.accounts[0]).toMatchObject({ capShortPercent: null, capLongPercent: null, priority: null });
  });
});

import { readFileSync } from 'node:fs';
import {
  accountImportResultSchema,
  accountListSchema,
  type AccountDto,
  type AccountImportResult,
} from '../../shared/api';
import type { CoreConfig } from '../core/config';
import { SHARED_LOGIN_WARNING } from '../core/admin/accounts-routes';
import { callRunningServer } from './running-server';
import { withOfflineServices } from './offline-services';

type Out = (line: string) => void;

async function serverError(res: Response): Promise<Error> {
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  return new Error(body.error?.message ?? `the running server answered HTTP ${res.status}`);
}

/**
 * `codex-pool import FILE`: imports an auth.json (Codex CLI or OpenCode shape). Through the running server when
 * one answers on the configured port (the account is routable at once), else straight into the data dir.
 */
export async function importCommand(config: CoreConfig, file: string | undefined, out: Out): Promise<number> {
  if (file === undefined)
    throw new Error('Usage: codex-pool import FILE  (a Codex CLI or OpenCode auth.json)');
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const res = await callRunningServer(config, '/api/accounts/import', {
    method: 'POST',
    body: JSON.stringify(text),
  });
  let result: AccountImportResult;
  if (res !== null) {
    if (!res.ok) throw await serverError(res);
    result = accountImportResultSchema.parse(await res.json());
  } else {
    result = await withOfflineServices(config, (services) => {
      const imported = services.accounts.importAuthJson(text);
      return {
        account: services.accounts.view(imported.account.id),
        created: imported.created,
        format: imported.format,
        ...(imported.format === 'codex' ? { warning: SHARED_LOGIN_WARNING } : {}),
      };
    });
  }
  const a = result.account;
  out(
    `${result.created ? 'Imported' : 'Updated'} ${a.email ?? a.chatgptAccountId} (${a.planType ?? 'unknown plan'}) as ${a.id}` +
      (res === null ? ' — restart a running Codex Pool to see it.' : '.'),
  );
  if (result.warning) out(`Warning: ${result.warning}`);
  return 0;
}

const pct = (value: number | undefined | null): string =>
  value === undefined || value === null ? '—' : `${Math.round(value)}%`;

/** "12s", "5m", "3h", "2d" ago; "never" without data. */
export function formatAge(recordedAt: number | null, now: number): string {
  if (recordedAt === null) return 'never';
  const s = Math.max(0, now - recordedAt);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** The accounts table: email, plan, status, 5 h %, weekly %, data age. Pure. */
export function accountsTable(accounts: readonly AccountDto[], now: number): string[] {
  const header = ['EMAIL', 'PLAN', 'STATUS', '5H', 'WEEKLY', 'DATA AGE', 'ID'];
  const rows = accounts.map((a) => [
    a.label ? `${a.email ?? '—'} (${a.label})` : (a.email ?? '—'),
    a.planType ?? '—',
    a.status,
    pct(a.quota.primary?.usedPercent),
    pct(a.quota.secondary?.usedPercent),
    formatAge(a.quota.recordedAt, now),
    a.id,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** `codex-pool accounts`: the table, from the running server when there is one, else from the data dir. */
export async function accountsCommand(config: CoreConfig, out: Out): Promise<number> {
  const res = await callRunningServer(config, '/api/accounts');
  let accounts: AccountDto[];
  let now = Math.floor(Date.now() / 1000);
  if (res !== null) {
    if (!res.ok) throw await serverError(res);
    const list = accountListSchema.parse(await res.json());
    accounts = list.accounts;
    now = list.now ?? now;
  } else {
    accounts = await withOfflineServices(config, (services) => services.accounts.list());
  }
  if (accounts.length === 0) {
    out(
      'No accounts yet. Add one with `codex-pool import ~/.codex/auth.json` or the dashboard’s browser login.',
    );
    return 0;
  }
  for (const line of accountsTable(accounts, now)) out(line);
  for (const a of accounts) if (a.lastError) out(`${a.email ?? a.id}: ${a.lastError}`);
  return 0;
}

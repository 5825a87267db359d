import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
import { AuthDataError } from '../core/accounts/jwt';
import type { Services } from '../core/services';

type Out = (line: string) => void;

async function serverError(res: Response): Promise<Error> {
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  return new Error(body.error?.message ?? `the running server answered HTTP ${res.status}`);
}

/** What one file's import came to. */
type FileResult = { file: string; result: AccountImportResult } | { file: string; error: string };

/**
 * The files an `import` argument list names: a folder stands for the `.json` files directly inside it (sorted),
 * `-` for stdin.
 */
export function expandImportArgs(args: readonly string[]): string[] {
  return args.flatMap((arg) => {
    if (arg === '-' || !statSync(arg, { throwIfNoEntry: false })?.isDirectory()) return [arg];
    return readdirSync(arg)
      .filter((name) => name.toLowerCase().endsWith('.json'))
      .sort()
      .map((name) => join(arg, name));
  });
}

/**
 * `codex-pool import FILE… | FOLDER | -`: imports auth.json files (Codex CLI or OpenCode shape). Through the
 * running server when one answers on the configured port (the accounts are routable at once), else straight
 * into the data dir. One file fails on its own error; several get a line each and a summary, and a bad file
 * does not stop the others.
 */
export async function importCommand(config: CoreConfig, list: readonly string[], out: Out): Promise<number> {
  if (list.length === 0)
    throw new Error('Usage: codex-pool import FILE… | FOLDER | -  (Codex CLI or OpenCode auth.json files)');
  const files = expandImportArgs(list);
  if (files.length === 0) throw new Error(`No .json files in ${list.join(', ')}.`);
  const single = files.length === 1 && list.length === 1 && files[0] === list[0];

  const inputs = files.map((file): { file: string; text: string } | { file: string; error: string } => {
    try {
      return { file, text: readFileSync(file === '-' ? 0 : file, 'utf8') };
    } catch (err) {
      if (single) throw err;
      return { file, error: `cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  });
  const online = (await callRunningServer(config, '/api/health')) !== null;
  const results: FileResult[] = [];
  if (online) {
    for (const input of inputs) {
      if ('error' in input) {
        results.push(input);
        continue;
      }
      const res = await callRunningServer(config, '/api/accounts/import', {
        method: 'POST',
        body: JSON.stringify(input.text),
      });
      if (res === null) results.push({ file: input.file, error: 'the running Codex Pool stopped answering' });
      else if (res.ok)
        results.push({ file: input.file, result: accountImportResultSchema.parse(await res.json()) });
      else if (single) throw await serverError(res);
      else results.push({ file: input.file, error: (await serverError(res)).message });
    }
  } else {
    // One opening of the data dir for every file.
    await withOfflineServices(config, (services) => {
      for (const input of inputs) {
        results.push('error' in input ? input : importOffline(services, input.file, input.text, single));
      }
    });
  }

  const note = online ? '.' : ' — restart a running Codex Pool to see it.';
  if (single) {
    const only = results[0]!;
    if ('error' in only) throw new Error(only.error);
    out(describeImport(only.result) + note);
    if (only.result.warning) out(`Warning: ${only.result.warning}`);
    return 0;
  }
  for (const entry of results) {
    out(
      `${entry.file}: ${'error' in entry ? `not imported — ${entry.error}` : describeImport(entry.result)}`,
    );
  }
  const failed = results.filter((r) => 'error' in r).length;
  out(
    `${results.length - failed} of ${results.length} files imported${failed ? `, ${failed} failed` : ''}` +
      (online ? '.' : ' — restart a running Codex Pool to see them.'),
  );
  const warning = results.find((r) => 'result' in r && r.result.warning);
  if (warning && 'result' in warning) out(`Warning: ${warning.result.warning}`);
  return failed > 0 ? 1 : 0;
}

function importOffline(services: Services, file: string, text: string, single: boolean): FileResult {
  try {
    const imported = services.accounts.importAuthJson(text);
    return {
      file,
      result: {
        account: services.accounts.view(imported.account.id),
        created: imported.created,
        format: imported.format,
        ...(imported.format === 'codex' ? { warning: SHARED_LOGIN_WARNING } : {}),
      },
    };
  } catch (err) {
    if (single || !(err instanceof AuthDataError)) throw err;
    return { file, error: err.message };
  }
}

function describeImport(result: AccountImportResult): string {
  const a = result.account;
  return `${result.created ? 'Imported' : 'Updated'} ${a.email ?? a.chatgptAccountId} (${a.planType ?? 'unknown plan'}) as ${a.id}`;
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

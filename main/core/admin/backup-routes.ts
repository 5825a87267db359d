/**
 * Backup and restore of the whole pool (issue 10): `POST /api/backup` returns the encrypted file,
 * `POST /api/backup/restore` previews or applies one, and `POST /api/accounts/pause-all` is the "pause everything
 * here" a user runs on the old machine once the pool lives elsewhere. The passphrase travels in the request body
 * only, is never logged and never stored.
 */
import {
  backupCreateBodySchema,
  restoreBodySchema,
  type BackupFile,
  type PauseAllResult,
  type RestoreResult,
} from '../../../shared/api';
import type { Handler, Route } from '../http/router';
import { sendJson } from '../http/respond';
import { readJson } from '../http/body';
import { parseOrThrow } from '../http/validate';
import { HttpError } from '../http/http-error';
import type { Logger } from '../log';
import type { AccountService } from '../accounts/account-service';
import { BackupError, SINGLE_USE_WARNING, type BackupErrorCode } from '../backup/backup-file';
import type { BackupService } from '../backup/backup-service';
import { SecretBoxError } from '../secrets';
import { adminOnly } from './admin-routes';
import type { GuardOptions } from './guard';

/** What the backup routes need. */
export interface BackupRoutesContext {
  guard: GuardOptions;
  backup: BackupService;
  accounts: AccountService;
  now: () => number;
  log: Logger;
}

/** A backup with years of request history is large; the file is base64 of gzip, well under this. */
const RESTORE_BODY_LIMIT = 64 * 1024 * 1024;

const STATUS: Record<BackupErrorCode, number> = {
  weak_passphrase: 400,
  wrong_passphrase: 400,
  not_a_backup: 422,
  damaged: 422,
  truncated: 422,
  unsupported_parameters: 422,
  newer_version: 422,
  plan_changed: 409,
};

const guarded = (ctx: BackupRoutesContext, handler: Handler): Handler =>
  adminOnly(ctx.guard, async (req, res, params) => {
    try {
      await handler(req, res, params);
    } catch (err) {
      if (err instanceof BackupError) throw new HttpError(STATUS[err.code], err.code, err.message);
      // A token this machine cannot open (sealed by another keychain) stops a backup; the message names no secret.
      if (err instanceof SecretBoxError) throw new HttpError(409, err.code, err.message);
      throw err;
    }
  });

/** `codex-pool-2026-12-01.backup`. */
function backupFileName(now: number): string {
  return `codex-pool-${new Date(now * 1000).toISOString().slice(0, 10)}.backup`;
}

/** The backup routes. */
export function backupRoutes(ctx: BackupRoutesContext): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/backup',
      handler: guarded(ctx, async (req, res) => {
        const body = parseOrThrow(backupCreateBodySchema, await readJson(req, 16 * 1024));
        const made = await ctx.backup.create(body.passphrase, { includeHistory: body.includeHistory });
        ctx.log.info('backup created', { accounts: made.accounts, requests: made.requests });
        const file: BackupFile = {
          fileName: backupFileName(ctx.now()),
          backup: made.text,
          accounts: made.accounts,
          requests: made.requests,
          warning: SINGLE_USE_WARNING,
        };
        sendJson(res, 200, file);
      }),
    },
    {
      method: 'POST',
      path: '/api/backup/restore',
      handler: guarded(ctx, async (req, res) => {
        const body = parseOrThrow(restoreBodySchema, await readJson(req, RESTORE_BODY_LIMIT));
        const plan = body.apply
          ? await ctx.backup.restore(body.backup, body.passphrase, body.expectDigest)
          : await ctx.backup.preview(body.backup, body.passphrase);
        if (body.apply) ctx.log.info('backup restored', { created: plan.created, updated: plan.updated });
        const result: RestoreResult = { applied: body.apply, plan };
        sendJson(res, 200, result);
      }),
    },
    {
      method: 'POST',
      path: '/api/accounts/pause-all',
      handler: guarded(ctx, (_req, res) => {
        const paused = ctx.accounts.pauseAll();
        ctx.log.info('every account paused', { paused });
        const result: PauseAllResult = { paused, accounts: ctx.accounts.list() };
        sendJson(res, 200, result);
      }),
    },
  ];
}

import { settingsPatchSchema, type Settings } from '../../../shared/api';
import type { Route } from '../http/router';
import { sendJson } from '../http/respond';
import { readJson } from '../http/body';
import { parseOrThrow } from '../http/validate';
import { HttpError } from '../http/http-error';
import type { SettingsService } from '../settings/settings-service';
import { adminOnly } from './admin-routes';
import type { GuardOptions } from './guard';

/** What the settings routes need. */
export interface SettingsRoutesContext {
  guard: GuardOptions;
  settings: SettingsService;
  accountExists(id: string): boolean;
  /**
   * The host when the server is bound to a non-loopback address, else null. Proxy API keys are then enforced
   * whatever the stored setting says, so the API shows `requireApiKey: true` and refuses to turn it off.
   */
  exposedHost: string | null;
}

/** `GET/PATCH /api/settings`. */
export function settingsRoutes(ctx: SettingsRoutesContext): Route[] {
  // What holds, not what is stored: a setting the server overrides is never shown as if it applied.
  const effective = (settings: Settings): Settings =>
    ctx.exposedHost === null ? settings : { ...settings, requireApiKey: true };
  return [
    {
      method: 'GET',
      path: '/api/settings',
      handler: adminOnly(ctx.guard, (_req, res) => sendJson(res, 200, effective(ctx.settings.get()))),
    },
    {
      method: 'PATCH',
      path: '/api/settings',
      handler: adminOnly(ctx.guard, async (req, res) => {
        const patch = parseOrThrow(settingsPatchSchema, await readJson(req, 64 * 1024));
        if (patch.requireApiKey === false && ctx.exposedHost !== null) {
          throw new HttpError(
            409,
            'setting_enforced',
            `Proxy API keys stay required: Codex Pool is bound to ${ctx.exposedHost}, which is reachable from the ` +
              'network. Bind it to 127.0.0.1 (--host) to let local clients in without a key.',
            { param: 'requireApiKey' },
          );
        }
        if (patch.pinnedAccountId != null && !ctx.accountExists(patch.pinnedAccountId)) {
          throw new HttpError(400, 'invalid_request', `No account with id "${patch.pinnedAccountId}".`, {
            param: 'pinnedAccountId',
          });
        }
        sendJson(res, 200, effective(ctx.settings.update(patch)));
      }),
    },
  ];
}

import {
  deviceStartResultSchema,
  oauthStartResultSchema,
  oauthStatusSchema,
  type OAuthStatus,
} from '../../shared/api';
import type { CoreConfig } from '../core/config';
import { callRunningServer } from './running-server';

const POLL_INTERVAL_MS = 1_000;

/**
 * `codex-pool login [--device]`: adds a ChatGPT account through the running server, which owns the OAuth callback
 * listener (browser login) or polls the auth server (device code, for machines without a browser).
 */
export async function loginCommand(
  config: CoreConfig,
  device: boolean,
  out: (line: string) => void,
): Promise<number> {
  const started = await callRunningServer(config, device ? '/api/oauth/device/start' : '/api/oauth/start', {
    method: 'POST',
    body: '{}',
  });
  if (started === null) {
    throw new Error(
      `No Codex Pool answers on ${config.host}:${config.port}. Start it with \`codex-pool serve\`, then run login again.`,
    );
  }
  const body: unknown = await started.json();
  if (!started.ok) throw new Error(serverMessage(body, started.status));
  let loginId: string;
  let expiresAt: number;
  if (device) {
    const d = deviceStartResultSchema.parse(body);
    ({ loginId, expiresAt } = d);
    out(`Open ${d.verificationUrl} on any device and enter the code: ${d.userCode}`);
  } else {
    const b = oauthStartResultSchema.parse(body);
    ({ loginId, expiresAt } = b);
    out('Open this link in a browser and sign in to the ChatGPT account to add:');
    out(`  ${b.authorizeUrl}`);
  }
  out('Waiting for the sign-in to finish… (Ctrl+C to give up)');
  const status = await waitForLogin(config, loginId, expiresAt);
  if (status.state === 'success' && status.account) {
    const who = status.account.email ?? status.account.chatgptAccountId;
    out(
      `${status.created === false ? 'Updated' : 'Added'} ${who} (${status.account.planType ?? 'unknown plan'}).`,
    );
    return 0;
  }
  throw new Error(status.message ?? 'The sign-in did not finish.');
}

async function waitForLogin(config: CoreConfig, loginId: string, expiresAt: number): Promise<OAuthStatus> {
  for (;;) {
    const res = await callRunningServer(config, `/api/oauth/status?loginId=${encodeURIComponent(loginId)}`);
    if (res === null) throw new Error('Codex Pool stopped before the sign-in finished.');
    const body: unknown = await res.json();
    if (!res.ok) throw new Error(serverMessage(body, res.status));
    const status = oauthStatusSchema.parse(body);
    if (status.state !== 'pending') return status;
    if (Date.now() / 1000 > expiresAt) throw new Error('The sign-in link expired; run login again.');
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

function serverMessage(body: unknown, status: number): string {
  const message = (body as { error?: { message?: string } } | null)?.error?.message;
  return message ?? `Codex Pool answered HTTP ${status}.`;
}

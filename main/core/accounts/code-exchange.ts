/**
 * The authorization-code exchange (PROTOCOL.md §1.3) and the device-code endpoints (§1.6), as thin calls on
 * the auth-server client. Errors are {@link LoginError}s whose messages are safe to show: they quote the auth
 * server's error code and description, never a token or a code.
 */
import type { UpstreamClient } from '../upstream/client';
import { OAUTH_CLIENT_ID } from './oauth-constants';
import { refreshErrorCode } from './refresh-outcome';
import type { TokenSet } from './token-service';

/** A login that could not complete; the message is for the user. */
export class LoginError extends Error {
  override readonly name = 'LoginError';
}

async function readJsonBody(res: { body: { text(): Promise<string> } }): Promise<unknown> {
  const text = await res.body.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `error_description`, `error.message`, or the error code of either shape (§1.3). */
export function describeAuthError(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.error === 'object' && b.error !== null) {
    const e = b.error as Record<string, unknown>;
    if (typeof e.message === 'string') return e.message;
    if (typeof e.code === 'string') return e.code;
  }
  if (typeof b.error_description === 'string') return b.error_description;
  return typeof b.error === 'string' ? b.error : null;
}

/** Trades an authorization code for the three tokens (form-encoded, §1.3). */
export async function exchangeCode(
  auth: UpstreamClient,
  input: { code: string; redirectUri: string; codeVerifier: string },
): Promise<TokenSet> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: input.code,
    redirect_uri: input.redirectUri,
    client_id: OAUTH_CLIENT_ID,
    code_verifier: input.codeVerifier,
  });
  let status: number;
  let body: unknown;
  try {
    const res = await auth.send(
      'POST',
      '/oauth/token',
      { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      form.toString(),
    );
    status = res.statusCode;
    body = await readJsonBody(res);
  } catch (err) {
    throw new LoginError(`Could not reach the sign-in server: ${(err as Error).message}`);
  }
  if (status < 200 || status >= 300) {
    const why = describeAuthError(body) ?? `HTTP ${status}`;
    throw new LoginError(`The sign-in server refused the code exchange: ${why}`);
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { id_token: idToken, access_token: accessToken, refresh_token: refreshToken } = b;
  if (typeof idToken !== 'string' || typeof accessToken !== 'string' || typeof refreshToken !== 'string') {
    throw new LoginError('The sign-in server answered without the id, access and refresh tokens.');
  }
  return { idToken, accessToken, refreshToken };
}

/** A device code to show the user (§1.6). Times are epoch seconds. */
export interface DeviceCode {
  deviceAuthId: string;
  userCode: string;
  intervalS: number;
  expiresAt: number;
}

const DEVICE_CODE_LIFETIME_S = 900;

function parseExpiry(b: Record<string, unknown>, now: number): number {
  if (typeof b.expires_in === 'number' && b.expires_in > 0) return now + Math.floor(b.expires_in);
  if (typeof b.expires_at === 'number' && b.expires_at > now) return Math.floor(b.expires_at);
  if (typeof b.expires_at === 'string') {
    const ms = Date.parse(b.expires_at);
    if (Number.isFinite(ms) && ms / 1000 > now) return Math.floor(ms / 1000);
  }
  return now + DEVICE_CODE_LIFETIME_S;
}

/** Asks for a device code. A 404 means device login is not enabled (§1.6). */
export async function requestDeviceCode(auth: UpstreamClient, now: number): Promise<DeviceCode> {
  let status: number;
  let body: unknown;
  try {
    const res = await auth.send(
      'POST',
      '/api/accounts/deviceauth/usercode',
      { 'content-type': 'application/json', accept: 'application/json' },
      JSON.stringify({ client_id: OAUTH_CLIENT_ID }),
    );
    status = res.statusCode;
    body = await readJsonBody(res);
  } catch (err) {
    throw new LoginError(`Could not reach the sign-in server: ${(err as Error).message}`);
  }
  if (status === 404)
    throw new LoginError('Device-code login is not enabled; use the browser login instead.');
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const userCode = typeof b.user_code === 'string' ? b.user_code : b.usercode;
  if (status < 200 || status >= 300 || typeof b.device_auth_id !== 'string' || typeof userCode !== 'string') {
    throw new LoginError(
      `The sign-in server refused a device code: ${describeAuthError(body) ?? `HTTP ${status}`}`,
    );
  }
  const interval = Number(b.interval);
  return {
    deviceAuthId: b.device_auth_id,
    userCode,
    intervalS: Number.isFinite(interval) && interval > 0 ? interval : 5,
    expiresAt: parseExpiry(b, now),
  };
}

/** One poll of the device token endpoint: still pending, or the code and the server's verifier. */
export type DevicePoll =
  | { kind: 'pending'; slowDown: boolean }
  | { kind: 'approved'; code: string; codeVerifier: string }
  | { kind: 'failed'; message: string };

/** Polls once (§1.6 step 3): 403/404 and `authorization_pending` / `slow_down` mean "not yet". */
export async function pollDeviceToken(auth: UpstreamClient, device: DeviceCode): Promise<DevicePoll> {
  let status: number;
  let body: unknown;
  try {
    const res = await auth.send(
      'POST',
      '/api/accounts/deviceauth/token',
      { 'content-type': 'application/json', accept: 'application/json' },
      JSON.stringify({ device_auth_id: device.deviceAuthId, user_code: device.userCode }),
    );
    status = res.statusCode;
    body = await readJsonBody(res);
  } catch {
    return { kind: 'pending', slowDown: false }; // a network blip: try again at the next interval
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (status >= 200 && status < 300) {
    if (typeof b.authorization_code === 'string' && typeof b.code_verifier === 'string') {
      return { kind: 'approved', code: b.authorization_code, codeVerifier: b.code_verifier };
    }
    return {
      kind: 'failed',
      message: 'The sign-in server approved the device without an authorization code.',
    };
  }
  const code = refreshErrorCode(body);
  if (status === 403 || status === 404 || code === 'authorization_pending' || code === 'slow_down') {
    return { kind: 'pending', slowDown: code === 'slow_down' };
  }
  const why = describeAuthError(body);
  if (status >= 500 || status === 429) return { kind: 'pending', slowDown: status === 429 };
  return { kind: 'failed', message: `The device login failed: ${why ?? `HTTP ${status}`}` };
}

import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FaultQueue } from './faults';
import { httpFault } from './faults';
import { sendJson, str } from './http-util';
import type { Account, Session, SimState } from './state';
import { CODEX_CLIENT_ID } from './state';
import type { AccountInit, AccountRef } from './types';

/** Who logs in at the next authorize / device approval, or a refusal. */
export type LoginChoice = AccountRef | AccountInit | { deny: { error: string; description: string } };

interface AuthCode {
  account: Account;
  redirectUri: string;
  challenge: string;
  clientId: string;
  expiresAt: number;
}

/** A device-code login (PROTOCOL.md §1.6). */
export interface DeviceLogin {
  deviceAuthId: string;
  userCode: string;
  expiresAt: number;
  /** Set once approved: the account that logs in. */
  account?: Account;
}

const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

const oauthError = (res: ServerResponse, status: number, error: string, description: string): void =>
  sendJson(res, status, { error, error_description: description });

/** Refresh failures use the nested shape `{"error":{"code","message"}}` (PROTOCOL.md §1.3). */
const refreshError = (res: ServerResponse, code: string, message: string): void =>
  sendJson(res, 401, { error: { code, message, type: 'invalid_request_error' } });

export class OAuthService {
  private readonly codes = new Map<string, AuthCode>();
  readonly devices: DeviceLogin[] = [];
  private nextLogin: LoginChoice | undefined;
  private loginSeq = 0;
  autoApproveDevice = false;
  deviceIntervalSeconds = 5;

  constructor(
    private readonly state: SimState,
    private readonly faults: FaultQueue,
    private readonly authBaseUrl: () => string,
  ) {}

  setNextLogin(choice: LoginChoice | undefined): void {
    this.nextLogin = choice;
  }

  /** One-shot choice, else the first account, else a freshly created one (a demo login with no accounts). */
  private takeLogin(): Account | { error: string; description: string } {
    const choice = this.nextLogin;
    this.nextLogin = undefined;
    if (choice && typeof choice === 'object' && 'deny' in choice) return choice.deny;
    if (choice && typeof choice === 'object' && !('id' in choice)) return this.state.addAccount(choice);
    if (choice !== undefined) return this.state.get(choice);
    const first = this.state.accounts[0];
    if (first) return first;
    this.loginSeq += 1;
    return this.state.addAccount({ email: `login${this.loginSeq}@example.com`, planType: 'plus' });
  }

  private issueCode(code: Omit<AuthCode, 'expiresAt'>): string {
    const value = `ac_${randomBytes(24).toString('base64url')}`;
    this.codes.set(value, { ...code, expiresAt: this.state.now() + 600 });
    return value;
  }

  /** `GET /oauth/authorize`: validate like the real server, then auto-approve with a 302. */
  authorize(res: ServerResponse, q: URLSearchParams): void {
    const redirectUri = q.get('redirect_uri');
    const challenge = q.get('code_challenge');
    const state = q.get('state') ?? '';
    if (q.get('client_id') !== CODEX_CLIENT_ID)
      return oauthError(res, 400, 'invalid_client', 'Unknown client_id');
    if (q.get('response_type') !== 'code')
      return oauthError(res, 400, 'unsupported_response_type', 'response_type must be code');
    if (!redirectUri) return oauthError(res, 400, 'invalid_request', 'redirect_uri is required');
    if (!challenge || q.get('code_challenge_method') !== 'S256') {
      return oauthError(res, 400, 'invalid_request', 'PKCE with code_challenge_method=S256 is required');
    }
    const target = new URL(redirectUri);
    const login = this.takeLogin();
    if ('error' in login) {
      target.searchParams.set('error', login.error);
      target.searchParams.set('error_description', login.description);
    } else {
      const code = this.issueCode({ account: login, redirectUri, challenge, clientId: CODEX_CLIENT_ID });
      target.searchParams.set('code', code);
    }
    target.searchParams.set('state', state);
    res.writeHead(302, { location: target.toString(), 'content-length': 0 });
    res.end();
  }

  /** `POST /oauth/token`: code exchange and refresh (JSON or form, PROTOCOL.md §1.3–1.4). */
  token(res: ServerResponse, body: Record<string, unknown>): Account | undefined {
    const grant = str(body['grant_type']);
    if (grant === 'authorization_code') return this.exchange(res, body);
    if (grant === 'refresh_token') return this.refresh(res, body);
    oauthError(res, 400, 'unsupported_grant_type', `grant_type ${grant ?? '(none)'} is not supported`);
    return undefined;
  }

  private exchange(res: ServerResponse, body: Record<string, unknown>): Account | undefined {
    const code = str(body['code']) ?? '';
    const entry = this.codes.get(code);
    // Codes are single-use whatever the outcome, like the real server.
    this.codes.delete(code);
    if (!entry || entry.expiresAt <= this.state.now()) {
      oauthError(res, 400, 'invalid_grant', 'Invalid or expired authorization code');
      return undefined;
    }
    if (str(body['client_id']) !== entry.clientId) {
      oauthError(res, 401, 'invalid_client', 'client_id does not match the authorization request');
      return undefined;
    }
    if (str(body['redirect_uri']) !== entry.redirectUri) {
      oauthError(res, 400, 'invalid_grant', 'redirect_uri does not match the authorization request');
      return undefined;
    }
    const verifier = str(body['code_verifier']);
    if (!verifier || s256(verifier) !== entry.challenge) {
      oauthError(res, 400, 'invalid_grant', 'code_verifier does not match code_challenge');
      return undefined;
    }
    this.sendTokens(res, this.state.startSession(entry.account));
    return entry.account;
  }

  private refresh(res: ServerResponse, body: Record<string, unknown>): Account | undefined {
    const token = str(body['refresh_token']) ?? '';
    const account = this.state.sessionOfRefresh(token)?.account;
    const fault = this.faults.take(
      'token',
      (f) => !f.account || (!!account && this.state.find(f.account) === account),
    );
    if (fault) {
      const f = httpFault(fault, {
        model: '',
        planType: account?.planType ?? 'unknown',
        now: this.state.now(),
      });
      sendJson(res, f.status, f.body, f.headers);
      return account;
    }
    if (str(body['client_id']) !== CODEX_CLIENT_ID) {
      oauthError(res, 401, 'invalid_client', 'Unknown client_id');
      return account;
    }
    const outcome = this.state.refresh(token);
    if (outcome === 'refresh_token_reused') {
      refreshError(
        res,
        outcome,
        'Your refresh token has already been used to generate a new access token. Please try signing in again.',
      );
    } else if (outcome === 'refresh_token_expired') {
      refreshError(res, outcome, 'Your refresh token has expired. Please try signing in again.');
    } else if (outcome === 'refresh_token_invalidated') {
      refreshError(res, outcome, 'Your refresh token has been invalidated. Please try signing in again.');
    } else {
      this.sendTokens(res, outcome);
    }
    return account;
  }

  private sendTokens(res: ServerResponse, s: Session): void {
    sendJson(res, 200, {
      id_token: s.tokens.idToken,
      access_token: s.tokens.accessToken,
      refresh_token: s.tokens.refreshToken,
      expires_in: s.accessExp - this.state.now(),
      token_type: 'Bearer',
      scope: 'openid profile email offline_access',
    });
  }

  /** `POST /oauth/revoke` (RFC 7009: 200 even for unknown tokens). */
  revoke(res: ServerResponse, body: Record<string, unknown>): void {
    const token = str(body['token']);
    if (token) this.state.revoke(token);
    sendJson(res, 200, {});
  }

  /** `POST /api/accounts/deviceauth/usercode`. */
  deviceUsercode(res: ServerResponse, body: Record<string, unknown>): void {
    if (str(body['client_id']) !== CODEX_CLIENT_ID)
      return oauthError(res, 400, 'invalid_client', 'Unknown client_id');
    const letters = () => randomBytes(4).toString('hex').toUpperCase().slice(0, 4);
    const device: DeviceLogin = {
      deviceAuthId: `deviceauth_${randomBytes(12).toString('hex')}`,
      userCode: `${letters()}-${letters()}`,
      expiresAt: this.state.now() + 900,
    };
    this.devices.push(device);
    if (this.autoApproveDevice) this.approveDevice(device.userCode);
    sendJson(res, 200, {
      device_auth_id: device.deviceAuthId,
      user_code: device.userCode,
      usercode: device.userCode,
      interval: String(this.deviceIntervalSeconds),
      expires_at: new Date(device.expiresAt * 1000).toISOString(),
    });
  }

  /** Approve a pending device login (the latest when no code is given), as the next-login account. */
  approveDevice(userCode?: string, who?: LoginChoice): DeviceLogin {
    const device = userCode
      ? this.devices.find((d) => d.userCode === userCode)
      : [...this.devices].reverse().find((d) => !d.account);
    if (!device) throw new Error('no pending device login');
    if (who !== undefined) this.nextLogin = who;
    const login = this.takeLogin();
    if ('error' in login) throw new Error('a device login cannot be denied; leave it pending instead');
    device.account = login;
    return device;
  }

  /** `POST /api/accounts/deviceauth/token`: 403 while pending, then the code and the server's verifier. */
  deviceToken(res: ServerResponse, body: Record<string, unknown>): void {
    const device = this.devices.find(
      (d) => d.deviceAuthId === str(body['device_auth_id']) && d.userCode === str(body['user_code']),
    );
    if (!device)
      return sendJson(res, 404, { error: { code: 'device_auth_not_found', message: 'Unknown device code' } });
    if (device.expiresAt <= this.state.now()) {
      return sendJson(res, 410, { error: { code: 'device_code_expired', message: 'Device code expired' } });
    }
    if (!device.account) {
      return sendJson(res, 403, {
        error: { code: 'authorization_pending', message: 'Authorization pending' },
      });
    }
    const verifier = randomBytes(64).toString('base64url');
    const challenge = s256(verifier);
    const code = this.issueCode({
      account: device.account,
      redirectUri: `${this.authBaseUrl()}/deviceauth/callback`,
      challenge,
      clientId: CODEX_CLIENT_ID,
    });
    // One code per approval: forget the device so a second poll does not mint another.
    this.devices.splice(this.devices.indexOf(device), 1);
    sendJson(res, 200, { authorization_code: code, code_challenge: challenge, code_verifier: verifier });
  }
}

/**
 * Browser (authorization code + PKCE) and device-code logins (PROTOCOL.md §1.1–1.3, §1.6). A login runs in
 * the background; the admin API starts it and polls its status. Every successful login ends in
 * `AccountService.addLogin`, so identity and de-duplication are the same as for an import.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log';
import type { UpstreamClient } from '../upstream/client';
import type { AccountService, AddedAccount } from './account-service';
import { bindCallbackServer, loginPage, sendPage, type BoundCallback } from './callback-server';
import {
  exchangeCode,
  LoginError,
  pollDeviceToken,
  requestDeviceCode,
  type DeviceCode,
} from './code-exchange';
import {
  DEVICE_AUTH_REDIRECT_PATH,
  OAUTH_CALLBACK_PATH,
  OAUTH_CALLBACK_PORTS,
  OAUTH_CLIENT_ID,
  OAUTH_ORIGINATOR,
  OAUTH_SCOPE,
  redirectUriForPort,
} from './oauth-constants';
import { buildAuthorizeUrl, createPkce, createState } from './pkce';
import { classifyStorageError, describeStorageProblem } from '../store/storage-health';

/** Where a login stands. `accountId` and `created` on success, `message` on error. */
export interface LoginStatus {
  loginId: string;
  kind: 'browser' | 'device';
  state: 'pending' | 'success' | 'error';
  accountId?: string;
  created?: boolean;
  message?: string;
}

/** Dependencies of {@link LoginManager}. */
export interface LoginManagerDeps {
  /** The auth-server client (base URL = `authBaseUrl`). */
  auth: UpstreamClient;
  authBaseUrl: string;
  accounts: Pick<AccountService, 'addLogin'>;
  now: () => number;
  log: Logger;
  /** Callback ports in order (default 1455, 1457). 0 binds any free port (tests). */
  callbackPorts?: readonly number[];
  bindRetries?: number;
  bindRetryDelayMs?: number;
  /** A login not finished after this long is abandoned (default 600 s). */
  timeoutS?: number;
  /** Overrides the device poll interval the server asks for (tests). */
  devicePollIntervalMs?: number;
  /** Told when a login finishes, for the event stream. */
  onFinished?: (status: LoginStatus) => void;
}

/** Finished logins stay readable this long. */
const KEEP_FINISHED_S = 1800;
const ENTITLEMENT_MESSAGE =
  'Codex is not enabled for this workspace. Ask its admin to enable Codex, or sign in with another workspace.';

interface Login {
  status: LoginStatus;
  startedAt: number;
  timeoutS: number;
  finishedAt: number | null;
  timer: NodeJS.Timeout;
  abort: AbortController;
  callback?: BoundCallback;
}

/** Runs logins. One browser login at a time (they share the callback port); device logins are independent. */
export class LoginManager {
  private readonly logins = new Map<string, Login>();
  private browser: Login | undefined;

  constructor(private readonly deps: LoginManagerDeps) {}

  /** Starts a browser login and returns the URL to open. A pending browser login is cancelled first. */
  async startBrowser(): Promise<{ loginId: string; authorizeUrl: string; expiresAt: number }> {
    this.prune();
    if (this.browser?.status.state === 'pending')
      await this.finish(this.browser, 'error', 'Replaced by a new login.');
    const pkce = createPkce();
    const state = createState();
    const login = this.newLogin('browser');
    let redirectUri = '';
    try {
      login.callback = await bindCallbackServer(
        (req, res) => void this.onCallback(login, req, res, state, pkce.verifier, redirectUri),
        {
          host: '127.0.0.1',
          ports: this.deps.callbackPorts ?? OAUTH_CALLBACK_PORTS,
          retries: this.deps.bindRetries ?? 10,
          retryDelayMs: this.deps.bindRetryDelayMs ?? 200,
        },
      );
    } catch (err) {
      await this.finish(login, 'error', (err as Error).message);
      throw err;
    }
    redirectUri = redirectUriForPort(login.callback.port);
    this.browser = login;
    const authorizeUrl = buildAuthorizeUrl({
      issuer: this.deps.authBaseUrl,
      clientId: OAUTH_CLIENT_ID,
      redirectUri,
      scope: OAUTH_SCOPE,
      challenge: pkce.challenge,
      state,
      originator: OAUTH_ORIGINATOR,
    });
    return { loginId: login.status.loginId, authorizeUrl, expiresAt: this.expiresAt(login) };
  }

  /** Starts a device-code login; the code is approved on another device while we poll in the background. */
  async startDevice(): Promise<{
    loginId: string;
    verificationUrl: string;
    userCode: string;
    expiresAt: number;
  }> {
    this.prune();
    const device = await requestDeviceCode(this.deps.auth, this.deps.now());
    const login = this.newLogin('device', device.expiresAt - this.deps.now());
    void this.pollDevice(login, device);
    return {
      loginId: login.status.loginId,
      verificationUrl: `${this.deps.authBaseUrl.replace(/\/+$/, '')}/codex/device`,
      userCode: device.userCode,
      expiresAt: device.expiresAt,
    };
  }

  /** The status of a login, or undefined for an unknown (or long finished) id. */
  status(loginId: string): LoginStatus | undefined {
    this.prune();
    const login = this.logins.get(loginId);
    return login ? { ...login.status } : undefined;
  }

  /** Cancels a pending login. */
  async cancel(loginId: string): Promise<void> {
    const login = this.logins.get(loginId);
    if (login?.status.state === 'pending') await this.finish(login, 'error', 'Login cancelled.');
  }

  /** Cancels every pending login and closes the callback server (core shutdown). */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.logins.values()]
        .filter((l) => l.status.state === 'pending')
        .map((l) => this.finish(l, 'error', 'Codex Pool is shutting down.')),
    );
  }

  private newLogin(kind: 'browser' | 'device', timeoutS = this.deps.timeoutS ?? 600): Login {
    const loginId = `login_${randomBytes(12).toString('hex')}`;
    const login: Login = {
      status: { loginId, kind, state: 'pending' },
      startedAt: this.deps.now(),
      timeoutS,
      finishedAt: null,
      abort: new AbortController(),
      timer: setTimeout(() => {
        void this.finish(login, 'error', 'The login timed out; start it again.');
      }, timeoutS * 1000),
    };
    login.timer.unref();
    this.logins.set(loginId, login);
    return login;
  }

  private expiresAt(login: Login): number {
    return login.startedAt + login.timeoutS;
  }

  private async onCallback(
    login: Login,
    req: IncomingMessage,
    res: ServerResponse,
    state: string,
    verifier: string,
    redirectUri: string,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/cancel') {
      sendPage(res, 200, loginPage('error', 'This login was cancelled.'));
      await this.finish(login, 'error', 'Login cancelled: another login took over the callback port.');
      return;
    }
    if (url.pathname === '/success') {
      sendPage(res, 200, loginPage('success', 'Your account was added to the pool.'));
      return;
    }
    if (url.pathname !== OAUTH_CALLBACK_PATH) {
      sendPage(res, 404, loginPage('error', 'Not found.'));
      return;
    }
    // A stray or forged callback must not end the real login: refuse it and keep waiting (§1.1).
    if (url.searchParams.get('state') !== state) {
      sendPage(res, 400, loginPage('error', 'State mismatch'));
      return;
    }
    if (login.status.state !== 'pending') {
      sendPage(res, 409, loginPage('error', 'This login has already finished.'));
      return;
    }
    const error = url.searchParams.get('error');
    if (error !== null) {
      const description = url.searchParams.get('error_description') ?? '';
      const message =
        error === 'access_denied' && description.includes('missing_codex_entitlement')
          ? ENTITLEMENT_MESSAGE
          : `Sign-in failed: ${error}${description ? ` (${description})` : ''}`;
      sendPage(res, 200, loginPage('error', message));
      await this.finish(login, 'error', message);
      return;
    }
    const code = url.searchParams.get('code');
    if (!code) {
      sendPage(res, 400, loginPage('error', 'The callback carried no authorization code.'));
      await this.finish(login, 'error', 'The callback carried no authorization code.');
      return;
    }
    const outcome = await this.complete(login, () =>
      exchangeCode(this.deps.auth, { code, redirectUri, codeVerifier: verifier }),
    );
    sendPage(
      res,
      200,
      outcome.state === 'success'
        ? loginPage('success', 'Your account was added to the pool.')
        : loginPage('error', outcome.message ?? 'Sign-in failed.'),
    );
    await this.closeCallback(login);
  }

  private async pollDevice(login: Login, device: DeviceCode): Promise<void> {
    let intervalMs = this.deps.devicePollIntervalMs ?? device.intervalS * 1000;
    while (login.status.state === 'pending') {
      await abortableSleep(intervalMs, login.abort.signal);
      if (login.status.state !== 'pending') return;
      if (this.deps.now() >= device.expiresAt) {
        await this.finish(login, 'error', 'The device code expired before it was approved; start again.');
        return;
      }
      const poll = await pollDeviceToken(this.deps.auth, device);
      if (poll.kind === 'pending') {
        if (poll.slowDown) intervalMs += 5000;
        continue;
      }
      if (poll.kind === 'failed') {
        await this.finish(login, 'error', poll.message);
        return;
      }
      const redirectUri = `${this.deps.authBaseUrl.replace(/\/+$/, '')}${DEVICE_AUTH_REDIRECT_PATH}`;
      await this.complete(login, () =>
        exchangeCode(this.deps.auth, { code: poll.code, redirectUri, codeVerifier: poll.codeVerifier }),
      );
    }
  }

  /** Exchanges, adds the account and records the outcome. */
  private async complete(
    login: Login,
    exchange: () => Promise<Parameters<AccountService['addLogin']>[0]>,
  ): Promise<LoginStatus> {
    try {
      const tokens = await exchange();
      if (login.status.state !== 'pending') return login.status;
      const added: AddedAccount = this.deps.accounts.addLogin(tokens);
      login.status.accountId = added.account.id;
      login.status.created = added.created;
      await this.finish(login, 'success');
    } catch (err) {
      const disk = classifyStorageError(err);
      const message =
        err instanceof LoginError || (err as Error).name === 'AuthDataError'
          ? (err as Error).message
          : disk !== null
            ? `The login could not be saved: ${describeStorageProblem(disk).reason}. ${describeStorageProblem(disk).fix} and sign in again.`
            : 'The login could not be saved; see the Codex Pool log.';
      if (!(err instanceof LoginError)) this.deps.log.error('login failed', { err });
      await this.finish(login, 'error', message);
    }
    return login.status;
  }

  private async finish(login: Login, state: 'success' | 'error', message?: string): Promise<void> {
    if (login.status.state !== 'pending') return;
    login.status.state = state;
    if (message !== undefined) login.status.message = message;
    login.finishedAt = this.deps.now();
    clearTimeout(login.timer);
    login.abort.abort();
    if (state === 'error') this.deps.log.info('login failed', { loginId: login.status.loginId, message });
    else
      this.deps.log.info('login succeeded', {
        loginId: login.status.loginId,
        accountId: login.status.accountId,
      });
    this.deps.onFinished?.({ ...login.status });
    await this.closeCallback(login);
  }

  private async closeCallback(login: Login): Promise<void> {
    const callback = login.callback;
    login.callback = undefined;
    if (this.browser === login) this.browser = undefined;
    // Not awaited: close() waits for the request being answered, whose page is written after this returns.
    if (callback) void callback.close();
  }

  private prune(): void {
    const now = this.deps.now();
    for (const [id, login] of this.logins) {
      if (login.finishedAt !== null && now - login.finishedAt > KEEP_FINISHED_S) this.logins.delete(id);
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref();
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

import { randomBytes } from 'node:crypto';

/** Cookie that carries a dashboard session. HttpOnly, SameSite=Strict: scripts and other sites never see it. */
export const SESSION_COOKIE = 'cp_session';

const LOGIN_CODE_TTL_S = 10 * 60;
const SESSION_TTL_S = 30 * 24 * 3600;

/**
 * Dashboard sessions, in memory. `serve` prints a one-time login URL carrying a short-lived code; opening it
 * trades the code for a session cookie, so the long-lived admin token never appears in a URL or a browser
 * history. A restart forgets the sessions, and the new start prints a new URL.
 */
export class SessionStore {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** A fresh single-use login code, valid for ten minutes. */
  createLoginCode(): string {
    this.sweep();
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, this.now() + LOGIN_CODE_TTL_S);
    return code;
  }

  /** Trades a login code for a session id; null when the code is unknown, used or expired. */
  redeem(code: string): string | null {
    const expiresAt = this.codes.get(code);
    this.codes.delete(code);
    if (expiresAt === undefined || expiresAt < this.now()) return null;
    const session = randomBytes(32).toString('base64url');
    this.sessions.set(session, this.now() + SESSION_TTL_S);
    return session;
  }

  /** True when the session id is live. */
  isValid(session: string): boolean {
    const expiresAt = this.sessions.get(session);
    return expiresAt !== undefined && expiresAt >= this.now();
  }

  /** Ends a session (logout). */
  revoke(session: string): void {
    this.sessions.delete(session);
  }

  private sweep(): void {
    const t = this.now();
    for (const [code, exp] of this.codes) if (exp < t) this.codes.delete(code);
    for (const [id, exp] of this.sessions) if (exp < t) this.sessions.delete(id);
  }
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

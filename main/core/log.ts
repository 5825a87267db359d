/**
 * The core's logger: levelled, one line per record, and redacting. Every string that reaches a sink passes
 * through {@link redactSecrets}, so a token that slips into a message or an error never lands in a log.
 */

/** Log levels in increasing severity. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The logger every core module receives. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET_PATTERNS: RegExp[] = [
  // JWTs (id and access tokens): three base64url parts, the first two starting with '{"' encoded.
  /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g,
  // OAuth refresh tokens, proxy API keys, OpenAI API keys.
  /\b(?:rt|cp|sk)[-_][\w-]{8,}/g,
  // Any bearer credential.
  /(bearer\s+)[^\s"',;]+/gi,
  // OAuth query parameters (an authorization code is as good as a token until it is exchanged).
  /([?&](?:code|code_verifier|state|refresh_token|access_token|id_token)=)[^&\s"']+/gi,
  // JSON fields and key=value pairs that carry secrets (not `code`, which names error codes in JSON).
  /((?:code_verifier|refresh_token|access_token|id_token|api_key|token|password|secret)["']?\s*[=:]\s*["']?)[^\s"'&,;}]+/gi,
];

/** Replaces anything that looks like a credential with `[redacted]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    // Patterns with a capture group keep their prefix (`Bearer `, `refresh_token":"`); for the others the
    // second argument is the match offset, a number.
    out = out.replace(pattern, (_match, prefix: unknown) =>
      typeof prefix === 'string' ? `${prefix}[redacted]` : '[redacted]',
    );
  }
  return out;
}

/** Creates a logger writing redacted JSON lines to `write` (stderr by default) at or above `level`. */
export function createLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  now: () => Date = () => new Date(),
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (LOG_LEVELS.indexOf(lvl) < threshold) return;
    const record = { t: now().toISOString(), level: lvl, msg, ...normalise(fields) };
    write(redactSecrets(JSON.stringify(record)));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function normalise(fields?: Record<string, unknown>): Record<string, unknown> {
  if (!fields) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
  }
  return out;
}

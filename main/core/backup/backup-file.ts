/**
 * The encrypted backup file (issue 10): a readable, versioned header and one AES-256-GCM ciphertext under a key
 * derived from the user's passphrase with scrypt. No I/O here: callers read and write the text.
 *
 *     CODEX-POOL-BACKUP
 *     {"formatVersion":1,…,"warning":"…","kdf":{…},"cipher":{…},"check":"…","payloadBytes":…}
 *     <base64 of ciphertext ‖ tag>
 *
 * The first two lines, byte for byte as written, are the associated data of the cipher, so editing any header
 * field (the parameters, the warning, the version) makes the file fail authentication instead of decrypting
 * under other rules. The passphrase is never stored; `check` lets a wrong passphrase be told apart from a damaged
 * file without weakening anything: it comes from a separate half of the scrypt output, so testing a guess costs
 * the same scrypt run either way.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BACKUP_SINGLE_USE_WARNING } from '../../../shared/api';

/** The first line of every backup file. */
export const BACKUP_MAGIC = 'CODEX-POOL-BACKUP';
/** The format this build writes and the newest it reads. */
export const BACKUP_FORMAT_VERSION = 1;

/** Shown in the file's header and in every backup flow (one text, shared with the dashboard). */
export const SINGLE_USE_WARNING = BACKUP_SINGLE_USE_WARNING;

/**
 * scrypt cost. N = 2^17, r = 8, p = 1 is OWASP's recommended minimum for scrypt: 128 MiB of memory and a few
 * hundred milliseconds per guess on a laptop. A backup is made rarely and may sit in cloud storage where an
 * attacker can guess offline, so it gets more than an interactive login would.
 */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
/** The weakest and strongest scrypt costs a file may state; outside them it is refused before any work. */
const MIN_N = 2 ** 14;
const MAX_N = 2 ** 20;
const MAX_SCRYPT_MEMORY = 512 * 1024 * 1024;
/** Shortest passphrase accepted for a new backup. */
export const MIN_PASSPHRASE_LENGTH = 8;

const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const CHECK_LABEL = 'codex-pool-backup:passphrase-check';

/** The scrypt parameters of one file. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** The parsed header of a backup file. */
export interface BackupHeader {
  formatVersion: number;
  createdAt: string;
  app: string;
  warning: string;
  kdf: ScryptParams & { name: 'scrypt'; keyLength: 32; salt: string };
  cipher: { name: 'aes-256-gcm'; nonce: string; tagLength: 16 };
  /** The payload encoding inside the ciphertext. */
  encoding: 'gzip+json';
  check: string;
  /** Bytes of ciphertext plus tag, so a truncated file is named as such. */
  payloadBytes: number;
}

/** Why a backup file could not be written or read. Messages are for people and never hold a secret. */
export type BackupErrorCode =
  | 'not_a_backup'
  | 'newer_version'
  | 'unsupported_parameters'
  | 'wrong_passphrase'
  | 'damaged'
  | 'truncated'
  | 'weak_passphrase'
  /** The pool changed between a restore's preview and its apply. */
  | 'plan_changed';

/** A backup failure; nothing was changed when one is thrown. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function deriveKeys(
  passphrase: string,
  salt: Buffer,
  params: ScryptParams,
): Promise<{ key: Buffer; check: Buffer }> {
  return new Promise((resolve, reject) => {
    // node's default maxmem (32 MiB) is below N = 2^17; allow what the stated parameters need.
    const maxmem = 2 * 128 * params.N * params.r;
    scrypt(passphrase.normalize('NFC'), salt, 64, { ...params, maxmem }, (err, out) => {
      if (err) return reject(err);
      const check = createHmac('sha256', out.subarray(32)).update(CHECK_LABEL).digest();
      resolve({ key: out.subarray(0, 32), check });
    });
  });
}

/** Options of {@link encryptBackup}. */
export interface EncryptOptions {
  /** The app name and version written in the header. */
  app: string;
  now: Date;
  /** scrypt cost; defaults to {@link DEFAULT_SCRYPT}. Tests lower it to stay fast. */
  scrypt?: ScryptParams;
}

/** Encrypts `contents` (any JSON value) under `passphrase`; returns the file's text. */
export async function encryptBackup(
  contents: unknown,
  passphrase: string,
  options: EncryptOptions,
): Promise<string> {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new BackupError(
      'weak_passphrase',
      `The passphrase is too short: use at least ${MIN_PASSPHRASE_LENGTH} characters (a few words is best).`,
    );
  }
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  assertParams(params);
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const { key, check } = await deriveKeys(passphrase, salt, params);
  const plain = gzipSync(Buffer.from(JSON.stringify(contents), 'utf8'));
  const header: BackupHeader = {
    formatVersion: BACKUP_FORMAT_VERSION,
    createdAt: options.now.toISOString(),
    app: options.app,
    warning: SINGLE_USE_WARNING,
    kdf: {
      name: 'scrypt',
      N: params.N,
      r: params.r,
      p: params.p,
      keyLength: 32,
      salt: salt.toString('base64'),
    },
    cipher: { name: 'aes-256-gcm', nonce: nonce.toString('base64'), tagLength: TAG_BYTES },
    encoding: 'gzip+json',
    check: check.toString('base64'),
    payloadBytes: plain.length + TAG_BYTES,
  };
  const head = `${BACKUP_MAGIC}\n${JSON.stringify(header)}`;
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(head, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return `${head}\n${body.toString('base64')}\n`;
}

/** Reads the header without the passphrase (to show the warning and parameters, or refuse early). */
export function readBackupHeader(text: string): { header: BackupHeader; head: string; body: string } {
  const firstBreak = text.indexOf('\n');
  if (firstBreak < 0 || text.slice(0, firstBreak).replace(/\r$/, '') !== BACKUP_MAGIC) {
    throw new BackupError(
      'not_a_backup',
      'This is not a Codex Pool backup file (it does not start with CODEX-POOL-BACKUP).',
    );
  }
  const secondBreak = text.indexOf('\n', firstBreak + 1);
  if (secondBreak < 0) throw truncated();
  const headerLine = text.slice(firstBreak + 1, secondBreak);
  let raw: unknown;
  try {
    raw = JSON.parse(headerLine);
  } catch {
    throw damaged('its header is not readable');
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw damaged('its header has no format version');
  }
  // Checked before anything else in the header: a newer format may have changed every other field.
  if (version > BACKUP_FORMAT_VERSION) {
    throw new BackupError(
      'newer_version',
      `This backup was made by a newer Codex Pool (backup format ${version}); this version reads format ` +
        `${BACKUP_FORMAT_VERSION}. Update Codex Pool, then restore again. Nothing was changed.`,
    );
  }
  const header = raw as BackupHeader;
  if (
    header.kdf?.name !== 'scrypt' ||
    header.cipher?.name !== 'aes-256-gcm' ||
    header.encoding !== 'gzip+json' ||
    typeof header.check !== 'string' ||
    typeof header.payloadBytes !== 'number'
  ) {
    throw damaged('its header names an unknown cipher or key derivation');
  }
  assertParams(header.kdf);
  return {
    header,
    // JSON escapes carriage returns, so any here came from a CRLF conversion and were not authenticated.
    head: text.slice(0, secondBreak).replace(/\r/g, ''),
    body: text.slice(secondBreak + 1),
  };
}

/** Decrypts a backup file's text; throws {@link BackupError} for a wrong passphrase or a damaged file. */
export async function decryptBackup(
  text: string,
  passphrase: string,
): Promise<{ header: BackupHeader; contents: unknown }> {
  const { header, head, body } = readBackupHeader(text);
  const payload = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const salt = Buffer.from(header.kdf.salt, 'base64');
  const nonce = Buffer.from(header.cipher.nonce, 'base64');
  if (salt.length !== SALT_BYTES || nonce.length !== NONCE_BYTES)
    throw damaged('its salt or nonce has the wrong length');
  // Before the passphrase: a cut-short file cannot be restored whatever the passphrase.
  if (payload.length < header.payloadBytes) throw truncated();
  if (payload.length > header.payloadBytes) throw damaged('it holds more data than its header says');
  const { key, check } = await deriveKeys(passphrase, salt, header.kdf);
  const expected = Buffer.from(header.check, 'base64');
  if (expected.length !== check.length || !timingSafeEqual(expected, check)) {
    throw new BackupError(
      'wrong_passphrase',
      'The passphrase does not match this backup. Check it (it is case-sensitive) and try again. Nothing was changed.',
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(head, 'utf8'));
  decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
  let plain: Buffer;
  try {
    plain = Buffer.concat([
      decipher.update(payload.subarray(0, payload.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw damaged('its contents or header were altered');
  }
  try {
    return { header, contents: JSON.parse(gunzipSync(plain).toString('utf8')) as unknown };
  } catch {
    throw damaged('its contents cannot be unpacked');
  }
}

function assertParams(params: ScryptParams): void {
  const { N, r, p } = params;
  const ok =
    Number.isInteger(N) &&
    Number.isInteger(r) &&
    Number.isInteger(p) &&
    N >= MIN_N &&
    N <= MAX_N &&
    (N & (N - 1)) === 0 &&
    r >= 1 &&
    r <= 32 &&
    p >= 1 &&
    p <= 16 &&
    128 * N * r <= MAX_SCRYPT_MEMORY;
  if (!ok) {
    throw new BackupError(
      'unsupported_parameters',
      `This backup states scrypt parameters this version does not accept (N=${N}, r=${r}, p=${p}). Nothing was changed.`,
    );
  }
}

function damaged(why: string): BackupError {
  return new BackupError(
    'damaged',
    `This backup file is damaged: ${why}. Use another copy of the backup. Nothing was changed.`,
  );
}

function truncated(): BackupError {
  return new BackupError(
    'truncated',
    'This backup file is incomplete (cut short while copying or downloading). Use a complete copy. Nothing was changed.',
  );
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  SEALED_PREFIXES,
  SecretBoxError,
  unwrapSealed,
  type SealedSecret,
  type SecretBox,
} from './secret-box';

/** Name of the AES key file inside the data dir. */
export const KEY_FILE_NAME = 'secret.key';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Binds ciphertexts to this format version, so a future v2 cannot be confused with v1 bytes.
const AAD = Buffer.from('codex-pool:v1');

/** Options of {@link createKeyFileSecretBox}. */
export interface KeyFileSecretBoxOptions {
  /** Receives notices such as "tightened permissions of …". */
  log?: (msg: string) => void;
}

/**
 * The headless {@link SecretBox}: AES-256-GCM with a random 12-byte IV per seal and a 32-byte key kept
 * in `<dataDir>/secret.key` (mode 0600). The key file is created on first use and never overwritten.
 * Sealed format: `v1:<base64(iv | tag | ciphertext)>`.
 */
export function createKeyFileSecretBox(dataDir: string, options: KeyFileSecretBoxOptions = {}): SecretBox {
  const path = join(dataDir, KEY_FILE_NAME);
  const key = loadOrCreateKey(path, options.log ?? (() => {}));
  const cannotOpen = (): SecretBoxError => cannotOpenWith(path);
  return {
    kind: 'key-file',
    seal(plain: string): SealedSecret {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(AAD);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const body = Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
      return `${SEALED_PREFIXES.keyFile}${body}` as SealedSecret;
    },
    open(sealed: SealedSecret): string {
      const raw = unwrapSealed(
        sealed,
        SEALED_PREFIXES.keyFile,
        SEALED_PREFIXES.safeStorage,
        'This secret was sealed by the OS keychain (desktop app) and cannot be opened with the key file.',
        cannotOpen,
      );
      if (raw.length < IV_BYTES + TAG_BYTES) throw cannotOpen();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(AAD);
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
        return plain.toString('utf8');
      } catch {
        // The crypto error says nothing useful and the input must not be echoed; one clear message instead.
        throw cannotOpen();
      }
    },
  };
}

function cannotOpenWith(path: string): SecretBoxError {
  // Names the key file: the usual cause is a key file replaced or restored apart from its database (issue 8).
  return new SecretBoxError(
    'cannot_open',
    `Could not open a saved login with the key file ${path}: the login was sealed with a different ${KEY_FILE_NAME} ` +
      '(was the key file replaced, or the database copied without it?) or has been altered. ' +
      'Put the original key file back and restart, or sign in to the account again.',
  );
}

function loadOrCreateKey(path: string, log: (msg: string) => void): Buffer {
  const created = createKeyFileExclusively(path);
  if (created) return created;
  if (process.platform !== 'win32') {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
      log(`Tightened permissions of ${path} from ${mode.toString(8).padStart(4, '0')} to 0600.`);
    }
  }
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SecretBoxError(
      'bad_key_file',
      `Cannot read the key file ${path} (${code}); the saved logins cannot be opened without it. ` +
        'Make it a readable file (mode 0600) owned by the user running Codex Pool, or restore it from a backup.',
    );
  }
  if (key.length !== KEY_BYTES) {
    // Never overwrite: a replaced key would make every stored secret unreadable.
    throw new SecretBoxError(
      'bad_key_file',
      `The key file ${path} is damaged (expected ${KEY_BYTES} bytes, found ${key.length}). ` +
        'Restore it from a backup, or move it away and log in to every account again.',
    );
  }
  return key;
}

/**
 * Writes a new key to a private temp file and hard-links it into place: the link fails if another
 * process won the race, and a reader never sees a half-written key. Returns null when the file exists.
 */
function createKeyFileExclusively(path: string): Buffer | null {
  try {
    statSync(path);
    return null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(KEY_BYTES);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, key);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (process.platform !== 'win32') chmodSync(tmp, 0o600);
    linkSync(tmp, path);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

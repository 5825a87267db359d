import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  KEY_FILE_NAME,
  SecretBoxError,
  createKeyFileSecretBox,
  createSafeStorageSecretBox,
  ensureDataDir,
  isSealedSecret,
  type SafeStorageLike,
  type SealedSecret,
} from '../../../main/core/secrets';

const posix = process.platform !== 'win32';
const PLAIN = JSON.stringify({
  idToken: 'eyJid.tok.en',
  accessToken: 'eyJacc.ess.tok',
  refreshToken: 'rt_refresh_secret',
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-pool-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function openError(fn: () => unknown): SecretBoxError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SecretBoxError);
    return err as SecretBoxError;
  }
  throw new Error('expected a SecretBoxError');
}

describe('key-file SecretBox', () => {
  it('round-trips, with a fresh IV per seal and no plaintext in the sealed text', () => {
    const box = createKeyFileSecretBox(dir);
    expect(box.kind).toBe('key-file');
    const a = box.seal(PLAIN);
    const b = box.seal(PLAIN);
    expect(a).not.toBe(b);
    expect(a.startsWith('v1:')).toBe(true);
    expect(isSealedSecret(a)).toBe(true);
    expect(box.open(a)).toBe(PLAIN);
    expect(box.open(b)).toBe(PLAIN);
    for (const piece of ['rt_refresh_secret', 'eyJacc', 'refreshToken']) {
      expect(a).not.toContain(piece);
      expect(a).not.toContain(Buffer.from(piece).toString('base64').slice(0, 8));
    }
    expect(box.open(box.seal(''))).toBe('');
  });

  it.skipIf(!posix)('creates a 32-byte key file with mode 0600', () => {
    createKeyFileSecretBox(dir);
    const path = join(dir, KEY_FILE_NAME);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path)).toHaveLength(32);
  });

  it.skipIf(!posix)('tightens a key file readable by others, and logs it', () => {
    createKeyFileSecretBox(dir);
    const path = join(dir, KEY_FILE_NAME);
    chmodSync(path, 0o644);
    const logs: string[] = [];
    createKeyFileSecretBox(dir, { log: (m) => logs.push(m) });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(logs).toEqual([expect.stringContaining('0644 to 0600')]);
  });

  it('opens old secrets with the same key file, and fails cleanly with another', () => {
    const sealed = createKeyFileSecretBox(dir).seal(PLAIN);
    expect(createKeyFileSecretBox(dir).open(sealed)).toBe(PLAIN);
    const other = mkdtempSync(join(tmpdir(), 'codex-pool-secrets-other-'));
    try {
      const err = openError(() => createKeyFileSecretBox(other).open(sealed));
      expect(err.code).toBe('cannot_open');
      expect(err.message).not.toContain(sealed.slice(3, 20));
      expect(err.message).not.toContain('rt_refresh_secret');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('detects tampering without echoing the input', () => {
    const box = createKeyFileSecretBox(dir);
    const sealed = box.seal(PLAIN);
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    const tampered = `v1:${raw.toString('base64')}` as SealedSecret;
    const err = openError(() => box.open(tampered));
    expect(err.code).toBe('cannot_open');
    expect(err.message).not.toContain(tampered.slice(3, 20));
    expect(openError(() => box.open('v1:not base64!' as SealedSecret)).code).toBe('cannot_open');
    expect(openError(() => box.open('v1:AAAA' as SealedSecret)).code).toBe('cannot_open');
    expect(openError(() => box.open(PLAIN as SealedSecret)).code).toBe('wrong_box');
    expect(openError(() => box.open('ss1:AAAA' as SealedSecret)).message).toMatch(/keychain/);
  });

  it('refuses a damaged key file instead of replacing it', () => {
    writeFileSync(join(dir, KEY_FILE_NAME), 'short', { mode: 0o600 });
    expect(openError(() => createKeyFileSecretBox(dir)).code).toBe('bad_key_file');
    expect(readFileSync(join(dir, KEY_FILE_NAME), 'utf8')).toBe('short');
  });
});

/** A stand-in for Electron's safeStorage: XOR "encryption", enough to test the adapter's framing. */
function fakeSafeStorage(available = true): SafeStorageLike {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.concat([Buffer.from('OS'), xor(Buffer.from(s, 'utf8'))]),
    decryptString: (b) => {
      if (b.subarray(0, 2).toString() !== 'OS')
        throw new Error('Error while decrypting the ciphertext provided');
      return xor(b.subarray(2)).toString('utf8');
    },
  };
}

describe('safeStorage SecretBox adapter', () => {
  it('round-trips with the ss1 prefix', () => {
    const box = createSafeStorageSecretBox(fakeSafeStorage());
    expect(box.kind).toBe('keychain');
    const sealed = box.seal(PLAIN);
    expect(sealed.startsWith('ss1:')).toBe(true);
    expect(isSealedSecret(sealed)).toBe(true);
    expect(box.open(sealed)).toBe(PLAIN);
  });

  it('refuses to start without OS encryption, and fails cleanly on foreign input', () => {
    expect(openError(() => createSafeStorageSecretBox(fakeSafeStorage(false))).code).toBe('unavailable');
    const box = createSafeStorageSecretBox(fakeSafeStorage());
    expect(openError(() => box.open('ss1:AAAA' as SealedSecret)).code).toBe('cannot_open');
    expect(openError(() => box.open('v1:AAAA' as SealedSecret)).message).toMatch(/key file/);
  });
});

describe('ensureDataDir', () => {
  it.skipIf(!posix)('creates nested dirs with mode 0700 and tightens an open one', () => {
    const path = ensureDataDir(join(dir, 'a', 'b'));
    expect(statSync(path).mode & 0o777).toBe(0o700);
    chmodSync(path, 0o755);
    const logs: string[] = [];
    ensureDataDir(path, { log: (m) => logs.push(m) });
    expect(statSync(path).mode & 0o777).toBe(0o700);
    expect(logs).toHaveLength(1);
  });
});

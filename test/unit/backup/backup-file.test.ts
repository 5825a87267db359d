import { describe, expect, it } from 'vitest';
import {
  BACKUP_FORMAT_VERSION,
  BackupError,
  decryptBackup,
  encryptBackup,
  readBackupHeader,
  SINGLE_USE_WARNING,
} from '../../../main/core/backup/backup-file';

// The lowest cost the format accepts keeps these tests quick; the default cost is exercised by the integration tests.
const FAST = { N: 2 ** 14, r: 8, p: 1 };
const PASS = 'correct horse battery staple';
const CONTENTS = { accounts: [{ refreshToken: 'rt-secret-value-123' }], note: 'ünïcødé' };
const make = (contents: unknown = CONTENTS, passphrase = PASS): Promise<string> =>
  encryptBackup(contents, passphrase, { app: 'codex-pool test', now: new Date(0), scrypt: FAST });

async function failure(promise: Promise<unknown>): Promise<BackupError> {
  const err = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BackupError);
  return err as BackupError;
}

describe('backup file', () => {
  it('round-trips its contents and states its format, key derivation and the single-use warning in clear', async () => {
    const text = await make();
    const [magic, headerLine] = text.split('\n');
    expect(magic).toBe('CODEX-POOL-BACKUP');
    const header = JSON.parse(headerLine!) as Record<string, unknown>;
    expect(header).toMatchObject({
      formatVersion: BACKUP_FORMAT_VERSION,
      warning: SINGLE_USE_WARNING,
      kdf: { name: 'scrypt', N: FAST.N, r: 8, p: 1, keyLength: 32 },
      cipher: { name: 'aes-256-gcm', tagLength: 16 },
    });
    expect(text).not.toContain('rt-secret-value-123');
    expect(text).not.toContain(PASS);
    const { contents } = await decryptBackup(text, PASS);
    expect(contents).toEqual(CONTENTS);
  });

  it('two backups of the same contents share no salt, nonce or ciphertext', async () => {
    const [a, b] = [await make(), await make()];
    expect(readBackupHeader(a).header.kdf.salt).not.toBe(readBackupHeader(b).header.kdf.salt);
    expect(a.split('\n')[2]).not.toBe(b.split('\n')[2]);
  });

  it('says so when the passphrase is wrong', async () => {
    const err = await failure(decryptBackup(await make(), 'correct horse battery stapler'));
    expect(err.code).toBe('wrong_passphrase');
    expect(err.message).toMatch(/passphrase does not match.*Nothing was changed/);
  });

  it('reports a corrupted ciphertext as damaged, not as a wrong passphrase', async () => {
    const text = await make();
    const lines = text.split('\n');
    const body = Buffer.from(lines[2]!, 'base64');
    body[5]! ^= 0x01;
    lines[2] = body.toString('base64');
    const err = await failure(decryptBackup(lines.join('\n'), PASS));
    expect(err.code).toBe('damaged');
    expect(err.message).toMatch(/damaged/);
  });

  it('refuses a header that was edited (it is authenticated with the contents)', async () => {
    const text = await make();
    const edited = text.replace(SINGLE_USE_WARNING, 'Nothing to worry about.');
    expect(edited).not.toBe(text);
    expect((await failure(decryptBackup(edited, PASS))).code).toBe('damaged');
  });

  it('names a file cut short as incomplete, wherever it was cut', async () => {
    const text = await make();
    for (const length of [text.length - 10, text.indexOf('\n', 20) + 5, 30]) {
      const err = await failure(decryptBackup(text.slice(0, length), PASS));
      expect(err.code).toBe('truncated');
      expect(err.message).toMatch(/incomplete/);
    }
  });

  it('refuses a file from a newer format with a message saying to update, before any key derivation', async () => {
    const text = await make();
    const newer = text.replace(`"formatVersion":${BACKUP_FORMAT_VERSION}`, '"formatVersion":7');
    const err = await failure(decryptBackup(newer, 'any passphrase at all'));
    expect(err.code).toBe('newer_version');
    expect(err.message).toMatch(/newer Codex Pool \(backup format 7\).*Update Codex Pool/);
  });

  it('refuses files that are not backups, and key-derivation costs out of bounds', async () => {
    expect((await failure(decryptBackup('{"hello":1}\n', PASS))).code).toBe('not_a_backup');
    const text = await make();
    const huge = text.replace(`"N":${FAST.N}`, `"N":${2 ** 30}`);
    expect((await failure(decryptBackup(huge, PASS))).code).toBe('unsupported_parameters');
  });

  it('refuses a passphrase too short to protect live logins', async () => {
    const err = await failure(make(CONTENTS, 'short'));
    expect(err.code).toBe('weak_passphrase');
    expect(err.message).toMatch(/at least 8 characters/);
  });

  it('accepts the passphrase however the keyboard composed its accents (Unicode NFC)', async () => {
    const text = await make(CONTENTS, 'caf\u00e9 au lait, s\u2019il vous pla\u00eet');
    const decomposed = 'cafe\u0301 au lait, s\u2019il vous plai\u0302t';
    expect(decomposed).not.toBe('caf\u00e9 au lait, s\u2019il vous pla\u00eet');
    expect((await decryptBackup(text, decomposed)).contents).toEqual(CONTENTS);
  });

  it('reads a file whose line endings were converted to CRLF', async () => {
    const text = (await make()).replace(/\n/g, '\r\n');
    expect((await decryptBackup(text, PASS)).contents).toEqual(CONTENTS);
  });
});

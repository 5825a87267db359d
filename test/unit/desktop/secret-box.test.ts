import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chooseSecretBox } from '../../../main/desktop/secret-box';
import { createKeyFileSecretBox, KEY_FILE_NAME, SecretBoxError } from '../../../main/core/secrets';
import { electronMock, resetElectronMock } from '../../helpers/electron-mock';

vi.mock('electron', async () => (await import('../../helpers/electron-mock')).electronModule);

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';

describe('chooseSecretBox', () => {
  let dataDir: string;
  beforeEach(async () => {
    resetElectronMock();
    dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-desktop-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('uses the OS keychain when it is available, and creates no key file', () => {
    const choice = chooseSecretBox(electronMock.safeStorage, dataDir);
    expect(choice.kind).toBe('keychain');
    expect(choice.warning).toBeNull();
    const sealed = choice.box.seal(TOKEN);
    expect(sealed.startsWith('ss1:')).toBe(true);
    expect(sealed).not.toContain(TOKEN);
    expect(choice.box.open(sealed)).toBe(TOKEN);
    expect(electronMock.safeStorage.encryptString).toHaveBeenCalled();
    expect(existsSync(join(dataDir, KEY_FILE_NAME))).toBe(false);
  });

  it('falls back to the key file when safeStorage is unavailable (Linux without a keyring), and says so', async () => {
    electronMock.safeStorage.available = false;
    const log = vi.fn();
    const choice = chooseSecretBox(electronMock.safeStorage, dataDir, log);
    expect(choice.kind).toBe('key-file');
    expect(choice.warning).toMatch(/no keychain.*key file/i);
    const sealed = choice.box.seal(TOKEN);
    expect(sealed.startsWith('v1:')).toBe(true); // sealed, never plain text
    expect(sealed).not.toContain(TOKEN);
    expect(choice.box.open(sealed)).toBe(TOKEN);
    expect(await readdir(dataDir)).toContain(KEY_FILE_NAME);
    expect(electronMock.safeStorage.encryptString).not.toHaveBeenCalled();
  });

  it("treats Chromium's basic_text backend (a hard-coded password) as no keychain", () => {
    electronMock.safeStorage.backend = 'basic_text';
    const choice = chooseSecretBox(electronMock.safeStorage, dataDir);
    expect(choice.kind).toBe('key-file');
    expect(choice.warning).toMatch(/fixed password/);
  });

  it('still opens secrets an earlier keyring-less run sealed with the key file', () => {
    const earlier = createKeyFileSecretBox(dataDir).seal(TOKEN);
    const choice = chooseSecretBox(electronMock.safeStorage, dataDir);
    expect(choice.kind).toBe('keychain');
    expect(choice.box.open(earlier)).toBe(TOKEN);
    expect(choice.box.seal(TOKEN).startsWith('ss1:')).toBe(true);
  });

  it('says what is missing when such a secret turns up without its key file', () => {
    const otherDir = join(dataDir, 'other');
    const earlier = createKeyFileSecretBox(dataDir).seal(TOKEN);
    const choice = chooseSecretBox(electronMock.safeStorage, otherDir);
    expect(() => choice.box.open(earlier)).toThrow(SecretBoxError);
    expect(() => choice.box.open(earlier)).toThrow(/missing/);
    expect(existsSync(join(otherDir, KEY_FILE_NAME))).toBe(false);
  });
});

/**
 * The desktop app's SecretBox: the OS keychain through Electron's `safeStorage` when the OS offers one, the
 * AES key file otherwise — never plain text (ARCHITECTURE.md "Data").
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createKeyFileSecretBox,
  createSafeStorageSecretBox,
  KEY_FILE_NAME,
  SecretBoxError,
  type SafeStorageLike,
  type SealedSecret,
  type SecretBox,
  type SecretBoxKind,
} from '../core/secrets';
import { SEALED_PREFIXES } from '../core/secrets/secret-box';

/** `safeStorage` as far as the choice needs it; the Linux-only backend query is optional. */
export interface DesktopSafeStorage extends SafeStorageLike {
  getSelectedStorageBackend?(): string;
}

/** The chosen box and whether the user must be told it is the fallback. */
export interface SecretBoxChoice {
  box: SecretBox;
  kind: SecretBoxKind;
  /** Set when the OS offers no keychain: a sentence for the log (the tray and a notification say it too). */
  warning: string | null;
}

/**
 * Picks the box. On Linux `safeStorage` can "succeed" with the `basic_text` backend, which encrypts with a
 * password hard-coded in Chromium; the key file (random key, mode 0600) is the better of the two, so that
 * backend counts as no keychain. Call after the app's `ready` event: before it, Linux reports no encryption.
 */
export function chooseSecretBox(
  safeStorage: DesktopSafeStorage,
  dataDir: string,
  log: (msg: string) => void = () => {},
): SecretBoxChoice {
  const backend = safeStorage.getSelectedStorageBackend?.();
  if (safeStorage.isEncryptionAvailable() && backend !== 'basic_text') {
    return {
      box: withKeyFileReader(createSafeStorageSecretBox(safeStorage), dataDir, log),
      kind: 'keychain',
      warning: null,
    };
  }
  return {
    box: createKeyFileSecretBox(dataDir, { log }),
    kind: 'key-file',
    warning:
      backend === 'basic_text'
        ? 'The OS offers no keychain (safeStorage would use a fixed password): tokens are sealed with the key file in the data dir.'
        : 'The OS offers no keychain (safeStorage unavailable): tokens are sealed with the key file in the data dir.',
  };
}

/**
 * The keychain box, still able to open secrets an earlier run sealed with the key file (a Linux keyring that
 * was missing then and is installed now). New seals always use the keychain; the key file is only read, and
 * only when such a secret turns up, so no key file is created on machines that never needed one.
 */
function withKeyFileReader(keychain: SecretBox, dataDir: string, log: (msg: string) => void): SecretBox {
  let keyFile: SecretBox | undefined;
  return {
    kind: keychain.kind,
    seal: (plain: string): SealedSecret => keychain.seal(plain),
    open(sealed: SealedSecret): string {
      if (typeof sealed === 'string' && sealed.startsWith(SEALED_PREFIXES.keyFile)) {
        if (keyFile === undefined) {
          // Creating a fresh key here could never open the secret; say what is missing instead.
          if (!existsSync(join(dataDir, KEY_FILE_NAME))) {
            throw new SecretBoxError(
              'cannot_open',
              `This secret was sealed with the key file, but ${KEY_FILE_NAME} is missing from the data dir.`,
            );
          }
          keyFile = createKeyFileSecretBox(dataDir, { log });
        }
        return keyFile.open(sealed);
      }
      return keychain.open(sealed);
    },
  };
}

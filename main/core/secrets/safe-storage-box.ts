import {
  SEALED_PREFIXES,
  SecretBoxError,
  unwrapSealed,
  type SealedSecret,
  type SecretBox,
} from './secret-box';

/** The subset of Electron's `safeStorage` the adapter needs; injected so core never imports electron. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * A {@link SecretBox} backed by the OS keychain through Electron's `safeStorage` (Keychain, DPAPI,
 * libsecret). Sealed format: `ss1:<base64>`. Throws `SecretBoxError('unavailable')` when the OS offers
 * no encryption, so the desktop shell can say so and fall back to the key file — never to plain text.
 */
export function createSafeStorageSecretBox(safeStorage: SafeStorageLike): SecretBox {
  if (!safeStorage.isEncryptionAvailable()) {
    throw new SecretBoxError(
      'unavailable',
      'The operating system offers no secure storage (keychain) right now.',
    );
  }
  return {
    kind: 'keychain',
    seal(plain: string): SealedSecret {
      return `${SEALED_PREFIXES.safeStorage}${safeStorage.encryptString(plain).toString('base64')}` as SealedSecret;
    },
    open(sealed: SealedSecret): string {
      const raw = unwrapSealed(
        sealed,
        SEALED_PREFIXES.safeStorage,
        SEALED_PREFIXES.keyFile,
        'This secret was sealed with the key file (headless mode) and cannot be opened with the OS keychain.',
        cannotOpen,
      );
      try {
        return safeStorage.decryptString(raw);
      } catch {
        throw cannotOpen();
      }
    },
  };
}

function cannotOpen(): SecretBoxError {
  return new SecretBoxError(
    'cannot_open',
    'Could not open a sealed secret with the OS keychain: it belongs to another user or machine, or has been altered.',
  );
}

/**
 * The contract between the code that holds tokens and whatever keeps them secret at rest.
 * Tokens are sealed before they reach SQLite; the store only ever sees {@link SealedSecret} values.
 */

declare const sealedBrand: unique symbol;

/**
 * Ciphertext produced by a {@link SecretBox}. The brand makes it a compile-time error to hand a
 * plaintext string to code that persists secrets (the store's repositories take only this type).
 */
export type SealedSecret = string & { readonly [sealedBrand]: true };

/** Which backend sealed a secret: the OS keychain (Electron safeStorage) or the AES key file. */
export type SecretBoxKind = 'keychain' | 'key-file';

/** Seals and opens secrets. Implementations must never include plaintext or ciphertext in errors. */
export interface SecretBox {
  /** Encrypts `plain`; two seals of the same plaintext give different results. */
  seal(plain: string): SealedSecret;
  /** Decrypts a value sealed by this box; throws {@link SecretBoxError} when that is impossible. */
  open(sealed: SealedSecret): string;
  readonly kind: SecretBoxKind;
}

/** Why a {@link SecretBox} operation failed. */
export type SecretBoxErrorCode = 'unavailable' | 'bad_key_file' | 'cannot_open' | 'wrong_box';

/** A failure of a {@link SecretBox}; its message names the cause, never the secret. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
  constructor(
    readonly code: SecretBoxErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Format prefixes, one per backend; the prefix tells which box can open a value. */
export const SEALED_PREFIXES = { keyFile: 'v1:', safeStorage: 'ss1:' } as const;

/**
 * True when `value` has the shape of a sealed secret (a known prefix and base64 body). A cheap guard
 * for code that reads sealed values back from storage; it does not prove the value can be opened.
 */
export function isSealedSecret(value: unknown): value is SealedSecret {
  if (typeof value !== 'string') return false;
  const body = value.startsWith(SEALED_PREFIXES.keyFile)
    ? value.slice(SEALED_PREFIXES.keyFile.length)
    : value.startsWith(SEALED_PREFIXES.safeStorage)
      ? value.slice(SEALED_PREFIXES.safeStorage.length)
      : null;
  return body !== null && body.length > 0 && BASE64.test(body);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes strict base64 (no whitespace, no base64url), or returns null. */
export function decodeBase64Strict(text: string): Buffer | null {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) return null;
  return Buffer.from(text, 'base64');
}

/** The error for a value another box sealed (`otherPrefix`), or that no box sealed at all. */
export function wrongBox(value: unknown, otherPrefix: string, otherBoxMessage: string): SecretBoxError {
  const fromOtherBox = typeof value === 'string' && value.startsWith(otherPrefix);
  return new SecretBoxError(
    'wrong_box',
    fromOtherBox ? otherBoxMessage : 'This value is not a secret sealed by Codex Pool.',
  );
}

/**
 * The ciphertext bytes of a value this box sealed (`ownPrefix`), or the clear error: sealed by the other box,
 * not a sealed value at all, or malformed. Shared by both boxes so they refuse foreign input the same way.
 */
export function unwrapSealed(
  sealed: unknown,
  ownPrefix: string,
  otherPrefix: string,
  otherBoxMessage: string,
  malformed: () => SecretBoxError,
): Buffer {
  if (typeof sealed !== 'string' || !sealed.startsWith(ownPrefix)) {
    throw wrongBox(sealed, otherPrefix, otherBoxMessage);
  }
  const raw = decodeBase64Strict(sealed.slice(ownPrefix.length));
  if (raw === null) throw malformed();
  return raw;
}

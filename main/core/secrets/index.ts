/** Secrets at rest: the SecretBox contract, its key-file and OS-keychain backends, and the data dir. */
export {
  SecretBoxError,
  isSealedSecret,
  type SealedSecret,
  type SecretBox,
  type SecretBoxErrorCode,
  type SecretBoxKind,
} from './secret-box';
export { KEY_FILE_NAME, createKeyFileSecretBox, type KeyFileSecretBoxOptions } from './key-file-box';
export { createSafeStorageSecretBox, type SafeStorageLike } from './safe-storage-box';
export { ensureDataDir, type EnsureDataDirOptions } from './data-dir';

/** Why the store could not be opened or migrated. */
export type StoreErrorCode = 'corrupt' | 'newer_schema' | 'migration_mismatch' | 'migration_failed';

/** A failure to open or migrate the database, with a message fit to show the user. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

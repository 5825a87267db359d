import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRecord } from '../store';

/** The store repository the key service needs. */
export interface ApiKeyRepository {
  create(input: { name: string; prefix: string; keyHash: string }): ApiKeyRecord;
  list(): ApiKeyRecord[];
  findByHash(keyHash: string): ApiKeyRecord | null;
  revoke(id: string, at?: number): boolean;
  touch(id: string, at?: number): boolean;
}

/** A key as shown to the user; the secret itself is shown once, at creation. */
export type ApiKeyView = Omit<ApiKeyRecord, 'keyHash'>;

/** Hashes a presented key the way it is stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Proxy API keys (`cp-…`). Only their sha256 is stored. Verification is a hash and a map lookup: keys are
 * cached in memory, and `last_used_at` is written through the caller's write-behind queue, never inline.
 */
export class ApiKeyService {
  private byHash = new Map<string, ApiKeyRecord>();

  constructor(
    private readonly repo: ApiKeyRepository,
    private readonly deferWrite: (write: () => void) => void,
  ) {
    this.reload();
  }

  /** Creates a key and returns its secret, which is never retrievable again. */
  create(name: string): { key: string; record: ApiKeyView } {
    const key = `cp-${randomBytes(32).toString('base64url')}`;
    const record = this.repo.create({ name, prefix: key.slice(0, 7), keyHash: hashApiKey(key) });
    this.reload();
    return { key, record: view(record) };
  }

  list(): ApiKeyView[] {
    return this.repo.list().map(view);
  }

  /** Revokes a key; false when there is no such key. */
  revoke(id: string): boolean {
    const done = this.repo.revoke(id);
    this.reload();
    return done;
  }

  /** True when `presented` is a live key; records its use off the hot path. */
  verify(presented: string): boolean {
    const record = this.byHash.get(hashApiKey(presented));
    if (!record || record.revokedAt !== null) return false;
    this.deferWrite(() => this.repo.touch(record.id));
    return true;
  }

  /** Re-reads the keys from the store (after a restore wrote some behind this service's back). */
  reload(): void {
    this.byHash = new Map(this.repo.list().map((r) => [r.keyHash, r]));
  }
}

function view({ keyHash: _hash, ...rest }: ApiKeyRecord): ApiKeyView {
  return rest;
}

import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ApiKeyRecord } from './types';

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    keyHash: row.key_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The `api_keys` table. It never sees a key, only its sha256 and a short display prefix. */
export class ApiKeysRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

  /** Stores a new key by its hash (lower-case sha256 hex). */
  create(input: { name: string; prefix: string; keyHash: string }): ApiKeyRecord {
    if (!SHA256_HEX.test(input.keyHash))
      throw new TypeError('keyHash must be a lower-case sha256 hex digest.');
    const row: ApiKeyRow = {
      id: `key_${randomBytes(8).toString('hex')}`,
      name: input.name,
      prefix: input.prefix,
      key_hash: input.keyHash,
      created_at: Math.floor(this.now()),
      last_used_at: null,
      revoked_at: null,
    };
    this.db
      .prepare(
        `INSERT INTO api_keys (id, name, prefix, key_hash, created_at, last_used_at, revoked_at)
         VALUES (@id, @name, @prefix, @key_hash, @created_at, @last_used_at, @revoked_at)`,
      )
      .run(row);
    return toRecord(row);
  }

  /** Stores a key restored from a backup as it was there (same id, hash and times). */
  insertRecord(record: ApiKeyRecord): void {
    if (!SHA256_HEX.test(record.keyHash))
      throw new TypeError('keyHash must be a lower-case sha256 hex digest.');
    this.db
      .prepare(
        `INSERT INTO api_keys (id, name, prefix, key_hash, created_at, last_used_at, revoked_at)
         VALUES (@id, @name, @prefix, @keyHash, @createdAt, @lastUsedAt, @revokedAt)`,
      )
      .run(record);
  }

  /** Every key, revoked ones included, oldest first. */
  list(): ApiKeyRecord[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as ApiKeyRow[]).map(
      toRecord,
    );
  }

  /** The key with this hash, revoked or not (the caller checks `revokedAt`). */
  findByHash(keyHash: string): ApiKeyRecord | null {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE key_hash = ?').get(keyHash) as
      ApiKeyRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** Marks a key revoked; revoking twice keeps the first time. Returns false if unknown. */
  revoke(id: string, at: number = this.now()): boolean {
    return (
      this.db
        .prepare('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?')
        .run(Math.floor(at), id).changes > 0
    );
  }

  /** Records a use of the key. */
  touch(id: string, at: number = this.now()): boolean {
    return (
      this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(Math.floor(at), id).changes > 0
    );
  }
}

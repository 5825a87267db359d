import { hash } from 'node:crypto';
import type { Store, WriteQueue } from '../store';

/** Mappings expire this long after their last use (BALANCER.md §6.1). */
export const STICKY_TTL_S = 1800;
/** A use within this long of the last refresh does not rewrite the row. */
const REFRESH_MIN_INTERVAL_S = 15;
/** Response ownership is kept this long (BALANCER.md §6.3, Pool). */
export const RESPONSE_OWNER_TTL_S = 24 * 3600;

/** Hashes a prompt-cache / session key; the raw value is never stored. */
export function hashStickyKey(key: string): string {
  // One-shot hash: no Hash object per request (createHash showed in the request path's profile).
  return hash('sha256', key, 'hex');
}

/**
 * Soft prompt-cache affinity (key → account) and hard response ownership (response id → account), held in
 * memory for the request path and persisted behind through the write queue so they survive a restart.
 */
export class Affinity {
  private readonly sticky = new Map<string, { accountId: string; updatedAt: number }>();
  private readonly owners = new Map<string, { accountId: string; at: number }>();

  /** @param writeOwner stores a response's owner behind (every answer has one: the request log's writer does it). */
  constructor(
    private readonly store: Store,
    private readonly queue: WriteQueue,
    private readonly now: () => number,
    private readonly writeOwner: (owner: { responseId: string; accountId: string; at: number }) => void,
  ) {
    // Live mappings survive a restart; they are few (a TTL of 30 minutes) and loaded once, so a lookup on the
    // request path never touches the database.
    for (const row of store.sticky.listSince(now() - STICKY_TTL_S)) {
      this.sticky.set(row.keyHash, { accountId: row.accountId, updatedAt: row.updatedAt });
    }
  }

  /** The live mapping of a key hash, or null. */
  mapped(keyHash: string): string | null {
    const row = this.sticky.get(keyHash);
    if (!row || row.updatedAt + STICKY_TTL_S < this.now()) return null;
    return row.accountId;
  }

  /** Maps a key to an account, or refreshes the mapping's age. */
  map(keyHash: string, accountId: string): void {
    const t = this.now();
    const row = this.sticky.get(keyHash);
    if (row && row.accountId === accountId && t - row.updatedAt < REFRESH_MIN_INTERVAL_S) return;
    this.sticky.set(keyHash, { accountId, updatedAt: t });
    this.queue.push((s) => s.sticky.upsert(keyHash, accountId, t));
  }

  /** Drops every mapping of an account (it needs a new login, or is gone). */
  forgetAccount(accountId: string): void {
    for (const [key, row] of this.sticky) if (row.accountId === accountId) this.sticky.delete(key);
    for (const [id, row] of this.owners) if (row.accountId === accountId) this.owners.delete(id);
  }

  /** Records which account produced a response. */
  recordOwner(responseId: string, accountId: string): void {
    const t = this.now();
    this.owners.set(responseId, { accountId, at: t });
    this.writeOwner({ responseId, accountId, at: t });
  }

  /** The account that produced a response, or null when unknown or older than a day. */
  owner(responseId: string): string | null {
    const hit = this.owners.get(responseId);
    if (hit) return hit.at + RESPONSE_OWNER_TTL_S >= this.now() ? hit.accountId : null;
    // Not seen since start-up (a restart): ask the store once; a read, never a write.
    return this.store.responseOwners.owner(responseId);
  }

  /** Deletes expired rows in memory and in the store (every few minutes). */
  sweep(): void {
    const t = this.now();
    for (const [key, row] of this.sticky) if (row.updatedAt + STICKY_TTL_S < t) this.sticky.delete(key);
    for (const [id, row] of this.owners) if (row.at + RESPONSE_OWNER_TTL_S < t) this.owners.delete(id);
    this.queue.push((s) => {
      s.sticky.pruneExpired(t - STICKY_TTL_S);
      s.responseOwners.prune(t - RESPONSE_OWNER_TTL_S);
    });
  }
}

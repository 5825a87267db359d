import type Database from 'better-sqlite3';
import type { LimitRegistryEntry, RegistryRoutingPolicy } from './types';

interface RegistryRow {
  quota_key: string;
  label: string;
  model_ids: string;
  limit_names: string;
  metered_features: string;
  applies_to_plans: string;
  routing_policy: string;
}

function stringList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function toEntry(row: RegistryRow): LimitRegistryEntry {
  return {
    quotaKey: row.quota_key,
    label: row.label,
    modelIds: stringList(row.model_ids),
    limitNames: stringList(row.limit_names),
    meteredFeatures: stringList(row.metered_features),
    appliesToPlans: stringList(row.applies_to_plans),
    routingPolicy: row.routing_policy as RegistryRoutingPolicy,
  };
}

/** The `limit_registry` table of gated model families (BALANCER.md §5.1), seeded by migration 1. */
export class RegistryRepository {
  constructor(private readonly db: Database.Database) {}

  list(): LimitRegistryEntry[] {
    return (this.db.prepare('SELECT * FROM limit_registry ORDER BY quota_key').all() as RegistryRow[]).map(
      toEntry,
    );
  }

  /** Inserts or replaces the entry with this quota key. */
  upsert(entry: LimitRegistryEntry): void {
    this.db
      .prepare(
        `INSERT INTO limit_registry (quota_key, label, model_ids, limit_names, metered_features, applies_to_plans,
           routing_policy) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (quota_key) DO UPDATE SET label = excluded.label, model_ids = excluded.model_ids,
           limit_names = excluded.limit_names, metered_features = excluded.metered_features,
           applies_to_plans = excluded.applies_to_plans, routing_policy = excluded.routing_policy`,
      )
      .run(
        entry.quotaKey,
        entry.label,
        JSON.stringify(entry.modelIds),
        JSON.stringify(entry.limitNames),
        JSON.stringify(entry.meteredFeatures),
        JSON.stringify(entry.appliesToPlans),
        entry.routingPolicy,
      );
  }

  delete(quotaKey: string): boolean {
    return this.db.prepare('DELETE FROM limit_registry WHERE quota_key = ?').run(quotaKey).changes > 0;
  }
}

import type Database from 'better-sqlite3';

/** The `settings` table: one JSON value per key. Validation of the values belongs to the settings service. */
export class SettingsRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly log: (msg: string) => void,
  ) {}

  /** Every stored setting. A value that is not valid JSON (hand-edited file) is skipped and logged. */
  getAll(): Record<string, unknown> {
    const rows = this.db.prepare('SELECT key, value FROM settings ORDER BY key').all() as Array<{
      key: string;
      value: string;
    }>;
    const out: Record<string, unknown> = {};
    for (const { key, value } of rows) {
      try {
        out[key] = JSON.parse(value);
      } catch {
        this.log(`Ignoring setting "${key}": its stored value is not valid JSON.`);
      }
    }
    return out;
  }

  /** Stores `value` as JSON; `undefined` deletes the key. */
  set(key: string, value: unknown): void {
    if (value === undefined) {
      this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
      return;
    }
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, JSON.stringify(value));
  }

  /** Stores several settings in one transaction: all or none. */
  setMany(values: Record<string, unknown>): void {
    this.db
      .transaction(() => {
        for (const [key, value] of Object.entries(values)) this.set(key, value);
      })
      .immediate();
  }
}

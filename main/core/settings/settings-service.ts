import { DEFAULT_SETTINGS, settingsSchema, type Settings, type SettingsPatch } from '../../../shared/api';

/** Where settings are kept: the store's settings repository satisfies it. */
export interface SettingsRepository {
  getAll(): Record<string, unknown>;
  setMany(values: Record<string, unknown>): void;
}

/**
 * The live routing settings. Reads are a property access (the proxy consults them on every request);
 * writes are rare admin actions, persisted synchronously before they take effect so a crash never loses one.
 */
export class SettingsService {
  private current: Settings;
  private readonly listeners = new Set<(settings: Settings) => void>();

  constructor(private readonly repo: SettingsRepository) {
    this.current = readSettings(repo.getAll());
  }

  /** The settings in force. */
  get(): Settings {
    return this.current;
  }

  /** Applies a validated change, persists it, and notifies listeners. */
  update(patch: SettingsPatch): Settings {
    const next = settingsSchema.parse({ ...this.current, ...patch });
    this.repo.setMany(patch);
    this.current = next;
    for (const listener of this.listeners) listener(next);
    return next;
  }

  /** Re-reads the stored settings (after a restore wrote them in its own transaction) and notifies listeners. */
  reload(): Settings {
    this.current = readSettings(this.repo.getAll());
    for (const listener of this.listeners) listener(this.current);
    return this.current;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Merges stored values over the defaults, key by key. A stored value that no longer validates (an unknown
 * strategy from a newer version, a hand-edited row) falls back to its default instead of refusing to start;
 * BALANCER.md §3: "unknown values fall back to capacity_weighted".
 */
export function readSettings(stored: Record<string, unknown>): Settings {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    if (!(key in stored)) continue;
    const field = settingsSchema.shape[key].safeParse(stored[key]);
    if (field.success) out[key] = field.data;
  }
  return settingsSchema.parse(out);
}

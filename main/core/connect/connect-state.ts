import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeAtomic } from './config-file';

/** The file in the data dir that remembers what Codex Pool wrote, so Undo can put the old bytes back. */
export const CONNECT_STATE_FILE = 'connect-state.json';

const entrySchema = z.object({
  configPath: z.string(),
  /** The file as it was before Codex Pool first changed it; null when there was no file. */
  backupPath: z.string().nullable(),
  /** sha256 of what Codex Pool wrote: Undo refuses once the file holds anything else. */
  writtenHash: z.string(),
  appliedAt: z.number(),
});
/** What Codex Pool remembers of one client's last apply. */
export type ConnectStateEntry = z.infer<typeof entrySchema>;

/** One edited file: a client's config, or Codex's profile file (`codex-profile`). */
export const CONNECT_TARGETS = ['codex', 'codex-profile', 'opencode'] as const;
/** See {@link CONNECT_TARGETS}. */
export type ConnectTarget = (typeof CONNECT_TARGETS)[number];

const stateSchema = z.partialRecord(z.enum(CONNECT_TARGETS), entrySchema);
/** Per edited file, the last apply that can be undone. */
export type ConnectStateFile = z.infer<typeof stateSchema>;

/** Reads the state; a missing or unreadable file means nothing to undo (Undo then says so). */
export function loadConnectState(dataDir: string): ConnectStateFile {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(join(dataDir, CONNECT_STATE_FILE), 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Writes the state atomically, readable by the user only (it names backup paths, nothing secret, still private). */
export function saveConnectState(dataDir: string, state: ConnectStateFile): void {
  writeAtomic(join(dataDir, CONNECT_STATE_FILE), JSON.stringify(state, null, 2) + '\n', 0o600);
}

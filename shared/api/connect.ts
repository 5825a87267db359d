import { z } from 'zod';

/** The coding agents Codex Pool can configure for the user. */
export const CONNECT_CLIENTS = ['codex', 'opencode'] as const;
/** A client whose config file Codex Pool edits. */
export type ConnectClient = (typeof CONNECT_CLIENTS)[number];

/**
 * Where a client's config points now:
 * - `connected` — at this server (as the default provider, or as the `codex-pool` profile when `profile`);
 * - `not_connected` — somewhere else or nowhere (the built-in provider);
 * - `other_proxy` — at another base URL that is not this server (another proxy, or a different Codex Pool port);
 * - `missing` — the config file does not exist yet (connecting creates it);
 * - `invalid` — the file does not parse; Codex Pool will not touch it.
 */
export const CONNECT_STATES = ['connected', 'not_connected', 'other_proxy', 'missing', 'invalid'] as const;
/** See {@link CONNECT_STATES}. */
export type ConnectState = (typeof CONNECT_STATES)[number];

/** One client's connection (`GET /api/connect`). */
export const connectClientStatusSchema = z.object({
  client: z.enum(CONNECT_CLIENTS),
  /** Absolute path of the config file Codex Pool reads and edits. */
  configPath: z.string(),
  state: z.enum(CONNECT_STATES),
  /** Connected through the `codex-pool` profile rather than as the default (Codex only). */
  profile: z.boolean(),
  /** One sentence for the user: where it points, what connecting would change, or why it cannot. */
  detail: z.string(),
  /** True when Codex Pool applied a change it can still undo (a backup is kept beside the file). */
  canUndo: z.boolean(),
  /** Epoch seconds of the last request the proxy saw from this client (by User-Agent) since it started. */
  lastRequestAt: z.number().nullable(),
});
/** See {@link connectClientStatusSchema}. */
export type ConnectClientStatus = z.infer<typeof connectClientStatusSchema>;

/** Copyable settings for any other OpenAI-compatible client. */
export const connectSnippetsSchema = z.object({
  /** `OPENAI_BASE_URL=… OPENAI_API_KEY=…` lines for a shell. */
  env: z.string(),
  /** A curl command that sends one request through the pool, exactly as shown. */
  curl: z.string(),
  /** Whether clients must send a proxy key (the snippets then carry a placeholder to replace). */
  keyRequired: z.boolean(),
});

/** `GET /api/connect`. */
export const connectOverviewSchema = z.object({
  clients: z.array(connectClientStatusSchema),
  snippets: connectSnippetsSchema,
  /** Epoch seconds of the last request from a client that is neither Codex nor OpenCode. */
  otherLastRequestAt: z.number().nullable(),
});
/** See {@link connectOverviewSchema}. */
export type ConnectOverview = z.infer<typeof connectOverviewSchema>;

/** Body of `POST /api/connect/:client/preview`. */
export const connectPreviewRequestSchema = z
  .object({
    /**
     * Codex only: write the profile file `codex-pool.config.toml` (used by `codex --profile codex-pool`) instead
     * of changing the default provider in config.toml.
     */
    profile: z.boolean().default(false),
  })
  .strict();

/** Body of `POST /api/connect/:client/undo`: which file to restore (Codex's profile file or its config). */
export const connectUndoRequestSchema = connectPreviewRequestSchema;

/** `POST /api/connect/:client/preview`: what Apply would change, without changing anything. */
export const connectPreviewSchema = z.object({
  client: z.enum(CONNECT_CLIENTS),
  configPath: z.string(),
  /** A unified diff of the file (secrets masked); empty when nothing would change. */
  diff: z.string(),
  /** False when the file already says exactly this: Apply would write nothing. */
  changes: z.boolean(),
  /** sha256 of the file as previewed (null: no file); Apply refuses if the file no longer matches. */
  baseHash: z.string().nullable(),
  /** Things the user should know first (another proxy replaced, a new proxy key, a login that takes over). */
  notes: z.array(z.string()),
});
/** See {@link connectPreviewSchema}. */
export type ConnectPreview = z.infer<typeof connectPreviewSchema>;

/** Body of `POST /api/connect/:client/apply`. */
export const connectApplyRequestSchema = z
  .object({
    profile: z.boolean().default(false),
    /** The `baseHash` of the preview the user saw. */
    baseHash: z.string().nullable(),
  })
  .strict();

/** `POST /api/connect/:client/apply` and `/undo`: what was done. */
export const connectResultSchema = z.object({
  client: z.enum(CONNECT_CLIENTS),
  configPath: z.string(),
  /** False when the file already said this (apply) — nothing was written. */
  changed: z.boolean(),
  /** The backup written beside the file before it was replaced, or null when none was needed. */
  backupPath: z.string().nullable(),
  /** One sentence for the user. */
  message: z.string(),
});
/** See {@link connectResultSchema}. */
export type ConnectResult = z.infer<typeof connectResultSchema>;

/** `POST /api/connect/test`: one tiny request through the pool. */
export const connectTestResultSchema = z.object({
  ok: z.boolean(),
  /** The pool account that answered, when one did. */
  accountId: z.string().nullable(),
  accountEmail: z.string().nullable(),
  model: z.string().nullable(),
  /** The answer's text (short), or what went wrong. */
  message: z.string(),
  latencyMs: z.number(),
});
/** See {@link connectTestResultSchema}. */
export type ConnectTestResult = z.infer<typeof connectTestResultSchema>;

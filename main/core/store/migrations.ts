/**
 * Numbered schema migrations. Append new ones; never edit a released one — its sha256 is recorded in
 * `schema_migrations` and a changed checksum stops the app (`migration_mismatch`) rather than letting two
 * builds disagree about the schema silently.
 */

/** One schema step, applied in its own transaction. */
export interface Migration {
  /** 1, 2, 3… strictly increasing. */
  version: number;
  name: string;
  sql: string;
}

// Times are epoch seconds unless the column name says ms. Statuses and policies are checked here as well
// as in TypeScript so a hand-edited database cannot feed the balancer values it does not know.
const V1_INITIAL = `
CREATE TABLE accounts (
  id                 TEXT PRIMARY KEY,
  chatgpt_account_id TEXT NOT NULL,
  user_key           TEXT NOT NULL,
  email              TEXT,
  plan_type          TEXT,
  label              TEXT,
  status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN
                       ('active','rate_limited','quota_exceeded','paused','reauth_required','deactivated')),
  status_reason      TEXT,
  rate_limit_kind    TEXT CHECK (rate_limit_kind IN ('usage_limit','throttle')),
  reset_at           INTEGER,
  blocked_at         INTEGER,
  routing_policy     TEXT NOT NULL DEFAULT 'normal' CHECK (routing_policy IN ('normal','burn_first','preserve')),
  sealed_tokens      TEXT NOT NULL,
  access_expires_at  INTEGER,
  last_refresh_at    INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  UNIQUE (chatgpt_account_id, user_key)
) STRICT;

CREATE TABLE family_blocks (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  family     TEXT NOT NULL,
  blocked_at INTEGER NOT NULL,
  reset_at   INTEGER,
  PRIMARY KEY (account_id, family)
) STRICT, WITHOUT ROWID;

CREATE TABLE quota_samples (
  id                       INTEGER PRIMARY KEY,
  account_id               TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  family                   TEXT NOT NULL,
  recorded_at              INTEGER NOT NULL,
  primary_used_percent     REAL,
  primary_window_minutes   INTEGER,
  primary_reset_at         INTEGER,
  secondary_used_percent   REAL,
  secondary_window_minutes INTEGER,
  secondary_reset_at       INTEGER,
  credits_has              INTEGER,
  credits_unlimited        INTEGER,
  credits_balance          TEXT,
  limit_name               TEXT
) STRICT;
CREATE INDEX quota_samples_account_family_time ON quota_samples (account_id, family, recorded_at);
CREATE INDEX quota_samples_time ON quota_samples (recorded_at);

-- The newest sample per (account, family), kept by a trigger so startup and the API read one small table
-- instead of grouping the whole history; pruning history keeps the last known quota.
CREATE TABLE quota_latest (
  account_id               TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  family                   TEXT NOT NULL,
  recorded_at              INTEGER NOT NULL,
  primary_used_percent     REAL,
  primary_window_minutes   INTEGER,
  primary_reset_at         INTEGER,
  secondary_used_percent   REAL,
  secondary_window_minutes INTEGER,
  secondary_reset_at       INTEGER,
  credits_has              INTEGER,
  credits_unlimited        INTEGER,
  credits_balance          TEXT,
  limit_name               TEXT,
  PRIMARY KEY (account_id, family)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER quota_samples_keep_latest AFTER INSERT ON quota_samples
BEGIN
  INSERT INTO quota_latest VALUES (
    NEW.account_id, NEW.family, NEW.recorded_at,
    NEW.primary_used_percent, NEW.primary_window_minutes, NEW.primary_reset_at,
    NEW.secondary_used_percent, NEW.secondary_window_minutes, NEW.secondary_reset_at,
    NEW.credits_has, NEW.credits_unlimited, NEW.credits_balance, NEW.limit_name)
  ON CONFLICT (account_id, family) DO UPDATE SET
    recorded_at = excluded.recorded_at,
    primary_used_percent = excluded.primary_used_percent,
    primary_window_minutes = excluded.primary_window_minutes,
    primary_reset_at = excluded.primary_reset_at,
    secondary_used_percent = excluded.secondary_used_percent,
    secondary_window_minutes = excluded.secondary_window_minutes,
    secondary_reset_at = excluded.secondary_reset_at,
    credits_has = excluded.credits_has,
    credits_unlimited = excluded.credits_unlimited,
    credits_balance = excluded.credits_balance,
    limit_name = excluded.limit_name
  WHERE excluded.recorded_at >= quota_latest.recorded_at;
END;

CREATE TABLE request_log (
  id               INTEGER PRIMARY KEY,
  started_at       INTEGER NOT NULL,
  account_id       TEXT REFERENCES accounts(id) ON DELETE SET NULL,
  route            TEXT NOT NULL,
  model            TEXT,
  status           INTEGER,
  latency_ms       INTEGER,
  ttfb_ms          INTEGER,
  input_tokens     INTEGER,
  output_tokens    INTEGER,
  cached_tokens    INTEGER,
  reasoning_tokens INTEGER,
  error_code       TEXT,
  reason           TEXT,
  attempts         INTEGER NOT NULL DEFAULT 1,
  stream           INTEGER NOT NULL DEFAULT 0 CHECK (stream IN (0, 1))
) STRICT;
CREATE INDEX request_log_started_at ON request_log (started_at);
-- Without it, deleting an account would scan the whole log to apply ON DELETE SET NULL.
CREATE INDEX request_log_account ON request_log (account_id);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE sticky_mappings (
  key_hash   TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sticky_mappings_account ON sticky_mappings (account_id);
CREATE INDEX sticky_mappings_updated ON sticky_mappings (updated_at);

CREATE TABLE response_owners (
  response_id TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX response_owners_account ON response_owners (account_id);
CREATE INDEX response_owners_created ON response_owners (created_at);

-- Only the sha256 of a proxy key is kept; the length checks refuse a full key passed by mistake.
CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL CHECK (length(prefix) <= 16),
  key_hash     TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64 AND key_hash NOT GLOB '*[^0-9a-f]*'),
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
) STRICT;

CREATE TABLE limit_registry (
  quota_key        TEXT PRIMARY KEY,
  label            TEXT NOT NULL,
  model_ids        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(model_ids)),
  limit_names      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(limit_names)),
  metered_features TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(metered_features)),
  applies_to_plans TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(applies_to_plans)),
  routing_policy   TEXT NOT NULL DEFAULT 'inherit' CHECK (routing_policy IN ('inherit','burn_first','normal','preserve'))
) STRICT, WITHOUT ROWID;

-- BALANCER.md §5.1 seed.
INSERT INTO limit_registry VALUES (
  'codex_spark',
  'GPT-5.3-Codex-Spark',
  '["gpt-5.3-codex-spark"]',
  '["codex_other","GPT-5.3-Codex-Spark","gpt-5.3-codex-spark"]',
  '["codex_bengalfox"]',
  '["pro","prolite","team","business","enterprise"]',
  'burn_first'
);
`;

// Issue 12: the user's usage caps ("stop at X % of the 5 h / weekly window") and sequential priority per account.
// Null = no cap / no place in the order, so existing accounts route exactly as before.
const V2_CAPS_AND_PRIORITY = `
ALTER TABLE accounts ADD COLUMN cap_short_percent INTEGER CHECK (cap_short_percent BETWEEN 1 AND 100);
ALTER TABLE accounts ADD COLUMN cap_long_percent INTEGER CHECK (cap_long_percent BETWEEN 1 AND 100);
ALTER TABLE accounts ADD COLUMN priority INTEGER CHECK (priority BETWEEN 1 AND 1000);
`;

/** The migrations this build knows, in order. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: V1_INITIAL },
  { version: 2, name: 'caps_and_priority', sql: V2_CAPS_AND_PRIORITY },
];

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

// Issue 9 (insight). The request log learns the conversation (the first 16 hex digits of the sha256 of the
// prompt_cache_key / session: never the key itself), how its account was chosen (`affinity`) and the response
// id. Triggers keep three small tables beside it so the dashboard's 30-day views read thousands of rows, not
// hundreds of thousands: `usage_hourly` (tokens, requests, errors, turns and hops per hour, account and model),
// `ttfb_hourly` (a log-scale histogram of time to first token: bucket b covers ttfb in [2^(b/8), 2^((b+1)/8))
// ms, so a percentile read from it is within 9 %) and `conversations` / `conversation_hops`. A hop is a turn
// served by another account than the conversation's previous turn; its cause is that turn's `affinity`. A
// request failed when it has an HTTP status of 400 or more or an error code — except a client that hung up.
const V2_INSIGHT = `
ALTER TABLE request_log ADD COLUMN conversation TEXT;
ALTER TABLE request_log ADD COLUMN affinity TEXT;
ALTER TABLE request_log ADD COLUMN response_id TEXT;
-- The request log's filters: each one alone, with or without a time range, reads only its index.
CREATE INDEX request_log_conversation ON request_log (conversation) WHERE conversation IS NOT NULL;
CREATE INDEX request_log_response ON request_log (response_id) WHERE response_id IS NOT NULL;
CREATE INDEX request_log_account_time ON request_log (account_id, started_at);
CREATE INDEX request_log_model_time ON request_log (model, started_at);
CREATE INDEX request_log_error_time ON request_log (error_code, started_at) WHERE error_code IS NOT NULL;
CREATE INDEX request_log_failed_time ON request_log (started_at)
  WHERE (error_code IS NOT NULL AND error_code <> 'client_disconnected') OR coalesce(status, 0) >= 400;

CREATE TABLE usage_hourly (
  hour       INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  model      TEXT NOT NULL,
  requests   INTEGER NOT NULL DEFAULT 0,
  errors     INTEGER NOT NULL DEFAULT 0,
  input      INTEGER NOT NULL DEFAULT 0,
  cached     INTEGER NOT NULL DEFAULT 0,
  output     INTEGER NOT NULL DEFAULT 0,
  reasoning  INTEGER NOT NULL DEFAULT 0,
  turns      INTEGER NOT NULL DEFAULT 0,
  hops       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (hour, account_id, model)
) STRICT, WITHOUT ROWID;

CREATE TABLE ttfb_hourly (
  hour   INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  n      INTEGER NOT NULL,
  PRIMARY KEY (hour, bucket)
) STRICT, WITHOUT ROWID;

CREATE TABLE conversations (
  conversation TEXT PRIMARY KEY,
  first_at     INTEGER NOT NULL,
  last_at      INTEGER NOT NULL,
  turns        INTEGER NOT NULL,
  hops         INTEGER NOT NULL,
  input        INTEGER NOT NULL,
  cached       INTEGER NOT NULL,
  last_account TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX conversations_last ON conversations (last_at);

CREATE TABLE conversation_hops (
  request_id    INTEGER PRIMARY KEY,
  conversation  TEXT NOT NULL,
  at            INTEGER NOT NULL,
  from_account  TEXT NOT NULL,
  to_account    TEXT NOT NULL,
  cause         TEXT,
  input_before  INTEGER,
  cached_before INTEGER,
  input_after   INTEGER,
  cached_after  INTEGER
) STRICT;
CREATE INDEX conversation_hops_conversation ON conversation_hops (conversation, request_id);
CREATE INDEX conversation_hops_at ON conversation_hops (at);

-- Runs once per logged row, inside the write-behind batch: a few indexed lookups and upserts.
CREATE TRIGGER request_log_insight AFTER INSERT ON request_log
BEGIN
  INSERT INTO conversation_hops
    SELECT NEW.id, NEW.conversation, NEW.started_at, p.account_id, NEW.account_id, NEW.affinity,
           p.input_tokens, p.cached_tokens, NEW.input_tokens, NEW.cached_tokens
    FROM (SELECT account_id, input_tokens, cached_tokens FROM request_log
          WHERE conversation = NEW.conversation AND id < NEW.id AND account_id IS NOT NULL
          ORDER BY id DESC LIMIT 1) AS p
    WHERE NEW.conversation IS NOT NULL AND NEW.account_id IS NOT NULL AND p.account_id <> NEW.account_id;

  INSERT INTO usage_hourly VALUES (
    (NEW.started_at / 3600000) * 3600, coalesce(NEW.account_id, ''), coalesce(NEW.model, ''), 1,
    (NEW.error_code IS NOT NULL AND NEW.error_code <> 'client_disconnected') OR coalesce(NEW.status, 0) >= 400,
    coalesce(NEW.input_tokens, 0), coalesce(NEW.cached_tokens, 0), coalesce(NEW.output_tokens, 0),
    coalesce(NEW.reasoning_tokens, 0),
    NEW.conversation IS NOT NULL AND NEW.account_id IS NOT NULL,
    EXISTS (SELECT 1 FROM conversation_hops WHERE request_id = NEW.id))
  ON CONFLICT (hour, account_id, model) DO UPDATE SET
    requests = requests + 1, errors = errors + excluded.errors, input = input + excluded.input,
    cached = cached + excluded.cached, output = output + excluded.output,
    reasoning = reasoning + excluded.reasoning, turns = turns + excluded.turns, hops = hops + excluded.hops;

  INSERT INTO ttfb_hourly
    SELECT (NEW.started_at / 3600000) * 3600, CAST(floor(8 * log2(max(NEW.ttfb_ms, 1))) AS INTEGER), 1
    WHERE NEW.ttfb_ms IS NOT NULL
  ON CONFLICT (hour, bucket) DO UPDATE SET n = n + 1;

  INSERT INTO conversations
    SELECT NEW.conversation, NEW.started_at, NEW.started_at, 1,
           EXISTS (SELECT 1 FROM conversation_hops WHERE request_id = NEW.id),
           coalesce(NEW.input_tokens, 0), coalesce(NEW.cached_tokens, 0), NEW.account_id
    WHERE NEW.conversation IS NOT NULL AND NEW.account_id IS NOT NULL
  ON CONFLICT (conversation) DO UPDATE SET
    first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at),
    turns = turns + 1, hops = hops + excluded.hops, input = input + excluded.input,
    cached = cached + excluded.cached, last_account = excluded.last_account;
END;

-- Rows logged before this version: their hours count (no conversations were recorded then).
INSERT INTO usage_hourly
  SELECT (started_at / 3600000) * 3600, coalesce(account_id, ''), coalesce(model, ''), count(*),
         sum((error_code IS NOT NULL AND error_code <> 'client_disconnected') OR coalesce(status, 0) >= 400),
         sum(coalesce(input_tokens, 0)),
         sum(coalesce(cached_tokens, 0)), sum(coalesce(output_tokens, 0)), sum(coalesce(reasoning_tokens, 0)), 0, 0
  FROM request_log GROUP BY 1, 2, 3;
INSERT INTO ttfb_hourly
  SELECT (started_at / 3600000) * 3600, CAST(floor(8 * log2(max(ttfb_ms, 1))) AS INTEGER), count(*)
  FROM request_log WHERE ttfb_ms IS NOT NULL GROUP BY 1, 2;

CREATE TABLE model_prices (
  model         TEXT PRIMARY KEY,
  input         REAL NOT NULL CHECK (input >= 0),
  cached_input  REAL NOT NULL CHECK (cached_input >= 0),
  output        REAL NOT NULL CHECK (output >= 0),
  updated_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
-- USD per million tokens, OpenAI's public API list prices (standard tier) as of late 2025; editable in the
-- dashboard and through PUT /api/insight/prices.
INSERT INTO model_prices VALUES
  ('gpt-5', 1.25, 0.125, 10, 0), ('gpt-5-codex', 1.25, 0.125, 10, 0),
  ('gpt-5.1', 1.25, 0.125, 10, 0), ('gpt-5.1-codex', 1.25, 0.125, 10, 0),
  ('gpt-5.1-codex-max', 1.25, 0.125, 10, 0), ('gpt-5.1-codex-mini', 0.25, 0.025, 2, 0),
  ('gpt-5-mini', 0.25, 0.025, 2, 0), ('gpt-5-nano', 0.05, 0.005, 0.4, 0),
  ('gpt-5.2', 1.75, 0.175, 14, 0), ('gpt-5.2-codex', 1.75, 0.175, 14, 0);
`;

// Issue 12: the user's usage caps ("stop at X % of the 5 h / weekly window") and sequential priority per account.
// Null = no cap / no place in the order, so existing accounts route exactly as before.
const V3_CAPS_AND_PRIORITY = `
ALTER TABLE accounts ADD COLUMN cap_short_percent INTEGER CHECK (cap_short_percent BETWEEN 1 AND 100);
ALTER TABLE accounts ADD COLUMN cap_long_percent INTEGER CHECK (cap_long_percent BETWEEN 1 AND 100);
ALTER TABLE accounts ADD COLUMN priority INTEGER CHECK (priority BETWEEN 1 AND 1000);
`;

// Issue 13: responses served over the WebSocket transport are logged one row per response, like HTTP ones;
// the column tells them apart. Rows logged before are HTTP.
const V4_REQUEST_TRANSPORT = `
ALTER TABLE request_log ADD COLUMN transport TEXT NOT NULL DEFAULT 'http' CHECK (transport IN ('http','websocket'));
`;

// Issue 14: the pool's quota chart, kept as samples are stored instead of replayed from every account's history
// on each read. One row per minute in which the pool's capacity-weighted used % changed: the first and last
// change in it, the highest value of each window and the value after the last change. `pool_quota_rollup` says
// which accounts (and plans) the rows were computed for (empty while they are rebuilt from the samples) and since
// when they cover.
const V5_POOL_QUOTA_ROLLUP = `
CREATE TABLE pool_quota_minutes (
  minute         INTEGER PRIMARY KEY,
  first_at       INTEGER NOT NULL,
  last_at        INTEGER NOT NULL,
  primary_max    INTEGER,
  secondary_max  INTEGER,
  primary_last   INTEGER,
  secondary_last INTEGER
) STRICT;

CREATE TABLE pool_quota_rollup (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  valid_from INTEGER NOT NULL,
  members    TEXT NOT NULL
) STRICT;
`;

/** The migrations this build knows, in order. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: V1_INITIAL },
  { version: 2, name: 'insight', sql: V2_INSIGHT },
  { version: 3, name: 'caps_and_priority', sql: V3_CAPS_AND_PRIORITY },
  { version: 4, name: 'request_transport', sql: V4_REQUEST_TRANSPORT },
  { version: 5, name: 'pool_quota_rollup', sql: V5_POOL_QUOTA_ROLLUP },
];

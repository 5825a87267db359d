import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { parse } from 'smol-toml';
import type {
  ConnectClient,
  ConnectClientStatus,
  ConnectOverview,
  ConnectPreview,
  ConnectResult,
} from '../../../shared/api';
import { HttpError } from '../http/http-error';
import { CODEX_PROVIDER_ID, editCodexConfig } from './codex-edit';
import { editOpenCodeConfig, openCodeBaseUrl, OPENCODE_PLACEHOLDER_KEY } from './opencode-edit';
import { codexPointing, openCodePointing, type ClientPointing } from './client-status';
import {
  hashContent,
  readBackup,
  readConfig,
  removeConfig,
  writeAtomic,
  writeBackup,
  type ConfigSnapshot,
} from './config-file';
import { loadConnectState, saveConnectState, type ConnectTarget } from './connect-state';
import type { ClientsSeen } from './client-seen';
import { connectSnippets } from './snippets';
import { MASK, maskSecrets } from './diff-mask';

/** What the connect engine needs from the rest of the core. */
export interface ConnectDeps {
  /** Where the undo state lives. */
  dataDir: string;
  /** `CODEX_HOME`, `OPENCODE_CONFIG`, `XDG_CONFIG_HOME` are read from here. */
  env: Record<string, string | undefined>;
  home: string;
  /** The origin local clients reach this server at, e.g. `http://127.0.0.1:2455`. */
  origin: () => string;
  /** Whether clients must send a proxy key. */
  keyRequired: () => boolean;
  /** Whether the pool serves Responses over WebSocket (not when it must reach upstream through an HTTP proxy). */
  webSockets: () => boolean;
  apiKeys: { create(name: string): { key: string }; verify(key: string): boolean };
  /** The pool's model ids (for OpenCode's list and the snippets); empty when unknown. */
  models: () => Promise<string[]>;
  clientsSeen: ClientsSeen;
  /** Epoch seconds. */
  now: () => number;
}

/** Shown in a preview where Apply will put a newly created proxy key. */
const NEW_KEY_PLACEHOLDER = '(a new proxy key, created on Apply)';
const KEY_NAMES: Record<ConnectClient, string> = {
  codex: 'Codex CLI (connect)',
  opencode: 'OpenCode (connect)',
};
const LABEL: Record<ConnectClient, string> = { codex: 'Codex', opencode: 'OpenCode' };

interface Plan {
  snapshot: ConfigSnapshot;
  next: string;
  changed: boolean;
  secret: string | null;
  notes: string[];
}

/**
 * Connects coding agents to the pool by editing their config files: preview (a diff, nothing written), apply
 * (backup beside the file, atomic replace, refused if the file changed since the preview), undo (the exact
 * previous bytes, refused if the file changed since the apply). Running apply twice writes nothing the second
 * time. The edits themselves are pure ({@link editCodexConfig}, {@link editOpenCodeConfig}).
 */
export class ConnectService {
  constructor(private readonly deps: ConnectDeps) {}

  /** The origin local clients reach this server at. */
  origin(): string {
    return this.deps.origin();
  }

  /** The model the snippets and the test request use: the pool's first, or Codex's default. */
  async defaultModel(): Promise<string> {
    return (await this.models())[0] ?? 'gpt-5.5';
  }

  /**
   * The config file Codex Pool edits for a client. Codex's profile is a file of its own beside config.toml:
   * Codex 0.169 refuses `--profile` for a `[profiles.…]` table in config.toml and reads `<name>.config.toml`.
   */
  configPath(client: ConnectClient, profile = false): string {
    const { env, home } = this.deps;
    const codexHome = env['CODEX_HOME'] || join(home, '.codex');
    if (client === 'codex')
      return join(codexHome, profile ? `${CODEX_PROVIDER_ID}.config.toml` : 'config.toml');
    if (env['OPENCODE_CONFIG']) return env['OPENCODE_CONFIG'];
    const dir = join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'opencode');
    const jsonc = join(dir, 'opencode.jsonc');
    return existsSync(jsonc) ? jsonc : join(dir, 'opencode.json');
  }

  /** Every client's status and the snippets for the rest. */
  async overview(): Promise<ConnectOverview> {
    return {
      clients: [this.status('codex'), this.status('opencode')],
      snippets: connectSnippets(this.deps.origin(), await this.defaultModel(), this.deps.keyRequired()),
      otherLastRequestAt: this.deps.clientsSeen.lastAt('other'),
    };
  }

  /** One client's status: its default config, or Codex's profile file when only that one is connected. */
  status(client: ConnectClient): ConnectClientStatus {
    const state = loadConnectState(this.deps.dataDir);
    const read = (profile: boolean) => {
      const snapshot = readConfig(this.configPath(client, profile));
      const entry = state[target(client, profile)];
      return {
        snapshot,
        pointing: this.pointing(client, snapshot.content),
        canUndo:
          entry !== undefined && entry.configPath === snapshot.path && entry.writtenHash === snapshot.hash,
      };
    };
    let shown = read(false);
    let profile = false;
    if (client === 'codex' && shown.pointing.state !== 'connected') {
      const viaProfile = read(true);
      if (viaProfile.pointing.state === 'connected') {
        shown = viaProfile;
        profile = true;
      }
    }
    return {
      client,
      configPath: shown.snapshot.path,
      state: shown.pointing.state,
      profile,
      detail: profile ? 'Codex uses Codex Pool when run with --profile codex-pool.' : shown.pointing.detail,
      canUndo: shown.canUndo,
      lastRequestAt: this.deps.clientsSeen.lastAt(client),
    };
  }

  /** What Apply would change, as a unified diff; writes nothing and creates no key. */
  async preview(client: ConnectClient, profile: boolean): Promise<ConnectPreview> {
    const plan = await this.plan(client, profile, false);
    const masked = (text: string): string =>
      maskSecrets(
        plan.secret && plan.secret !== NEW_KEY_PLACEHOLDER ? text.split(plan.secret).join(MASK) : text,
      );
    return {
      client,
      configPath: plan.snapshot.path,
      diff: plan.changed
        ? masked(
            createTwoFilesPatch(
              plan.snapshot.path,
              plan.snapshot.path,
              plan.snapshot.content ?? '',
              plan.next,
              plan.snapshot.content === null ? '(new file)' : 'now',
              'after Apply',
            ),
          )
        : '',
      changes: plan.changed,
      baseHash: plan.snapshot.hash,
      notes: plan.notes,
    };
  }

  /** Writes the change the preview showed, unless the file changed since (`baseHash`). */
  async apply(client: ConnectClient, profile: boolean, baseHash: string | null): Promise<ConnectResult> {
    const current = readConfig(this.configPath(client, profile));
    if (current.hash !== baseHash) throw changedSincePreview(current.path);
    const plan = await this.plan(client, profile, true, current);
    const { snapshot } = plan;
    if (!plan.changed) {
      return {
        client,
        configPath: snapshot.path,
        changed: false,
        backupPath: null,
        message: `${LABEL[client]} already uses Codex Pool: nothing to change.`,
      };
    }
    const state = loadConnectState(this.deps.dataDir);
    const key = target(client, profile);
    const prior = state[key];
    // The key minting above awaited; make sure nobody wrote the file meanwhile.
    if (readConfig(snapshot.path).hash !== snapshot.hash) throw changedSincePreview(snapshot.path);
    const backup =
      snapshot.bytes === null ? null : writeBackup({ ...snapshot, bytes: snapshot.bytes }, this.deps.now());
    // Undo goes back to the file as it was before Codex Pool first touched it, as long as nobody edited it since.
    const keepOriginal =
      prior !== undefined && prior.configPath === snapshot.path && prior.writtenHash === snapshot.hash;
    const undoTarget = keepOriginal ? prior.backupPath : backup;
    // A file holding a proxy key is made private; otherwise it keeps its mode.
    const mode = plan.secret ? 0o600 : (snapshot.mode ?? 0o644);
    writeAtomic(snapshot.path, plan.next, mode);
    state[key] = {
      configPath: snapshot.path,
      backupPath: undoTarget,
      writtenHash: hashContent(plan.next),
      appliedAt: this.deps.now(),
    };
    saveConnectState(this.deps.dataDir, state);
    const how = client === 'codex' && profile ? ' when run with --profile codex-pool' : '';
    return {
      client,
      configPath: snapshot.path,
      changed: true,
      backupPath: backup,
      message: `${LABEL[client]} now uses Codex Pool${how}.${backup ? ` The previous file is saved as ${backup}.` : ''}`,
    };
  }

  /** Puts back the exact bytes from before Codex Pool connected the client (or removes a file it created). */
  undo(client: ConnectClient, profile = false): ConnectResult {
    const path = this.configPath(client, profile);
    const state = loadConnectState(this.deps.dataDir);
    const key = target(client, profile);
    const entry = state[key];
    if (!entry || entry.configPath !== path) {
      throw new HttpError(
        409,
        'nothing_to_undo',
        `Codex Pool has not changed ${path}, so there is nothing to undo.`,
      );
    }
    const current = readConfig(path);
    if (current.hash !== entry.writtenHash) {
      const where = entry.backupPath
        ? `The file from before is kept at ${entry.backupPath}; copy it back by hand if you want it.`
        : 'Before Codex Pool there was no file; delete it by hand if you want that.';
      throw new HttpError(
        409,
        'config_changed',
        `${path} changed after Codex Pool connected ${LABEL[client]}; undoing would throw those edits away. ${where}`,
      );
    }
    if (entry.backupPath === null) removeConfig(path);
    else writeAtomic(path, readBackup(entry.backupPath), statSync(entry.backupPath).mode & 0o777);
    delete state[key];
    saveConnectState(this.deps.dataDir, state);
    return {
      client,
      configPath: path,
      changed: true,
      backupPath: entry.backupPath,
      message:
        entry.backupPath === null
          ? `Removed ${path}, which Codex Pool had created.`
          : `${path} is back to the bytes it had before Codex Pool connected ${LABEL[client]}.`,
    };
  }

  private pointing(client: ConnectClient, content: string | null): ClientPointing {
    const origin = this.deps.origin();
    return client === 'codex'
      ? codexPointing(content, `${origin}/backend-api/codex`)
      : openCodePointing(content, `${origin}/v1`);
  }

  private async plan(
    client: ConnectClient,
    profile: boolean,
    forApply: boolean,
    read?: ConfigSnapshot,
  ): Promise<Plan> {
    const snapshot = read ?? readConfig(this.configPath(client, profile));
    const pointing = this.pointing(client, snapshot.content);
    if (pointing.state === 'invalid') throw new HttpError(422, 'invalid_config', pointing.detail);
    const notes = [...pointing.notes];
    const existingKey = this.existingKey(client, snapshot.content);
    let secret: string | null = null;
    if (this.deps.keyRequired()) {
      if (existingKey !== null && this.deps.apiKeys.verify(existingKey)) secret = existingKey;
      else if (forApply) secret = this.deps.apiKeys.create(KEY_NAMES[client]).key;
      else {
        secret = NEW_KEY_PLACEHOLDER;
        notes.push(
          `Codex Pool requires proxy keys: Apply creates the key "${KEY_NAMES[client]}" for ${LABEL[client]} (revoke it under Routing) and makes the file readable by you only.`,
        );
      }
    }
    const origin = this.deps.origin();
    let result;
    if (client === 'codex') {
      const loggedIn = existsSync(join(dirname(snapshot.path), 'auth.json'));
      if (!loggedIn)
        notes.push(
          'Codex has no login here (no auth.json): it will send no credentials, and the pool needs none.',
        );
      result = editCodexConfig(snapshot.content ?? '', {
        baseUrl: `${origin}/backend-api/codex`,
        requiresOpenaiAuth: loggedIn,
        bearerToken: secret,
        supportsWebsockets: this.deps.webSockets(),
      });
    } else {
      const login = this.openCodeLogin();
      if (login) {
        notes.push(
          `OpenCode has its own OpenAI login in ${login}, which takes precedence over this provider: remove it with "opencode auth logout" (choose OpenAI) so requests go to the pool.`,
        );
      }
      result = editOpenCodeConfig(snapshot.content ?? '', {
        baseUrl: `${origin}/v1`,
        apiKey: secret ?? OPENCODE_PLACEHOLDER_KEY,
        models: await this.models(),
      });
    }
    if (!result.ok) throw new HttpError(422, result.code, result.message);
    return {
      snapshot,
      next: result.text,
      changed: result.text !== snapshot.content,
      secret,
      notes,
    };
  }

  /** The proxy key a client's config already carries, to reuse instead of minting another. */
  private existingKey(client: ConnectClient, content: string | null): string | null {
    if (content === null) return null;
    try {
      if (client === 'codex') {
        const doc = parse(content) as {
          model_providers?: Record<string, { experimental_bearer_token?: unknown }>;
        };
        const token = doc.model_providers?.[CODEX_PROVIDER_ID]?.experimental_bearer_token;
        return typeof token === 'string' ? token : null;
      }
    } catch {
      return null;
    }
    const read = openCodeBaseUrl(content);
    return read.ok ? read.apiKey : null;
  }

  /** OpenCode's auth.json when it holds an `openai` login (PROTOCOL.md §13: it would win over the base URL). */
  private openCodeLogin(): string | null {
    const { env, home } = this.deps;
    const path = join(env['XDG_DATA_HOME'] || join(home, '.local', 'share'), 'opencode', 'auth.json');
    const read = readConfig(path);
    if (read.content === null) return null;
    try {
      const auth = JSON.parse(read.content) as Record<string, unknown>;
      return auth['openai'] !== undefined ? path : null;
    } catch {
      return null;
    }
  }

  private async models(): Promise<string[]> {
    try {
      return await this.deps.models();
    } catch {
      return [];
    }
  }
}

function changedSincePreview(path: string): HttpError {
  return new HttpError(
    409,
    'config_changed',
    `${path} changed since the preview (another program or an editor wrote it). Preview again to see the change as it stands now.`,
  );
}

/** The undo-state key of the file an apply edits. */
function target(client: ConnectClient, profile: boolean): ConnectTarget {
  return client === 'codex' && profile ? 'codex-profile' : client;
}

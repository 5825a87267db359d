import { parse } from 'smol-toml';
import type { ConnectState } from '../../../shared/api';
import { CODEX_PROVIDER_ID } from './codex-edit';
import { openCodeBaseUrl } from './opencode-edit';

/** Where a client points, for the status line and the preview's notes. */
export interface ClientPointing {
  state: ConnectState;
  profile: boolean;
  detail: string;
  /** Sentences the preview shows before Apply (what gets replaced). */
  notes: string[];
}

/** Reads where Codex's `config.toml` points, relative to this server's Codex base URL. Pure. */
export function codexPointing(content: string | null, baseUrl: string): ClientPointing {
  if (content === null) {
    return {
      state: 'missing',
      profile: false,
      detail: 'No config.toml yet: connecting creates one that uses Codex Pool.',
      notes: [],
    };
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(content) as Record<string, unknown>;
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    return {
      state: 'invalid',
      profile: false,
      detail: `config.toml does not parse (${why}); Codex Pool will not change it until it does.`,
      notes: [],
    };
  }
  const providers = record(doc['model_providers']);
  const ours = record(providers[CODEX_PROVIDER_ID]);
  const ourUrl = typeof ours['base_url'] === 'string' ? ours['base_url'] : null;
  const topLevel = typeof doc['model_provider'] === 'string' ? doc['model_provider'] : null;
  // A default profile (`profile = "work"`) that names a provider overrides the top-level model_provider.
  const profileName = typeof doc['profile'] === 'string' ? doc['profile'] : null;
  const fromProfile = profileName
    ? record(record(doc['profiles'])[profileName])['model_provider']
    : undefined;
  const overridden = typeof fromProfile === 'string' && fromProfile !== CODEX_PROVIDER_ID;
  const selected = typeof fromProfile === 'string' ? fromProfile : topLevel;
  if (ourUrl === baseUrl && selected === CODEX_PROVIDER_ID) {
    return { state: 'connected', profile: false, detail: 'Codex uses Codex Pool by default.', notes: [] };
  }
  const notes: string[] = [];
  if (profileName !== null) {
    // Observed with Codex 0.169: a top-level `profile` is refused at start ("legacy … no longer supported");
    // older versions let that profile's provider win over model_provider.
    notes.push(
      `config.toml selects the profile "${profileName}" (profile = …), which Codex 0.169 refuses at start${overridden ? ` (older versions let its provider "${fromProfile}" win over model_provider)` : ''}. Remove that line to use Codex Pool.`,
    );
  }
  if (ourUrl !== null && ourUrl !== baseUrl) {
    notes.push(
      `The codex-pool provider points at ${describeUrl(ourUrl)}; connecting changes it to ${baseUrl}.`,
    );
  }
  if (selected !== null && selected !== CODEX_PROVIDER_ID) {
    const other = record(providers[selected]);
    const otherUrl = typeof other['base_url'] === 'string' ? other['base_url'] : null;
    notes.push(
      `Codex now uses the provider "${selected}"${otherUrl ? ` (${otherUrl})` : ''}; connecting as the default replaces that choice (its table stays, and Undo brings the choice back).`,
    );
    if (otherUrl !== null) {
      return {
        state: 'other_proxy',
        profile: false,
        detail: `Codex points at another server: ${otherUrl}.`,
        notes,
      };
    }
  }
  if (ourUrl !== null && ourUrl !== baseUrl) {
    return { state: 'other_proxy', profile: false, detail: `Codex points at ${describeUrl(ourUrl)}.`, notes };
  }
  return {
    state: 'not_connected',
    profile: false,
    detail: selected ? `Codex uses the provider "${selected}".` : 'Codex uses its built-in OpenAI provider.',
    notes,
  };
}

/** Reads where OpenCode's `openai` provider points, relative to this server's `/v1` base URL. Pure. */
export function openCodePointing(content: string | null, baseUrl: string): ClientPointing {
  if (content === null) {
    return {
      state: 'missing',
      profile: false,
      detail: 'No OpenCode config yet: connecting creates one whose openai provider uses Codex Pool.',
      notes: [],
    };
  }
  const read = openCodeBaseUrl(content);
  if (!read.ok) return { state: 'invalid', profile: false, detail: read.message, notes: [] };
  if (read.baseUrl === baseUrl) {
    return {
      state: 'connected',
      profile: false,
      detail: "OpenCode's openai provider uses Codex Pool.",
      notes: [],
    };
  }
  if (read.baseUrl !== null) {
    return {
      state: 'other_proxy',
      profile: false,
      detail: `OpenCode's openai provider points at ${describeUrl(read.baseUrl)}.`,
      notes: [
        `OpenCode's openai provider points at ${describeUrl(read.baseUrl)}; connecting changes it to ${baseUrl}.`,
      ],
    };
  }
  return {
    state: 'not_connected',
    profile: false,
    detail: 'OpenCode uses the OpenAI API directly.',
    notes: [],
  };
}

/** "a Codex Pool on port 2456 (http://…)" for loopback URLs of our shape, else the URL itself. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const loopback = u.hostname === 'localhost' || u.hostname === '[::1]' || /^127\./.test(u.hostname);
    if (loopback && /\/(backend-api\/codex|v1)\/?$/.test(u.pathname)) {
      return `a Codex Pool on port ${u.port || (u.protocol === 'https:' ? '443' : '80')} (${url})`;
    }
  } catch {
    return url;
  }
  return url;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

import { arch, release, type } from 'node:os';
import type { CodexPersona } from '../protocol';
import { CATALOG_CLIENT_VERSION } from './catalog';

/** The Codex persona presented upstream for non-Codex clients (PROTOCOL.md §4.1). */
export function codexPersona(): CodexPersona {
  const os = type() === 'Darwin' ? 'Mac OS' : type() === 'Windows_NT' ? 'Windows' : type();
  return {
    originator: 'codex_cli_rs',
    version: CATALOG_CLIENT_VERSION,
    userAgent: `codex_cli_rs/${CATALOG_CLIENT_VERSION} (${os} ${release()}; ${arch() === 'x64' ? 'x86_64' : arch()}) codex-pool`,
  };
}

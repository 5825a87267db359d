/** What the user reads when the app cannot start. Pure; the message never echoes a token. */
import { redactSecrets } from '../core/log';
import type { CoreConfig } from '../core/config';

/** A title and a sentence or two for the error dialog. */
export function startupErrorMessage(
  err: unknown,
  config: Pick<CoreConfig, 'host' | 'port'> | null,
): {
  title: string;
  body: string;
} {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (config && code === 'EADDRINUSE') {
    return {
      title: 'Codex Pool could not start',
      body:
        `Port ${config.port} on ${config.host} is already in use — is \`codex-pool serve\` running? ` +
        'Stop it, or set CODEX_POOL_PORT to another port.',
    };
  }
  if (config && code === 'EACCES') {
    return {
      title: 'Codex Pool could not start',
      body: `Codex Pool may not listen on ${config.host}:${config.port}. Set CODEX_POOL_PORT to a port above 1024.`,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { title: 'Codex Pool could not start', body: redactSecrets(message) };
}

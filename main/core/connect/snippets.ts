import type { z } from 'zod';
import type { connectSnippetsSchema } from '../../../shared/api';

/** What a user pastes where no config file is edited for them. */
export type ConnectSnippets = z.infer<typeof connectSnippetsSchema>;

/** Stands for the user's own proxy key in the snippets when the pool requires one. */
export const KEY_PLACEHOLDER = 'cp-YOUR-KEY';

/**
 * Environment lines for OpenAI SDKs and a curl command that sends one request through the pool. Without
 * required keys any value works as the key (SDKs insist on one); with them the user puts in a key made under
 * Routing. Pure, so the integration test can run the very line the dashboard shows.
 */
export function connectSnippets(origin: string, model: string, keyRequired: boolean): ConnectSnippets {
  const key = keyRequired ? KEY_PLACEHOLDER : 'codex-pool';
  const body = JSON.stringify({ model, input: 'Say hello in five words.' });
  return {
    env: `export OPENAI_BASE_URL=${origin}/v1\nexport OPENAI_API_KEY=${key}`,
    curl: `curl -sS ${origin}/v1/responses -H 'content-type: application/json' -H 'authorization: Bearer ${key}' -d '${body}'`,
    keyRequired,
  };
}

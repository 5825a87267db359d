import { describe, expect, it } from 'vitest';
import { MASK, maskSecrets } from '../../../main/core/connect/diff-mask';

describe('maskSecrets', () => {
  it.each<[string, string]>([
    [' env = { GITHUB_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123" }', ` env = { GITHUB_TOKEN = "${MASK}" }`],
    ['-      "apiKey": "sk-proj-abcdefghijklmnop1234",', `-      "apiKey": "${MASK}",`],
    ['+experimental_bearer_token = "cp-AbCdEfGhIjKlMnOpQrStUv"', `+experimental_bearer_token = "${MASK}"`],
    [' args = ["--token", "xoxb-1234567890-abcdef"]', ` args = ["--token", "${MASK}"]`],
    [" password = 'correct horse battery'", ` password = '${MASK}'`],
  ])('masks %s', (line, masked) => {
    expect(maskSecrets(line)).toBe(masked);
  });

  it.each([
    '+        "apiKey": "codex-pool"',
    '+experimental_bearer_token = "(a new proxy key, created on Apply)"',
    '+base_url = "http://127.0.0.1:2455/backend-api/codex"',
    ' model_reasoning_effort = "high"',
  ])('leaves %s readable', (line) => {
    expect(maskSecrets(line)).toBe(line);
  });
});

/** What a masked secret looks like in a diff: enough to see that a value is there, none of it. */
export const MASK = '••••••••';

/** Well-known token shapes: OpenAI and proxy keys, GitHub, Slack, AWS access keys, JWTs. */
const TOKEN_SHAPES =
  /\b(?:sk|cp)-[A-Za-z0-9_-]{16,}|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}|\bxox[abprs]-[A-Za-z0-9-]{10,}|\bAKIA[0-9A-Z]{16}\b|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+/g;

/** A key whose name says it holds a secret (`GITHUB_TOKEN = "…"`, `"apiKey": "…"`), and its quoted value. */
const SECRET_ASSIGNMENT =
  /((?:token|secret|password|passwd|api[_-]?key|apikey|authorization|bearer)[\w-]*["']?\s*[=:]\s*)(["'])([^"'(][^"']{11,})\2/gi;

/**
 * Masks secrets in a diff before it is shown: the diff's context lines can hold a user's own tokens (an MCP
 * server's `env`, an OpenAI key in OpenCode's options), and a preview must never put a token on screen.
 * Short, obviously non-secret values (`"codex-pool"`) and placeholders in parentheses stay readable.
 */
export function maskSecrets(diff: string): string {
  return diff
    .replace(SECRET_ASSIGNMENT, (_m, head: string, quote: string) => `${head}${quote}${MASK}${quote}`)
    .replace(TOKEN_SHAPES, MASK);
}

/** OAuth constants of the ChatGPT login the Codex CLI uses (PROTOCOL.md §1.1). */

/** Default issuer; tests and `CODEX_POOL_AUTH_BASE_URL` replace it. */
export const OAUTH_ISSUER = 'https://auth.openai.com';
/** The Codex CLI's public client id; only its redirect ports are allowed. */
export const OAUTH_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
/** The Codex CLI scope set; `offline_access` is what yields a refresh token. */
export const OAUTH_SCOPE = 'openid profile email offline_access api.connectors.read api.connectors.invoke';
/** Sent as `originator`, matching the upstream persona (PROTOCOL.md §4). */
export const OAUTH_ORIGINATOR = 'codex_cli_rs';
/** The callback port the client id allows first… */
export const OAUTH_CALLBACK_PORT = 1455;
/** …and the only fallback it allows. */
export const OAUTH_FALLBACK_CALLBACK_PORT = 1457;
/** Both allowed callback ports, in the order to try them. */
export const OAUTH_CALLBACK_PORTS = [OAUTH_CALLBACK_PORT, OAUTH_FALLBACK_CALLBACK_PORT] as const;
/** Path of the browser callback on the local listener. */
export const OAUTH_CALLBACK_PATH = '/auth/callback';
/** Redirect URI of the device-code flow's code exchange (PROTOCOL.md §1.6). */
export const DEVICE_AUTH_REDIRECT_PATH = '/deviceauth/callback';

/**
 * The redirect URI for a callback port. It says `localhost` while the listener binds `127.0.0.1`: the
 * client's allow-list holds the `localhost` form, and the exchange must repeat it byte for byte.
 */
export function redirectUriForPort(port: number): string {
  return `http://localhost:${port}${OAUTH_CALLBACK_PATH}`;
}

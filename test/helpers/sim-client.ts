import type { SimAccountView } from '../simulator/index';

/** A Codex-shaped `/backend-api/codex/responses` call as a given account (what our proxy sends upstream). */
export function postResponses(
  upstreamBaseUrl: string,
  account: Pick<SimAccountView, 'tokens' | 'chatgptAccountId'>,
  body: Record<string, unknown> = {},
  init: { signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${upstreamBaseUrl}/codex/responses`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${account.tokens.accessToken}`,
      'chatgpt-account-id': account.chatgptAccountId,
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...init.headers,
    },
    body: JSON.stringify({ model: 'gpt-5.5', stream: true, store: false, input: [], ...body }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

/** `GET /wham/usage` as the account. */
export async function getUsage(
  upstreamBaseUrl: string,
  account: Pick<SimAccountView, 'tokens' | 'chatgptAccountId'>,
) {
  const res = await fetch(`${upstreamBaseUrl}/wham/usage`, {
    headers: {
      authorization: `Bearer ${account.tokens.accessToken}`,
      'chatgpt-account-id': account.chatgptAccountId,
    },
  });
  return (await res.json()) as {
    plan_type: string;
    rate_limit: {
      limit_reached: boolean;
      primary_window: { used_percent: number; reset_at: number };
      secondary_window: { used_percent: number };
    };
    additional_rate_limits: {
      limit_name: string;
      metered_feature: string;
      rate_limit: { primary_window: { used_percent: number } };
    }[];
  };
}

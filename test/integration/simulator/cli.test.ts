import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import type { CodexAuthJson } from '../../simulator/index';

describe('simulator as a process', () => {
  it('prints its URLs and sample accounts as one JSON line and exits on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/simulator/cli.ts', '--accounts', '3'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const info = JSON.parse(line) as {
      url: string;
      upstreamBaseUrl: string;
      responsesWebSocketUrl: string;
      authBaseUrl: string;
      accounts: { email: string; planType: string; authJson: CodexAuthJson }[];
    };
    expect(info.upstreamBaseUrl).toBe(`${info.url}/backend-api`);
    expect(info.responsesWebSocketUrl).toBe(
      `${info.url.replace('http:', 'ws:')}/backend-api/codex/responses`,
    );
    expect(info.accounts.map((a) => a.planType)).toEqual(['plus', 'pro', 'team']);
    const pro = info.accounts[1]!.authJson.tokens;
    const usage = await fetch(`${info.upstreamBaseUrl}/wham/usage`, {
      headers: { authorization: `Bearer ${pro.access_token}`, 'chatgpt-account-id': pro.account_id },
    });
    const body = (await usage.json()) as { additional_rate_limits: { limit_name: string }[] };
    expect(body.additional_rate_limits.map((l) => l.limit_name)).toEqual(['codex_other']);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});

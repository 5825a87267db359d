import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process';

describe('codex-pool demo', () => {
  it('serves simulated accounts, says DEMO everywhere, and leaves no data behind', async () => {
    const cli = startCli(['demo', '--port', '0'], {});
    await cli.waitForStdout(/DEMO mode/);
    const [, url] = await cli.waitForStdout(/OpenAI base URL:\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/);
    const [, dataDir] = await cli.waitForStdout(/Data directory:\s+(\S+)\s+\(temporary/);

    expect(await (await fetch(`${url}/api/health`)).json()).toMatchObject({ ok: true, demo: true });
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toMatch(/^Hello from demo\d@example\.com$/);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(existsSync(dataDir!)).toBe(false);
  });
});

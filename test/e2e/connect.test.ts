import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signIn, startPool, type PoolHarness, useBrowser } from './fixtures';

let pool: PoolHarness | undefined;
let home: string | undefined;

const browser = useBrowser(async () => {
  await pool?.close();
  pool = undefined;
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

const ORIGINAL = `# my settings
model = "gpt-5.5"

[mcp_servers.docs]
command = "node"
args = ["docs.js"]

[features]
web_search = true
`;

async function poolWithCodexHome(accounts: { email: string; planType: string }[]): Promise<string> {
  home = await mkdtemp(join(tmpdir(), 'connect-e2e-'));
  const codexHome = join(home, '.codex');
  await mkdir(codexHome);
  await writeFile(join(codexHome, 'config.toml'), ORIGINAL);
  pool = await startPool({
    accounts,
    deps: { env: { HOME: home, CODEX_HOME: codexHome, XDG_CONFIG_HOME: join(home, '.config') } },
  });
  return join(codexHome, 'config.toml');
}

describe('the Connect view', () => {
  it('previews the diff, applies it, undoes it, and sends a test request through the pool', async () => {
    const path = await poolWithCodexHome([{ email: 'pooled@example.com', planType: 'pro' }]);
    // A request from the Codex CLI, recognised by its User-Agent.
    await pool!.fetch('/backend-api/codex/models?client_version=0.169.0', {
      headers: { 'user-agent': 'codex_exec/0.169.0 (Debian 12; x86_64)', originator: 'codex_exec' },
    });
    const { page, errors } = await signIn(browser(), pool!.core);
    await page.getByRole('tab', { name: 'Connect' }).click();
    await page.getByRole('heading', { name: 'Connect your coding agents', level: 2 }).waitFor();
    const codex = page.getByTestId('connect-codex');
    await codex.getByTestId('connect-state').getByText('Not connected').waitFor();
    expect(await codex.getByTestId('connect-last-request').textContent()).toBe('last request just now');

    await codex.getByRole('button', { name: 'Preview change' }).click();
    const diff = codex.getByTestId('connect-diff');
    await diff.waitFor();
    expect(await diff.locator('.diff-add').allTextContents()).toContain('+model_provider = "codex-pool"\n');
    expect(await readFile(path, 'utf8')).toBe(ORIGINAL); // a preview writes nothing

    await codex.getByRole('button', { name: 'Apply' }).click();
    await codex.getByTestId('connect-state').getByText('Connected').waitFor();
    const applied = await readFile(path, 'utf8');
    expect(applied).toContain('[model_providers.codex-pool]');
    expect(applied.startsWith('# my settings\nmodel = "gpt-5.5"\nmodel_provider = "codex-pool"\n')).toBe(
      true,
    );

    await codex.getByRole('button', { name: 'Undo' }).click();
    await codex.getByTestId('connect-state').getByText('Not connected').waitFor();
    expect(await readFile(path, 'utf8')).toBe(ORIGINAL);

    await page.getByRole('button', { name: 'Send a test request' }).click();
    const result = page.getByTestId('connect-test-result');
    await result.waitFor();
    expect(await result.textContent()).toMatch(
      /^pooled@example\.com answered in .*Hello from pooled@example\.com/,
    );
    expect(await page.getByTestId('snippet-curl').textContent()).toContain(`${pool!.core.url}/v1/responses`);
    expect(errors).toEqual([]);
  });

  it('says when the file changed between the preview and Apply, and leaves it alone', async () => {
    const path = await poolWithCodexHome([{ email: 'pooled@example.com', planType: 'pro' }]);
    const { page } = await signIn(browser(), pool!.core);
    await page.getByRole('tab', { name: 'Connect' }).click();
    const codex = page.getByTestId('connect-codex');
    await codex.getByRole('button', { name: 'Preview change' }).click();
    await codex.getByTestId('connect-diff').waitFor();
    await writeFile(path, ORIGINAL + '# edited meanwhile\n');
    await codex.getByRole('button', { name: 'Apply' }).click();
    await codex
      .getByRole('alert')
      .getByText(/changed since the preview/)
      .waitFor();
    expect(await readFile(path, 'utf8')).toBe(ORIGINAL + '# edited meanwhile\n');
  });

  it('walks a new user through add account → connect → test', async () => {
    await poolWithCodexHome([]);
    const { page } = await signIn(browser(), pool!.core);
    const walkthrough = page.getByTestId('first-run');
    await walkthrough.getByRole('heading', { name: 'Get started' }).waitFor();
    await walkthrough.getByRole('button', { name: 'Add account' }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');

    // An account arrives (as if signed in); the first step ticks off and the test becomes available.
    const account = pool!.sim.addAccount({ email: 'new@example.com', planType: 'plus' });
    await pool!.admin('/api/accounts/import', { method: 'POST', body: JSON.stringify(account.authJson()) });
    await walkthrough.getByText('(done)').first().waitFor();
    await walkthrough.getByRole('button', { name: 'Open Connect' }).click();
    await page.getByRole('heading', { name: 'Connect your coding agents', level: 2 }).waitFor();
    await walkthrough.getByRole('button', { name: 'Send a test request' }).click();
    await walkthrough
      .getByTestId('connect-test-result')
      .getByText(/new@example\.com answered/)
      .waitFor();
  });
});

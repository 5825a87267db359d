import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli-process';

let home: string | undefined;
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

const ORIGINAL = '# mine\nmodel = "gpt-5.5"\n\n[features]\nweb_search = true\n';

async function run(args: string[], env: Record<string, string>) {
  const cli = startCli(args, env);
  const code = await cli.exited;
  return { code, out: cli.stdout(), err: cli.stderr() };
}

describe('codex-pool connect (CLI)', () => {
  it('shows the diff with --dry-run, applies, does nothing the second time, and --undo restores the bytes', async () => {
    home = await mkdtemp(join(tmpdir(), 'connect-cli-'));
    const codexHome = join(home, '.codex');
    await mkdir(codexHome);
    const path = join(codexHome, 'config.toml');
    await writeFile(path, ORIGINAL);
    const env = { HOME: home, CODEX_HOME: codexHome };
    const base = ['--port', '2499', '--data-dir', join(home, 'data')];

    const dry = await run(['connect', 'codex', '--dry-run', ...base], env);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('+model_provider = "codex-pool"');
    expect(dry.out).toContain('+base_url = "http://127.0.0.1:2499/backend-api/codex"');
    expect(dry.out).toContain('Note: Codex has no login here');
    expect(dry.out).toContain('dry run: nothing was written');
    expect(await readFile(path, 'utf8')).toBe(ORIGINAL);

    const applied = await run(['connect', 'codex', ...base], env);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out).toMatch(
      /Codex now uses Codex Pool\. The previous file is saved as .*codex-pool-backup-/,
    );
    expect(await readFile(path, 'utf8')).toContain('[model_providers.codex-pool]');

    const again = await run(['connect', 'codex', ...base], env);
    expect(again.out).toContain('already uses Codex Pool: nothing to change');

    const undone = await run(['connect', 'codex', '--undo', ...base], env);
    expect(undone.code, undone.err).toBe(0);
    expect(await readFile(path, 'utf8')).toBe(ORIGINAL);
  });

  it('goes through a running server, and refuses unknown clients and a broken file clearly', async () => {
    home = await mkdtemp(join(tmpdir(), 'connect-cli-'));
    const codexHome = join(home, '.codex');
    await mkdir(codexHome);
    const env = { HOME: home, CODEX_HOME: codexHome };
    const dataDir = join(home, 'data');
    const server = startCli(['serve', '--port', '0', '--data-dir', dataDir], env);
    const [, port] = await server.waitForStdout(/http:\/\/127\.0\.0\.1:(\d+)\/v1/);
    try {
      const base = ['--port', port!, '--data-dir', dataDir];
      const applied = await run(['connect', 'codex', '--profile', ...base], env);
      expect(applied.code, applied.err).toBe(0);
      expect(applied.out).toContain('Start Codex with: codex --profile codex-pool');
      expect(await readFile(join(codexHome, 'codex-pool.config.toml'), 'utf8')).toContain(
        `base_url = "http://127.0.0.1:${port}/backend-api/codex"`,
      );

      const unknown = await run(['connect', 'cursor', ...base], env);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain('Choose one of: codex, opencode');

      await writeFile(join(codexHome, 'config.toml'), 'model = \n');
      const broken = await run(['connect', 'codex', ...base], env);
      expect(broken.code).toBe(1);
      expect(broken.err).toMatch(/does not parse/);
      expect(await readFile(join(codexHome, 'config.toml'), 'utf8')).toBe('model = \n');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});

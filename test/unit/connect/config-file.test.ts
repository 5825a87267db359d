import { chmod, lstat, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig, writeAtomic, writeBackup } from '../../../main/core/connect/config-file';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('config files', () => {
  it('replaces the file a symlink points to, keeping the link (dotfiles repos)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'config-file-'));
    const real = join(dir, 'dotfiles-config.toml');
    const link = join(dir, 'config.toml');
    await writeFile(real, 'a = 1\n');
    await chmod(real, 0o664); // group-writable: wider than the usual umask allows a new file
    await symlink(real, link);
    writeAtomic(link, 'a = 2\n', 0o664);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toBe('a = 2\n');
    expect((await stat(real)).mode & 0o777).toBe(0o664);
  });

  it('writes the backup with the bytes that were read and the same mode, never over an existing one', async () => {
    dir = await mkdtemp(join(tmpdir(), 'config-file-'));
    const path = join(dir, 'config.toml');
    await writeFile(path, 'secret = "x"\n', { mode: 0o600 });
    const snapshot = readConfig(path);
    const first = writeBackup({ ...snapshot, bytes: snapshot.bytes! }, 1_796_163_300);
    const second = writeBackup({ ...snapshot, bytes: snapshot.bytes! }, 1_796_163_300);
    expect(first).toBe(`${path}.codex-pool-backup-20261201T221500Z`);
    expect(second).toBe(`${first}-2`);
    expect(await readFile(first, 'utf8')).toBe('secret = "x"\n');
    expect((await stat(first)).mode & 0o777).toBe(0o600);
  });
});

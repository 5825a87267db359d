/**
 * Packages the app with electron-builder (`--linux dir`) against a stand-in Electron distribution, then checks
 * what went into it: the main bundle, the renderer, package.json and better-sqlite3's unpacked `.node` — and
 * no tests, no TypeScript sources, no source maps — and that the fuses were flipped in the "binary".
 *
 * Electron's real binary cannot be downloaded or run here, so the stand-in is a small file carrying Electron's
 * fuse sentinel and wire (the bytes @electron/fuses looks for) plus the resources folder. Nothing is downloaded:
 * `npmRebuild` is off (rebuilding better-sqlite3 for Electron needs Electron's headers).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(archive: string, options?: { isPack: boolean }): string[];
  extractFile(archive: string, filename: string): Buffer;
};
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as {
  getCurrentFuseWire(path: string): Promise<Record<number, number>>;
  FuseV1Options: Record<string, number>;
};

const ROOT = resolve(import.meta.dirname, '../../..');
const ELECTRON_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string;
  }
).version;
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const [OFF, ON] = [48, 49]; // '0' and '1', as @electron/fuses writes them

/** An unpacked "Electron" for linux-x64: the executable (with Electron's default fuse wire) and resources/. */
function standInElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  // RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar, V8Snapshot, FileProtocol
  const defaults = '10110001';
  const wire = Buffer.concat([
    Buffer.from('stand-in electron\n'),
    Buffer.from(SENTINEL),
    Buffer.from([1, defaults.length]),
    Buffer.from(defaults),
  ]);
  writeFileSync(join(dir, 'electron'), wire, { mode: 0o755 });
  writeFileSync(join(dir, 'LICENSE'), 'stand-in');
  writeFileSync(join(dir, 'version'), ELECTRON_VERSION);
}

function run(args: string[]): void {
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

describe('electron-builder packaging (linux dir, stand-in Electron)', () => {
  let tmp: string;
  let appDir: string;
  let archive: string;
  let files: string[];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'codex-pool-package-'));
    standInElectron(join(tmp, 'electron-dist'));
    run([join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'vite.main.config.ts']);
    run([
      join(ROOT, 'node_modules/electron-builder/cli.js'),
      '--linux',
      'dir',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${join(tmp, 'electron-dist')}`,
      `-c.electronVersion=${ELECTRON_VERSION}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${join(tmp, 'release')}`,
    ]);
    appDir = join(tmp, 'release', 'linux-unpacked');
    archive = join(appDir, 'resources', 'app.asar');
    files = asar.listPackage(archive, { isPack: false });
  }, 120_000);
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('packs the main bundle, package.json, the assets and the renderer build', () => {
    expect(files).toContain('/dist/main/main.js');
    // The request log's writer thread starts from this file beside the bundle (main/core/store/log-writer.ts).
    expect(files).toContain('/dist/main/log-writer-worker.js');
    expect(files).toContain('/package.json');
    expect(files).toContain('/assets/tray-okTemplate.png');
    expect(files).toContain('/assets/tray-exhausted@2x.png');
    // The renderer is another build (`npm run build`); when it has run, its output must be in the package.
    if (existsSync(join(ROOT, 'dist/renderer/index.html')))
      expect(files).toContain('/dist/renderer/index.html');
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as {
      main: string;
      scripts?: unknown;
    };
    expect(pkg.main).toBe('dist/main/main.js');
    expect(pkg.scripts).toBeUndefined();
  });

  it('unpacks better-sqlite3’s native module from the asar, without its C sources', () => {
    expect(
      existsSync(
        join(`${archive}.unpacked`, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
      ),
    ).toBe(true);
    expect(files).toContain('/node_modules/better-sqlite3/lib/index.js');
    expect(files).toContain('/node_modules/bindings/bindings.js');
    expect(files.some((f) => f.startsWith('/node_modules/better-sqlite3/deps'))).toBe(false);
    expect(files.some((f) => f.startsWith('/node_modules/better-sqlite3/src'))).toBe(false);
  });

  it('ships electron-updater for the packaged build to load, with the update feed', () => {
    expect(files).toContain('/node_modules/electron-updater/package.json');
    expect(readFileSync(join(ROOT, 'dist/main/main.js'), 'utf8')).toContain('import("electron-updater")');
  });

  it('leaves out tests, TypeScript sources, source maps and the bundled or CLI-only packages', () => {
    for (const prefix of [
      '/test',
      '/main',
      '/shared',
      '/renderer',
      '/bench',
      '/bin',
      '/node_modules/electron/',
    ]) {
      expect(files.filter((f) => f === prefix || f.startsWith(`${prefix}/`))).toEqual([]);
    }
    expect(files.filter((f) => !f.startsWith('/node_modules/') && /\.(ts|tsx|map)$/.test(f))).toEqual([]);
    for (const bundled of ['tsx', 'esbuild', 'undici', 'zod', 'vite', 'electron-builder']) {
      expect(files).not.toContain(`/node_modules/${bundled}`);
    }
  });

  it('flips the fuses: no RunAsNode, NODE_OPTIONS or --inspect; asar integrity and asar-only loading on', async () => {
    const wire = await getCurrentFuseWire(join(appDir, 'codex-pool'));
    expect(wire[FuseV1Options.RunAsNode!]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable!]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments!]).toBe(OFF);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation!]).toBe(ON);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar!]).toBe(ON);
    expect(wire[FuseV1Options.EnableCookieEncryption!]).toBe(ON);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges!]).toBe(OFF);
  });

  it('builds a main bundle that imports only electron, better-sqlite3 and Node built-ins', () => {
    const bundle = readFileSync(join(ROOT, 'dist/main/main.js'), 'utf8');
    const imports = [...bundle.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(2);
    for (const name of imports) expect(name).toMatch(/^(electron|better-sqlite3|node:[a-z_/]+)$/);
    // CommonJS dependencies (ws) require built-ins by their bare names (`http`); only built-ins may be required.
    const required = [...bundle.matchAll(/__require\("([^"]+)"\)/g)].map((m) => m[1]!);
    const builtIn = (name: string) => /^node:[a-z0-9_/]+$/.test(name) || builtinModules.includes(name);
    expect(required.filter((name) => !builtIn(name))).toEqual([]);
  });
});

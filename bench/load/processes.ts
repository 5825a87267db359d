/**
 * The processes of the load benchmark: Codex Pool (`codex-pool serve`, exactly as users start it), the bare
 * pass-through, and what Linux says of a process (CPU time, resident memory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin/codex-pool.js');
const BARE = join(ROOT, 'bench/load/bare-proxy.ts');
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** A child process under measurement. */
export interface Measured {
  readonly pid: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** CPU seconds (user + system) the process has used so far. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident memory in MB. */
export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** Waits until `GET url` answers 200; returns the milliseconds since `since`. */
async function waitForHealth(url: string, since: number, child: ChildProcess): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before ${url} answered`);
    try {
      const res = await request(url);
      await res.body.dump();
      if (res.statusCode === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/** Starts `codex-pool serve` on a fresh data dir against the simulator; resolves once /api/health answers. */
export async function startPool(
  upstream: { upstreamBaseUrl: string; authBaseUrl: string },
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Measured & { startupMs: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-load-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs, CLI, 'serve', '--port', String(port), '--data-dir', dataDir],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dataDir,
        CODEX_POOL_UPSTREAM_BASE_URL: upstream.upstreamBaseUrl,
        CODEX_POOL_AUTH_BASE_URL: upstream.authBaseUrl,
        CODEX_POOL_ADMIN_TOKEN: ADMIN_TOKEN,
        CODEX_POOL_LOG_LEVEL: 'error',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const startupMs = await waitForHealth(`${url}/api/health`, started, child);
  return {
    pid: child.pid!,
    url,
    startupMs,
    async stop() {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts the bare pass-through, holding one account's credentials. */
export async function startBare(
  upstreamOrigin: string,
  accessToken: string,
  accountId: string,
): Promise<Measured> {
  const child = spawn(process.execPath, ['--import', 'tsx', BARE, upstreamOrigin, accessToken, accountId], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return {
    pid: child.pid!,
    url: `http://127.0.0.1:${line.toString().trim()}`,
    stop: () => stopChild(child),
  };
}

/** Cold start of a plain node:http server to its first 200: the floor for `codex-pool serve`'s start-up. */
export async function plainNodeStartMs(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`],
    { stdio: 'ignore' },
  );
  const ms = await waitForHealth(`http://127.0.0.1:${port}/`, started, child);
  await stopChild(child);
  return ms;
}

/**
 * Probes `url` every 20 ms from a process of its own, so the latency measured is the server's, not that of the
 * busy benchmark process (which also runs the simulator and the load's clients). `stop()` resolves with the
 * largest latency seen, in ms.
 */
export function startLatencyProbe(url: string): { stop(): Promise<number> } {
  const script = `
    const http = require('node:http');
    const agent = new http.Agent({ keepAlive: true });
    let max = 0, running = true;
    process.on('SIGTERM', () => { running = false; });
    (async () => {
      while (running) {
        const t0 = performance.now();
        await new Promise((resolve) => http.get(${JSON.stringify(url)}, { agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', resolve));
        max = Math.max(max, performance.now() - t0);
        await new Promise((r) => setTimeout(r, 20));
      }
      process.stdout.write(String(max));
      process.exit(0);
    })();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return {
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      return Number(out);
    },
  };
}

/**
 * Proxy overhead benchmark: the same requests sent straight to the upstream simulator (the baseline, measured in
 * the same run) and through Codex Pool, sequentially (latency, time to first byte) and concurrently (throughput).
 * Results are ratios against the baseline because these machines are shared and noisy; memory is the growth of
 * the process's RSS over the run. The simulator runs in the same process for both paths, so its cost cancels out.
 *
 * Run: `node --import tsx bench/proxy.bench.ts`, or import {@link runProxyBench} from a bench runner.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { resolveConfig } from '../main/core/config';
import { createCore } from '../main/core/create-core';
import { silentLogger } from '../main/core/log';
import { createSimulator, type SimAccountView } from '../test/simulator';

/** One measured path. */
export interface PathFigures {
  /** Median and 95th percentile of full-response time, ms. */
  medianMs: number;
  p95Ms: number;
  /** Median time to the first body byte, ms. */
  ttfbMs: number;
  /** Completed requests per second with `concurrency` clients. */
  throughput: number;
}

/** The benchmark's result. */
export interface ProxyBenchResult {
  direct: PathFigures;
  proxy: PathFigures;
  /** proxy / direct; 1.0 = no overhead. Throughput ratio is direct / proxy so > 1 means slower, like the others. */
  ratios: { median: number; p95: number; ttfb: number; throughput: number };
  /** RSS growth over the proxied run, MiB. */
  rssGrowthMiB: number;
  sequential: number;
  concurrent: number;
  concurrency: number;
}

const BODY = JSON.stringify({
  model: 'gpt-5.5',
  stream: true,
  store: false,
  input: [{ role: 'user', content: [{ type: 'input_text', text: 'x'.repeat(40_000) }] }], // a Codex-sized turn
});

async function timedRequest(
  dispatcher: Agent,
  url: string,
  headers: Record<string, string>,
): Promise<[number, number]> {
  const start = performance.now();
  const res = await request(url, { method: 'POST', headers, body: BODY, dispatcher });
  let first = 0;
  for await (const chunk of res.body) {
    if (first === 0 && chunk.length > 0) first = performance.now();
  }
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} from ${url}`);
  return [performance.now() - start, first - start];
}

async function measure(
  url: string,
  headers: Record<string, string>,
  sequential: number,
  concurrent: number,
  concurrency: number,
): Promise<PathFigures> {
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  for (let i = 0; i < 20; i++) await timedRequest(dispatcher, url, headers); // warm-up: JIT, connections
  const totals: number[] = [];
  const firsts: number[] = [];
  for (let i = 0; i < sequential; i++) {
    const [total, first] = await timedRequest(dispatcher, url, headers);
    totals.push(total);
    firsts.push(first);
  }
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < concurrent) {
        next += 1;
        await timedRequest(dispatcher, url, headers);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.close();
  return {
    medianMs: percentile(totals, 0.5),
    p95Ms: percentile(totals, 0.95),
    ttfbMs: percentile(firsts, 0.5),
    throughput: concurrent / seconds,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** Runs the benchmark against a fresh simulator with `accounts` pooled accounts. */
export async function runProxyBench(
  options: { sequential?: number; concurrent?: number; concurrency?: number; accounts?: number } = {},
): Promise<ProxyBenchResult> {
  const sequential = options.sequential ?? 300;
  const concurrent = options.concurrent ?? 1_000;
  const concurrency = options.concurrency ?? 16;
  const sim = await createSimulator({ maxRecordedRequests: 0 });
  const accounts: SimAccountView[] = Array.from({ length: options.accounts ?? 5 }, (_, i) =>
    sim.addAccount({
      email: `bench${i}@example.com`,
      planType: 'pro',
      costPerRequest: { primary: 0, secondary: 0 },
    }),
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-bench-'));
  const core = createCore(
    resolveConfig({
      env: { CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl, CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl },
      flags: { port: '0', dataDir },
      defaultDataDir: dataDir,
    }),
    { log: silentLogger, env: {} },
  );
  await core.start();
  try {
    for (const a of accounts) core.services.accounts.importAuthJson(a.authJson());
    const direct = await measure(
      `${sim.upstreamBaseUrl}/codex/responses`,
      {
        'content-type': 'application/json',
        authorization: `Bearer ${accounts[0]!.tokens.accessToken}`,
        'chatgpt-account-id': accounts[0]!.chatgptAccountId,
      },
      sequential,
      concurrent,
      concurrency,
    );
    const rssBefore = process.memoryUsage().rss;
    const proxy = await measure(
      `${core.url}/backend-api/codex/responses`,
      { 'content-type': 'application/json' },
      sequential,
      concurrent,
      concurrency,
    );
    const rssGrowthMiB = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    return {
      direct,
      proxy,
      ratios: {
        median: proxy.medianMs / direct.medianMs,
        p95: proxy.p95Ms / direct.p95Ms,
        ttfb: proxy.ttfbMs / direct.ttfbMs,
        throughput: direct.throughput / proxy.throughput,
      },
      rssGrowthMiB,
      sequential,
      concurrent,
      concurrency,
    };
  } finally {
    await core.stop();
    await sim.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Prints a result as a small table. */
export function printProxyBench(r: ProxyBenchResult): void {
  const row = (name: string, d: number, p: number, ratio: number, unit: string): string =>
    `  ${name.padEnd(22)} direct ${d.toFixed(2).padStart(8)} ${unit}   proxy ${p.toFixed(2).padStart(8)} ${unit}   ratio ${ratio.toFixed(2)}`;
  console.log(
    `Proxy overhead (${r.sequential} sequential, ${r.concurrent} at concurrency ${r.concurrency}; 40 kB Codex-sized bodies)`,
  );
  console.log(row('median latency', r.direct.medianMs, r.proxy.medianMs, r.ratios.median, 'ms'));
  console.log(row('p95 latency', r.direct.p95Ms, r.proxy.p95Ms, r.ratios.p95, 'ms'));
  console.log(row('time to first byte', r.direct.ttfbMs, r.proxy.ttfbMs, r.ratios.ttfb, 'ms'));
  console.log(row('throughput', r.direct.throughput, r.proxy.throughput, r.ratios.throughput, 'r/s'));
  console.log(
    `  added by the proxy: ${(r.proxy.medianMs - r.direct.medianMs).toFixed(2)} ms median, ${(r.proxy.ttfbMs - r.direct.ttfbMs).toFixed(2)} ms to first byte`,
  );
  console.log(`  RSS growth over the proxied run: ${r.rssGrowthMiB.toFixed(1)} MiB`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printProxyBench(await runProxyBench());
}

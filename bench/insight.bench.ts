/**
 * Insight views benchmark (issue 9): on a generated database of 200,000 requests and 5 accounts × 30 days of
 * minute quota samples, how long each view takes over HTTP (target ≤ 200 ms), and the worst `/api/health`
 * latency while 30-day queries and a full CSV export run (target ≤ 50 ms: the queries must not block the
 * proxy's event loop).
 *
 * Run: `node --import tsx bench/insight.bench.ts`, or import {@link runInsightBench} from a bench runner.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { resolveConfig } from '../main/core/config';
import { createCore } from '../main/core/create-core';
import { silentLogger } from '../main/core/log';
import { TEST_TUNING } from '../test/helpers/test-tuning';
import { createSimulator } from '../test/simulator';
import { generateInsightDb } from './insight/generate-db';

/** One view's figures, ms. */
export interface ViewFigures {
  name: string;
  medianMs: number;
  maxMs: number;
}

/** The benchmark's result. */
export interface InsightBenchResult {
  generateMs: number;
  requests: number;
  samples: number;
  views: ViewFigures[];
  /** Health probes answered while the 30-day queries ran: count, median, 99th percentile and slowest. */
  healthProbes: number;
  healthMaxMs: number;
  healthP99Ms: number;
  healthMedianMs: number;
  /** The same probe on the idle server for as long, first: what the machine itself adds (shared CPUs). */
  idleP99Ms: number;
  idleMaxMs: number;
}

const RUNS = 7;
const quantile = (xs: number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? 0;
const median = (xs: number[]): number => quantile(xs, 0.5);

/** Generates the database, starts a core on it and measures. */
export async function runInsightBench(requests = 200_000): Promise<InsightBenchResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-insight-bench-'));
  const sim = await createSimulator();
  const t0 = performance.now();
  const db = generateInsightDb(dataDir, Math.floor(Date.now() / 1000), requests);
  const generateMs = performance.now() - t0;
  const config = resolveConfig({
    env: {
      CODEX_POOL_PORT: '0',
      CODEX_POOL_DATA_DIR: dataDir,
      CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
      CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
      CODEX_POOL_ADMIN_TOKEN: 'bench-admin-token-0123456789',
    },
    defaultDataDir: dataDir,
  });
  const core = createCore(config, { log: silentLogger, env: {}, accountsTuning: TEST_TUNING });
  await core.start();
  const headers = { authorization: `Bearer ${core.adminToken}` };
  const get = async (path: string): Promise<number> => {
    const start = performance.now();
    const res = await fetch(core.url + path, { headers });
    // Read and drop: this client shares the server's heap, and holding a 60 MB export would add its GC pauses.
    for await (const chunk of res.body ?? []) void chunk;
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return performance.now() - start;
  };
  const views: [string, string][] = [
    ['usage 24 h (hourly)', '/api/insight/usage?range=24h'],
    ['usage 30 d per account', '/api/insight/usage?range=30d&groupBy=account'],
    ['usage 30 d per model, hourly', '/api/insight/usage?range=30d&groupBy=model&bucket=hour'],
    ['cost 30 d', '/api/insight/cost?range=30d'],
    ['conversations 30 d', '/api/insight/conversations?range=30d'],
    ['one conversation', `/api/insight/conversations/${db.sampleConversation}`],
    ['log, newest 100', '/api/requests?limit=100'],
    ['log, page 50 (before=…)', `/api/requests?limit=100&before=${requests - 5000}`],
    ['log, one model', '/api/requests?model=gpt-5.4'],
    ['log, failed only', '/api/requests?status=error'],
    ['log, one account + 7 d', `/api/requests?accountId=${db.accountIds[1]}&from=${db.now - 7 * 86_400}`],
    ['log, by response id', `/api/requests?responseId=resp_bench_${Math.floor(requests / 2)}`],
    ['log, one conversation', `/api/requests?conversation=${db.sampleConversation}`],
    ['CSV export, one account', `/api/requests/export.csv?accountId=${db.accountIds[2]}`],
  ];
  try {
    const figures: ViewFigures[] = [];
    for (const [name, path] of views) {
      await get(path); // warm the statement cache and the page cache
      const times: number[] = [];
      for (let i = 0; i < RUNS; i += 1) times.push(await get(path));
      figures.push({ name, medianMs: median(times), maxMs: Math.max(...times) });
    }

    // The health probe runs back to back: first on the idle server, then while the views and a full export run.
    const idle: number[] = [];
    const idleUntil = performance.now() + 3000;
    while (performance.now() < idleUntil) idle.push(await get('/api/health'));
    let probing = true;
    const health: number[] = [];
    const prober = (async () => {
      while (probing) health.push(await get('/api/health'));
    })();
    const heavy = views
      .filter(([name]) => name.includes('30 d') || name.startsWith('log,'))
      .map(([, path]) => path);
    for (let i = 0; i < 3; i += 1) for (const path of heavy) await get(path);
    const fullExport = await get('/api/requests/export.csv');
    figures.push({ name: 'CSV export, all 30 d', medianMs: fullExport, maxMs: fullExport });
    probing = false;
    await prober;
    return {
      generateMs,
      requests: db.requests,
      samples: db.samples,
      views: figures,
      healthProbes: health.length,
      healthMaxMs: Math.max(...health),
      healthP99Ms: quantile(health, 0.99),
      healthMedianMs: median(health),
      idleP99Ms: quantile(idle, 0.99),
      idleMaxMs: Math.max(...idle),
    };
  } finally {
    await core.stop();
    await sim.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Prints a result as a small table. */
export function printInsightBench(r: InsightBenchResult): void {
  console.log(
    `Insight views (${r.requests.toLocaleString('en')} requests, ${r.samples.toLocaleString('en')} quota samples; generated in ${(r.generateMs / 1000).toFixed(1)} s; target ≤ 200 ms)`,
  );
  for (const v of r.views) {
    const flag = v.medianMs <= 200 ? '' : '  over target';
    console.log(
      `  ${v.name.padEnd(30)} median ${v.medianMs.toFixed(1).padStart(7)} ms   max ${v.maxMs.toFixed(1).padStart(7)} ms${flag}`,
    );
  }
  console.log(
    `  /api/health during 30-day views, log queries and a full export: ${r.healthProbes} probes, median ${r.healthMedianMs.toFixed(1)} ms, p99 ${r.healthP99Ms.toFixed(1)} ms, max ${r.healthMaxMs.toFixed(1)} ms (target ≤ 50 ms)`,
  );
  console.log(
    `  /api/health on the idle server (the machine's own noise): p99 ${r.idleP99Ms.toFixed(1)} ms, max ${r.idleMaxMs.toFixed(1)} ms`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printInsightBench(await runInsightBench());
}

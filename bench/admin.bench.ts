/**
 * Admin read benchmark (issue 14): the dashboard's reads — accounts list, pool view, quota histories, request
 * history — over HTTP against a core with 1,000 accounts and a day of quota history, the way the dashboard asks.
 * Target: each under 10 ms (median) at 1,000 accounts on the 2-core CI machine.
 *
 * Run: `node --import tsx bench/admin.bench.ts`, or import {@link runAdminBench} from a bench runner.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { resolveConfig } from '../main/core/config';
import { createCore } from '../main/core/create-core';
import { silentLogger } from '../main/core/log';
import { createSimulator } from '../test/simulator';
import type { UsageSample } from '../shared/domain';

/** One measured route. */
export interface AdminRouteFigures {
  route: string;
  medianMs: number;
  p95Ms: number;
  bytes: number;
}

/** The pool chart's rebuild after a change of members: how long in all, and the longest the event loop waited. */
export interface ReplayFigures {
  samples: number;
  totalMs: number;
  longestStallMs: number;
}

/** Seconds between stored samples of one account over the day of history (an idle account's poll cadence). */
const HISTORY_STEP_S = 600;

/** Measures the admin reads with `accounts` accounts, each with a day of quota history. */
export async function runAdminBench(
  options: { accounts?: number; runs?: number } = {},
): Promise<{ routes: AdminRouteFigures[]; replay: ReplayFigures }> {
  const count = options.accounts ?? 1_000;
  const runs = options.runs ?? 20;
  const sim = await createSimulator({ maxRecordedRequests: 0 });
  const dataDir = await mkdtemp(join(tmpdir(), 'codex-pool-bench-admin-'));
  // The seeding run's clock follows the history it records, as if the samples had arrived over the day.
  let clock: number | undefined;
  const start = () =>
    createCore(
      resolveConfig({
        env: {
          CODEX_POOL_UPSTREAM_BASE_URL: sim.upstreamBaseUrl,
          CODEX_POOL_AUTH_BASE_URL: sim.authBaseUrl,
          CODEX_POOL_ADMIN_TOKEN: 'bench-admin-token-0123456789',
        },
        flags: { port: '0', dataDir },
        defaultDataDir: dataDir,
      }),
      {
        log: silentLogger,
        env: {},
        accountsTuning: { backgroundPolling: false },
        now: () => clock ?? Math.floor(Date.now() / 1000),
      },
    );
  const now = Math.floor(Date.now() / 1000);
  clock = now - 86_400 - HISTORY_STEP_S;
  let core = start();
  await core.start();
  const dispatcher = new Agent({ connections: 1 });
  try {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const a = sim.addAccount({
        email: `admin-bench${i}@example.com`,
        planType: i % 3 === 0 ? 'pro' : 'plus',
      });
      ids.push(core.services.accounts.importAuthJson(a.authJson()).account.id);
    }
    const store = core.store;
    // In time order through the pool, as samples arrive: each is stored and taken into the pool's chart.
    const history: { id: string; sample: UsageSample }[] = [];
    ids.forEach((id, i) => {
      for (let at = now - 86_400 + (i % HISTORY_STEP_S); at <= now; at += HISTORY_STEP_S) {
        const used = ((at - (now - 86_400)) / 86_400) * 60 + (i % 30);
        history.push({
          id,
          sample: {
            family: 'codex',
            primary: { usedPercent: used % 100, windowMinutes: 300, resetAt: now + 3600 },
            secondary: { usedPercent: used / 2, windowMinutes: 10_080, resetAt: now + 86_400 * 3 },
            recordedAt: at,
          },
        });
      }
    });
    history.sort((a, b) => a.sample.recordedAt - b.sample.recordedAt);
    for (const { id, sample } of history) {
      clock = sample.recordedAt;
      core.services.pool.ingestSample(id, sample);
    }
    clock = undefined;
    store.requests.insertMany(
      Array.from({ length: 5_000 }, (_, i) => ({
        startedAt: (now - 5_000 + i) * 1000,
        accountId: ids[i % count]!,
        route: 'codex',
        model: 'gpt-5.5',
        status: 200,
        latencyMs: 900,
        ttfbMs: 200,
        inputTokens: 1000,
        outputTokens: 200,
        cachedTokens: 0,
        reasoningTokens: 0,
        errorCode: null,
        reason: 'capacity_weighted',
        attempts: 1,
        stream: true,
      })),
    );
    // Restart, so the pool loads the seeded history the way it does after any restart.
    await core.stop();
    core = start();
    await core.start();
    const routes = [
      '/api/accounts',
      '/api/pool',
      `/api/accounts/${ids[0]}/quota-history?family=codex&hours=24`,
      '/api/pool/quota-history?hours=24',
      '/api/requests?limit=100',
    ];
    const out: AdminRouteFigures[] = [];
    for (const route of routes) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < runs + 5; i++) {
        const start = performance.now();
        const res = await request(core.url + route, {
          headers: { authorization: 'Bearer bench-admin-token-0123456789' },
          dispatcher,
        });
        const body = await res.body.arrayBuffer();
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} from ${route}`);
        if (i >= 5) times.push(performance.now() - start); // the first few warm the JIT
        bytes = body.byteLength;
      }
      times.sort((a, b) => a - b);
      out.push({
        route: route.replace(ids[0]!, ':id'),
        medianMs: times[Math.floor(times.length / 2)]!,
        p95Ms: times[Math.min(times.length - 1, Math.floor(0.95 * times.length))]!,
        bytes,
      });
    }
    // Pausing an account rebuilds the pool chart from every stored sample, in the background.
    const stalls = monitorEventLoopDelay({ resolution: 1 });
    const chart = core.services.poolHistory;
    const replayStart = performance.now();
    stalls.enable();
    const pause = await request(`${core.url}/api/accounts/${ids[count - 1]}/pause`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench-admin-token-0123456789' },
      dispatcher,
    });
    await pause.body.dump();
    while (chart.replaying) await new Promise((r) => setImmediate(r));
    stalls.disable();
    const replay = {
      samples: history.length,
      totalMs: performance.now() - replayStart,
      longestStallMs: stalls.max / 1e6,
    };
    return { routes: out, replay };
  } finally {
    await dispatcher.close();
    await core.stop();
    await sim.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export function printAdminBench(
  { routes: rows, replay }: { routes: readonly AdminRouteFigures[]; replay: ReplayFigures },
  accounts = 1_000,
): void {
  console.log(`Admin reads over HTTP, ${accounts} accounts, a day of quota history (ms, target < 10 median)`);
  for (const r of rows) {
    console.log(
      `  ${r.route.padEnd(52)} median ${r.medianMs.toFixed(2).padStart(7)}  p95 ${r.p95Ms.toFixed(2).padStart(7)}  ${(r.bytes / 1024).toFixed(0).padStart(6)} kB`,
    );
  }
  console.log(
    `  pool chart rebuilt after a pause (${replay.samples} samples, background): ${replay.totalMs.toFixed(0)} ms, event loop stalled at most ${replay.longestStallMs.toFixed(1)} ms`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printAdminBench(await runAdminBench());
}

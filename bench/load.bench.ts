/**
 * Load benchmark (issue 14): Codex Pool against a bare pass-through and direct requests, same run, interleaved,
 * medians of rounds. Upstream is the simulator streaming a Codex-sized answer (~33 events, ~60 kB, 5–10 ms
 * apart) to a 45 kB request; the pool holds 4 accounts. Every figure is printed with its ratio to the bare
 * pass-through, because these machines are shared and noisy: only same-run ratios mean anything.
 *
 * Run: `node --import tsx bench/load.bench.ts`, or through `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Agent, request } from 'undici';
import { createSimulator, type Simulator } from '../test/simulator';
import {
  ADMIN_TOKEN,
  cpuSeconds,
  plainNodeStartMs,
  rssMb,
  startBare,
  startLatencyProbe,
  startPool,
  type Measured,
} from './load/processes';

const ROUNDS = 3;
const ANSWER = 'lorem ipsum dolor sit amet '.repeat(560); // ~15 kB of text: ~60 kB of events
const CODEX_BODY = JSON.stringify({
  model: 'gpt-5.5',
  instructions: 'You are a coding agent.',
  input: Array.from({ length: 30 }, (_, i) => ({
    type: 'message',
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: [{ type: i % 2 === 0 ? 'input_text' : 'output_text', text: 'x'.repeat(1_450) }],
  })),
  tools: [],
  tool_choice: 'auto',
  parallel_tool_calls: false,
  reasoning: { effort: 'medium', summary: 'auto' },
  store: false,
  stream: true,
  include: ['reasoning.encrypted_content'],
  prompt_cache_key: 'bench-conversation',
});

interface Target {
  name: 'direct' | 'bare' | 'pool';
  url: string;
  headers: Record<string, string>;
  process?: Measured;
}

interface RunFigures {
  firstContent: number[];
  total: number[];
  seconds: number;
  cpu: number;
}

/** Sends `n` requests at concurrency `c`; first content = the first chunk carrying an output delta. */
async function run(target: Target, n: number, c: number, dispatcher: Agent): Promise<RunFigures> {
  const firstContent: number[] = [];
  const total: number[] = [];
  const cpuBefore = target.process ? await cpuSeconds(target.process.pid) : 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) {
        next += 1;
        const t0 = performance.now();
        const res = await request(`${target.url}/backend-api/codex/responses`, {
          method: 'POST',
          headers: target.headers,
          body: CODEX_BODY,
          dispatcher,
        });
        let first = 0;
        for await (const chunk of res.body) {
          if (first === 0 && (chunk as Buffer).includes('output_text.delta')) first = performance.now();
        }
        if (res.statusCode !== 200) throw new Error(`${target.name}: HTTP ${res.statusCode}`);
        firstContent.push((first || performance.now()) - t0);
        total.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = target.process ? (await cpuSeconds(target.process.pid)) - cpuBefore : 0;
  return { firstContent, total, seconds, cpu };
}

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
};
const median = (values: number[]): number => pct(values, 0.5);

/** Runs a scenario ROUNDS times over every target, interleaved; returns each target's per-round figures. */
async function interleaved(
  targets: Target[],
  n: number,
  c: number,
  during?: (target: Target) => () => Promise<void>,
): Promise<Map<Target['name'], RunFigures[]>> {
  const out = new Map<Target['name'], RunFigures[]>();
  const dispatcher = new Agent({ connections: c, keepAliveTimeout: 30_000 });
  for (const t of targets) await run(t, Math.min(n, 2 * c), c, dispatcher); // warm-up: JIT, connections
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) {
      const stopProbe = during?.(t);
      const figures = await run(t, n, c, dispatcher);
      await stopProbe?.();
      out.set(t.name, [...(out.get(t.name) ?? []), figures]);
    }
  }
  await dispatcher.close();
  return out;
}

/** Probes /api/health every 20 ms (from its own process) and the pool's RSS every 100 ms while a run goes on. */
function probe(pool: Measured, sink: { healthMaxMs: number; rssMaxMb: number }): () => Promise<void> {
  let running = true;
  const latency = startLatencyProbe(`${pool.url}/api/health`);
  const memory = (async () => {
    while (running) {
      sink.rssMaxMb = Math.max(sink.rssMaxMb, await rssMb(pool.pid));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    running = false;
    sink.healthMaxMs = Math.max(sink.healthMaxMs, await latency.stop());
    await memory;
  };
}

const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');

function line(
  name: string,
  direct: number | undefined,
  bare: number,
  pool: number,
  unit: string,
  d = 1,
): string {
  const ratio = pool / bare;
  return `  ${name.padEnd(34)} direct ${direct === undefined ? '     –' : fmt(direct, d).padStart(6)}  bare ${fmt(bare, d).padStart(7)}  pool ${fmt(pool, d).padStart(7)} ${unit.padEnd(5)} pool/bare ${fmt(ratio, 2)}`;
}

/** A figure's median over rounds. */
const over = (runs: RunFigures[] | undefined, pick: (r: RunFigures) => number): number =>
  median((runs ?? []).map(pick));

async function setUp(sim: Simulator) {
  const accounts = Array.from({ length: 4 }, (_, i) =>
    sim.addAccount({
      email: `load${i}@example.com`,
      planType: 'pro',
      costPerRequest: { primary: 0, secondary: 0 },
    }),
  );
  // BENCH_POOL_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": profile the pool, or try V8 flags, in the same load.
  const pool = await startPool(
    sim,
    {},
    (process.env['BENCH_POOL_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
  );
  for (const a of accounts) {
    const res = await request(`${pool.url}/api/accounts/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(a.authJson()),
    });
    await res.body.dump();
    if (res.statusCode >= 300) throw new Error(`import failed: HTTP ${res.statusCode}`);
  }
  const first = accounts[0]!;
  const bare = await startBare(sim.url, first.tokens.accessToken, first.chatgptAccountId);
  const json = { 'content-type': 'application/json' };
  const targets: Target[] = [
    {
      name: 'direct',
      url: sim.url,
      headers: {
        ...json,
        authorization: `Bearer ${first.tokens.accessToken}`,
        'chatgpt-account-id': first.chatgptAccountId,
      },
    },
    { name: 'bare', url: bare.url, headers: json, process: bare },
    { name: 'pool', url: pool.url, headers: json, process: pool },
  ];
  return { pool, bare, targets };
}

/** Runs the whole load suite and prints it. */
export async function runLoadBench(): Promise<void> {
  const sim = await createSimulator({ maxRecordedRequests: 0 });
  sim.setDefaultReply({ type: 'text', text: ANSWER, chunks: 26 });
  const { pool, bare, targets } = await setUp(sim);
  const idleRss = await rssMb(pool.pid);
  const [direct, bareT, poolT] = targets as [Target, Target, Target];
  try {
    console.log(
      `Load (issue 14): ${ROUNDS} interleaved rounds, medians; 45 kB requests, ~60 kB answers in ~33 events 5–10 ms apart; 4 accounts`,
    );
    sim.setStreamPacing([5, 10]);
    const at50 = await interleaved(targets, 300, 50);
    const cpu = (t: Target) => over(at50.get(t.name), (r) => (r.cpu / r.total.length) * 1000);
    console.log(line('CPU per streamed request, c=50', undefined, cpu(bareT), cpu(poolT), 'ms', 2));
    for (const [c, n] of [
      [1, 8],
      [50, 300],
      [200, 600],
    ] as const) {
      const watched = { healthMaxMs: 0, rssMaxMb: 0 };
      const runs =
        c === 50
          ? at50
          : await interleaved(targets, n, c, (t) =>
              c === 200 && t.name === 'pool' ? probe(pool, watched) : async () => {},
            );
      for (const [label, p] of [
        ['p50', 0.5],
        ['p99', 0.99],
      ] as const) {
        const fc = (t: Target) => over(runs.get(t.name), (r) => pct(r.firstContent, p));
        console.log(line(`first content ${label}, c=${c}`, fc(direct), fc(bareT), fc(poolT), 'ms'));
      }
      const tot = (t: Target) => over(runs.get(t.name), (r) => pct(r.total, 0.5));
      console.log(line(`total p50, c=${c}`, tot(direct), tot(bareT), tot(poolT), 'ms'));
      if (c === 200) {
        console.log(
          `  pool RSS idle / at 200 streams (max)  ${fmt(idleRss)} / ${fmt(watched.rssMaxMb)} MB (target ≤ 150 at 200)`,
        );
        console.log(`  /api/health max latency at c=200      ${fmt(watched.healthMaxMs)} ms (target ≤ 50)`);
      }
    }

    sim.setStreamPacing(null);
    sim.setDefaultReply({ type: 'text', text: 'ok' });
    const fast = await interleaved(targets, 1500, 64);
    const rps = (t: Target) => over(fast.get(t.name), (r) => r.total.length / r.seconds);
    console.log(line('non-streaming throughput, c=64', rps(direct), rps(bareT), rps(poolT), 'r/s', 0));
    // The throughput above is shared with this process (clients, simulator) on a small machine; the proxy's own
    // CPU per request says what the pool itself costs.
    const cpuFast = (t: Target) => over(fast.get(t.name), (r) => (r.cpu / r.total.length) * 1000);
    console.log(
      line('CPU per non-streamed request, c=64', undefined, cpuFast(bareT), cpuFast(poolT), 'ms', 2),
    );

    // Memory over many requests: RSS after 2,000 and after 10,000 (it should stay flat).
    const many = new Agent({ connections: 50 });
    await run(poolT, 2_000, 50, many);
    const rssAt2k = await rssMb(pool.pid);
    await run(poolT, 8_000, 50, many);
    const rssAt10k = await rssMb(pool.pid);
    await many.close();
    console.log(
      `  pool RSS after 2,000 / 10,000 requests  ${fmt(rssAt2k)} / ${fmt(rssAt10k)} MB (flat: ${fmt(rssAt10k - rssAt2k)} MB apart)`,
    );

    sim.setStreamPacing([80, 120]);
    sim.setDefaultReply({ type: 'text', text: ANSWER, chunks: 26 });
    sim.resetStreamPeak();
    const dispatcher = new Agent({ connections: 500 });
    const longRuns = await run(poolT, 500, 500, dispatcher);
    await dispatcher.close();
    console.log(
      `  500 concurrent long streams            upstream peak ${sim.streamStats.peak} of 500 at once; first content p50 ${fmt(median(longRuns.firstContent))} ms`,
    );

    const poolStarts: number[] = [];
    const nodeStarts: number[] = [];
    for (let i = 0; i < 5; i++) {
      nodeStarts.push(await plainNodeStartMs());
      const p = await startPool(sim);
      poolStarts.push(p.startupMs);
      await p.stop();
    }
    console.log(
      `  cold start to first /api/health 200    plain node ${fmt(median(nodeStarts), 0)} ms  pool ${fmt(median(poolStarts), 0)} ms (target ≤ 1000)`,
    );
  } finally {
    await pool.stop();
    await bare.stop();
    await sim.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runLoadBench();
}

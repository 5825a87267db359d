/**
 * WebSocket benchmark (issue 13): the real Codex CLI in one scripted session of TURNS model calls (tool calls it
 * executes, each adding ~1 kB of output to the context, then a final message) over HTTP SSE and over WebSocket,
 * through `codex-pool serve` against the simulator. A TCP tap in front of the CLI's server records what the CLI
 * uploads per model call and when the first answer byte returns; the simulator records what reaches upstream.
 * The simulator answers at once, so the times are transport and proxy overhead only (a real model adds the same
 * think time to both).
 *
 * Run: `npm run bench -- ws`, or `node --import tsx bench/ws.bench.ts`. Linux: the taps listen on 127.0.0.2 and
 * 127.0.0.3, which Linux routes to loopback without configuration (macOS needs an `lo0` alias).
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { request } from 'undici';
import { build } from 'vite';
import { runCodex } from '../test/helpers/codex-cli';
import { createSimulator } from '../test/simulator';
import type { RecordedRequest, SimAccountView, Simulator } from '../test/simulator';
import { ADMIN_TOKEN, startPool } from './load/processes';
import { startTap, wireTurns } from './ws/tap';
import type { Link, WireTurn } from './ws/tap';

/** Model calls in the session: TURNS − 1 tool calls, then the final message. */
const TURNS = 20;
const FINAL = 'Session complete.';

/** The pool's path to upstream in the "over link" rows: a 10 Mbit/s uplink and a 20 ms round trip. */
const LINK: Link = { upBytesPerSecond: 10_000_000 / 8, oneWayMs: 10 };

/** Interleaved rounds of the four sessions; the machines are shared, so times are medians over rounds. */
const ROUNDS = 3;

interface Mode {
  label: string;
  websockets: boolean;
}

export interface SessionFigures {
  label: string;
  /** Whether the model calls really travelled over WebSocket (the CLI falls back to HTTP when refused). */
  transport: 'http' | 'websocket';
  /** Model calls as seen on the client's wire (a WebSocket warm-up frame included). */
  turns: WireTurn[];
  /** Bytes that reached upstream per model call (HTTP body, or the frame's compressed wire size). */
  upstreamBytes: number[];
  wallMs: number;
  ok: boolean;
}

function script(sim: Simulator): void {
  for (let i = 1; i < TURNS; i++) {
    const cmd = `seq -s ' ' ${i * 1000} ${i * 1000 + 250}`;
    sim.queueReply({ type: 'tool_call', name: 'exec_command', arguments: { cmd } });
  }
  sim.queueReply({ type: 'text', text: FINAL });
}

const isModelCall = (r: RecordedRequest) =>
  r.path === '/backend-api/codex/responses' &&
  (r.transport === 'websocket' ? r.frameType === 'response.create' : r.method === 'POST');

async function session(
  sim: Simulator,
  mode: Mode,
  target: string,
  own: SimAccountView,
): Promise<SessionFigures> {
  script(sim);
  sim.clearRequests();
  const tap = await startTap(Number(new URL(target).port), { host: '127.0.0.2' });
  const started = performance.now();
  const run = await runCodex({
    baseUrl: `${tap.url}/backend-api/codex`,
    chatgptBaseUrl: `${tap.url}/backend-api/`,
    refreshTokenUrl: sim.tokenUrl,
    supportsWebsockets: mode.websockets,
    allowCommands: true,
    authJson: own.authJson(),
    prompt: 'Run the scripted steps.',
    timeoutMs: 180_000,
  });
  const wallMs = performance.now() - started;
  const ok = run.exitCode === 0 && run.stdout.includes(FINAL);
  // A failed session's figures mean nothing without the reason: show the CLI's last words.
  if (!ok) console.error(`${mode.label}: codex exited ${run.exitCode}\n${run.stderr.slice(-1500)}`);
  await tap.close();
  const turns = wireTurns(tap.chunks).filter(
    // Control frames (ping, close) are a few bytes; a response.create is hundreds at least.
    (t) => t.kind.startsWith('POST /backend-api/codex/responses') || (t.kind === 'frame' && t.upBytes >= 64),
  );
  const calls = sim.requests.filter(isModelCall);
  return {
    label: mode.label,
    transport: calls.some((r) => r.transport === 'websocket') ? 'websocket' : 'http',
    turns,
    upstreamBytes: calls.map((r) => r.wireBytes ?? r.rawBody.length),
    wallMs,
    ok,
  };
}

async function importAccount(poolUrl: string, account: SimAccountView): Promise<void> {
  const res = await request(`${poolUrl}/api/accounts/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(account.authJson()),
  });
  await res.body.dump();
  if (res.statusCode >= 300) throw new Error(`import failed: HTTP ${res.statusCode}`);
}

/** One mode's sessions over the rounds. */
export interface ModeFigures {
  label: string;
  rounds: SessionFigures[];
}

/**
 * Runs the sessions ROUNDS times, interleaved: HTTP and WebSocket, each directly against the simulator, through
 * the pool, and through a pool whose path to upstream is the modeled LINK.
 */
export async function runWsBench(): Promise<ModeFigures[]> {
  // The pool runs the compiled CLI: build it from the current sources first, as the integration tests do.
  await build({
    configFile: fileURLToPath(new URL('../vite.cli.config.ts', import.meta.url)),
    mode: 'production',
    logLevel: 'warn',
  });
  const sim = await createSimulator();
  // Free calls: the session must not run the account into its usage limit halfway.
  const pooled = sim.addAccount({
    email: 'bench-ws@example.com',
    planType: 'pro',
    costPerRequest: { primary: 0, secondary: 0 },
  });
  const pool = await startPool(sim);
  const link = await startTap(Number(new URL(sim.url).port), { host: '127.0.0.3', link: LINK });
  const linked = await startPool({
    upstreamBaseUrl: `${link.url}/backend-api`,
    authBaseUrl: sim.authBaseUrl,
  });
  try {
    await importAccount(pool.url, pooled);
    await importAccount(linked.url, pooled);
    const modes: [Mode, string][] = [
      [{ label: 'HTTP, direct', websockets: false }, sim.url],
      [{ label: 'WebSocket, direct', websockets: true }, sim.url],
      [{ label: 'HTTP, through pool', websockets: false }, pool.url],
      [{ label: 'WebSocket, through pool', websockets: true }, pool.url],
      [{ label: 'HTTP, pool over link', websockets: false }, linked.url],
      [{ label: 'WebSocket, pool over link', websockets: true }, linked.url],
    ];
    const out: ModeFigures[] = modes.map(([mode]) => ({ label: mode.label, rounds: [] }));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, [mode, target]] of modes.entries())
        out[i]!.rounds.push(await session(sim, mode, target, pooled));
    }
    return out;
  } finally {
    await Promise.all([pool.stop(), linked.stop()]);
    await link.close();
    await sim.close();
  }
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2;
};
const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

export function printWsBench(rows: readonly ModeFigures[]): void {
  console.log(
    `WebSocket vs HTTP (issue 13): the real Codex CLI, one session of ${TURNS} model calls (${TURNS - 1} tool calls, ` +
      `growing context), ${ROUNDS} interleaved rounds; bytes of the last round, times median (min–max) over rounds;` +
      ` "over link": pool → upstream at ${(LINK.upBytesPerSecond * 8) / 1e6} Mbit/s up, ${LINK.oneWayMs * 2} ms round trip`,
  );
  for (const { label, rounds } of rows) {
    const last = rounds.at(-1)!;
    const up = last.turns.map((t) => t.upBytes);
    const firstBytes = rounds.map((r) => median(r.turns.map((t) => t.firstByteMs)));
    const walls = rounds.map((r) => r.wallMs / 1000);
    const range = (xs: number[], d: number) =>
      `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})`;
    const fellBack =
      label.startsWith('WebSocket') && last.transport === 'http' ? '  upgrade refused: ran over HTTP' : '';
    console.log(
      `  ${label.padEnd(26)} ${rounds.every((r) => r.ok) ? 'ok  ' : 'FAIL'} calls ${String(last.turns.length).padStart(2)}` +
        `  client sent ${kb(sum(up)).padStart(8)} (last call ${kb(up.at(-1) ?? 0).padStart(7)})` +
        `  upstream got ${kb(sum(last.upstreamBytes)).padStart(8)}` +
        `  first byte ${range(firstBytes, 1).padStart(17)} ms  wall ${range(walls, 2)} s${fellBack}`,
    );
  }
  console.log('  per call of the last round: bytes the client sent / ms to the first answer byte');
  const lasts = rows.map((r) => r.rounds.at(-1)!);
  const width = Math.max(...lasts.map((r) => r.turns.length));
  for (let i = 0; i < width; i++) {
    const cells = lasts.map((r) => {
      const t = r.turns[i];
      return t
        ? `${String(t.upBytes).padStart(7)} B ${t.firstByteMs.toFixed(1).padStart(6)} ms`
        : ' '.repeat(20);
    });
    console.log(`  ${String(i + 1).padStart(4)}  ${cells.join('   ')}`);
  }
  console.log(`  columns: ${rows.map((r, i) => `${i + 1} = ${r.label}`).join(', ')}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printWsBench(await runWsBench());

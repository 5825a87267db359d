import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/core/log';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

// Issue 8: clients that trickle a request (a byte every 10 s) or never finish their headers must not hold
// connections for good, nor may a crowd of connections exhaust the server; a long response is never cut.
let pool: PoolHarness | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

interface Probe {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
}

/** A raw client connection to the core, so the test controls every byte (and every pause). */
function rawClient(url: string): Promise<Probe> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect(Number(port), hostname);
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.once('error', () => {});
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });
}

const SHORT = { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50 };

describe('slow and stuck clients', () => {
  it('cuts a trickled body and unfinished headers with 408, and stays healthy', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com' }], deps: { clientLimits: SHORT } });
    const host = new URL(pool.core.url).host;
    const slowBody = await rawClient(pool.core.url);
    slowBody.socket.write(
      `POST /v1/responses HTTP/1.1\r\nHost: ${host}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`,
    );
    const slowHeaders = await rawClient(pool.core.url);
    slowHeaders.socket.write(`POST /v1/responses HTTP/1.1\r\nHost: ${host}\r\n`);
    const silent = await rawClient(pool.core.url);

    await Promise.all([slowBody.closed, slowHeaders.closed, silent.closed]);
    expect(slowBody.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowHeaders.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(pool.sim.requests.filter((r) => r.path === '/backend-api/codex/responses')).toHaveLength(0);
    expect((await pool.fetch('/api/health')).status).toBe(200);
  });

  it('never cuts a response that outlasts the request timeout', async () => {
    pool = await startPool({ accounts: [{ email: 'a@example.com' }], deps: { clientLimits: SHORT } });
    // Upstream sends its headers, then thinks for well past the 600 ms request timeout.
    pool.sim.injectFault({ kind: 'slow_first_byte', ms: 1500 });
    const started = Date.now();
    const res = await pool.fetch('/backend-api/codex/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5.5', input: [], stream: true, store: false }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('response.completed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it('refuses connections beyond the limit, says so in the log, and takes new ones once a slot frees', async () => {
    const lines: string[] = [];
    pool = await startPool({
      deps: { clientLimits: { maxConnections: 3 }, log: createLogger('info', (line) => lines.push(line)) },
    });
    const host = new URL(pool.core.url).host;
    const held: Probe[] = [];
    for (let i = 0; i < 3; i += 1) {
      const probe = await rawClient(pool.core.url);
      // A finished request on a kept-alive connection: counted by the server for sure, and held open.
      probe.socket.write(`GET /api/health HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      await new Promise<void>((done) => probe.socket.once('data', () => done()));
      held.push(probe);
    }
    const refused = await rawClient(pool.core.url);
    refused.socket.write(`GET /api/health HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    await refused.closed;
    expect(refused.received()).toBe('');
    expect(
      lines.some((l) => l.includes('refused client connections: the open-connection limit is reached')),
    ).toBe(true);

    held[0]!.socket.destroy();
    await held[0]!.closed;
    // The server counts the freed slot once its side of the socket has closed too: retry until it has.
    let answer = '';
    for (let attempt = 0; attempt < 50 && answer === ''; attempt += 1) {
      const later = await rawClient(pool.core.url);
      later.socket.write(`GET /api/health HTTP/1.1\r\nHost: ${host}\r\nconnection: close\r\n\r\n`);
      await later.closed;
      answer = later.received();
    }
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    for (const probe of held) probe.socket.destroy();
  });
});

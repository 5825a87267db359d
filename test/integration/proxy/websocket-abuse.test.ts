import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

/** Polls wait long enough for a loaded CI machine; they end as soon as the condition holds. */
const POLL = { timeout: 10_000 };

// The WebSocket door as a careless or hostile client uses it: sockets that vanish mid-handshake.
let pool: PoolHarness;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown): void => void uncaught.push(err);
beforeAll(async () => {
  pool = await startPool({ accounts: [{ email: 'ws-abuse@example.com', planType: 'pro' }] });
  process.on('uncaughtException', onUncaught);
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await pool.close();
});

/** A raw TCP client that sends an upgrade request for `path` and nothing else. */
function rawUpgrade(path: string): Promise<Socket> {
  const { port } = new URL(pool.core.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: Upgrade\r\nupgrade: websocket\r\n` +
          `sec-websocket-version: 13\r\nsec-websocket-key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\n\r\n`,
      );
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

/** Resets the connection (RST, not FIN), as a crashed client or a dropped link does. */
function reset(socket: Socket): Promise<void> {
  socket.removeAllListeners('error');
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.resetAndDestroy();
  return closed;
}

describe('a client that resets its connection during the handshake', () => {
  it('while the pool opens its upstream socket: the core survives and lets the upstream socket go', async () => {
    // Upstream holds its upgrade unanswered, so the client's handshake is certainly still in progress.
    pool.sim.injectFault({ kind: 'stall', route: 'websocket_handshake' });
    const socket = await rawUpgrade('/backend-api/codex/responses');
    await expect.poll(() => pool.sim.webSocketStats.stalledHandshakes, POLL).toBe(1);
    await reset(socket);
    await expect.poll(() => pool.sim.webSocketStats.stalledHandshakes, POLL).toBe(0);
    expect(uncaught).toEqual([]);
    expect((await pool.fetch('/api/health')).status).toBe(200);
  });

  it('while being answered 426 on a path that does not upgrade: the core survives', async () => {
    for (let i = 0; i < 5; i += 1) await reset(await rawUpgrade('/backend-api/codex/models'));
    expect((await pool.fetch('/api/health')).status).toBe(200);
    expect(uncaught).toEqual([]);
  });
});

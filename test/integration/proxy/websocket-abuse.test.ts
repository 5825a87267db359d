import type { IncomingMessage } from 'node:http';
import { POLL } from '../../helpers/responses-socket';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startPool, type PoolHarness } from '../../helpers/pool-harness';

// The WebSocket door as a careless or hostile client uses it: sockets that vanish mid-handshake, a client that
// sends and never reads.
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

/** The pool's own side of the next client WebSocket accepted, to see what it buffers and whether it reads. */
function nextServerSocket(): Promise<Socket> {
  const door = pool.core.services.websocket;
  const handle = door.handle.bind(door);
  return new Promise((resolve) => {
    door.handle = (req: IncomingMessage, socket, head) => {
      door.handle = handle;
      resolve(socket as Socket);
      return handle(req, socket, head);
    };
  });
}

describe('a client that sends and never reads', () => {
  it('is read no further once its answers back up, so it cannot make the pool buffer without bound', async () => {
    const FRAMES = 400;
    // Each frame's answer echoes its unknown type: 400 x ~100 kB answers, far beyond any socket buffer.
    const frame = JSON.stringify({ type: 'x'.repeat(100 * 1024) });
    const serverSide = nextServerSocket();
    const ws = new WebSocket(`${pool.core.url.replace(/^http/, 'ws')}/backend-api/codex/responses`, {
      perMessageDeflate: false,
    });
    ws.on('error', () => undefined);
    await new Promise((resolve) => ws.once('open', resolve));
    const server = await serverSide;
    let answers = 0;
    ws.on('message', () => (answers += 1));
    ws.pause();
    for (let i = 0; i < FRAMES; i += 1) ws.send(frame);
    // Masked client frames: 2 header bytes, 8 of length, 4 of mask.
    const everything = FRAMES * (frame.length + 14);
    // Either the pool stops reading, or (without backpressure) it reads every frame and answers them all.
    await expect.poll(() => server.isPaused() || server.bytesRead >= everything, POLL).toBe(true);
    expect(server.writableLength).toBeLessThan(16 * 1024 * 1024);
    expect(server.bytesRead).toBeLessThan(everything);
    // Once the client reads again, so does the pool: every frame is answered.
    ws.resume();
    await expect.poll(() => answers, { timeout: 30_000 }).toBe(FRAMES);
    ws.close();
  });
});

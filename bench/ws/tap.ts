/**
 * A TCP pass-through between the Codex CLI and its server that timestamps every chunk in both directions, so the
 * benchmark sees what the client uploads and when the first answer byte comes back, for HTTP and WebSocket
 * alike, without parsing (permessage-deflate frames cannot be read off the wire anyway).
 */
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface Chunk {
  connection: number;
  up: boolean;
  at: number;
  bytes: number;
  /** First line of an upload burst, e.g. `POST /backend-api/codex/responses HTTP/1.1`. */
  head?: string;
}

/** One model call as seen on the wire: the upload burst and the answer that followed it. */
export interface WireTurn {
  connection: number;
  /** `POST …`/`GET …` for HTTP requests and the upgrade, `frame` for a client WebSocket frame. */
  kind: string;
  upBytes: number;
  /** From the first byte sent to the first byte answered. */
  firstByteMs: number;
}

export interface Tap {
  readonly url: string;
  readonly chunks: readonly Chunk[];
  close(): Promise<void>;
}

/**
 * Listen on 127.0.0.2 at the target's own port: the CLI's `Host` header then names the port the pool is bound
 * to, which its DNS-rebinding guard requires, and the bytes pass through untouched.
 */
export async function startTap(targetPort: number): Promise<Tap> {
  const chunks: Chunk[] = [];
  const sockets = new Set<Socket>();
  let ids = 0;
  const server = createServer((client) => {
    const connection = ++ids;
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    let lastUp = false;
    client.on('data', (d: Buffer) => {
      const chunk: Chunk = { connection, up: true, at: performance.now(), bytes: d.length };
      if (!lastUp) {
        const text = d.subarray(0, 200).toString('latin1');
        const line = /^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) \S+/.exec(text);
        if (line) chunk.head = line[0];
      }
      lastUp = true;
      chunks.push(chunk);
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      lastUp = false;
      chunks.push({ connection, up: false, at: performance.now(), bytes: d.length });
      client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  server.listen(targetPort, '127.0.0.2');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.2:${targetPort}`,
    chunks,
    async close() {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * Cut each connection's chunks into upload bursts and the answer that followed. A connection whose first burst
 * is an upgrade carries WebSocket frames afterwards: each later burst is one client frame.
 */
export function wireTurns(chunks: readonly Chunk[]): WireTurn[] {
  const byConnection = new Map<number, Chunk[]>();
  for (const c of chunks) byConnection.set(c.connection, [...(byConnection.get(c.connection) ?? []), c]);
  const turns: (WireTurn & { at: number })[] = [];
  for (const [connection, list] of byConnection) {
    let upgraded = false;
    for (let i = 0; i < list.length;) {
      const first = list[i]!;
      if (!first.up) {
        i++;
        continue;
      }
      let upBytes = 0;
      while (i < list.length && list[i]!.up) upBytes += list[i++]!.bytes;
      const answer = list[i];
      const kind = upgraded ? 'frame' : (first.head ?? 'unknown');
      if (!upgraded && kind.startsWith('GET /backend-api/codex/responses')) upgraded = true;
      if (answer) turns.push({ connection, kind, upBytes, firstByteMs: answer.at - first.at, at: first.at });
    }
  }
  return turns.sort((a, b) => a.at - b.at).map(({ at: _at, ...t }) => t);
}

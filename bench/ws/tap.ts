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

/** A modeled network path: upload bandwidth and one-way latency (both directions). */
export interface Link {
  upBytesPerSecond: number;
  oneWayMs: number;
}

export interface TapOptions {
  /**
   * Loopback address to listen on, at the target's own port: a client's `Host` header then names the port the
   * pool is bound to, which its DNS-rebinding guard requires, and the bytes pass through untouched.
   */
  host: string;
  /** Delay what passes as this link would (default: none). */
  link?: Link;
}

/** Writes to `to` in order, each chunk released when the link would have delivered it. */
function pacer(to: Socket, link: Link | undefined, up: boolean) {
  let free = 0;
  let last = 0;
  return {
    send(d: Buffer) {
      if (!link) return void to.write(d);
      const now = performance.now();
      const start = Math.max(now, free);
      free = up ? start + (d.length / link.upBytesPerSecond) * 1000 : start;
      last = free + link.oneWayMs;
      setTimeout(() => to.write(d), last - now);
    },
    /** When everything sent so far has arrived. */
    drainedIn: () => Math.max(0, last - performance.now()),
  };
}

export async function startTap(targetPort: number, options: TapOptions): Promise<Tap> {
  const chunks: Chunk[] = [];
  const sockets = new Set<Socket>();
  let ids = 0;
  const server = createServer((client) => {
    const connection = ++ids;
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    const toUpstream = pacer(upstream, options.link, true);
    const toClient = pacer(client, options.link, false);
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
      toUpstream.send(d);
    });
    upstream.on('data', (d: Buffer) => {
      lastUp = false;
      chunks.push({ connection, up: false, at: performance.now(), bytes: d.length });
      toClient.send(d);
    });
    let ending = false;
    const end = () => {
      if (ending) return;
      ending = true;
      // Let bytes still on the modeled link arrive before the other side hears of the close.
      setTimeout(
        () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        },
        Math.max(toUpstream.drainedIn(), toClient.drainedIn()),
      );
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  server.listen(targetPort, options.host);
  await once(server, 'listening');
  return {
    url: `http://${options.host}:${targetPort}`,
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

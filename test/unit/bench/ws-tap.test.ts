import { describe, expect, it } from 'vitest';
import { wireTurns } from '../../../bench/ws/tap';
import type { Chunk } from '../../../bench/ws/tap';

const up = (connection: number, at: number, bytes: number, head?: string): Chunk => ({
  connection,
  up: true,
  at,
  bytes,
  ...(head ? { head } : {}),
});
const down = (connection: number, at: number, bytes: number): Chunk => ({ connection, up: false, at, bytes });

describe('wireTurns (the ws benchmark tap)', () => {
  it('cuts HTTP keep-alive requests at their request lines and WebSocket frames after the upgrade', () => {
    const chunks = [
      up(1, 0, 300, 'GET /backend-api/codex/models'),
      down(1, 2, 5000),
      up(2, 3, 400, 'GET /backend-api/codex/responses'),
      down(2, 4, 200),
      // A body in two chunks is one request; its answer comes after both.
      up(1, 10, 16_000, 'POST /backend-api/codex/responses'),
      up(1, 11, 12_000),
      down(1, 13.5, 900),
      down(1, 14, 900),
      up(2, 20, 1200),
      down(2, 21.25, 80),
      up(2, 30, 6),
    ];
    expect(wireTurns(chunks)).toEqual([
      { connection: 1, kind: 'GET /backend-api/codex/models', upBytes: 300, firstByteMs: 2 },
      { connection: 2, kind: 'GET /backend-api/codex/responses', upBytes: 400, firstByteMs: 1 },
      { connection: 1, kind: 'POST /backend-api/codex/responses', upBytes: 28_000, firstByteMs: 3.5 },
      { connection: 2, kind: 'frame', upBytes: 1200, firstByteMs: 1.25 },
    ]);
  });
});

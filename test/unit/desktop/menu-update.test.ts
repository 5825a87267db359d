/** Issue 12: the tray rebuilds its native menu only when its structure changes; labels at most every 2 s. */
import { describe, expect, it } from 'vitest';
import { LABEL_MIN_INTERVAL_MS, menuShape, planMenuUpdate } from '../../../main/desktop/menu-update';
import { trayTemplate } from '../../../main/desktop/tray-template';
import { NOW, poolState, recordingActions } from './fixtures';

const shapeAt = (over: Parameters<typeof poolState>[0] = {}) =>
  menuShape(trayTemplate(poolState(over), recordingActions()));

describe('planMenuUpdate', () => {
  const base = shapeAt();
  const shown = { shape: base, builtAtMs: 1_000_000 };

  it('builds the first menu', () => {
    expect(planMenuUpdate(null, base, 0)).toEqual({ kind: 'build' });
  });

  it('skips a rebuild when nothing the user sees changed (a tick over the same state)', () => {
    expect(planMenuUpdate(shown, shapeAt(), 1_000_100)).toEqual({ kind: 'skip' });
  });

  it('defers a label-only change (a countdown ticked) until 2 s after the last build', () => {
    const ticked = shapeAt({ now: NOW + 60 });
    expect(ticked.structure).toBe(base.structure);
    expect(planMenuUpdate(shown, ticked, 1_000_500)).toEqual({
      kind: 'later',
      inMs: LABEL_MIN_INTERVAL_MS - 500,
    });
    expect(planMenuUpdate(shown, ticked, 1_000_000 + LABEL_MIN_INTERVAL_MS)).toEqual({ kind: 'build' });
    expect(planMenuUpdate(shown, ticked, 1_000_500, true)).toEqual({ kind: 'build' });
  });

  it('rebuilds at once when the structure changes (strategy checked, pause ↔ resume)', () => {
    expect(planMenuUpdate(shown, shapeAt({ strategy: 'round_robin' }), 1_000_001)).toEqual({ kind: 'build' });
    const accounts = poolState().accounts.map((a) =>
      a.id === 'a1' ? { ...a, status: 'paused' as const } : a,
    );
    expect(planMenuUpdate(shown, shapeAt({ accounts }), 1_000_001)).toEqual({ kind: 'build' });
  });
});

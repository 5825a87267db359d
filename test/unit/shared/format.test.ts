import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../shared/format';

describe('formatDuration (dashboard and error messages alike)', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [60, '1 min'],
    [3600, '1 h'],
    [2 * 3600 + 58 * 60, '2 h 58 min'],
    [50 * 3600, '2 d 2 h'],
    [-5, '0 s'],
  ])('%i s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

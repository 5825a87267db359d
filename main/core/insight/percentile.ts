/**
 * Percentiles of time to first token from the `ttfb_hourly` log-scale histogram. Pure. Bin b covers
 * [2^(b/8), 2^((b+1)/8)) ms; its geometric middle is within 4.4 % of any value in it.
 */

/** Bins per doubling; must match the migration's `8 * log2(ttfb)`. */
const BINS_PER_OCTAVE = 8;

/** The value at quantile `q` (0–1) of the histogram, or null when it is empty. `bins` may be unsorted. */
export function histogramPercentile(
  bins: readonly { bucket: number; n: number }[],
  q: number,
): number | null {
  const total = bins.reduce((sum, b) => sum + b.n, 0);
  if (total === 0) return null;
  const sorted = [...bins].sort((a, b) => a.bucket - b.bucket);
  // Nearest rank: the smallest bin whose cumulative count reaches ceil(q·n).
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const b of sorted) {
    seen += b.n;
    if (seen >= rank) return Math.round(2 ** ((b.bucket + 0.5) / BINS_PER_OCTAVE));
  }
  return null;
}

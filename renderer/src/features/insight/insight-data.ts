/**
 * Loading for the insight views. Each view asks for a range the user picks, so its data is keyed by the query
 * rather than cached once like the accounts list; the hook keeps the last answer while a new one loads, and says
 * when it was computed so the page can show the data's age.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import type { InsightRange } from '../../../../shared/api';

/** What a component sees of one loaded view. */
export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** Loads `load()` now and whenever `key` changes; a late answer to an older key is dropped. */
export function useLoaded<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<Omit<Loaded<T>, 'reload'>>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current().then(
      (data) => mine === seq.current && setState({ data, error: undefined, loading: false }),
      (err: unknown) =>
        mine === seq.current &&
        setState((s) => ({
          ...s,
          loading: false,
          error: err instanceof ApiError ? err : new ApiError(String(err), null, 0),
        })),
    );
  }, []);
  useEffect(run, [key, run]);
  return { ...state, reload: run };
}

/** The viewer's UTC offset in whole hours, or 0 (UTC days) where the local offset is not whole hours. */
export function localOffsetHours(date = new Date()): number {
  const minutes = -date.getTimezoneOffset();
  return minutes % 60 === 0 ? minutes / 60 : 0;
}

/** Range names. */
export const RANGE_NAMES: Record<InsightRange, string> = {
  '24h': 'last 24 hours',
  '7d': 'last 7 days',
  '30d': 'last 30 days',
};

/** `0.4567` → `46 %`; null → `—`. */
export function formatShare(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)} %`;
}

/** US dollars with cents; four decimals under a cent, so small estimates are not shown as nothing. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.0001) return '< $0.0001';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

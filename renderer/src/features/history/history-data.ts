/**
 * Quota history data: one cached resource per chart (the pool over a range, or one account's family over a range),
 * and a reload of the charts on screen when fresh quota arrives. Only mounted charts are reloaded, so a range
 * looked at once and left costs nothing afterwards.
 */
import { useEffect } from 'react';
import type { AccountQuotaHistory, PoolQuotaHistory } from '../../../../shared/api';
import { api } from '../../api/client';
import { createResource, useResource, type Resource, type ResourceState } from '../../api/resource';
import { syncServerClock } from '../../lib/server-clock';

/** The ranges the charts offer, in hours. */
export const HISTORY_RANGES = [
  { hours: 24, label: '24 h', long: 'last 24 hours' },
  { hours: 168, label: '7 d', long: 'last 7 days' },
  { hours: 720, label: '30 d', long: 'last 30 days' },
] as const;
/** A chart range in hours. */
export type HistoryHours = (typeof HISTORY_RANGES)[number]['hours'];

/*
 * Polling and every proxied response both bring quota events: a busy pool sends several a second. A chart of 300
 * points over `hours` moves one point every `hours × 12` s, and a month of samples is a sizeable read for the core,
 * so each chart reloads at most once per `hours × 40` ms: 1 s for a day, ~7 s for a week, ~29 s for a month.
 */
const reloadDelayMs = (hours: number): number => Math.max(1000, hours * 40);

interface Entry {
  resource: Resource<unknown>;
  /** The account the chart shows, or null for the pool. */
  accountId: string | null;
  hours: number;
  mounted: number;
}

const entries = new Map<string, Entry>();

function entry<T>(key: string, accountId: string | null, hours: number, load: () => Promise<T>): Resource<T> {
  let found = entries.get(key);
  if (!found) {
    found = { resource: createResource(load) as Resource<unknown>, accountId, hours, mounted: 0 };
    entries.set(key, found);
  }
  return found.resource as Resource<T>;
}

/** The pool's history over `hours`. */
export function poolHistoryResource(hours: number): Resource<PoolQuotaHistory> {
  return entry(`pool:${hours}`, null, hours, async () => {
    const history = await api.poolQuotaHistory(hours);
    syncServerClock(history.now);
    return history;
  });
}

/** One account's history of one limit family over `hours`. */
export function accountHistoryResource(
  accountId: string,
  family: string,
  hours: number,
): Resource<AccountQuotaHistory> {
  return entry(`account:${accountId}:${family}:${hours}`, accountId, hours, async () => {
    const history = await api.accountQuotaHistory(accountId, family, hours);
    syncServerClock(history.now);
    return history;
  });
}

/** Reads a history resource in a chart and marks it as on screen while the chart is mounted. */
export function useHistory<T>(resource: Resource<T>): ResourceState<T> {
  useEffect(() => {
    const found = [...entries.values()].find((e) => e.resource === resource);
    if (!found) return;
    found.mounted += 1;
    return () => {
      found.mounted -= 1;
    };
  }, [resource]);
  return useResource(resource);
}

/**
 * Reloads the charts on screen that a quota sample of `accountId` changes: the pool's and that account's. With no
 * account (the event stream reconnected and may have missed events), every chart on screen.
 */
export function reloadHistories(accountId?: string): void {
  for (const e of entries.values()) {
    if (e.mounted === 0) continue;
    if (accountId === undefined || e.accountId === null || e.accountId === accountId) {
      e.resource.reloadSoon(reloadDelayMs(e.hours));
    }
  }
}

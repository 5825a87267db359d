/**
 * A tiny cache for one piece of server data (the accounts list, the settings…): load it once, reload it when an
 * event says it changed, and let React components read it. Reloads are coalesced, so a burst of events costs one
 * request in flight and at most one more after it. Server data lives here, never in the zustand UI store.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { ApiError } from './client';

/** What a component sees of a resource. */
export interface ResourceState<T> {
  /** The last successful answer; kept while a reload runs or after a reload fails. */
  data: T | undefined;
  /** The last failure; cleared by the next success. */
  error: ApiError | undefined;
  /** True while a load is in flight. */
  loading: boolean;
}

/** One cached piece of server data. */
export interface Resource<T> {
  get(): ResourceState<T>;
  subscribe(listener: () => void): () => void;
  /** Loads now (or once more after the load in flight). Never rejects: failures land in `error`. */
  load(): Promise<void>;
  /** Loads after a short delay, folding every call within that delay into one request. */
  reloadSoon(delayMs?: number): void;
  /** Replaces the data locally (after a mutation answered with the new value). */
  update(change: (data: T) => T): void;
  /** Forgets everything (after signing out). */
  reset(): void;
}

const toApiError = (err: unknown): ApiError =>
  err instanceof ApiError ? err : new ApiError(err instanceof Error ? err.message : String(err), null, 0);

/** Creates a resource around one API call. */
export function createResource<T>(loader: () => Promise<T>): Resource<T> {
  let state: ResourceState<T> = { data: undefined, error: undefined, loading: false };
  let inFlight: Promise<void> | undefined;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<() => void>();
  const set = (next: Partial<ResourceState<T>>): void => {
    state = { ...state, ...next };
    for (const listener of listeners) listener();
  };

  const run = async (): Promise<void> => {
    set({ loading: true });
    try {
      set({ data: await loader(), error: undefined });
    } catch (err) {
      set({ error: toApiError(err) });
    }
    if (again) {
      again = false;
      return run();
    }
    set({ loading: false });
  };

  const resource: Resource<T> = {
    get: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    load() {
      if (inFlight) {
        again = true;
        return inFlight;
      }
      inFlight = run().finally(() => (inFlight = undefined));
      return inFlight;
    },
    reloadSoon(delayMs = 150) {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        void resource.load();
      }, delayMs);
    },
    update(change) {
      if (state.data !== undefined) set({ data: change(state.data) });
    },
    reset() {
      state = { data: undefined, error: undefined, loading: false };
      for (const listener of listeners) listener();
    },
  };
  return resource;
}

/** Reads a resource in a component, loading it on first use. */
export function useResource<T>(resource: Resource<T>): ResourceState<T> {
  const state = useSyncExternalStore(resource.subscribe, resource.get);
  useEffect(() => {
    const { data, loading, error } = resource.get();
    if (data === undefined && !loading && error === undefined) void resource.load();
  }, [resource]);
  return state;
}

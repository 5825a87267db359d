import { useCallback, useEffect, useRef, useState } from 'react';
import type { OAuthStatus } from '../../../../shared/api';
import { api, type ApiError } from '../../api/client';
import { onLoginEvent } from '../../app/live-updates';
import { accountsResource } from './accounts-data';

const POLL_MS = 1000;

/**
 * Follows a browser or device login until it succeeds or fails: polls `GET /api/oauth/status`, and asks again at
 * once when the event stream says that login finished. A login still pending when the component goes away (the
 * dialog closed) is cancelled, so it does not hold the callback port until it expires.
 */
export function useLoginStatus(loginId: string | null): {
  status: OAuthStatus | null;
  error: ApiError | null;
  cancel(): void;
} {
  const [status, setStatus] = useState<OAuthStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const pending = useRef<string | null>(null);

  const cancel = useCallback(() => {
    const id = pending.current;
    pending.current = null;
    if (id !== null) void api.cancelLogin(id).catch(() => undefined);
  }, []);
  useEffect(() => cancel, [cancel]);

  useEffect(() => {
    if (loginId === null) return;
    setStatus(null);
    setError(null);
    pending.current = loginId;
    let stopped = false;
    let busy = false;
    let again = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One status request at a time: an event arriving mid-request asks once more right after it.
    const check = async (): Promise<void> => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      clearTimeout(timer);
      let next: OAuthStatus;
      try {
        next = await api.loginStatus(loginId);
      } catch (err) {
        if (!stopped) setError(err as ApiError);
        return;
      } finally {
        busy = false;
      }
      if (stopped) return;
      setStatus(next);
      if (next.state !== 'pending') {
        pending.current = null;
        void accountsResource.load();
      } else if (again) {
        again = false;
        void check();
      } else {
        timer = setTimeout(() => void check(), POLL_MS);
      }
    };
    void check();
    const unsubscribe = onLoginEvent((event) => {
      if (event.loginId === loginId) void check();
    });
    return () => {
      stopped = true;
      clearTimeout(timer);
      unsubscribe();
    };
  }, [loginId]);

  return { status, error, cancel };
}

/**
 * One login attempt from start to finish: starting it (with its own error), then following its status. Shared by
 * the browser and the device-code dialogs, which differ only in what they show while it is pending.
 */
export function useLoginFlow<T extends { loginId: string }>(
  startLogin: () => Promise<T>,
): {
  started: T | null;
  starting: boolean;
  startError: ApiError | null;
  status: OAuthStatus | null;
  statusError: ApiError | null;
  finished: boolean;
  start(): Promise<void>;
  cancel(): void;
} {
  const [started, setStarted] = useState<T | null>(null);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<ApiError | null>(null);
  const { status, error: statusError, cancel } = useLoginStatus(started?.loginId ?? null);
  const start = async (): Promise<void> => {
    setStarting(true);
    setStartError(null);
    try {
      setStarted(await startLogin());
    } catch (err) {
      setStartError(err as ApiError);
    } finally {
      setStarting(false);
    }
  };
  const finished = status !== null && status.state !== 'pending';
  return { started, starting, startError, status, statusError, finished, start, cancel };
}

/** Small shared states: loading, error, empty. */
import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';

/** A polite loading line. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** A failed load, with the server's message and a retry. */
export function ErrorMessage({ error, onRetry }: { error: ApiError | string; onRetry?: () => void }) {
  return (
    <div className="error-box" role="alert">
      <p>{typeof error === 'string' ? error : error.message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Nothing to show yet, and what to do about it. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

import { useState } from 'react';
import type { ConnectTestResult } from '../../../../shared/api';
import { api, type ApiError } from '../../api/client';
import { ErrorMessage } from '../../components/feedback';
import { formatLatency } from '../../lib/format';

/** The "Test" button: one tiny request through the pool, and which account answered it. */
export function TestRequest({ onAnswered }: { onAnswered?: (result: ConnectTestResult) => void } = {}) {
  const [result, setResult] = useState<ConnectTestResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.connectTest();
      setResult(answer);
      onAnswered?.(answer);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack">
      <div className="button-row">
        <button type="button" className="primary" onClick={() => void run()} disabled={busy}>
          {busy ? 'Sending…' : 'Send a test request'}
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
      {result && (
        <p
          className={result.ok ? 'success-box' : 'error-box'}
          role="status"
          data-testid="connect-test-result"
        >
          {result.ok
            ? `${result.accountEmail ?? 'An account'} answered in ${formatLatency(result.latencyMs)} (${result.model}): “${result.message}”`
            : `The test request failed: ${result.message}`}
        </p>
      )}
    </div>
  );
}

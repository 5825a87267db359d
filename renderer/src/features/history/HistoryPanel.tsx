/**
 * The parts every quota history chart shares: the line that says which time the data covers and how old its
 * newest sample is, the empty state, and the chart itself with its loading and error states.
 */
import type { QuotaHistoryPoint } from '../../../../shared/api';
import type { ApiError } from '../../api/client';
import type { ChartSeries } from '../../components/chart-scale';
import { QuotaChart } from '../../components/QuotaChart';
import { ErrorMessage, Loading } from '../../components/feedback';
import { formatAge, formatClock } from '../../lib/format';

/** What a history chart draws, as the API answered it. */
export interface HistoryData {
  now: number;
  since: number;
  points: readonly QuotaHistoryPoint[];
  firstSampleAt: number | null;
  lastSampleAt: number | null;
  /** Samples behind the points, when the API says (account histories). */
  samples?: number;
}

/** Props of {@link HistoryPanel}. */
export interface HistoryPanelProps {
  data: HistoryData | undefined;
  error: ApiError | undefined;
  loading: boolean;
  onRetry(): void;
  series: readonly ChartSeries[];
  /** Accessible name of the chart, e.g. `Pool quota used over the last 24 hours`. */
  title: string;
  /** Server time, epoch s. */
  now: number;
  height?: number;
  testId: string;
}

/** `Data from 09:12 to 14:05 · last sample 2 min ago`: the truth about what the chart shows. */
function coverage(data: HistoryData, now: number): string {
  if (data.firstSampleAt === null || data.lastSampleAt === null) return '';
  // A sample from before the range holds at its start (the pool's series): the data then covers all of it.
  const from = Math.max(data.firstSampleAt, data.since);
  const thinned =
    data.samples !== undefined && data.samples > data.points.length
      ? ` · ${data.samples} samples, each point the highest of its stretch`
      : '';
  return `Data from ${formatClock(from, now)} to ${formatClock(data.lastSampleAt, now)} · last sample ${formatAge(data.lastSampleAt, now)}${thinned}`;
}

/** A history chart with its coverage line, or the reason there is none. */
export function HistoryPanel({
  data,
  error,
  loading,
  onRetry,
  series,
  title,
  now,
  height,
  testId,
}: HistoryPanelProps) {
  if (error && !data) return <ErrorMessage error={error} onRetry={onRetry} />;
  if (!data) return loading ? <Loading label="Loading the history…" /> : null;
  if (data.points.length === 0) {
    return (
      <p className="chart-empty muted small" data-testid={`${testId}-empty`}>
        No samples yet — quota is learnt from responses and polled every minute.
      </p>
    );
  }
  return (
    <>
      <p className="muted small" data-testid={`${testId}-coverage`}>
        {coverage(data, now)}
      </p>
      <QuotaChart
        points={data.points}
        since={data.since}
        until={data.now}
        series={series}
        title={title}
        now={now}
        {...(height !== undefined ? { height } : {})}
        testId={testId}
      />
      {error && <ErrorMessage error={error} onRetry={onRetry} />}
    </>
  );
}

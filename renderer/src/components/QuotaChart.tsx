/**
 * A quota-over-time line chart, drawn by hand in SVG. The data is two or three step lines on a fixed 0–100 % scale;
 * a charting library would add a lot of weight to the bundle for nothing, and hand-written SVG keeps every colour
 * in the stylesheet (classes and presentation attributes only, nothing the strict CSP could object to).
 */
import { useEffect, useRef, useState } from 'react';
import type { QuotaHistoryPoint } from '../../../shared/api';
import { formatClock, formatPercent } from '../lib/format';
import { latestOf, stepPath, summarizeSeries, timeTicks, type ChartSeries } from './chart-scale';

/** Props of {@link QuotaChart}. */
export interface QuotaChartProps {
  points: readonly QuotaHistoryPoint[];
  /** The x axis: the requested range (epoch s), so a gap in the data shows as a gap. */
  since: number;
  until: number;
  series: readonly ChartSeries[];
  /** What the chart shows, first words of its accessible name: `Pool quota used over the last 24 hours`. */
  title: string;
  /** Server time, epoch s (for the clock times in the summary). */
  now: number;
  /** Drawing height in px. */
  height?: number;
  testId?: string;
}

const MARGIN = { top: 10, right: 14, bottom: 24, left: 40 };
const GRID = [0, 50, 100];
/** Used until the first measurement, and in environments without ResizeObserver. */
const DEFAULT_WIDTH = 600;

/** The rendered width of an element, following resizes, so the SVG draws at 1:1 and its text stays legible. */
function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      const measured = Math.floor(entry?.contentRect.width ?? 0);
      if (measured > 0) setWidth(measured);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** A line chart of used % over time with 0/50/100 % gridlines, time ticks and a legend. */
export function QuotaChart({
  points,
  since,
  until,
  series,
  title,
  now,
  height = 200,
  testId,
}: QuotaChartProps) {
  const [ref, width] = useWidth();
  const plotW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(10, height - MARGIN.top - MARGIN.bottom);
  const span = Math.max(1, until - since);
  const x = (t: number): number =>
    MARGIN.left + ((Math.min(Math.max(t, since), until) - since) / span) * plotW;
  const y = (used: number): number => MARGIN.top + (1 - Math.min(Math.max(used, 0), 100) / 100) * plotH;
  const ticks = timeTicks(since, until, Math.max(2, Math.floor(plotW / 90)));
  const label = `${title}. ${summarizeSeries(points, series, now)}`;

  return (
    <figure className="chart" data-testid={testId}>
      <ul className="chart-legend" aria-hidden="true">
        {series.map((s) => (
          <li key={s.key}>
            <span className={`chart-swatch chart-${s.key}`} />
            {s.name}
          </li>
        ))}
      </ul>
      <div ref={ref} className="chart-frame">
        <svg
          role="img"
          aria-label={label}
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          className="chart-svg"
        >
          <g className="chart-grid">
            {GRID.map((g) => (
              <g key={g}>
                <line x1={MARGIN.left} x2={MARGIN.left + plotW} y1={y(g)} y2={y(g)} />
                <text x={MARGIN.left - 6} y={y(g)} dy="0.32em" textAnchor="end">
                  {g}%
                </text>
              </g>
            ))}
          </g>
          <g className="chart-axis">
            {ticks.map((tick) => (
              <g key={tick.t}>
                <line x1={x(tick.t)} x2={x(tick.t)} y1={MARGIN.top + plotH} y2={MARGIN.top + plotH + 4} />
                <text x={x(tick.t)} y={MARGIN.top + plotH + 16} textAnchor="middle">
                  {tick.label}
                </text>
              </g>
            ))}
          </g>
          {series.map((s) => {
            const last = latestOf(points, s.key);
            return (
              <g key={s.key} className={`chart-series chart-${s.key}`}>
                <path d={stepPath(points, s.key, x, y)} fill="none" strokeWidth={2} strokeLinejoin="round" />
                {last && <circle cx={x(last.t)} cy={y(last.value)} r={3.5} />}
              </g>
            );
          })}
        </svg>
      </div>
      <table className="visually-hidden">
        <caption>Latest values</caption>
        <thead>
          <tr>
            <th scope="col">Window</th>
            <th scope="col">Used</th>
            <th scope="col">As of</th>
          </tr>
        </thead>
        <tbody>
          {series.map((s) => {
            const last = latestOf(points, s.key);
            return (
              <tr key={s.key}>
                <th scope="row">{s.name}</th>
                <td>{last ? formatPercent(last.value) : 'no data'}</td>
                <td>{last ? formatClock(last.t, now) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
  );
}

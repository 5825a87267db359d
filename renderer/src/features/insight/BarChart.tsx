/**
 * A stacked bar chart over time, drawn by hand in SVG like the quota charts. At most 720 buckets (30 days of
 * hours) of a few series each — a few thousand rectangles, which SVG draws without help — so no charting
 * library. Hovering (or focusing and using the arrow keys) shows the bucket's values; colours come from the
 * stylesheet, so the chart follows the light and dark themes.
 */
import { useState, type KeyboardEvent, type MouseEvent } from 'react';
import { formatTimeOfDay } from '../../lib/format';

/** One stacked series. */
export interface BarSeries {
  key: string;
  name: string;
}

/** One bucket: its start (epoch s) and one value per series key. */
export interface BarBucket {
  t: number;
  values: Record<string, number>;
}

/** Props of {@link BarChart}. */
export interface BarChartProps {
  buckets: readonly BarBucket[];
  series: readonly BarSeries[];
  from: number;
  to: number;
  bucketS: number;
  title: string;
  format(value: number): string;
  height?: number;
  testId?: string;
}

const M = { top: 8, right: 8, bottom: 22, left: 56 };
const WIDTH = 720;

function bucketLabel(t: number, bucketS: number): string {
  const d = new Date(t * 1000);
  return bucketS >= 86_400
    ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
    : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${formatTimeOfDay(t)}`;
}

/** A stacked bar chart with hover details and a hidden data table for screen readers. */
export function BarChart({
  buckets,
  series,
  from,
  to,
  bucketS,
  title,
  format,
  height = 180,
  testId,
}: BarChartProps) {
  const [hover, setHover] = useState<number | null>(null);
  const plotW = WIDTH - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const span = Math.max(1, to - from);
  const max = Math.max(1, ...buckets.map((b) => series.reduce((s, x) => s + (b.values[x.key] ?? 0), 0)));
  const x = (t: number): number => M.left + ((t - from) / span) * plotW;
  const barW = Math.max(1, (bucketS / span) * plotW - 1);
  const y = (v: number): number => M.top + plotH - (v / max) * plotH;
  const ticks = Array.from({ length: 5 }, (_, i) => from + (i * span) / 4);

  const pick = (e: MouseEvent<SVGSVGElement>): void => {
    const rect = e.currentTarget.getBoundingClientRect();
    const t = from + (((e.clientX - rect.left) * (WIDTH / rect.width) - M.left) / plotW) * span;
    let best: number | null = null;
    buckets.forEach((b, i) => {
      if (t >= b.t && t < b.t + bucketS) best = i;
    });
    setHover(best);
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const next = (hover ?? (e.key === 'ArrowLeft' ? buckets.length : -1)) + (e.key === 'ArrowLeft' ? -1 : 1);
    setHover(Math.min(Math.max(next, 0), buckets.length - 1));
  };
  const shown = hover === null ? undefined : buckets[hover];

  return (
    <figure className="chart bar-chart" data-testid={testId}>
      <ul className="chart-legend" aria-hidden="true">
        {series.map((s, i) => (
          <li key={s.key}>
            <span className={`chart-swatch bar-s${i}`} />
            {s.name}
          </li>
        ))}
      </ul>
      <div className="chart-frame bar-frame">
        <svg
          role="img"
          aria-label={title}
          viewBox={`0 0 ${WIDTH} ${height}`}
          className="chart-svg"
          tabIndex={0}
          onMouseMove={pick}
          onMouseLeave={() => setHover(null)}
          onKeyDown={onKey}
          onBlur={() => setHover(null)}
        >
          <g className="chart-grid">
            {[0, 0.5, 1].map((f) => (
              <g key={f}>
                <line x1={M.left} x2={M.left + plotW} y1={y(max * f)} y2={y(max * f)} />
                <text x={M.left - 6} y={y(max * f)} dy="0.32em" textAnchor="end">
                  {format(max * f)}
                </text>
              </g>
            ))}
          </g>
          <g className="chart-axis">
            {ticks.map((t) => (
              <text key={t} x={x(t)} y={M.top + plotH + 15} textAnchor="middle">
                {bucketLabel(t, bucketS)}
              </text>
            ))}
          </g>
          {buckets.map((b, i) => {
            let base = 0;
            return (
              <g key={b.t} className={hover === i ? 'bar hovered' : 'bar'} data-testid="chart-bar">
                {series.map((s, si) => {
                  const v = b.values[s.key] ?? 0;
                  const top = y(base + v);
                  const rect = (
                    <rect
                      key={s.key}
                      className={`bar-s${si}`}
                      x={x(b.t)}
                      y={top}
                      width={barW}
                      height={y(base) - top}
                    />
                  );
                  base += v;
                  return rect;
                })}
              </g>
            );
          })}
        </svg>
        {shown && (
          <div className="chart-tooltip" role="status" data-testid="chart-tooltip">
            <strong>{bucketLabel(shown.t, bucketS)}</strong>
            {series.map((s) => (
              <span key={s.key}>
                {s.name}: {format(shown.values[s.key] ?? 0)}
              </span>
            ))}
          </div>
        )}
      </div>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            {series.map((s) => (
              <th key={s.key} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {buckets.map((b) => (
            <tr key={b.t}>
              <th scope="row">{bucketLabel(b.t, bucketS)}</th>
              {series.map((s) => (
                <td key={s.key}>{format(b.values[s.key] ?? 0)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Props of {@link Meter}. */
export interface MeterProps {
  /** 0–100. */
  value: number;
  /** What the bar measures, for assistive technology (`5-hour quota used`). */
  label: string;
  /** `used` turns red as it fills; `remaining` turns red as it empties. */
  kind: 'used' | 'remaining';
  testId?: string;
}

/** A plain-CSS bar with meter semantics. */
export function Meter({ value, label, kind, testId }: MeterProps) {
  const clamped = Math.min(100, Math.max(0, value));
  const pressure = kind === 'used' ? clamped : 100 - clamped;
  const tone = pressure >= 90 ? 'critical' : pressure >= 70 ? 'warning' : 'ok';
  return (
    <div
      className={`meter meter-${tone}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(clamped)}
      data-testid={testId}
    >
      <div className="meter-fill" style={{ width: `${clamped}%` }} />
    </div>
  );
}

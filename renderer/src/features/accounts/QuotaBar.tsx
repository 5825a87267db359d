import type { z } from 'zod';
import type { quotaWindowSchema } from '../../../../shared/api';
import { Meter } from '../../components/Meter';
import { formatCountdown, formatPercent, windowName } from '../../lib/format';

type QuotaWindow = z.infer<typeof quotaWindowSchema>;

/** Props of {@link QuotaBar}. */
export interface QuotaBarProps {
  window: QuotaWindow | null;
  /** Shown when there is no window: `5-hour`, `Weekly`. */
  fallbackName: string;
  /** Server time, epoch s. */
  now: number;
  /** Prefix for the accessible name, e.g. the limit family. */
  scope?: string;
}

/** One quota window: how much is used, and when it resets. */
export function QuotaBar({ window, fallbackName, now, scope }: QuotaBarProps) {
  const name = window ? windowName(window.windowMinutes) : fallbackName;
  const label = `${scope ? `${scope} ` : ''}${name} quota used`;
  return (
    <div className="quota" data-testid="quota-bar">
      <div className="quota-line">
        <span className="quota-name">{name}</span>
        <span className="quota-value">
          {window ? `${formatPercent(window.usedPercent)} used` : 'no data'}
        </span>
      </div>
      <Meter value={window?.usedPercent ?? 0} label={label} kind="used" />
      <div className="quota-reset muted">
        {window?.resetAt != null ? `resets ${formatCountdown(window.resetAt, now)}` : '\u00a0'}
      </div>
    </div>
  );
}

import { useState } from 'react';
import { STANDARD_FAMILY } from '../../../../shared/domain';
import type { AccountDto } from '../../../../shared/api';
import { useServerNow } from '../../lib/server-clock';
import { windowName } from '../../lib/format';
import { HistoryPanel } from './HistoryPanel';
import { accountHistoryResource, HISTORY_RANGES, useHistory, type HistoryHours } from './history-data';
import { RangePicker } from './RangePicker';

/** Props of {@link AccountHistory}. */
export interface AccountHistoryProps {
  account: AccountDto;
  /** How the account is named on screen. */
  name: string;
}

interface FamilyChartProps {
  accountId: string;
  family: string;
  /** Shown above the chart for additional families; the standard one needs no title on its own card. */
  heading: string | null;
  name: string;
  hours: HistoryHours;
}

function FamilyChart({ accountId, family, heading, name, hours }: FamilyChartProps) {
  const resource = accountHistoryResource(accountId, family, hours);
  const { data, error, loading } = useHistory(resource);
  const now = useServerNow(15_000);
  const range = HISTORY_RANGES.find((r) => r.hours === hours)!;
  const series = [
    { key: 'primary', name: data?.primary ? windowName(data.primary.windowMinutes) : '5-hour' },
    { key: 'secondary', name: data?.secondary ? windowName(data.secondary.windowMinutes) : 'Weekly' },
  ] as const;
  const label = data?.label ?? heading ?? family;
  return (
    <div className="history-family" data-testid="account-history-family" data-family={family}>
      {heading !== null && <p className="small history-family-name">{label}</p>}
      <HistoryPanel
        data={data}
        error={error}
        loading={loading}
        onRetry={() => void resource.load()}
        series={series}
        title={`${name} ${label} quota used, ${range.long}`}
        now={now}
        height={170}
        testId="account-history-chart"
      />
    </div>
  );
}

/**
 * An account's use over time, folded away under "History": the standard 5-hour and weekly windows and each
 * additional limit family the account has reported. Nothing is fetched until it is opened.
 */
export function AccountHistory({ account, name }: AccountHistoryProps) {
  const [open, setOpen] = useState(false);
  const [hours, setHours] = useState<HistoryHours>(24);
  return (
    <details
      className="history-details"
      onToggle={(e) => setOpen(e.currentTarget.open)}
      data-testid="account-history"
    >
      <summary>History</summary>
      {open && (
        <div className="history-body">
          <RangePicker value={hours} onChange={setHours} label={`${name} history range`} />
          <FamilyChart
            accountId={account.id}
            family={STANDARD_FAMILY}
            heading={account.quota.additional.length > 0 ? 'Codex' : null}
            name={name}
            hours={hours}
          />
          {account.quota.additional.map((extra) => (
            <FamilyChart
              key={extra.family}
              accountId={account.id}
              family={extra.family}
              heading={extra.label ?? extra.family}
              name={name}
              hours={hours}
            />
          ))}
        </div>
      )}
    </details>
  );
}

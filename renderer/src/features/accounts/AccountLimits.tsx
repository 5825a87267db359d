import { useEffect, useId, useState } from 'react';
import type { AccountDto, AccountPatch } from '../../../../shared/api';
import { accountPatchSchema } from '../../../../shared/api';

/** Props of {@link AccountLimits}. */
export interface AccountLimitsProps {
  account: AccountDto;
  busy: boolean;
  /** Sends the patch; resolves when the server has it (the card shows errors). */
  onSave: (patch: AccountPatch) => Promise<void>;
}

/** A form value: the empty string means "none". */
const text = (n: number | null): string => (n === null ? '' : String(n));
const value = (s: string): number | null => (s.trim() === '' ? null : Number(s));

/**
 * The account's usage caps ("stop at X % of the 5 h / weekly window") and its place in sequential drain. Empty fields
 * mean no cap / no place; the shared contract checks the numbers before they are sent.
 */
export function AccountLimits({ account, busy, onSave }: AccountLimitsProps) {
  const ids = { short: useId(), long: useId(), priority: useId() };
  const [short, setShort] = useState(text(account.usageCap.short));
  const [long, setLong] = useState(text(account.usageCap.long));
  const [priority, setPriority] = useState(text(account.priority));
  const [error, setError] = useState<string | null>(null);
  // Follow the server's values when they change elsewhere (another window, the tray).
  useEffect(() => setShort(text(account.usageCap.short)), [account.usageCap.short]);
  useEffect(() => setLong(text(account.usageCap.long)), [account.usageCap.long]);
  useEffect(() => setPriority(text(account.priority)), [account.priority]);

  const changed =
    value(short) !== account.usageCap.short ||
    value(long) !== account.usageCap.long ||
    value(priority) !== account.priority;

  const save = async (): Promise<void> => {
    const parsed = accountPatchSchema.safeParse({
      usageCap: { short: value(short), long: value(long) },
      priority: value(priority),
    });
    if (!parsed.success) {
      setError('Caps are whole percentages from 1 to 100; the order is a whole number from 1 to 1000.');
      return;
    }
    setError(null);
    await onSave(parsed.data);
  };

  return (
    <form
      className="account-limits"
      data-testid="account-limits"
      // Our own message says what is allowed; the browser's bubble would name only one field.
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label className="inline-field" htmlFor={ids.short}>
        Stop at 5 h %
        <input
          id={ids.short}
          type="number"
          min={1}
          max={100}
          inputMode="numeric"
          placeholder="no cap"
          value={short}
          onChange={(e) => setShort(e.target.value)}
        />
      </label>
      <label className="inline-field" htmlFor={ids.long}>
        Stop at weekly %
        <input
          id={ids.long}
          type="number"
          min={1}
          max={100}
          inputMode="numeric"
          placeholder="no cap"
          value={long}
          onChange={(e) => setLong(e.target.value)}
        />
      </label>
      <label className="inline-field" htmlFor={ids.priority}>
        Order
        <input
          id={ids.priority}
          type="number"
          min={1}
          max={1000}
          inputMode="numeric"
          placeholder="—"
          title="Sequential drain uses numbered accounts first, lowest number first"
          value={priority}
          onChange={(e) => setPriority(e.target.value)}
        />
      </label>
      <button type="submit" disabled={busy || !changed}>
        Save limits
      </button>
      {error !== null && (
        <p className="warning-box small" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

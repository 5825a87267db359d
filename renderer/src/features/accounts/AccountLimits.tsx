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
      <NumberField label="Stop at 5 h %" max={100} placeholder="no cap" value={short} onChange={setShort} />
      <NumberField label="Stop at weekly %" max={100} placeholder="no cap" value={long} onChange={setLong} />
      <NumberField
        label="Order"
        max={1000}
        placeholder="—"
        title="Sequential drain uses numbered accounts first, lowest number first"
        value={priority}
        onChange={setPriority}
      />
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

/** One whole-number field of the form, from 1 to `max`; empty means none. */
function NumberField(props: {
  label: string;
  max: number;
  placeholder: string;
  title?: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <label className="inline-field" htmlFor={id}>
      {props.label}
      <input
        id={id}
        type="number"
        min={1}
        max={props.max}
        inputMode="numeric"
        placeholder={props.placeholder}
        {...(props.title !== undefined ? { title: props.title } : {})}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

import { useId } from 'react';
import { HISTORY_RANGES, type HistoryHours } from './history-data';

/** Props of {@link RangePicker}. */
export interface RangePickerProps {
  value: HistoryHours;
  onChange(hours: HistoryHours): void;
  /** Accessible name of the group, e.g. `Pool history range`. */
  label: string;
}

/** 24 h / 7 d / 30 d as a segmented radio group: one choice, reachable with the arrow keys. */
export function RangePicker({ value, onChange, label }: RangePickerProps) {
  const name = useId();
  return (
    <fieldset className="segmented range-picker">
      <legend className="visually-hidden">{label}</legend>
      {HISTORY_RANGES.map((range) => (
        <label key={range.hours} className={range.hours === value ? 'selected' : undefined}>
          <input
            type="radio"
            name={name}
            value={range.hours}
            checked={range.hours === value}
            onChange={() => onChange(range.hours)}
          />
          <span aria-hidden="true">{range.label}</span>
          <span className="visually-hidden">{range.long}</span>
        </label>
      ))}
    </fieldset>
  );
}

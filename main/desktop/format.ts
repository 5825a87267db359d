/** Short human formats for the tray and notifications. Pure; times are epoch seconds. */

/** "42%", or "—" when unknown. Values are rounded and kept within 0–100. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${Math.round(Math.min(100, Math.max(0, value)))}%`;
}

/** How long ago: "just now", "4m ago", "3h ago", "2d ago". A timestamp in the future reads as "just now". */
export function formatAge(recordedAt: number, now: number): string {
  const s = now - recordedAt;
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** Time until `at`: "<1m", "45m", "2h 5m", "3d 4h". */
export function formatCountdown(at: number, now: number): string {
  const s = at - now;
  if (s < 60) return '<1m';
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days}d` : `${days}d ${hours % 24}h`;
}

/** How the user reads clock times; both default to the system's. Tests pin them. */
export interface ClockStyle {
  locale?: string;
  timeZone?: string;
}

/**
 * Wall-clock time of `at`: "14:05" when it is today in the user's time zone, "Thu 14:00" within the week ahead,
 * else "12 Dec 14:00". 24-hour or 12-hour as the locale writes it.
 */
export function formatClock(at: number, now: number, style: ClockStyle = {}): string {
  const zone = style.timeZone === undefined ? {} : { timeZone: style.timeZone };
  const day = new Intl.DateTimeFormat(style.locale, { ...zone, dateStyle: 'short' });
  const time = new Intl.DateTimeFormat(style.locale, { ...zone, hour: '2-digit', minute: '2-digit' }).format(
    at * 1000,
  );
  if (day.format(at * 1000) === day.format(now * 1000)) return time;
  const within = at - now < 6 * 86_400;
  const date = new Intl.DateTimeFormat(
    style.locale,
    within ? { ...zone, weekday: 'short' } : { ...zone, day: 'numeric', month: 'short' },
  ).format(at * 1000);
  return `${date} ${time}`;
}

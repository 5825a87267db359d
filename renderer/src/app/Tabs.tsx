import { useRef, type KeyboardEvent } from 'react';
import { TABS, useUi, type Tab } from './ui-store';

/** Tab names. */
export const TAB_NAMES: Record<Tab, string> = {
  accounts: 'Accounts',
  pool: 'Pool',
  routing: 'Routing',
  requests: 'Requests',
  insight: 'Insight',
  backup: 'Backup',
  connect: 'Connect',
};

/** The tab bar, with the keyboard behaviour of the ARIA tabs pattern (arrows, Home, End). */
export function Tabs() {
  const tab = useUi((s) => s.tab);
  const setTab = useUi((s) => s.setTab);
  const refs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});

  const onKeyDown = (e: KeyboardEvent): void => {
    const i = TABS.indexOf(tab);
    const next =
      e.key === 'ArrowRight'
        ? TABS[(i + 1) % TABS.length]
        : e.key === 'ArrowLeft'
          ? TABS[(i - 1 + TABS.length) % TABS.length]
          : e.key === 'Home'
            ? TABS[0]
            : e.key === 'End'
              ? TABS[TABS.length - 1]
              : undefined;
    if (!next) return;
    e.preventDefault();
    setTab(next);
    refs.current[next]?.focus();
  };

  return (
    <nav className="tabs" aria-label="Sections">
      <div role="tablist" aria-label="Dashboard sections" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t}
            ref={(el) => {
              refs.current[t] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t}`}
            aria-selected={tab === t}
            aria-controls={`panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            onClick={() => setTab(t)}
          >
            {TAB_NAMES[t]}
          </button>
        ))}
      </div>
    </nav>
  );
}

import { useEffect } from 'react';
import { useUi, type Notice } from './ui-store';

const LIFETIME_MS = { info: 5000, error: 12000 };

function NoticeItem({ notice }: { notice: Notice }) {
  const dismiss = useUi((s) => s.dismiss);
  useEffect(() => {
    const timer = setTimeout(() => dismiss(notice.id), LIFETIME_MS[notice.kind]);
    return () => clearTimeout(timer);
  }, [notice, dismiss]);
  return (
    <li className={`notice notice-${notice.kind}`}>
      <span>{notice.text}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
        ×
      </button>
    </li>
  );
}

/** Outcomes of actions, announced politely (errors assertively), dismissed by themselves. */
export function Notices() {
  const notices = useUi((s) => s.notices);
  return (
    <div className="notices">
      <ul aria-live="polite" data-testid="notices">
        {notices.map((n) => (
          <NoticeItem key={n.id} notice={n} />
        ))}
      </ul>
    </div>
  );
}

/**
 * UI state only (CONVENTIONS.md habit 13): which tab is open, which dialog, the stream's state, and whether the
 * session is gone. Server data lives in the per-concern resources, never here.
 */
import { create } from 'zustand';
import type { StreamState } from '../api/client';

/** The dashboard's tabs. */
export const TABS = ['accounts', 'pool', 'routing', 'requests', 'insight', 'connect', 'backup'] as const;
/** A tab. */
export type Tab = (typeof TABS)[number];

/** A short message shown at the top of the page (an action's outcome). */
export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

interface UiState {
  tab: Tab;
  addAccountOpen: boolean;
  stream: StreamState;
  signedOut: boolean;
  notices: Notice[];
  setTab(tab: Tab): void;
  setAddAccountOpen(open: boolean): void;
  setStream(state: StreamState): void;
  setSignedOut(): void;
  notify(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
}

let nextNoticeId = 1;

/** The UI store. */
export const useUi = create<UiState>()((set) => ({
  tab: 'accounts',
  addAccountOpen: false,
  stream: 'connecting',
  signedOut: false,
  notices: [],
  setTab: (tab) => set({ tab }),
  setAddAccountOpen: (addAccountOpen) => set({ addAccountOpen }),
  setStream: (stream) => set({ stream }),
  setSignedOut: () => set({ signedOut: true }),
  notify: (kind, text) =>
    set((s) => ({ notices: [...s.notices.slice(-3), { id: nextNoticeId++, kind, text }] })),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}));

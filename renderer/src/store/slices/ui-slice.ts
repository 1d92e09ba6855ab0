import type { StateCreator } from 'zustand';
import type { OfferedLink } from '../../../../shared/contract';
import type { RingsideState } from '../store';

export interface Notice {
  id: number;
  message: string;
}

/** How many error notices stay on screen; older ones drop off. */
const MAX_NOTICES = 4;

export interface UiSlice {
  /** Errors from failed requests, newest last; shown in the alert region until dismissed. */
  notices: Notice[];
  lastError: string | null;
  /** Whether the account settings form is open (it is also shown whenever there is no account). */
  settingsOpen: boolean;
  /** A confirmation of what just happened ("Saved: Sale"), shown in a polite status line. */
  confirmation: Notice | null;
  /** A link from another app waiting to go into the dial box (taken from here by the dial pad). */
  offeredLink: OfferedLink | null;
  offerLink(link: OfferedLink | null): void;
  pushError(message: string): void;
  dismissNotice(id: number): void;
  clearNotices(): void;
  setSettingsOpen(open: boolean): void;
  confirm(message: string | null): void;
}

let nextNoticeId = 1;

export const createUiSlice: StateCreator<RingsideState, [], [], UiSlice> = (set) => ({
  notices: [],
  lastError: null,
  settingsOpen: false,
  confirmation: null,
  offeredLink: null,
  offerLink: (offeredLink) => set({ offeredLink }),
  confirm: (message) => set({ confirmation: message === null ? null : { id: nextNoticeId++, message } }),
  pushError: (message) =>
    set((s) => ({
      lastError: message,
      notices: [...s.notices, { id: nextNoticeId++, message }].slice(-MAX_NOTICES),
    })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  clearNotices: () => set({ notices: [], lastError: null }),
  setSettingsOpen: (settingsOpen) => set({ settingsOpen }),
});

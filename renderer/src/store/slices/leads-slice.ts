import type { StateCreator } from 'zustand';
import type { Callback, Lead, LeadHistoryEntry } from '../../../../shared/lead';
import type { RingsideState } from '../store';

/** The lead on screen with its history and callbacks (what `lead:get` answers). */
export interface LeadDetail {
  lead: Lead;
  history: LeadHistoryEntry[];
  callbacks: Callback[];
}

export interface LeadsSlice {
  /** Lead details fetched for the screen, by lead id (the card, the incoming-call banner). */
  leads: Record<number, LeadDetail>;
  /** A lead the agent opened from the list while nothing is on the workspace (null: follow the workspace). */
  viewedLeadId: number | null;
  setLeadDetail(detail: LeadDetail): void;
  /** `lead:changed`: replace the lead, keep its history until it is fetched again. */
  updateLead(lead: Lead): void;
  viewLead(id: number | null): void;
}

/** Keep the cache small: the card, the banner, a few recent ones. */
const MAX_CACHED = 20;

export const createLeadsSlice: StateCreator<RingsideState, [], [], LeadsSlice> = (set) => ({
  leads: {},
  viewedLeadId: null,
  setLeadDetail: (detail) =>
    set((s) => {
      const leads = { ...s.leads, [detail.lead.id]: detail };
      const ids = Object.keys(leads);
      if (ids.length > MAX_CACHED) for (const id of ids.slice(0, ids.length - MAX_CACHED)) delete leads[Number(id)];
      return { leads };
    }),
  updateLead: (lead) =>
    set((s) => {
      const previous = s.leads[lead.id];
      if (!previous) return s;
      return { leads: { ...s.leads, [lead.id]: { ...previous, lead } } };
    }),
  viewLead: (viewedLeadId) => set({ viewedLeadId }),
});

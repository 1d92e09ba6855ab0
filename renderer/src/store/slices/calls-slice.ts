import type { StateCreator } from 'zustand';
import type { CallSessionView, CallState } from '../../../../shared/call-session';
import type { RingsideState } from '../store';

export interface CallsSlice {
  /** Every call session main knows about, by id. */
  calls: Record<string, CallSessionView>;
  /** Session ids, oldest first (by createdAt). */
  order: string[];
  /** The call shown in the call panel. */
  selectedId: string | null;
  /** Insert or replace one session (from `call:state-changed` or a request's result). */
  upsertCall(call: CallSessionView): void;
  removeCall(id: string): void;
  /** Replace every session at once (snapshot after (re)load). */
  replaceCalls(calls: readonly CallSessionView[]): void;
  selectCall(id: string | null): void;
}

/** States a call enters because the agent acted on it: the panel follows the agent there. */
const FOLLOW_STATES: readonly CallState[] = ['dialing', 'answering', 'active'];

/** Live calls beat ended ones; among equals, the one we talk on, then the newest. */
const RANK: Record<CallState, number> = { active: 0, answering: 1, dialing: 2, ringing: 2, incoming: 3, held: 4, ended: 9 };

function sortOrder(calls: Record<string, CallSessionView>): string[] {
  return Object.values(calls)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((c) => c.id);
}

/** The best call to show when the selected one goes away (or none was selected). */
export function fallbackSelection(calls: Record<string, CallSessionView>): string | null {
  let best: CallSessionView | null = null;
  for (const c of Object.values(calls)) {
    if (!best || RANK[c.state] < RANK[best.state] || (RANK[c.state] === RANK[best.state] && c.createdAt > best.createdAt)) best = c;
  }
  return best ? best.id : null;
}

/**
 * A supervisor's monitoring call on the agent's side is not the agent's call: it is
 * never listed, selected or played as one (the media engine mixes it); the agent sees the
 * "being monitored" indicator instead, when allowed to.
 */
export function isMonitoringOfMe(call: CallSessionView): boolean {
  return call.monitor?.side === 'agent';
}

export const createCallsSlice: StateCreator<RingsideState, [], [], CallsSlice> = (set, get) => ({
  calls: {},
  order: [],
  selectedId: null,
  upsertCall: (call) => {
    if (isMonitoringOfMe(call)) return get().removeCall(call.id);
    set((s) => {
      const previous = s.calls[call.id];
      const calls = { ...s.calls, [call.id]: call };
      const order = previous && previous.createdAt === call.createdAt ? s.order : sortOrder(calls);
      const selected = s.selectedId ? calls[s.selectedId] : undefined;
      const entered = previous?.state !== call.state && FOLLOW_STATES.includes(call.state);
      let selectedId = s.selectedId;
      if (!selected || (selected.state === 'ended' && call.state !== 'ended') || entered) selectedId = call.id;
      return { calls, order, selectedId };
    });
  },
  removeCall: (id) =>
    set((s) => {
      if (!(id in s.calls)) return s;
      const calls = { ...s.calls };
      delete calls[id];
      const order = s.order.filter((x) => x !== id);
      const selectedId = s.selectedId === id ? fallbackSelection(calls) : s.selectedId;
      return { calls, order, selectedId };
    }),
  replaceCalls: (list) =>
    set((s) => {
      const calls: Record<string, CallSessionView> = {};
      for (const c of list) if (!isMonitoringOfMe(c)) calls[c.id] = c;
      const selectedId = s.selectedId && s.selectedId in calls ? s.selectedId : fallbackSelection(calls);
      return { calls, order: sortOrder(calls), selectedId };
    }),
  selectCall: (id) => set((s) => ({ selectedId: id === null || id in s.calls ? id : s.selectedId })),
});

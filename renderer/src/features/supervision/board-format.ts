/**
 * The live board's view logic, kept out of the components so it can be tested: what a row says,
 * how long an agent has been in a state (on the sender's clock up to its message, ours since),
 * sorting and filtering. Every string that came from another agent's app stays plain text.
 */
import type { BoardAgent } from '../../../../shared/supervision';
import { formatDuration } from '../softphone/call-format';

export const boardStateLabel: Record<BoardAgent['state'], string> = {
  available: 'Available',
  'on-call': 'On call',
  'wrap-up': 'Wrap-up',
  paused: 'Paused',
  offline: 'Offline',
};

/** How a row's state reads: stale rows say so (with what was last known), never a guess. */
export function rowStateText(a: BoardAgent): { label: string; detail: string | null } {
  if (!a.presence) return { label: 'Not heard from', detail: null };
  if (a.stale) return { label: 'No word', detail: `was ${boardStateLabel[a.presence.state].toLowerCase()}` };
  return { label: boardStateLabel[a.state], detail: a.state === 'paused' ? a.presence.pauseReason : null };
}

/**
 * Milliseconds since `since` (the sender's clock): the sender's own difference up to its message,
 * plus our time since it arrived (frozen at arrival for a stale agent).
 */
export function elapsedSince(a: BoardAgent, since: number, now: number): number {
  const p = a.presence;
  if (!p || a.lastHeardAt === null) return 0;
  const sinceHeard = a.stale ? 0 : Math.max(0, now - a.lastHeardAt);
  return Math.max(0, p.sentAt - since) + sinceHeard;
}

export function timeInState(a: BoardAgent, now: number): number | null {
  return a.presence ? elapsedSince(a, a.presence.since, now) : null;
}

/** Talking time, or ringing time before the answer. */
export function callDuration(a: BoardAgent, now: number): number | null {
  const call = a.presence?.call;
  if (!call) return null;
  return elapsedSince(a, call.answeredAt ?? call.startedAt, now);
}

export function lastHeardText(a: BoardAgent, now: number): string {
  if (a.lastHeardAt === null) return 'never';
  const s = Math.max(0, Math.round((now - a.lastHeardAt) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${formatDuration(s * 1000)} ago`;
}

export const onCall = (a: BoardAgent): boolean => !a.stale && a.state === 'on-call' && a.presence?.call != null;

// ---- sorting ----

export type BoardSortKey = 'name' | 'state' | 'time' | 'call' | 'campaign' | 'calls' | 'successes' | 'alerts';
export interface BoardSort {
  key: BoardSortKey;
  dir: 'asc' | 'desc';
}

/** Order of states when sorting by state: who needs attention first. */
const stateOrder: Record<string, number> = { 'on-call': 0, 'wrap-up': 1, paused: 2, available: 3, offline: 4 };

function sortValue(a: BoardAgent, key: BoardSortKey, now: number): number | string {
  switch (key) {
    case 'name':
      return a.name.toLocaleLowerCase();
    case 'state':
      return a.stale ? 5 : (stateOrder[a.state] ?? 9);
    case 'time':
      return timeInState(a, now) ?? -1;
    case 'call':
      return callDuration(a, now) ?? -1;
    case 'campaign':
      return (a.presence?.call?.campaign ?? a.presence?.campaign ?? '').toLocaleLowerCase();
    case 'calls':
      return a.presence?.today.calls ?? -1;
    case 'successes':
      return a.presence?.today.successes ?? -1;
    case 'alerts':
      return a.alerts.length;
  }
}

/** A sorted copy; ties keep name order so rows do not jump around as times tick. */
export function sortAgents(agents: readonly BoardAgent[], sort: BoardSort, now: number): BoardAgent[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...agents].sort((x, y) => {
    const a = sortValue(x, sort.key, now);
    const b = sortValue(y, sort.key, now);
    const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
    return c !== 0 ? sign * c : x.name.localeCompare(y.name) || x.aor.localeCompare(y.aor);
  });
}

// ---- filtering ----

export type BoardStateFilter = 'all' | 'available' | 'on-call' | 'wrap-up' | 'paused' | 'offline' | 'alerts';

export const stateFilterLabel: Record<BoardStateFilter, string> = {
  all: 'All agents',
  available: 'Available',
  'on-call': 'On call',
  'wrap-up': 'Wrap-up',
  paused: 'Paused',
  offline: 'Offline or no word',
  alerts: 'With alerts',
};

export function filterAgents(agents: readonly BoardAgent[], state: BoardStateFilter, text: string): BoardAgent[] {
  const q = text.trim().toLocaleLowerCase();
  return agents.filter((a) => {
    if (state === 'alerts' && a.alerts.length === 0) return false;
    if (state === 'offline' && a.state !== 'offline') return false;
    if (state !== 'all' && state !== 'alerts' && state !== 'offline' && (a.stale || a.state !== state)) return false;
    if (!q) return true;
    const p = a.presence;
    const haystack = [a.name, a.aor, p?.campaign, p?.call?.campaign, p?.pauseReason, ...a.alerts.map((x) => x.text)];
    return haystack.some((s) => typeof s === 'string' && s.toLocaleLowerCase().includes(q));
  });
}

/** "38 %" */
export function percent(x: number): string {
  return `${Math.round(x * 100)} %`;
}

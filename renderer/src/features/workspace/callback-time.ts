/** Callback times, picked in the lead's own zone. Pure (luxon). */
import { DateTime } from 'luxon';

/** The format `workspace:dispose` takes: a local date-time in the given zone. */
export const LOCAL_FORMAT = "yyyy-MM-dd'T'HH:mm";

export function isValidZone(zone: string | null | undefined): zone is string {
  return !!zone && DateTime.now().setZone(zone).isValid;
}

/** The agent's own zone (the fallback when a lead has none). */
export function agentZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function localNow(zone: string, now: number): DateTime {
  return DateTime.fromMillis(now, { zone });
}

export interface QuickPick {
  label: string;
  /** YYYY-MM-DDTHH:mm in the zone. */
  at: string;
}

/** +1 h, +2 h, this evening 18:00 (if ahead), tomorrow 10:00 / 14:00, next Monday 10:00. */
export function quickPicks(zone: string, now: number): QuickPick[] {
  const t = localNow(zone, now).set({ second: 0, millisecond: 0 });
  const round = (d: DateTime) => d.set({ minute: Math.floor(d.minute / 5) * 5 });
  const picks: QuickPick[] = [
    { label: 'In 1 hour', at: round(t.plus({ hours: 1 })).toFormat(LOCAL_FORMAT) },
    { label: 'In 2 hours', at: round(t.plus({ hours: 2 })).toFormat(LOCAL_FORMAT) },
  ];
  const evening = t.set({ hour: 18, minute: 0 });
  if (evening > t.plus({ minutes: 30 })) picks.push({ label: 'Today 18:00', at: evening.toFormat(LOCAL_FORMAT) });
  const tomorrow = t.plus({ days: 1 });
  picks.push({ label: 'Tomorrow 10:00', at: tomorrow.set({ hour: 10, minute: 0 }).toFormat(LOCAL_FORMAT) });
  picks.push({ label: 'Tomorrow 14:00', at: tomorrow.set({ hour: 14, minute: 0 }).toFormat(LOCAL_FORMAT) });
  const monday = t.plus({ days: (8 - t.weekday) % 7 || 7 }).set({ hour: 10, minute: 0 });
  picks.push({ label: 'Monday 10:00', at: monday.toFormat(LOCAL_FORMAT) });
  return picks;
}

/** Whether a picked local time is in the future in that zone. */
export function isFuture(at: string, zone: string, now: number): boolean {
  const d = DateTime.fromFormat(at, LOCAL_FORMAT, { zone });
  return d.isValid && d.toMillis() > now;
}

/** How a picked local time reads for the agent, e.g. "Fri 27 Nov, 14:30 (America/Chicago)". */
export function describeLocal(at: string, zone: string): string {
  const d = DateTime.fromFormat(at, LOCAL_FORMAT, { zone });
  return d.isValid ? `${d.toFormat('ccc d LLL, HH:mm')} (${zone})` : at;
}

/**
 * A lead's history rows, as both stores write them: the lead repository writes edits and imports,
 * the activity repository calls, dispositions and callbacks.
 */
import type { LeadHistoryEntry } from '../../../../shared/lead.js';
import type { CallRecord } from '../repositories.js';

/** One history row; what a kind of entry does not have stays NULL. */
export interface HistoryRow {
  leadId: number;
  at: number;
  kind: LeadHistoryEntry['kind'];
  direction?: string | null;
  phone?: string | null;
  outcome?: string | null;
  durationSec?: number | null;
  disposition?: string | null;
  note?: string | null;
}

/** The row of a finished call of a lead (none for a call of no lead). */
export function callHistory(c: CallRecord): HistoryRow | null {
  if (c.leadId === null) return null;
  return { leadId: c.leadId, at: c.startedAt, kind: 'call', direction: c.direction, phone: c.phone, outcome: c.outcome, durationSec: talkSeconds(c) };
}

function talkSeconds(c: CallRecord): number {
  return c.answeredAt === null ? 0 : Math.max(0, Math.round((c.endedAt - c.answeredAt) / 1000));
}

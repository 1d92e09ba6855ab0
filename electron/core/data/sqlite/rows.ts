/**
 * Rows more than one repository writes: a lead's history is written by the lead repository
 * (edits, imports) and the activity repository (calls, dispositions, callbacks).
 */
import type { LeadHistoryEntry } from '../../../../shared/lead.js';
import type { Prepare } from './statements.js';

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

export function addHistory(q: Prepare, e: HistoryRow): void {
  q('INSERT INTO history (lead_id, at, kind, direction, phone, outcome, duration_sec, disposition, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    e.leadId,
    e.at,
    e.kind,
    e.direction ?? null,
    e.phone ?? null,
    e.outcome ?? null,
    e.durationSec ?? null,
    e.disposition ?? null,
    e.note ?? null,
  );
}

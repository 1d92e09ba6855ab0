/**
 * Rows more than one repository writes: a lead's history is written by the lead repository
 * (edits, imports) and the activity repository (calls, dispositions, callbacks).
 */
import type { HistoryRow } from '../shared/history-rows.js';
import type { Prepare } from './statements.js';

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

/**
 * Rows more than one repository writes: a lead's history is written by the lead repository
 * (edits, imports) and the activity repository (calls, dispositions, callbacks).
 */
import type { HistoryRow } from '../shared/history-rows.js';
import type { Sql } from './connection.js';

export async function addHistory(sql: Sql, e: HistoryRow): Promise<void> {
  await sql.run(
    'INSERT INTO history (lead_id, at, kind, direction, phone, outcome, duration_sec, disposition, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
    [e.leadId, e.at, e.kind, e.direction ?? null, e.phone ?? null, e.outcome ?? null, e.durationSec ?? null, e.disposition ?? null, e.note ?? null],
  );
}

/**
 * Text compared the way SQLite's LIKE and NOCASE do: only A–Z fold to a–z (so "zoë" does not
 * match "ZOË" on either store), whatever the database's locale.
 */
export function foldAscii(column: string): string {
  return `translate(${column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
}

/**
 * The internal Do-Not-Call list: numbers added by hand, by an import, or by a "do not call"
 * disposition, each addition in one transaction with its events for the CRM.
 */
import type { Database as Db } from 'better-sqlite3';
import type { NewOutboxEntry } from '../../crm/outbox.js';
import type { DncRepository } from '../repositories.js';
import { insertOutbox } from './outbox-repository.js';
import type { Prepare } from './statements.js';

export function dncRepository(db: Db, q: Prepare): DncRepository {
  const addMany = db.transaction((e164s: readonly string[], source: string, at: number, events: readonly NewOutboxEntry[] | undefined): number => {
    const add = q('INSERT INTO dnc (e164, source, added_at) VALUES (?, ?, ?) ON CONFLICT (e164) DO NOTHING');
    let added = 0;
    for (const e of e164s) added += add.run(e, source, at).changes;
    // The request is the CRM's news even for a number already on the list.
    insertOutbox(q, events);
    return added;
  });
  return {
    has: async (e164) => q('SELECT 1 FROM dnc WHERE e164 = ?').get(e164) !== undefined,
    add: async (e164, source, at, events) => {
      addMany([e164], source, at, events);
    },
    addMany: async (e164s, source, at, events) => addMany(e164s, source, at, events),
    count: async () => (q('SELECT COUNT(*) AS n FROM dnc').get() as { n: number }).n,
    list: async (after, limit) =>
      (q('SELECT e164 FROM dnc WHERE e164 > ? ORDER BY e164 LIMIT ?').all(after ?? '', limit) as Array<{ e164: string }>).map((r) => r.e164),
  };
}

/** The internal Do-Not-Call list: numbers added by hand, by an import, or by a "do not call" disposition. */
import type { Database as Db } from 'better-sqlite3';
import type { DncRepository } from '../repositories.js';
import type { Prepare } from './statements.js';

export function dncRepository(db: Db, q: Prepare): DncRepository {
  return {
    has: async (e164) => q('SELECT 1 FROM dnc WHERE e164 = ?').get(e164) !== undefined,
    add: async (e164, source, at) => {
      q('INSERT INTO dnc (e164, source, added_at) VALUES (?, ?, ?) ON CONFLICT (e164) DO NOTHING').run(e164, source, at);
    },
    addMany: async (e164s, source, at) =>
      db.transaction(() => {
        const add = q('INSERT INTO dnc (e164, source, added_at) VALUES (?, ?, ?) ON CONFLICT (e164) DO NOTHING');
        let added = 0;
        for (const e of e164s) added += add.run(e, source, at).changes;
        return added;
      })(),
    count: async () => (q('SELECT COUNT(*) AS n FROM dnc').get() as { n: number }).n,
  };
}

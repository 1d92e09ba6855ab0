/** The internal Do-Not-Call list: numbers added by hand, by an import, or by a "do not call" disposition. */
import type { DncRepository } from '../repositories.js';
import type { Db, Sql } from './connection.js';

/** Numbers per statement: an array parameter of this many is a few hundred kilobytes. */
const CHUNK = 10_000;

/** Adds numbers the list does not have; returns how many were new (a number twice counts once). */
export async function addToDnc(sql: Sql, e164s: readonly string[], source: string, at: number): Promise<number> {
  let added = 0;
  for (let i = 0; i < e164s.length; i += CHUNK)
    added += await sql.run('INSERT INTO dnc (e164, source, added_at) SELECT e, $2, $3 FROM unnest($1::text[]) AS e ON CONFLICT (e164) DO NOTHING', [
      e164s.slice(i, i + CHUNK),
      source,
      at,
    ]);
  return added;
}

export function dncRepository(db: Db): DncRepository {
  return {
    has: async (e164) => (await db.one('SELECT 1 FROM dnc WHERE e164 = $1', [e164])) !== undefined,
    add: async (e164, source, at) => {
      await db.run('INSERT INTO dnc (e164, source, added_at) VALUES ($1, $2, $3) ON CONFLICT (e164) DO NOTHING', [e164, source, at]);
    },
    addMany: (e164s, source, at) => (e164s.length <= CHUNK ? addToDnc(db, e164s, source, at) : db.tx((sql) => addToDnc(sql, e164s, source, at))),
    count: async () => (await db.one<{ n: number }>('SELECT COUNT(*) AS n FROM dnc'))!.n,
  };
}

/**
 * The internal Do-Not-Call list: numbers added by hand, by an import, or by a "do not call"
 * disposition. Every addition is told to every app of the team on commit (NOTIFY on
 * `ringside_dnc`), so what an agent sees of the list is current without polling.
 */
import type { NewOutboxEntry } from '../../crm/outbox.js';
import type { DncRepository } from '../repositories.js';
import type { Db, Sql } from './connection.js';
import { insertOutbox } from './outbox-repository.js';

/** Numbers per statement: an array parameter of this many is a few hundred kilobytes. */
const CHUNK = 10_000;

const DNC_CHANNEL = 'ringside_dnc';
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; this leaves room to spare. */
const PAYLOAD_BYTES = 7_000;
/**
 * More notifications than this for one change (an import of thousands of numbers) become one
 * "read the list again" (a null payload): every app would otherwise get hundreds.
 */
const MAX_NOTICES = 8;

/** The payloads that tell of `added`: JSON arrays of numbers under the size limit, or one 'null'. */
function dncPayloads(added: readonly string[]): string[] {
  if (added.length === 0) return [];
  const payloads: string[] = [];
  let chunk: string[] = [];
  let bytes = 2;
  for (const e164 of added) {
    const size = Buffer.byteLength(JSON.stringify(e164)) + 1;
    if (chunk.length > 0 && bytes + size > PAYLOAD_BYTES) {
      payloads.push(JSON.stringify(chunk));
      chunk = [];
      bytes = 2;
    }
    if (size + 2 > PAYLOAD_BYTES || payloads.length >= MAX_NOTICES) return ['null'];
    chunk.push(e164);
    bytes += size;
  }
  payloads.push(JSON.stringify(chunk));
  return payloads;
}

/** What a notification says: the numbers added, or null ("anything may have been added"). */
function parseDncPayload(payload: string): string[] | null {
  try {
    const v: unknown = JSON.parse(payload);
    // Another app wrote it, maybe another version of Ringside: only a list of strings is believed.
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null;
  } catch {
    return null;
  }
}

/**
 * Adds numbers the list does not have and tells every app which, on commit; returns how many were
 * new (a number twice counts once). Call inside a transaction, so the numbers and their notice
 * are committed together.
 */
export async function addToDnc(sql: Sql, e164s: readonly string[], source: string, at: number): Promise<number> {
  const added: string[] = [];
  for (let i = 0; i < e164s.length; i += CHUNK) {
    const rows = await sql.rows<{ e164: string }>(
      'INSERT INTO dnc (e164, source, added_at) SELECT e, $2, $3 FROM unnest($1::text[]) AS e ON CONFLICT (e164) DO NOTHING RETURNING e164',
      [e164s.slice(i, i + CHUNK), source, at],
    );
    for (const r of rows) added.push(r.e164);
  }
  const payloads = dncPayloads(added);
  if (payloads.length > 0) await sql.run('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [DNC_CHANNEL, payloads]);
  return added.length;
}

export function dncRepository(db: Db): DncRepository {
  const addWith = (e164s: readonly string[], source: string, at: number, events: readonly NewOutboxEntry[] | undefined) =>
    db.tx(async (sql) => {
      const added = await addToDnc(sql, e164s, source, at);
      await insertOutbox(sql, events);
      return added;
    });

  return {
    has: async (e164) => (await db.one('SELECT 1 FROM dnc WHERE e164 = $1', [e164])) !== undefined,
    add: async (e164, source, at, events) => {
      await addWith([e164], source, at, events);
    },
    addMany: (e164s, source, at, events) => addWith(e164s, source, at, events),
    count: async () => (await db.one<{ n: number }>('SELECT COUNT(*) AS n FROM dnc'))!.n,
    // COLLATE "C": the same byte order as the embedded store, whatever the database's collation.
    list: async (after, limit) =>
      (await db.rows<{ e164: string }>('SELECT e164 FROM dnc WHERE e164 > $1 COLLATE "C" ORDER BY e164 COLLATE "C" LIMIT $2', [after ?? '', limit])).map(
        (r) => r.e164,
      ),
    watch: (onChange) =>
      db.listen(DNC_CHANNEL, {
        onNotify: (payload) => onChange(parseDncPayload(payload)),
        onResume: () => onChange(null),
      }),
  };
}

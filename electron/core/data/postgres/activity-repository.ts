/**
 * What the agent's calls leave behind: attempts, call records, dispositions with all their effects
 * on the lead (one transaction, the lead's row locked so two apps cannot interleave on it), and
 * the day's stats.
 */
import type { LeadStatus } from '../../../../shared/lead.js';
import type { AgentStats } from '../../../../shared/workspace.js';
import type { ActivityRepository, CallRecord, DispositionRecord } from '../repositories.js';
import { NotFoundError } from '../sqlite/not-found-error.js';
import type { Db, Sql } from './connection.js';
import { addToDnc } from './dnc-repository.js';
import { addHistory } from './rows.js';

export function activityRepository(db: Db): ActivityRepository {
  async function recordAttempt(leadId: number, at: number): Promise<void> {
    const changed = await db.run(
      `UPDATE leads SET attempts = attempts + 1, last_attempt_at = $2, updated_at = $2,
              status = CASE WHEN status = 'new' THEN 'active' ELSE status END
        WHERE id = $1`,
      [leadId, at],
    );
    if (changed === 0) throw new NotFoundError(`lead ${leadId}`);
  }

  function recordCall(c: CallRecord): Promise<void> {
    return db.tx(async (sql) => {
      await sql.run(
        `INSERT INTO calls (call_id, lead_id, direction, phone, started_at, answered_at, ended_at, outcome)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (call_id) DO UPDATE SET lead_id = excluded.lead_id, direction = excluded.direction, phone = excluded.phone,
           started_at = excluded.started_at, answered_at = excluded.answered_at, ended_at = excluded.ended_at, outcome = excluded.outcome`,
        [c.callId, c.leadId, c.direction, c.phone, c.startedAt, c.answeredAt, c.endedAt, c.outcome],
      );
      if (c.leadId !== null) {
        await addHistory(sql, {
          leadId: c.leadId,
          at: c.startedAt,
          kind: 'call',
          direction: c.direction,
          phone: c.phone,
          outcome: c.outcome,
          durationSec: talkSeconds(c),
        });
      }
    });
  }

  async function applyDisposition(sql: Sql, d: DispositionRecord): Promise<void> {
    const lead = await sql.one<{ status: LeadStatus; attempts: number }>('SELECT status, attempts FROM leads WHERE id = $1 FOR UPDATE', [d.leadId]);
    if (!lead) throw new NotFoundError(`lead ${d.leadId}`);
    await sql.run(`INSERT INTO dispositions (lead_id, call_id, code, label, effect, success, note, phone, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      d.leadId,
      d.callId,
      d.code,
      d.label,
      d.effect,
      d.success,
      d.note,
      d.phone,
      d.at,
    ]);
    // The history row carries the label (what the agent sees) and the code as its outcome.
    await addHistory(sql, { leadId: d.leadId, at: d.at, kind: 'disposition', phone: d.phone, outcome: d.code, disposition: d.label, note: d.note || null });
    // Whatever the outcome, this call settles any callback that was open.
    await sql.run('UPDATE callbacks SET done = true, done_at = $1 WHERE lead_id = $2 AND NOT done', [d.at, d.leadId]);

    let status: LeadStatus = lead.status;
    let dueAt: number | null | undefined; // undefined: unchanged
    switch (d.effect) {
      case 'closed':
        status = 'closed';
        dueAt = null;
        break;
      case 'retry':
        status = 'active';
        dueAt = d.retryAt;
        break;
      case 'callback': {
        if (!d.callback) throw new TypeError('a callback disposition needs the callback time');
        status = 'callback';
        dueAt = d.callback.dueAt;
        await sql.run('INSERT INTO callbacks (lead_id, due_at, time_zone, note, done, created_at) VALUES ($1, $2, $3, $4, false, $5)', [
          d.leadId,
          d.callback.dueAt,
          d.callback.timeZone,
          d.note,
          d.at,
        ]);
        await addHistory(sql, {
          leadId: d.leadId,
          at: d.at,
          kind: 'callback',
          note: `Callback ${new Date(d.callback.dueAt).toISOString()} (${d.callback.timeZone})${d.note ? `: ${d.note}` : ''}`,
        });
        break;
      }
      case 'bad-number': {
        if (d.phone === null) await sql.run('UPDATE lead_phones SET bad = true WHERE lead_id = $1', [d.leadId]);
        else await sql.run('UPDATE lead_phones SET bad = true WHERE lead_id = $1 AND e164 = $2', [d.leadId, d.phone]);
        const good = await sql.one('SELECT 1 FROM lead_phones WHERE lead_id = $1 AND NOT bad LIMIT 1', [d.leadId]);
        if (!good) {
          status = 'bad-number';
          dueAt = null;
        } else if (status === 'new' || status === 'callback') {
          // Another number remains: the lead stays in the queue, due now.
          status = 'active';
          dueAt = null;
        }
        break;
      }
      case 'dnc': {
        const phones =
          d.phone === null
            ? (await sql.rows<{ e164: string }>('SELECT e164 FROM lead_phones WHERE lead_id = $1 ORDER BY id', [d.leadId])).map((p) => p.e164)
            : [d.phone];
        await addToDnc(sql, phones, `disposition:${d.code}:lead:${d.leadId}`, d.at);
        status = 'dnc';
        dueAt = null;
        break;
      }
      case 'none':
        break;
    }
    if (lead.attempts >= d.maxAttempts && (status === 'new' || status === 'active')) {
      status = 'max-attempts';
      dueAt = null;
    }
    await sql.run(`UPDATE leads SET status = $2, due_at = CASE WHEN $3::boolean THEN due_at ELSE $4::bigint END, updated_at = $5 WHERE id = $1`, [
      d.leadId,
      status,
      dueAt === undefined,
      dueAt ?? null,
      d.at,
    ]);
  }

  async function stats(dayStart: number, dayEnd: number, day: string): Promise<AgentStats> {
    const calls = (await db.one<{ calls: number; connected: number; talkMs: number }>(
      `SELECT COUNT(*) AS calls, COUNT(answered_at) AS connected,
              COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at > answered_at THEN ended_at - answered_at ELSE 0 END), 0)::bigint AS "talkMs"
         FROM calls WHERE started_at >= $1 AND started_at < $2`,
      [dayStart, dayEnd],
    ))!;
    const byCode = await db.rows<{ code: string; n: number; successes: number }>(
      'SELECT code, COUNT(*) AS n, COUNT(*) FILTER (WHERE success) AS successes FROM dispositions WHERE at >= $1 AND at < $2 GROUP BY code ORDER BY code COLLATE "C"',
      [dayStart, dayEnd],
    );
    const dispositions: Record<string, number> = {};
    let successes = 0;
    for (const r of byCode) {
      dispositions[r.code] = r.n;
      successes += r.successes;
    }
    return { day, calls: calls.calls, connected: calls.connected, talkSec: Math.round(calls.talkMs / 1000), dispositions, successes };
  }

  return {
    recordAttempt: (leadId, at) => recordAttempt(leadId, at),
    recordCall: (call) => recordCall(call),
    recordDisposition: (d) => db.tx((sql) => applyDisposition(sql, d)),
    stats: (dayStart, dayEnd, day) => stats(dayStart, dayEnd, day),
  };
}

function talkSeconds(c: CallRecord): number {
  return c.answeredAt === null ? 0 : Math.max(0, Math.round((c.endedAt - c.answeredAt) / 1000));
}

/**
 * What the agent's calls leave behind: attempts, call records, dispositions with all their effects
 * on the lead (one durable transaction), and the day's stats.
 */
import type { Database as Db } from 'better-sqlite3';
import type { LeadStatus } from '../../../../shared/lead.js';
import type { AgentStats } from '../../../../shared/workspace.js';
import type { ActivityRepository, CallRecord, DispositionRecord } from '../repositories.js';
import { NotFoundError } from './not-found-error.js';
import { addHistory } from './rows.js';
import type { Prepare } from './statements.js';

export function activityRepository(db: Db, q: Prepare): ActivityRepository {
  function recordAttempt(leadId: number, at: number): void {
    const r = q(
      `UPDATE leads SET attempts = attempts + 1, last_attempt_at = @at, updated_at = @at,
              status = CASE WHEN status = 'new' THEN 'active' ELSE status END
        WHERE id = @leadId`,
    ).run({ leadId, at });
    if (r.changes === 0) throw new NotFoundError(`lead ${leadId}`);
  }

  function recordCall(c: CallRecord): void {
    db.transaction(() => {
      q(
        `INSERT INTO calls (call_id, lead_id, direction, phone, started_at, answered_at, ended_at, outcome)
         VALUES (@callId, @leadId, @direction, @phone, @startedAt, @answeredAt, @endedAt, @outcome)
         ON CONFLICT (call_id) DO UPDATE SET lead_id = excluded.lead_id, direction = excluded.direction, phone = excluded.phone,
           started_at = excluded.started_at, answered_at = excluded.answered_at, ended_at = excluded.ended_at, outcome = excluded.outcome`,
      ).run(c);
      if (c.leadId !== null) {
        addHistory(q, {
          leadId: c.leadId,
          at: c.startedAt,
          kind: 'call',
          direction: c.direction,
          phone: c.phone,
          outcome: c.outcome,
          durationSec: talkSeconds(c),
        });
      }
    })();
  }

  function recordDisposition(d: DispositionRecord): void {
    db.transaction(() => {
      const lead = q('SELECT status, attempts FROM leads WHERE id = ?').get(d.leadId) as { status: LeadStatus; attempts: number } | undefined;
      if (!lead) throw new NotFoundError(`lead ${d.leadId}`);
      q(
        `INSERT INTO dispositions (lead_id, call_id, code, label, effect, success, note, phone, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(d.leadId, d.callId, d.code, d.label, d.effect, d.success ? 1 : 0, d.note, d.phone, d.at);
      // The history row carries the label (what the agent sees) and the code as its outcome.
      addHistory(q, { leadId: d.leadId, at: d.at, kind: 'disposition', phone: d.phone, outcome: d.code, disposition: d.label, note: d.note || null });
      // Whatever the outcome, this call settles any callback that was open.
      q('UPDATE callbacks SET done = 1, done_at = ? WHERE lead_id = ? AND done = 0').run(d.at, d.leadId);

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
          q('INSERT INTO callbacks (lead_id, due_at, time_zone, note, done, created_at) VALUES (?, ?, ?, ?, 0, ?)').run(
            d.leadId,
            d.callback.dueAt,
            d.callback.timeZone,
            d.note,
            d.at,
          );
          addHistory(q, {
            leadId: d.leadId,
            at: d.at,
            kind: 'callback',
            note: `Callback ${new Date(d.callback.dueAt).toISOString()} (${d.callback.timeZone})${d.note ? `: ${d.note}` : ''}`,
          });
          break;
        }
        case 'bad-number': {
          if (d.phone === null) q('UPDATE lead_phones SET bad = 1 WHERE lead_id = ?').run(d.leadId);
          else q('UPDATE lead_phones SET bad = 1 WHERE lead_id = ? AND e164 = ?').run(d.leadId, d.phone);
          const good = q('SELECT 1 FROM lead_phones WHERE lead_id = ? AND bad = 0 LIMIT 1').get(d.leadId);
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
          const phones = d.phone === null ? (q('SELECT e164 FROM lead_phones WHERE lead_id = ?').pluck().all(d.leadId) as string[]) : [d.phone];
          const add = q('INSERT INTO dnc (e164, source, added_at) VALUES (?, ?, ?) ON CONFLICT (e164) DO NOTHING');
          for (const p of phones) add.run(p, `disposition:${d.code}:lead:${d.leadId}`, d.at);
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
      q(`UPDATE leads SET status = @status, due_at = CASE WHEN @keepDue THEN due_at ELSE @dueAt END, updated_at = @at WHERE id = @id`).run({
        id: d.leadId,
        status,
        keepDue: dueAt === undefined ? 1 : 0,
        dueAt: dueAt ?? null,
        at: d.at,
      });
    }).immediate();
  }

  function stats(dayStart: number, dayEnd: number, day: string): AgentStats {
    const calls = q(
      `SELECT COUNT(*) AS calls, COUNT(answered_at) AS connected,
              COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at > answered_at THEN ended_at - answered_at ELSE 0 END), 0) AS talkMs
         FROM calls WHERE started_at >= ? AND started_at < ?`,
    ).get(dayStart, dayEnd) as { calls: number; connected: number; talkMs: number };
    const byCode = q('SELECT code, COUNT(*) AS n, SUM(success) AS successes FROM dispositions WHERE at >= ? AND at < ? GROUP BY code').all(
      dayStart,
      dayEnd,
    ) as Array<{ code: string; n: number; successes: number }>;
    const dispositions: Record<string, number> = {};
    let successes = 0;
    for (const r of byCode) {
      dispositions[r.code] = r.n;
      successes += r.successes;
    }
    return { day, calls: calls.calls, connected: calls.connected, talkSec: Math.round(calls.talkMs / 1000), dispositions, successes };
  }

  return {
    recordAttempt: async (leadId, at) => recordAttempt(leadId, at),
    recordCall: async (call) => recordCall(call),
    recordDisposition: async (d) => recordDisposition(d),
    stats: async (dayStart, dayEnd, day) => stats(dayStart, dayEnd, day),
  };
}

function talkSeconds(c: CallRecord): number {
  return c.answeredAt === null ? 0 : Math.max(0, Math.round((c.endedAt - c.answeredAt) / 1000));
}

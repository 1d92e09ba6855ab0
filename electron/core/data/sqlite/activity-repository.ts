/**
 * What the agent's calls leave behind: attempts, call records, dispositions with all their effects
 * on the lead and the CRM's events (one durable transaction), the day's stats, and each agent's
 * results per campaign.
 */
import type { Database as Db } from 'better-sqlite3';
import type { LeadStatus } from '../../../../shared/lead.js';
import type { TeamResults } from '../../../../shared/team.js';
import type { AgentStats } from '../../../../shared/workspace.js';
import type { ActivityRepository, CallRecord, DispositionRecord } from '../repositories.js';
import { agentStats, teamResults, type CallCounts, type CodeCounts, type ResultsCode, type ResultsRow } from '../shared/activity-results.js';
import { dispositionWrites, leadAfterDisposition } from '../shared/disposition-effects.js';
import { callHistory } from '../shared/history-rows.js';
import { NotFoundError } from '../shared/not-found-error.js';
import { insertOutbox } from './outbox-repository.js';
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
        `INSERT INTO calls (call_id, lead_id, direction, phone, started_at, answered_at, ended_at, outcome, agent)
         VALUES (@callId, @leadId, @direction, @phone, @startedAt, @answeredAt, @endedAt, @outcome, @agent)
         ON CONFLICT (call_id) DO UPDATE SET lead_id = excluded.lead_id, direction = excluded.direction, phone = excluded.phone,
           started_at = excluded.started_at, answered_at = excluded.answered_at, ended_at = excluded.ended_at, outcome = excluded.outcome,
           agent = excluded.agent`,
      ).run({
        callId: c.callId,
        leadId: c.leadId,
        direction: c.direction,
        phone: c.phone,
        startedAt: c.startedAt,
        answeredAt: c.answeredAt,
        endedAt: c.endedAt,
        outcome: c.outcome,
        agent: c.agent ?? null,
      });
      const history = callHistory(c);
      if (history) addHistory(q, history);
    })();
  }

  function recordDisposition(d: DispositionRecord): void {
    db.transaction(() => {
      const lead = q('SELECT status, attempts FROM leads WHERE id = ?').get(d.leadId) as { status: LeadStatus; attempts: number } | undefined;
      if (!lead) throw new NotFoundError(`lead ${d.leadId}`);
      const writes = dispositionWrites(d);
      q(
        `INSERT INTO dispositions (lead_id, call_id, code, label, effect, success, note, phone, at, agent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(d.leadId, d.callId, d.code, d.label, d.effect, d.success ? 1 : 0, d.note, d.phone, d.at, d.agent ?? null);
      addHistory(q, writes.history);
      // Whatever the outcome, this call settles any callback that was open.
      q('UPDATE callbacks SET done = 1, done_at = ? WHERE lead_id = ? AND done = 0').run(d.at, d.leadId);
      const cb = writes.callback;
      if (cb) {
        q('INSERT INTO callbacks (lead_id, due_at, time_zone, note, done, created_at, owner) VALUES (?, ?, ?, ?, 0, ?, ?)').run(
          d.leadId,
          cb.dueAt,
          cb.timeZone,
          cb.note,
          cb.createdAt,
          cb.owner,
        );
        addHistory(q, cb.history);
      }
      let goodNumberLeft = true;
      if (writes.markBad) {
        if (writes.markBad.phone === null) q('UPDATE lead_phones SET bad = 1 WHERE lead_id = ?').run(d.leadId);
        else q('UPDATE lead_phones SET bad = 1 WHERE lead_id = ? AND e164 = ?').run(d.leadId, writes.markBad.phone);
        goodNumberLeft = q('SELECT 1 FROM lead_phones WHERE lead_id = ? AND bad = 0 LIMIT 1').get(d.leadId) !== undefined;
      }
      if (writes.dnc) {
        const { phone, source } = writes.dnc;
        const phones = phone === null ? (q('SELECT e164 FROM lead_phones WHERE lead_id = ?').pluck().all(d.leadId) as string[]) : [phone];
        const add = q('INSERT INTO dnc (e164, source, added_at) VALUES (?, ?, ?) ON CONFLICT (e164) DO NOTHING');
        for (const p of phones) add.run(p, source, d.at);
      }
      const { status, dueAt } = leadAfterDisposition(d, lead, goodNumberLeft);
      // The agent is done with the lead: its claim ends with the disposition (SET reads the old row).
      q(
        `UPDATE leads SET status = @status, due_at = CASE WHEN @keepDue THEN due_at ELSE @dueAt END, updated_at = @at,
                held_by = CASE WHEN held_by = @agent THEN NULL ELSE held_by END,
                lease_until = CASE WHEN held_by = @agent THEN NULL ELSE lease_until END
          WHERE id = @id`,
      ).run({
        id: d.leadId,
        status,
        keepDue: dueAt === undefined ? 1 : 0,
        dueAt: dueAt ?? null,
        at: d.at,
        agent: d.agent ?? null,
      });
      insertOutbox(q, d.events);
    }).immediate();
  }

  function stats(dayStart: number, dayEnd: number, day: string, agent: string | null): AgentStats {
    const params = { dayStart, dayEnd, agent };
    const calls = q(
      `SELECT COUNT(*) AS calls, COUNT(answered_at) AS connected,
              COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at > answered_at THEN ended_at - answered_at ELSE 0 END), 0) AS talkMs
         FROM calls WHERE started_at >= @dayStart AND started_at < @dayEnd AND (@agent IS NULL OR agent = @agent)`,
    ).get(params) as CallCounts;
    const byCode = q(
      `SELECT code, COUNT(*) AS n, SUM(success) AS successes FROM dispositions
        WHERE at >= @dayStart AND at < @dayEnd AND (@agent IS NULL OR agent = @agent) GROUP BY code`,
    ).all(params) as CodeCounts[];
    return agentStats(day, calls, byCode);
  }

  /** One read transaction, so calls and dispositions are counted from the same state. */
  const results = db.transaction((from: number, to: number): TeamResults => {
    const params = { from, to };
    // Rows of (agent, campaign) with any activity; `IS` joins the NULL agent to itself.
    const rows = q(
      `WITH c AS (
         SELECT c.agent, l.campaign_id, COUNT(*) AS calls, COUNT(c.answered_at) AS connected,
                COALESCE(SUM(CASE WHEN c.answered_at IS NOT NULL AND c.ended_at > c.answered_at THEN c.ended_at - c.answered_at ELSE 0 END), 0) AS talk_ms
           FROM calls c CROSS JOIN leads l ON l.id = c.lead_id
          WHERE c.started_at >= @from AND c.started_at < @to
          GROUP BY c.agent, l.campaign_id
       ), d AS (
         SELECT d.agent, l.campaign_id, COUNT(*) AS dispositions, SUM(d.success) AS successes
           FROM dispositions d CROSS JOIN leads l ON l.id = d.lead_id
          WHERE d.at >= @from AND d.at < @to
          GROUP BY d.agent, l.campaign_id
       ), k AS (
         SELECT agent, campaign_id FROM c UNION SELECT agent, campaign_id FROM d
       )
       SELECT k.agent, k.campaign_id AS campaignId, cp.name AS campaign,
              COALESCE(c.calls, 0) AS calls, COALESCE(c.connected, 0) AS connected, COALESCE(c.talk_ms, 0) AS talkMs,
              COALESCE(d.dispositions, 0) AS dispositions, COALESCE(d.successes, 0) AS successes
         FROM k CROSS JOIN campaigns cp ON cp.id = k.campaign_id
         LEFT JOIN c ON c.agent IS k.agent AND c.campaign_id = k.campaign_id
         LEFT JOIN d ON d.agent IS k.agent AND d.campaign_id = k.campaign_id
        ORDER BY cp.name COLLATE NOCASE, cp.id, k.agent IS NULL, k.agent`,
    ).all(params) as ResultsRow[];
    const codes = q(
      `SELECT d.agent, l.campaign_id AS campaignId, d.code, COUNT(*) AS n
         FROM dispositions d CROSS JOIN leads l ON l.id = d.lead_id
        WHERE d.at >= @from AND d.at < @to
        GROUP BY d.agent, l.campaign_id, d.code ORDER BY d.code`,
    ).all(params) as ResultsCode[];
    return teamResults(from, to, rows, codes);
  });

  return {
    recordAttempt: async (leadId, at) => recordAttempt(leadId, at),
    recordCall: async (call) => recordCall(call),
    recordDisposition: async (d) => recordDisposition(d),
    stats: async (dayStart, dayEnd, day, agent) => stats(dayStart, dayEnd, day, agent ?? null),
    results: async (from, to) => results(from, to),
  };
}

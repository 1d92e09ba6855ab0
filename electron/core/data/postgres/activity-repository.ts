/**
 * What the agents' calls leave behind: attempts, call records, dispositions with all their effects
 * on the lead (one transaction, the lead's row locked so two apps cannot interleave on it, the
 * CRM's events and the end of the agent's claim in it), an agent's day and the team's results.
 */
import type { LeadStatus } from '../../../../shared/lead.js';
import type { TeamResults } from '../../../../shared/team.js';
import type { AgentStats } from '../../../../shared/workspace.js';
import type { ActivityRepository, CallRecord, DispositionRecord } from '../repositories.js';
import { agentStats, teamResults, type CallCounts, type CodeCounts, type ResultsRow } from '../shared/activity-results.js';
import { dispositionWrites, leadAfterDisposition } from '../shared/disposition-effects.js';
import { callHistory } from '../shared/history-rows.js';
import { NotFoundError } from '../shared/not-found-error.js';
import type { Db, Sql } from './connection.js';
import { addToDnc } from './dnc-repository.js';
import { insertOutbox } from './outbox-repository.js';
import { addHistory, foldAscii } from './rows.js';

/** A call's talk time in ms: from the answer to the end, 0 when never answered. */
const TALK_MS = `CASE WHEN answered_at IS NOT NULL AND ended_at > answered_at THEN ended_at - answered_at ELSE 0 END`;

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
        `INSERT INTO calls (call_id, lead_id, direction, phone, started_at, answered_at, ended_at, outcome, agent)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (call_id) DO UPDATE SET lead_id = excluded.lead_id, direction = excluded.direction, phone = excluded.phone,
           started_at = excluded.started_at, answered_at = excluded.answered_at, ended_at = excluded.ended_at, outcome = excluded.outcome,
           agent = excluded.agent`,
        [c.callId, c.leadId, c.direction, c.phone, c.startedAt, c.answeredAt, c.endedAt, c.outcome, c.agent ?? null],
      );
      const history = callHistory(c);
      if (history) await addHistory(sql, history);
    });
  }

  async function applyDisposition(sql: Sql, d: DispositionRecord): Promise<void> {
    const writes = dispositionWrites(d);
    const h = writes.history;
    // One round trip for what every disposition writes: the lead locked first (each write reads
    // the locked row, so none runs before the lock is held), the disposition, its history entry,
    // and — whatever the outcome — any open callback settled by this call. No lead: no row back.
    const lead = await sql.one<{ status: LeadStatus; attempts: number }>(
      `WITH l AS (SELECT id, status, attempts FROM leads WHERE id = $1 FOR UPDATE),
            d AS (INSERT INTO dispositions (lead_id, call_id, code, label, effect, success, note, phone, at, agent)
                  SELECT l.id, $2::text, $3::text, $4::text, $5::text, $6::boolean, $7::text, $8::text, $9::bigint, $10::text FROM l),
            h AS (INSERT INTO history (lead_id, at, kind, direction, phone, outcome, duration_sec, disposition, note)
                  SELECT l.id, $11::bigint, $12::text, $13::text, $14::text, $15::text, $16::integer, $17::text, $18::text FROM l),
            c AS (UPDATE callbacks SET done = true, done_at = $9::bigint WHERE lead_id = $1 AND NOT done AND EXISTS (SELECT 1 FROM l))
       SELECT status, attempts FROM l`,
      [
        d.leadId,
        d.callId,
        d.code,
        d.label,
        d.effect,
        d.success,
        d.note,
        d.phone,
        d.at,
        d.agent ?? null,
        h.at,
        h.kind,
        h.direction ?? null,
        h.phone ?? null,
        h.outcome ?? null,
        h.durationSec ?? null,
        h.disposition ?? null,
        h.note ?? null,
      ],
    );
    if (!lead) throw new NotFoundError(`lead ${d.leadId}`);
    const cb = writes.callback;
    if (cb) {
      await sql.run('INSERT INTO callbacks (lead_id, due_at, time_zone, note, done, created_at, owner) VALUES ($1, $2, $3, $4, false, $5, $6)', [
        d.leadId,
        cb.dueAt,
        cb.timeZone,
        cb.note,
        cb.createdAt,
        cb.owner,
      ]);
      await addHistory(sql, cb.history);
    }
    let goodNumberLeft = true;
    if (writes.markBad) {
      if (writes.markBad.phone === null) await sql.run('UPDATE lead_phones SET bad = true WHERE lead_id = $1', [d.leadId]);
      else await sql.run('UPDATE lead_phones SET bad = true WHERE lead_id = $1 AND e164 = $2', [d.leadId, writes.markBad.phone]);
      goodNumberLeft = (await sql.one('SELECT 1 FROM lead_phones WHERE lead_id = $1 AND NOT bad LIMIT 1', [d.leadId])) !== undefined;
    }
    if (writes.dnc) {
      const { phone, source } = writes.dnc;
      const phones =
        phone === null
          ? (await sql.rows<{ e164: string }>('SELECT e164 FROM lead_phones WHERE lead_id = $1 ORDER BY id', [d.leadId])).map((p) => p.e164)
          : [phone];
      await addToDnc(sql, phones, source, d.at);
    }
    const { status, dueAt } = leadAfterDisposition(d, lead, goodNumberLeft);
    // The agent is done with the lead: its claim ends here (another agent's claim is not touched;
    // in SET, held_by is the row's value before this update).
    await sql.run(
      `UPDATE leads SET status = $2, due_at = CASE WHEN $3::boolean THEN due_at ELSE $4::bigint END, updated_at = $5,
              held_by = CASE WHEN held_by = $6::text THEN NULL ELSE held_by END,
              lease_until = CASE WHEN held_by = $6::text THEN NULL ELSE lease_until END
        WHERE id = $1`,
      [d.leadId, status, dueAt === undefined, dueAt ?? null, d.at, d.agent ?? null],
    );
    await insertOutbox(sql, d.events);
  }

  async function stats(dayStart: number, dayEnd: number, day: string, agent: string | null): Promise<AgentStats> {
    // With an agent: that agent's only; without: everything (NULL matches every row).
    const calls = (await db.one<CallCounts>(
      `SELECT COUNT(*) AS calls, COUNT(answered_at) AS connected,
              COALESCE(SUM(${TALK_MS}), 0)::bigint AS "talkMs"
         FROM calls WHERE started_at >= $1 AND started_at < $2 AND ($3::text IS NULL OR agent = $3)`,
      [dayStart, dayEnd, agent],
    ))!;
    const byCode = await db.rows<CodeCounts>(
      `SELECT code, COUNT(*) AS n, COUNT(*) FILTER (WHERE success) AS successes FROM dispositions
        WHERE at >= $1 AND at < $2 AND ($3::text IS NULL OR agent = $3) GROUP BY code ORDER BY code COLLATE "C"`,
      [dayStart, dayEnd, agent],
    );
    return agentStats(day, calls, byCode);
  }

  /**
   * One statement: calls and dispositions of the period as one stream of rows keyed by (agent,
   * campaign), counted per disposition code, then per key with the codes folded into an object.
   * Calls of no lead (an unknown caller not yet a lead) belong to no campaign and are left out.
   * Campaigns in the order of the campaign list (A–Z folded, then id).
   */
  async function results(from: number, to: number): Promise<TeamResults> {
    const rows = await db.rows<ResultsRow & { byCode: Record<string, number> }>(
      `WITH activity AS (
         SELECT c.agent, l.campaign_id, 1 AS calls, (c.answered_at IS NOT NULL)::int AS connected, ${TALK_MS} AS talk_ms, NULL::text AS code, false AS success
           FROM calls c JOIN leads l ON l.id = c.lead_id
          WHERE c.started_at >= $1 AND c.started_at < $2
         UNION ALL
         SELECT d.agent, l.campaign_id, 0, 0, 0, d.code, d.success
           FROM dispositions d JOIN leads l ON l.id = d.lead_id
          WHERE d.at >= $1 AND d.at < $2
       ), per_code AS (
         SELECT agent, campaign_id, code, SUM(calls) AS calls, SUM(connected) AS connected, SUM(talk_ms) AS talk_ms,
                COUNT(code) AS n, COUNT(*) FILTER (WHERE success) AS successes
           FROM activity GROUP BY agent, campaign_id, code
       )
       SELECT g.agent, g.campaign_id AS "campaignId", cp.name AS campaign,
              SUM(g.calls)::bigint AS calls, SUM(g.connected)::bigint AS connected, SUM(g.talk_ms)::bigint AS "talkMs",
              SUM(g.n)::bigint AS dispositions, SUM(g.successes)::bigint AS successes,
              COALESCE(json_object_agg(g.code, g.n ORDER BY g.code COLLATE "C") FILTER (WHERE g.code IS NOT NULL), '{}'::json) AS "byCode"
         FROM per_code g JOIN campaigns cp ON cp.id = g.campaign_id
        GROUP BY g.agent, g.campaign_id, cp.name
        ORDER BY ${foldAscii('cp.name')} COLLATE "C", g.campaign_id, g.agent COLLATE "C" NULLS LAST`,
      [from, to],
    );
    const codes = rows.flatMap((r) => Object.entries(r.byCode).map(([code, n]) => ({ agent: r.agent, campaignId: r.campaignId, code, n: Number(n) })));
    return teamResults(
      from,
      to,
      rows.map(({ byCode: _byCode, ...r }) => r),
      codes,
    );
  }

  return {
    recordAttempt: (leadId, at) => recordAttempt(leadId, at),
    recordCall: (call) => recordCall(call),
    recordDisposition: (d) => db.tx((sql) => applyDisposition(sql, d)),
    stats: (dayStart, dayEnd, day, agent) => stats(dayStart, dayEnd, day, agent ?? null),
    results: (from, to) => results(from, to),
  };
}

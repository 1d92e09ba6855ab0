/**
 * Fifty agents on one 20,000-lead pool: each a real core in its own worker thread, with its own
 * pool to one real PostgreSQL and its own registration to a real Kamailio, working one progressive
 * campaign as fast as they can (claim, INVITE, Kamailio's 404, disposition, next) until the
 * shift's quota of dispositions is done. What Kamailio logged is the proof of what was dialled:
 * - no lead is dialled twice or disposed twice, and none is lost: every lead dialled has its
 *   disposition, and no lead is still held once the apps have closed;
 * - one agent's app is killed while it holds a lead: once its lease runs out the lead is back in
 *   the pool for the others;
 * - Do-Not-Call numbers one app adds midway, ahead of the agents in the queue, reach every other
 *   app's core through LISTEN/NOTIFY (the time is printed) and are never dialled, though the
 *   agents dialled the leads on either side of them.
 * RINGSIDE_POOL_SHIFT sets the quota (default 1,500; the 2-core CI machine runs all fifty apps,
 * the database and the SIP server at once) and RINGSIDE_POOL_LEADS the pool (default 20,000).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KamailioServer } from '../support/kamailio.js';
import { kamailioHooks } from '../support/kamailio-hooks.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { numberOf, pct, runTeamPool } from '../support/team-pool.js';

const LEADS = Number(process.env.RINGSIDE_POOL_LEADS ?? 20_000);
const SHIFT = Math.min(LEADS, Number(process.env.RINGSIDE_POOL_SHIFT ?? 1500));
const AGENTS = 50;
const DNC = 10;

let sip: KamailioServer;
kamailioHooks((s) => (sip = s));
let pg: PostgresServer;
beforeAll(async () => {
  // Each app holds its pool's two connections and one that listens for DNC additions.
  pg = await startPostgres({ maxConnections: 3 * AGENTS + 20 });
}, 60_000);
afterAll(() => pg?.stop());

describe('a team of fifty on one lead pool', () => {
  it('no lead dialled or disposed twice, none lost; a killed agent’s lead is back after its lease; DNC numbers added midway are never dialled', async () => {
    const run = await runTeamPool({ sip, pg, agents: AGENTS, leads: LEADS, stopAfter: SHIFT, dncNumbers: DNC, dncAt: 0.3, killAt: 0.5, timeoutMs: 900_000 });
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    console.log(
      `[team-pool] ${AGENTS} agents, ${run.dispositions.rows} of ${LEADS} leads in ${run.wallS.toFixed(1)} s (${run.perSecond.toFixed(0)} leads/s); ` +
        `claim → INVITE p50 ${ms(pct(run.claimToInviteMs, 50))} p95 ${ms(pct(run.claimToInviteMs, 95))}; ` +
        `DNC heard by ${run.dncHeardMs.length} apps p50 ${ms(pct(run.dncHeardMs, 50))} p95 ${ms(pct(run.dncHeardMs, 95))} max ${ms(Math.max(...run.dncHeardMs))}; ` +
        `killed ${run.killed?.agent} holding lead ${run.killed?.leadId} (afterwards disposed by ${run.killed?.disposedBy?.join(', ') || 'nobody yet'}); ` +
        `${run.hiccups.length} requests made again`,
    );
    expect(run.errors).toEqual([]);

    // No number dialled twice (the killed app's lead may be once more, by the agent who took it).
    const twice = [...run.invitesSeen].filter(([e164, n]) => n > (e164 === run.killed?.e164 ? 2 : 1));
    expect(twice).toEqual([]);
    // No lead disposed twice; every lead dialled has its disposition but the killed app's.
    expect(run.dispositions.rows).toBe(run.dispositions.leads);
    expect(run.dispositions.leads).toBeGreaterThanOrEqual(SHIFT);
    expect(run.dialledNotDisposed.filter((d) => !d.startsWith(`${run.killed?.e164} `))).toEqual([]);
    // The killed app may have died before its lead's INVITE left, or after, with no result.
    const killedDialled = run.killed?.e164 && run.invitesSeen.has(run.killed.e164) && !run.killed.disposedBy?.length ? 1 : 0;
    expect(run.invitesSeen.size).toBe(run.dispositions.leads + killedDialled);
    expect(run.heldAtEnd).toEqual([]);
    expect(run.killed).toMatchObject({ leadId: expect.any(Number), back: true });

    // DNC: every other app was told; none was dialled, though the queue went past each.
    expect(run.dncNumbers).toHaveLength(DNC);
    expect(run.dncDeaf).toBe(0);
    expect(run.dncHeardMs.length).toBeGreaterThanOrEqual(AGENTS - 2);
    for (const e164 of run.dncNumbers) {
      const index = Number(e164.slice('+48226'.length));
      expect(run.invitesSeen.get(e164) ?? 0).toBe(0);
      expect(run.invitesSeen.get(numberOf(index - 1))).toBe(1);
      expect(run.invitesSeen.get(numberOf(index + 1))).toBe(1);
    }
  }, 960_000);
});

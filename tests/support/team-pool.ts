/**
 * A team's shift on one lead pool, for the concurrency test and the team benchmark: many agents,
 * each a real core in its own worker thread (team-agent-worker.ts) with its own connection pool
 * to one PostgreSQL and its own registration to Kamailio, work one progressive campaign as fast
 * as they can. Midway one app adds Do-Not-Call numbers (how long until every other app has heard,
 * through LISTEN/NOTIFY), and one agent's app is killed while it holds a lead (the others' clocks
 * then pass its lease, and the lead must come back).
 *
 * Returns what happened, for the caller to judge: every INVITE Kamailio saw (its log), every
 * disposition in the database, the figures.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { openPostgresStore } from '../../electron/core/data/postgres/store.js';
import type { ImportRow, NewLead } from '../../electron/core/data/repositories.js';
import { startWorker } from '../../electron/core/lib/worker-thread.js';
import { campaignSchema, defaultDispositions } from '../../shared/campaign.js';
import { BENCH_USERS, type KamailioServer } from './kamailio.js';
import type { PostgresServer } from './postgres.js';
import { newLead, phone } from '../unit/data/store-fixtures.js';
import type { FromTeamAgent, TeamAgentInput, ToTeamAgent } from './team-agent-worker.js';

/** A Wednesday noon in Warsaw: inside the default calling window. */
export const SHIFT_AT = Date.parse('2026-11-25T11:00:00Z');

export interface TeamPoolOptions {
  sip: KamailioServer;
  pg: PostgresServer;
  agents: number;
  leads: number;
  /**
   * Numbers put on the DNC list midway: leads well ahead of the agents in the queue at that
   * moment (none of them claimed yet) and before the shift's end, so each would have been dialled.
   */
  dncNumbers: number;
  /** End the shift after this many dispositions (default: when the pool is empty). */
  stopAfter?: number;
  /** Kill one agent's app when this share of the leads is disposed (0: nobody). */
  killAt: number;
  /** When to add the DNC numbers (share of the leads disposed). */
  dncAt: number;
  /** Connections per app. */
  poolMax?: number;
  timeoutMs?: number;
  /** Write the first agent's CPU profile here. */
  profile?: string;
}

export interface TeamPoolRun {
  leads: number;
  dncNumbers: string[];
  /** The lead the killed app held when it died, and its number; null when none was killed. */
  killed: {
    agent: string;
    leadId: number | null;
    e164: string | null;
    /** Its lease ran out with the lead open (or another agent took and disposed it). */
    back?: boolean;
    /** Who gave the lead's disposition afterwards (nobody, if the shift ended before it came round again). */
    disposedBy?: string[];
  } | null;
  /** Calls Kamailio saw (INVITEs of distinct Call-IDs), by number. */
  invitesSeen: Map<string, number>;
  /** From the database: dispositions, and how many distinct leads they are for. */
  dispositions: { rows: number; leads: number };
  /** Leads still open (new or active) at the end. */
  openLeads: number[];
  /** Leads still held by an agent after every app closed, each with its holder and lease. */
  heldAtEnd: string[];
  /** Numbers Kamailio saw dialled whose lead has no disposition, with what became of each. */
  dialledNotDisposed: string[];
  /** Requests the core refused for a moment and the agent made again. */
  hiccups: string[];
  claimToInviteMs: number[];
  /** Per app: addition committed → this app's core told. */
  dncHeardMs: number[];
  /** Apps that should have heard and did not within the wait. */
  dncDeaf: number;
  /** Leads claimed, dialled and disposed per second, whole team, from the first claim to the last disposition. */
  perSecond: number;
  wallS: number;
  /** What each agent said when it stopped ("No leads are due…"). */
  doneReasons: string[];
  errors: string[];
}

let bundled: string | null = null;
/** The worker as one ES module (esbuild): fifty tsx-compiled copies, each resolving every package, would take minutes to start. */
async function workerBundle(): Promise<string> {
  if (bundled) return bundled;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const repo = path.resolve(here, '../..');
  // Inside the repository, so its node_modules resolve the packages left out of the bundle.
  const out = path.join(repo, 'node_modules', '.cache', 'ringside-tests', 'team-agent-worker.mjs');
  mkdirSync(path.dirname(out), { recursive: true });
  await build({
    entryPoints: [path.join(here, 'team-agent-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Everything in one file but what cannot be: native modules and packages that read their own data files.
    external: ['better-sqlite3', 'libphonenumber-geo-carrier', 'pg-native', 'bufferutil', 'utf-8-validate', 'esbuild'],
    // CommonJS packages in an ES module bundle still call require() for Node's own modules.
    banner: { js: "import { createRequire as __ringsideRequire } from 'node:module'; const require = __ringsideRequire(import.meta.url);" },
    outfile: out,
    logLevel: 'silent',
  });
  bundled = out;
  return out;
}

/** The p-th percentile (nearest rank) of `xs`. */
export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

function lead(i: number, e164: string, priority: number): NewLead {
  return newLead({
    firstName: `Agnieszka${i}`,
    lastName: 'Wiśniewska',
    city: 'Warszawa',
    country: 'PL',
    timeZone: 'Europe/Warsaw',
    source: 'team-pool',
    priority,
    phones: [phone(e164)],
  });
}

/** The Polish numbers of the pool: +48 22 6xx xx xx, distinct per lead, in the queue's order. */
export const numberOf = (i: number): string => `+48226${String(i).padStart(6, '0')}`;

export async function runTeamPool(o: TeamPoolOptions): Promise<TeamPoolRun> {
  if (o.agents > BENCH_USERS.length) throw new Error(`at most ${BENCH_USERS.length} agents (Kamailio's bench users)`);
  const database = await o.pg.createDatabase();
  const settings = o.pg.team({ database, poolMax: o.poolMax ?? 2 });
  const store = await openPostgresStore(o.pg.team({ database, poolMax: 4 }));
  const dir = mkdtempSync(path.join(tmpdir(), 'ringside-team-pool-'));
  const workers: Worker[] = [];
  try {
    const campaign = await store.campaigns.save(
      campaignSchema.parse({
        name: 'Warszawa ankieta',
        // A survey: Poland's consent rule for direct marketing is not what this is about.
        kind: 'survey',
        script: { steps: [{ id: 'intro', title: 'Intro', text: 'Dzień dobry {{lead.firstName}}' }], coldStart: 'intro', warmStart: 'intro' },
        dispositions: defaultDispositions,
        dialMode: 'progressive',
        defaultCountry: 'PL',
      }),
    );
    // Equal priority and score: the queue is the import's order. The DNC numbers lie between a
    // margin past where the agents are when they are added and a margin before the shift's end.
    const end = Math.min(o.leads, o.stopAfter ?? o.leads);
    const first = Math.floor(o.dncAt * end) + 4 * o.agents + 100;
    const last = end - 2 * o.agents - 20;
    const dncNumbers =
      o.dncNumbers > 0 && last > first ? Array.from({ length: o.dncNumbers }, (_, i) => numberOf(first + Math.floor((i * (last - first)) / o.dncNumbers))) : [];
    for (let from = 0; from < o.leads; from += 5000) {
      const rows: ImportRow[] = [];
      for (let i = from; i < Math.min(o.leads, from + 5000); i++) rows.push({ row: i + 1, lead: lead(i, numberOf(i), 1) });
      await store.leads.importRows(campaign.id, rows, 'skip', SHIFT_AT, 'team-pool');
    }
    const logStart = readFileSync(o.sip.logFile, 'utf8').length;

    const script = await workerBundle();
    const users = BENCH_USERS.slice(0, o.agents);
    const clockRef = Date.now();
    const claimToInviteMs: number[] = [];
    const errors: string[] = [];
    const doneReasons: string[] = [];
    const hiccups: string[] = [];
    const heard = new Map<number, number[]>();
    let disposed = 0;
    let firstClaim = Infinity;
    let lastDisposition = 0;
    const done = new Set<number>();
    const dead = new Set<number>();
    let onProgress = (): void => undefined;
    const tell = (m: ToTeamAgent, except?: number): void => workers.forEach((w, i) => i !== except && !dead.has(i) && w.postMessage(m));
    const startAgent = (user: string, index: number): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const data: TeamAgentInput = {
          user,
          password: o.sip.users[user]!,
          wsUrl: o.sip.wsUrl,
          domain: o.sip.domain,
          database: settings,
          campaignId: campaign.id,
          dataDir: path.join(dir, user),
          clockAt: SHIFT_AT,
          clockRef,
          ...(o.profile && index === 0 ? { profile: o.profile } : {}),
        };
        mkdirSync(data.dataDir);
        const w = startWorker(new URL(`file://${script}`), { workerData: data });
        workers[index] = w;
        heard.set(index, []);
        w.on('message', (m: FromTeamAgent) => {
          if (m.kind === 'ready') resolve();
          else if (m.kind === 'hiccup') hiccups.push(`${user}: ${m.message}`);
          else if (m.kind === 'claimed') firstClaim = Math.min(firstClaim, m.at);
          else if (m.kind === 'invite' && m.claimToInviteMs !== null) claimToInviteMs.push(m.claimToInviteMs);
          else if (m.kind === 'disposed') {
            disposed++;
            lastDisposition = performance.timeOrigin + performance.now();
            onProgress();
            if (o.stopAfter !== undefined && disposed === o.stopAfter) tell({ kind: 'finish' });
          } else if (m.kind === 'dnc-heard') heard.get(index)!.push(m.at);
          else if (m.kind === 'done') {
            done.add(index);
            doneReasons.push(m.reason);
            onProgress();
          } else if (m.kind === 'error') {
            errors.push(`${user}: ${m.message}`);
            reject(new Error(`${user}: ${m.message}`));
            done.add(index);
            onProgress();
          }
        });
        w.on('error', (e) => {
          errors.push(`${user}: ${e.message}`);
          reject(e);
        });
      });
    // Ten apps at a time, as a floor's desktops come up over a minute: fifty opening their
    // connections and registering in the same instant on two cores is a test of the machine.
    for (let from = 0; from < users.length; from += 10) await Promise.all(users.slice(from, from + 10).map((u, i) => startAgent(u, from + i)));
    const deadline = Date.now() + (o.timeoutMs ?? 600_000);
    const until = (check: () => boolean): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setInterval(() => {
          if (Date.now() > deadline) {
            clearInterval(timer);
            reject(new Error(`the shift did not end in time: ${disposed} of ${o.leads} disposed; ${errors.join('; ')}`));
          }
        }, 500);
        onProgress = () => {
          if (check()) {
            clearInterval(timer);
            onProgress = () => undefined;
            resolve();
          }
        };
        onProgress();
      });

    // Leases run on the wall clock (the gate's calling hours on the agents' test clock).
    const clockNow = (): number => Date.now();
    tell({ kind: 'go' });
    const steps = [
      { at: o.dncAt, what: 'dnc' as const },
      { at: o.killAt, what: 'kill' as const },
    ]
      .filter((s) => s.at > 0)
      .sort((a, b) => a.at - b.at);
    let dncHeardMs: number[] = [];
    let dncDeaf = 0;
    let killed: TeamPoolRun['killed'] = null;
    for (const step of steps) {
      await until(() => disposed >= step.at * end || done.size + dead.size === workers.length);
      if (step.what === 'dnc') {
        const t0 = performance.timeOrigin + performance.now();
        await store.dnc.addMany(dncNumbers, 'manual', SHIFT_AT);
        const listening = workers.map((_, i) => i).filter((i) => !dead.has(i) && !done.has(i));
        const heardBy = (i: number): number | undefined => heard.get(i)!.find((at) => at >= t0);
        const waitUntil = Date.now() + 5000;
        while (listening.some((i) => heardBy(i) === undefined) && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 10));
        dncHeardMs = listening
          .map(heardBy)
          .filter((x): x is number => x !== undefined)
          .map((at) => at - t0);
        dncDeaf = listening.length - dncHeardMs.length;
      } else {
        // The first agent still working: killed with the lead it holds (mid-call or in wrap-up).
        const victim = workers.findIndex((_, i) => !done.has(i) && !dead.has(i));
        if (victim < 0) continue;
        const agent = users[victim]!;
        dead.add(victim);
        await workers[victim]!.terminate();
        const held = await o.pg.admin(
          (c) => c.query<{ id: number; e164: string }>('SELECT l.id, p.e164 FROM leads l JOIN lead_phones p ON p.lead_id = l.id WHERE l.held_by = $1', [agent]),
          database,
        );
        killed = { agent, leadId: held.rows[0]?.id === undefined ? null : Number(held.rows[0].id), e164: held.rows[0]?.e164 ?? null };
        // Its lease's five minutes pass at once: the claims compare it with the wall clock.
        await o.pg.admin((c) => c.query('UPDATE leads SET lease_until = $2 WHERE held_by = $1', [agent, Date.now()]), database);
      }
    }
    await until(() => done.size + dead.size === workers.length);
    const wallS = (lastDisposition - firstClaim) / 1000;
    // Each app closes as at the end of a day: a lead still on screen goes back to the pool.
    await Promise.all(
      workers
        .map((w, i) =>
          dead.has(i)
            ? undefined
            : Promise.race([
                new Promise((r) => w.on('message', (m: FromTeamAgent) => m.kind === 'stopped' && r(undefined))),
                new Promise((r) => setTimeout(r, 10_000)),
              ]),
        )
        .concat([Promise.resolve(tell({ kind: 'stop' }))]),
    );

    // Calls, not requests: an INVITE answered 407 is sent again with credentials in its call.
    const calls = new Map<string, Set<string>>();
    for (const line of readFileSync(o.sip.logFile, 'utf8').slice(logStart).split('\n')) {
      const m = /RINGSIDE-SEEN INVITE sips?:([^@;\s]+)\S* .*call-id=(\S+)/.exec(line);
      if (m) {
        const e164 = decodeURIComponent(m[1]!);
        calls.set(e164, (calls.get(e164) ?? new Set()).add(m[2]!));
      }
    }
    const invitesSeen = new Map([...calls].map(([e164, ids]) => [e164, ids.size]));
    const counted = await o.pg.admin(async (c) => {
      const d = await c.query<{ n: number; d: number }>('SELECT count(*)::int AS n, count(DISTINCT lead_id)::int AS d FROM dispositions');
      const open = await c.query<{ id: number }>(`SELECT id FROM leads WHERE status IN ('new', 'active') ORDER BY id`);
      const held = await c.query<{ id: number; held_by: string; status: string; left: number }>(
        'SELECT id, held_by, status, (lease_until - $1::bigint)::bigint AS left FROM leads WHERE held_by IS NOT NULL AND lease_until > $1',
        [clockNow()],
      );
      if (killed?.leadId != null) {
        const k = await c.query<{ status: string; lease_until: number | null; d: number }>(
          `SELECT status, lease_until, (SELECT count(*)::int FROM dispositions WHERE lead_id = l.id) AS d FROM leads l WHERE id = $1`,
          [killed.leadId],
        );
        const row = k.rows[0]!;
        killed.back = row.d > 0 || ((row.status === 'new' || row.status === 'active') && (row.lease_until === null || Number(row.lease_until) <= clockNow()));
        killed.disposedBy = (await c.query<{ agent: string }>('SELECT agent FROM dispositions WHERE lead_id = $1', [killed.leadId])).rows.map((r) => r.agent);
      }
      // Dialled but not disposed: what became of each (for the failure message).
      const lost = await c.query<{ e164: string; status: string; held_by: string | null; calls: string }>(
        `SELECT p.e164, l.status, l.held_by, (SELECT string_agg(coalesce(c.outcome, '?') || '/' || coalesce(c.agent, '?'), ',') FROM calls c WHERE c.lead_id = l.id) AS calls
           FROM leads l JOIN lead_phones p ON p.lead_id = l.id
          WHERE p.e164 = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM dispositions d WHERE d.lead_id = l.id)`,
        [[...invitesSeen.keys()]],
      );
      return {
        rows: d.rows[0]!.n,
        leads: d.rows[0]!.d,
        open: open.rows.map((r) => Number(r.id)),
        held: held.rows.map((r) => `lead ${r.id} (${r.status}) held by ${r.held_by} for ${Math.round(Number(r.left) / 1000)} s more`),
        lost: lost.rows,
      };
    }, database);
    return {
      leads: o.leads,
      dncNumbers,
      killed,
      invitesSeen,
      dispositions: { rows: counted.rows, leads: counted.leads },
      openLeads: counted.open,
      heldAtEnd: counted.held,
      dialledNotDisposed: counted.lost.map((r) => `${r.e164} ${r.status} held by ${r.held_by ?? 'nobody'}, calls ${r.calls ?? 'none'}`),
      hiccups,
      claimToInviteMs,
      dncHeardMs,
      dncDeaf,
      perSecond: counted.rows / wallS,
      wallS,
      doneReasons,
      errors,
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

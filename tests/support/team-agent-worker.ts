/**
 * One agent of a team, in a worker thread of its own: the real core (createCore) with its own
 * pool to the team's PostgreSQL and its own SIP registration to Kamailio, driven the way an agent
 * on a progressive campaign works: the core claims a lead and dials it, Kamailio answers (404: no
 * such phone), the agent gives the disposition, the core claims and dials the next. It reports
 * what it saw to the parent (tests/integration/team-pool.test.ts):
 * - when each claim came back and when that lead's INVITE left the WebSocket (claim → INVITE);
 * - when its core heard a Do-Not-Call addition by another app (LISTEN/NOTIFY);
 * - the leads it disposed, and when it ran out of leads.
 *
 * Started bundled (esbuild) so that fifty of them start in seconds. The compliance gate's clock is
 * the test's, a Wednesday noon in Warsaw, so the calling hours allow the calls whenever it runs.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocketImpl from 'ws';
import { createCore } from '../../electron/core/app/create-core.js';
import { openPostgresStore } from '../../electron/core/data/postgres/store.js';
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { accountSchema } from '../../shared/account.js';
import type { TeamDatabase } from '../../shared/team.js';
import type { WorkspaceView } from '../../shared/workspace.js';
import { connectSdpPeer } from './sdp-media-peer.js';

export interface TeamAgentInput {
  user: string;
  password: string;
  wsUrl: string;
  domain: string;
  database: TeamDatabase;
  campaignId: number;
  dataDir: string;
  /** The test clock (epoch ms) at the real moment `clockRef` (Date.now()), shared by every agent. */
  clockAt: number;
  clockRef: number;
  /** Write a CPU profile of the shift here (.cpuprofile, for Chrome's DevTools). */
  profile?: string;
}

/** `finish`: the shift ends: give the result of the lead on screen and take no other. */
export type ToTeamAgent = { kind: 'go' } | { kind: 'finish' } | { kind: 'stop' };
export type FromTeamAgent =
  | { kind: 'ready' }
  /** `at`: epoch ms (performance.timeOrigin + now, comparable across threads). */
  | { kind: 'claimed'; leadId: number; at: number }
  | { kind: 'invite'; e164: string; at: number; claimToInviteMs: number | null }
  | { kind: 'disposed'; leadId: number }
  | { kind: 'dnc-heard'; at: number }
  | { kind: 'done'; reason: string }
  /** A request the core refused for a moment, made again (a database busy past its timeout). */
  | { kind: 'hiccup'; message: string }
  | { kind: 'stopped' }
  | { kind: 'error'; message: string };

const input = workerData as TeamAgentInput;
const post = (m: FromTeamAgent): void => parentPort!.postMessage(m);
const epoch = (): number => performance.timeOrigin + performance.now();

// Claim → INVITE: the moment the INVITE's bytes are handed to the WebSocket, by its number.
const claimedAt = new Map<string, number>();
class TimedWebSocket extends WebSocketImpl {
  override send(data: unknown, ...rest: unknown[]): void {
    if (typeof data === 'string' && data.startsWith('INVITE ')) {
      const user = /^INVITE sips?:([^@;\s]+)/.exec(data)?.[1] ?? '';
      const e164 = decodeURIComponent(user);
      const at = epoch();
      const claimed = claimedAt.get(e164);
      post({ kind: 'invite', e164, at, claimToInviteMs: claimed === undefined ? null : at - claimed });
      claimedAt.delete(e164);
    }
    (super.send as (...a: unknown[]) => void)(data, ...rest);
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = TimedWebSocket;

const now = (): number => input.clockAt + (Date.now() - input.clockRef);

async function main(): Promise<void> {
  const store = await openPostgresStore(input.database);
  // What the core asks of the store, observed: each claim as it returns, each DNC notice as it arrives.
  const claimNext = store.leads.claimNext.bind(store.leads);
  store.leads.claimNext = async (campaignId, claim) => {
    const lead = await claimNext(campaignId, claim);
    if (lead) {
      const at = epoch();
      for (const p of lead.phones) claimedAt.set(p.e164, at);
      post({ kind: 'claimed', leadId: lead.id, at });
    }
    return lead;
  };
  const watch = store.dnc.watch?.bind(store.dnc);
  if (watch) store.dnc.watch = (onChange) => watch((...args) => (post({ kind: 'dnc-heard', at: epoch() }), onChange(...args)));

  const account = accountSchema.parse({
    server: input.wsUrl,
    aor: `sip:${input.user}@${input.domain}`,
    password: input.password,
    team: { name: 'Warsaw outbound', database: input.database },
  });
  const core = createCore({
    accounts: new ProvisionedAccountStore(account),
    store,
    now,
    dataDir: input.dataDir,
    backoff: { baseMs: 200, capMs: 1000 },
    log: { info: () => undefined, warn: () => undefined },
  });
  await core.start();
  const peer = connectSdpPeer(core);
  await peer.request('app:ready', { media: true });
  await peer.waitFor('registration:changed', (r) => r.state === 'registered', 30_000);

  let stopping = false;
  const stop = async (): Promise<void> => {
    stopping = true;
    await core.stop();
    await store.close();
    post({ kind: 'stopped' });
  };

  let finishing = false;
  parentPort!.on('message', (m: ToTeamAgent) => {
    if (m.kind === 'finish') finishing = true;
    else if (m.kind === 'stop') void stop().catch((e: unknown) => post({ kind: 'error', message: String(e) }));
    else if (m.kind === 'go') void work().catch((e: unknown) => post({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
  });

  /**
   * Dispose each call the core dialled, until the campaign has nothing more for this agent or the
   * shift is told to finish (then: pause, so the core takes no next lead, and give the result).
   */
  async function work(): Promise<void> {
    // The newest view: a request's answer, or an event that came after it.
    let view: WorkspaceView;
    /** A request as an agent makes it: one the core refuses for a moment (a busy database) is made again. */
    const ask = async (what: string, make: () => Promise<{ ok: true; value: unknown } | { ok: false; message: string }>): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        const got = await make();
        if (got.ok) {
          if (got.value && typeof got.value === 'object' && 'dispositionRequired' in got.value) view = got.value as WorkspaceView;
          break;
        }
        if (attempt === 10) throw new Error(`${what}: ${got.message}`);
        post({ kind: 'hiccup', message: `${what}: ${got.message}` });
        await new Promise((r) => setTimeout(r, 500));
      }
      // What came before the answer is older than it; the lists stay short over a long shift.
      peer.events.length = 0;
      peer.mediaOps.length = 0;
    };
    /** A refusal because the last call needs its disposition (the view was behind): give it. */
    const disposeIfAsked = async (refused: { ok: false; code?: string }, leadId: number | null): Promise<boolean> => {
      if (refused.code !== 'disposition-required') return false;
      await ask('dispose', () => peer.request('workspace:dispose', { code: 'not-interested', note: '' }));
      post({ kind: 'disposed', leadId: leadId ?? -1 });
      return true;
    };
    await ask('select the campaign', () => peer.request('workspace:select-campaign', { id: input.campaignId }));
    let idle = 0;
    let paused = false;
    while (!stopping) {
      const changed = peer.events.filter((e) => e.channel === 'workspace:changed');
      if (changed.length) view = changed.at(-1)!.payload as WorkspaceView;
      peer.events.length = 0;
      const current = view!.current;
      if (finishing && !paused) {
        // The end of the shift: no next lead after this one; the call under way is finished.
        await ask('pause', () => peer.request('agent:set-state', { state: 'paused', reason: 'End of shift' }));
        paused = true;
        continue;
      }
      if (view!.dispositionRequired && current) {
        await ask('dispose', () => peer.request('workspace:dispose', { code: 'not-interested', note: '' }));
        post({ kind: 'disposed', leadId: current.leadId });
        idle = 0;
        // Told to finish meanwhile, the core may have dialled the next lead already: the loop
        // pauses, then finishes that call too.
      } else if (finishing && !current) {
        return post({ kind: 'done', reason: 'finished' });
      } else if (finishing && current?.stage === 'preview') {
        // A dial may be leaving: its call's view comes soon. A card that stays a preview is given
        // back when the app closes.
        const moved = await peer.waitFor('workspace:changed', (w) => w.dispositionRequired || w.current?.stage !== 'preview', 5000).catch(() => null);
        if (!moved) return post({ kind: 'done', reason: 'finished' });
      } else if (current?.stage === 'preview') {
        // Progressive: the core is dialling it already and the call's view follows. Only a card
        // that stays a preview (a dial that failed) is dialled from here.
        const moved = await peer.waitFor('workspace:changed', (w) => w.dispositionRequired || w.current?.stage !== 'preview', 10_000).catch(() => null);
        if (moved) continue;
        const dialled = await peer.request('workspace:dial', { phoneIndex: current.phoneIndex });
        if (!dialled.ok && !(await disposeIfAsked(dialled, current.leadId))) post({ kind: 'hiccup', message: `dial: ${dialled.message}` });
      } else if (current) {
        const changedMeanwhile = await peer.waitFor('workspace:changed', () => true, 10_000).catch(() => null);
        // A view can be overtaken by the event it would have waited for (the call ended while
        // the answer was on its way): after a quiet while, try the disposition as an agent would.
        if (!changedMeanwhile) {
          const tried = await peer.request('workspace:dispose', { code: 'not-interested', note: '' });
          if (tried.ok) {
            post({ kind: 'disposed', leadId: current.leadId });
            view = tried.value;
          }
        }
      } else {
        // Nothing on screen: the pool is empty, or another agent's lease holds the last leads.
        // Ask again a few times before calling the shift over.
        if (++idle > 20) return post({ kind: 'done', reason: view!.notice ?? 'no lead' });
        await new Promise((r) => setTimeout(r, 100));
        const next = await peer.request('workspace:next', {});
        if (next.ok) view = next.value;
        else if (!(await disposeIfAsked(next, null))) post({ kind: 'hiccup', message: `next: ${next.message}` });
      }
    }
  }

  post({ kind: 'ready' });
}

async function profiled(): Promise<void> {
  if (!input.profile) return main();
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  parentPort!.on('message', (m: ToTeamAgent) => {
    if (m.kind !== 'stop') return;
    void session.post('Profiler.stop').then(({ profile }) => writeFileSync(input.profile!, JSON.stringify(profile)));
  });
  return main();
}

profiled().catch((e: unknown) => post({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
